"""The main navigation: every entry is a real URL (a renamed or missing page fails here, it never vanishes)."""

import pytest
from django.urls import reverse

from people.context_processors import nav_items_for
from tests.people.factories import UserFactory


def names(items):
    return [item["name"] for item in items]


def test_an_officer_who_leads_and_administers_sees_every_entry_in_order(leader):
    items = nav_items_for(user=leader.user, officer=leader, leader=True, trainer=False, administrator=True,
                          path=reverse("dashboards:unit", args=[leader.unit.pk]))
    assert names(items) == ["courses:my-learning", "courses:catalogue", "certificates:mine", "dashboards:units",
                            "dashboards:trainer-courses", "wagtailadmin_home"]
    assert [item["url"] for item in items] == [reverse(name) for name in names(items)]
    assert [item["name"] for item in items if item["current"]] == ["dashboards:units"]


@pytest.mark.django_db
def test_a_trainer_without_officer_record_sees_courses_and_administration():
    user = UserFactory(username="gv", groups=["Trainer"])
    items = nav_items_for(user=user, officer=None, leader=False, trainer=True, administrator=False, path="/")
    assert names(items) == ["courses:catalogue", "dashboards:trainer-courses", "wagtailadmin_home"]
    assert not any(item["current"] for item in items)


def test_every_page_renders_the_navigation_links(client, officer):
    client.force_login(officer.user)
    html = client.get(reverse("courses:my-learning")).content.decode()
    for name in ("courses:my-learning", "courses:catalogue", "certificates:mine"):
        assert f'href="{reverse(name)}"' in html
    assert f'href="{reverse("certificates:verify")}"' in html  # the footer link


@pytest.mark.django_db
def test_the_welcome_page_links_the_catalogue(client):
    client.force_login(UserFactory(username="khach"))
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("courses:catalogue")}"' in html
