"""The layout's template helpers."""

from datetime import timedelta

from django.template import Context, Template
from django.test import RequestFactory


def render(source, **context):
    return Template("{% load ui %}" + source).render(Context(context))


def test_optional_url_resolves_existing_names():
    assert render('{% optional_url "login" %}') == "/accounts/login/"
    assert render('{% optional_url "dashboards:unit" 7 %}') == "/quan-ly/units/7/"


def test_optional_url_skips_missing_names():
    assert render('{% optional_url "nowhere:page" as url %}[{{ url }}]') == "[]"


def test_query_replace_keeps_other_parameters():
    request = RequestFactory().get("/x/", {"q": "lan", "role": "TN", "page": "2"})
    out = render("{% query_replace page=3 %}", request=request)
    assert out == "q=lan&amp;role=TN&amp;page=3"
    assert render('{% query_replace page="" %}', request=request) == "q=lan&amp;role=TN"


def test_minutes_rounds_up():
    assert render("{{ d|minutes }}", d=timedelta(minutes=15)) == "15"
    assert render("{{ d|minutes }}", d=timedelta(seconds=61)) == "2"
    assert render("{{ h|minutes }}", h=0.25) == "15"
