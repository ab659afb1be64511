"""The admin log: what was sent to whom and when, with status and error; send again; a recipient's history."""

import pytest
from django.core import mail

from notifications.models import Kind, Notification
from tests.notifications.test_views import make

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_listing_shows_status_and_is_for_administrators_only(admin_client, client, officer, trainer,
                                                             django_assert_max_num_queries):
    make(officer.user, 3, email="lan@example.vn", status=Notification.Status.FAILED, error="SMTPException: 421")
    with django_assert_max_num_queries(40):
        page = admin_client.get("/admin/notifications/")
    html = page.content.decode()
    assert page.status_code == 200 and "Nguyễn Thị Lan" in html and "lan@example.vn" in html and "Thất bại" in html
    client.force_login(trainer)
    assert client.get("/admin/notifications/").status_code in (302, 403)


def test_inspect_shows_the_error_and_resend_sends_once(admin_client, officer, django_capture_on_commit_callbacks):
    [n] = make(officer.user, email="old@example.vn", status=Notification.Status.FAILED, error="SMTPException: 421",
               attempts=6)
    html = admin_client.get(f"/admin/notifications/inspect/{n.pk}/").content.decode()
    assert "SMTPException: 421" in html and "Gửi lại" in html
    confirm = admin_client.get(f"/admin/notifications/{n.pk}/send-again/").content.decode()
    assert officer.email in confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/notifications/{n.pk}/send-again/")
    assert response.status_code == 302
    n.refresh_from_db()
    assert (n.status, n.email, n.attempts) == ("sent", officer.email, 7)
    assert [m.to for m in mail.outbox] == [[officer.email]]


def test_recipient_history(admin_client, officer, other_unit_officer):
    make(officer.user, 2, kind=Kind.DIGEST)
    make(other_unit_officer.user, 1)
    html = admin_client.get(f"/admin/notifications/recipient/{officer.user.pk}/").content.decode()
    assert "Thông báo đã gửi cho Nguyễn Thị Lan" in html
    assert html.count("Bản tin tuần cho lãnh đạo") == 2 and "Thông báo 2" not in html
    assert admin_client.get("/admin/notifications/recipient/999999/").status_code == 404
