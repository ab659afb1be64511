"""The centre: the bell's count (one query), the list and its filters, mark one / all read, open, mute settings."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Kind, Mute, Notification

pytestmark = pytest.mark.django_db


def make(user, n=1, kind=Kind.OVERDUE, **kwargs):
    content_type = ContentType.objects.get_for_model(user)
    existing = Notification.objects.count()
    return [Notification.objects.create(recipient=user, kind=kind, subject_type=content_type,
                                        subject_id=user.pk, period=str(existing + i),
                                        title=f"Thông báo {existing + i}", body="Nội dung\ndòng hai",
                                        link="/hoc-tap/", **kwargs) for i in range(n)]


@pytest.fixture
def logged_in(client, officer):
    client.force_login(officer.user)
    return client


def test_bell_shows_the_unread_count_in_one_query(logged_in, officer, other_unit_officer):
    make(officer.user, 3)
    make(other_unit_officer.user, 2)
    make(officer.user, 1, read_at="2026-12-01T08:00:00+07:00")
    with CaptureQueriesContext(connection) as queries:
        page = logged_in.get("/hoc-tap/")
    html = page.content.decode()
    assert '<span class="bell-count">3</span>' in html and "3 thông báo chưa đọc" in html
    bell = [q for q in queries.captured_queries if '"notifications_notification"' in q["sql"]]
    assert len(bell) == 1 and "COUNT" in bell[0]["sql"]


def test_no_bell_count_without_unread(logged_in):
    html = logged_in.get("/hoc-tap/").content.decode()
    assert 'class="bell"' in html and "bell-count" not in html


def test_list_is_own_newest_first_with_filters_and_fixed_queries(logged_in, officer, other_unit_officer,
                                                                 django_assert_max_num_queries):
    make(officer.user, 5)
    make(officer.user, 2, kind=Kind.DIGEST, read_at="2026-12-01T08:00:00+07:00")
    make(other_unit_officer.user, 3)
    with django_assert_max_num_queries(12) as few:
        page = logged_in.get("/thong-bao/")
    make(officer.user, 10)
    with django_assert_max_num_queries(len(few)):
        page = logged_in.get("/thong-bao/")
    html = page.content.decode()
    assert html.index("Thông báo 19") < html.index("Thông báo 0")
    assert "Thông báo 8" not in html  # the other officer's
    assert "Nội dung<br>dòng hai" in html
    digest = logged_in.get("/thong-bao/?kind=digest").content.decode()
    assert "Thông báo 5" in digest and "Thông báo 0" not in digest
    unread = logged_in.get("/thong-bao/?state=unread").content.decode()
    assert "Thông báo 5" not in unread and "Thông báo 0" in unread
    assert logged_in.get("/thong-bao/?kind=nonsense&state=x&page=abc").status_code == 200
    assert "Không có thông báo nào khớp" in logged_in.get("/thong-bao/?kind=marking").content.decode()


def test_open_marks_read_and_goes_to_the_object(logged_in, officer):
    [n] = make(officer.user)
    assert logged_in.get(f"/thong-bao/{n.pk}/").status_code == 405
    response = logged_in.post(f"/thong-bao/{n.pk}/")
    assert response.status_code == 302 and response["Location"] == "/hoc-tap/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_one_and_all_read(logged_in, officer, other_unit_officer):
    first, second, third = make(officer.user, 3)
    [theirs] = make(other_unit_officer.user)
    assert logged_in.post(f"/thong-bao/{theirs.pk}/da-doc/").status_code == 404
    response = logged_in.post(f"/thong-bao/{first.pk}/da-doc/", {"next": "/thong-bao/?state=unread"})
    assert response["Location"] == "/thong-bao/?state=unread"
    assert logged_in.post(f"/thong-bao/{first.pk}/da-doc/", {"next": "https://evil.example/"})["Location"] \
        == "/thong-bao/"
    assert Notification.objects.filter(read_at__isnull=True, recipient=officer.user).count() == 2
    page = logged_in.post("/thong-bao/da-doc-tat-ca/", follow=True)
    assert "Đã đánh dấu 2 thông báo là đã đọc." in page.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True, recipient=officer.user).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_needs_csrf(client, officer):
    [n] = make(officer.user)
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer.user)
    assert strict.post(f"/thong-bao/{n.pk}/da-doc/").status_code == 403


def test_settings_mute_optional_kinds_only(logged_in, officer):
    page = logged_in.get("/thong-bao/cai-dat/").content.decode()
    assert "Bản tin tuần cho lãnh đạo" in page and "Luôn được gửi" in page and "Khóa học quá hạn" in page
    response = logged_in.post("/thong-bao/cai-dat/", {"muted": ["digest", "overdue", "bogus"]}, follow=True)
    assert "Đã lưu cài đặt thông báo" in response.content.decode()
    assert list(Mute.objects.filter(user=officer.user).values_list("kind", flat=True)) == ["digest"]
    assert 'value="digest" checked' in logged_in.get("/thong-bao/cai-dat/").content.decode()
    logged_in.post("/thong-bao/cai-dat/", {})
    assert not Mute.objects.exists()
