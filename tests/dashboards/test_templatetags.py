"""The layout's template helpers."""

from datetime import timedelta

from django.template import Context, Template
from django.test import RequestFactory


def render(source, **context):
    return Template("{% load ui %}" + source).render(Context(context))


def test_pagination_links_keep_the_other_parameters():
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    request = RequestFactory().get("/x/", {"q": "lan", "role": "TN", "page": "2"})
    html = render_to_string("includes/pagination.html",
                            {"page_obj": Paginator(range(30), 10).get_page(2)}, request=request)
    assert 'href="?q=lan&amp;role=TN&amp;page=1" rel="prev"' in html
    assert 'href="?q=lan&amp;role=TN&amp;page=3" rel="next"' in html


def test_minutes_rounds_up():
    assert render("{{ d|minutes }}", d=timedelta(minutes=15)) == "15"
    assert render("{{ d|minutes }}", d=timedelta(seconds=61)) == "2"
    assert render("{{ h|minutes }}", h=0.25) == "15"
