"""The site and routed page from the shared cache (lms/routing.py CachedRouteMiddleware): the second request to a
page reads neither from the database, and every change to the tree is seen by the next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from tests.courses.factories import LessonPageFactory, build_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(officer, client):
    course = build_course(modules=1, lessons=1, title="Tiếp nhận hồ sơ")
    client.force_login(officer.user)
    return course.get_children().first().get_children().first().specific


def tree_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    sql = [q["sql"] for q in ctx.captured_queries]
    return response, [q for q in sql if 'FROM "wagtailcore_site"' in q or 'FROM "wagtailcore_page"' in q]


def test_the_second_request_reads_no_site_and_no_page(client, lesson):
    first, first_tree = tree_queries(client, lesson.url)
    assert first.status_code == 200 and first_tree  # the first one routes
    second, tree = tree_queries(client, lesson.url)
    assert second.status_code == 200 and lesson.title in second.content.decode()
    # Only the view restrictions of the page and its ancestors are read again (one query, joined on the tree).
    # No site lookup, no routing by address or slug (the lesson's own outline and parent are its template's).
    assert [q for q in tree if 'FROM "wagtailcore_site"' in q or '"wagtailcore_page"."url_path" =' in q
            or '"wagtailcore_page"."slug" =' in q] == []


def test_a_published_change_is_served_at_once(client, lesson):
    client.get(lesson.url)
    lesson.title = "Bài đã sửa"
    lesson.save_revision().publish()
    assert "Bài đã sửa" in client.get(lesson.url).content.decode()


def test_unpublished_and_deleted_pages_are_404_at_once(client, lesson):
    client.get(lesson.url)
    url = lesson.url
    lesson.unpublish()
    assert client.get(url).status_code == 404
    lesson.save_revision().publish()
    assert client.get(url).status_code == 200
    Page.objects.get(pk=lesson.pk).delete()
    assert client.get(url).status_code == 404


def test_a_moved_or_renamed_page_leaves_its_old_address(client, lesson):
    old = lesson.url
    client.get(old)
    lesson.slug = "bai-moi"
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(lesson.url).status_code == 200
    other = build_course(modules=1, lessons=0, title="Khóa khác").get_children().first()
    before = lesson.url
    Page.objects.get(pk=lesson.pk).move(other, pos="last-child")
    lesson.refresh_from_db()
    moved = client.get(before)  # Wagtail's redirects app sends the old address on to the new one
    assert moved.status_code == 404 or moved["Location"].endswith(lesson.url)
    assert client.get(lesson.url).status_code == 200


def test_unknown_addresses_are_not_cached_and_still_404(client, lesson):
    assert client.get(lesson.url + "khong-co/").status_code == 404
    assert client.get(lesson.url + "khong-co/").status_code == 404
    LessonPageFactory(parent=lesson.get_parent(), title="Khong co", slug="khong-co")
    assert client.get(lesson.get_parent().url + "khong-co/").status_code == 200


def test_a_site_change_is_seen_at_once(client, lesson):
    client.get(lesson.url)
    _response, tree = tree_queries(client, lesson.url)
    assert not [q for q in tree if 'FROM "wagtailcore_site"' in q]
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Học viện Một cửa"
    site.save()
    response, tree = tree_queries(client, lesson.url)
    assert response.status_code == 200 and [q for q in tree if 'FROM "wagtailcore_site"' in q]


def test_anonymous_visitors_still_meet_the_view_restriction(client, lesson):
    client.get(lesson.url)
    client.logout()
    response = client.get(lesson.url)
    assert response.status_code == 302 and "next=" in response["Location"]


def test_a_restriction_added_or_changed_applies_at_once(client, lesson):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    assert client.get(lesson.url).status_code == 200
    _response, tree = tree_queries(client, lesson.url)
    assert not [q for q in tree if "wagtailcore_pageviewrestriction" in q and "DISTINCT" in q]  # from the cache
    restriction = PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.GROUPS)
    leaders = Group.objects.get_or_create(name="Lãnh đạo thử")[0]
    restriction.groups.add(leaders)
    assert client.get(lesson.url).status_code in (302, 403)  # the officer is not in the group
    restriction.groups.add(Group.objects.get_or_create(name="Officer")[0])  # open to officers (the fixture's)
    assert client.get(lesson.url).status_code == 200
    restriction.delete()
    assert client.get(lesson.url).status_code == 200
