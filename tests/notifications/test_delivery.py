"""The e-mail after commit: Vietnamese, both parts, absolute links; a failure recorded and retried, never doubled;
the certificate-ready e-mail folded into the log."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from notifications import services
from notifications.models import Kind, Notification
from tests.notifications.conftest import TODAY

pytestmark = pytest.mark.django_db


class FlakyBackend(EmailBackend):
    """Refuses while `failures` is positive (class attribute: each send builds a new backend)."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Máy chủ ngắt kết nối")
        return super().send_messages(messages)


def test_email_is_vietnamese_with_both_parts_and_absolute_links(enrol, django_capture_on_commit_callbacks):
    enrolment = enrol(TODAY + dt.timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        services.run_job("due", today=TODAY)
    [message] = mail.outbox
    assert message.to == [enrolment.officer.email]
    assert message.subject == "Hạn hoàn thành 04/01/2027: Tiếp nhận hồ sơ theo Nghị định 118/2025/NĐ-CP"
    assert message.body.startswith("Kính gửi đồng chí Nguyễn Thị Lan,")
    assert f"http://testserver/hoc-tap/ghi-danh/{enrolment.pk}/tiep-tuc/" in message.body
    assert "http://testserver/thong-bao/" in message.body
    assert "huy-nhan" not in message.body  # a mandatory kind has no unsubscribe link
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and '<html lang="vi">' in html
    assert f'href="http://testserver/hoc-tap/ghi-danh/{enrolment.pk}/tiep-tuc/"' in html
    assert 'href="/' not in html
    notification = Notification.objects.get()
    assert (notification.status, notification.attempts, notification.error) == ("sent", 1, "")
    assert notification.sent_at is not None


def test_optional_kind_has_an_unsubscribe_link_that_mutes(leader, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.run_job("digest", today=TODAY)
    [message] = mail.outbox
    assert message.body.startswith("Kính gửi đồng chí Lê Minh Đức,")
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://testserver/thong-bao/huy-nhan/") and url in message.body
    path = url.removeprefix("http://testserver")
    page = client.get(path)
    assert page.status_code == 200 and "Bản tin tuần cho lãnh đạo" in page.content.decode()
    assert not leader.user.notification_mutes.exists()  # GET asks, never writes
    assert client.post(path).status_code == 200
    assert list(leader.user.notification_mutes.values_list("kind", flat=True)) == [Kind.DIGEST]
    assert services.run_job("digest", today=TODAY + dt.timedelta(days=7)).created == 0


def test_a_tampered_unsubscribe_link_is_refused(client, leader):
    token = services.unsubscribe_token(user_id=leader.user.pk, kind=Kind.DIGEST)
    assert client.get(f"/thong-bao/huy-nhan/{token}x/").status_code == 400
    mandatory = services.unsubscribe_token(user_id=leader.user.pk, kind=Kind.OVERDUE)
    response = client.post(f"/thong-bao/huy-nhan/{mandatory}/")
    assert response.status_code == 400 and "không hợp lệ" in response.content.decode()
    assert not leader.user.notification_mutes.exists()


def test_a_failed_send_is_recorded_retried_and_never_duplicated(enrol, settings,
                                                                 django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.FlakyBackend"
    FlakyBackend.failures = 100
    enrol(TODAY + dt.timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        services.run_job("due", today=TODAY)  # the task retries (eagerly, at once here) and gives up
    notification = Notification.objects.get()
    assert notification.status == "failed"
    assert "SMTPServerDisconnected: Máy chủ ngắt kết nối" in notification.error
    assert notification.attempts >= 2
    tries = notification.attempts
    FlakyBackend.failures = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notifications_retry_failed() == 1
    notification.refresh_from_db()
    assert (notification.status, notification.error, notification.attempts) == ("sent", "", tries + 1)
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):  # again, and the task redelivered: nothing more
        assert services.notifications_retry_failed() == 0
        services.notification_send(notification_id=notification.pk)
    assert len(mail.outbox) == 1


def test_no_address_is_recorded_not_sent(enrol, officer, django_capture_on_commit_callbacks):
    type(officer).objects.filter(pk=officer.pk).update(email="")
    type(officer.user).objects.filter(pk=officer.user.pk).update(email="")
    enrol(TODAY + dt.timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        services.run_job("due", today=TODAY)
    assert Notification.objects.get().status == "no_address"
    assert mail.outbox == []


def test_certificate_ready_is_one_notification_and_one_email(officer, django_capture_on_commit_callbacks):
    from certificates import services as certificate_services
    from certificates.tasks import certificate_render_pdf_task
    from tests.certificates.factories import EnrolmentFactory, make_course

    course = make_course()
    enrolment = EnrolmentFactory(officer=officer, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_services.certificate_issue(officer=officer, course=course, enrolment=enrolment)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_render_pdf_task.apply(args=[certificate.pk])  # a redelivery: no second notification
    certificate.refresh_from_db()
    [notification] = Notification.objects.filter(kind=Kind.CERTIFICATE_READY)
    assert notification.subject == certificate and notification.recipient == officer.user
    assert notification.link == f"/chung-nhan/{certificate.pk}/tai-ve/"
    [message] = mail.outbox
    assert certificate.serial in message.subject and message.subject.startswith("Giấy chứng nhận số")
    assert f"http://testserver/chung-nhan/xac-minh/{certificate.code}/" in message.body


def test_a_course_published_for_the_first_time_is_announced_once(officer, other_unit_officer,
                                                                  django_capture_on_commit_callbacks):
    from tests.courses.factories import CoursePageFactory

    services.mutes_set(user=other_unit_officer.user, kinds=[Kind.NEW_COURSE])
    course = CoursePageFactory(title="Chuyển đổi số trong giải quyết thủ tục hành chính", summary="Khóa mới.")
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision().publish()
    [n] = Notification.objects.filter(kind=Kind.NEW_COURSE)
    assert (n.recipient, n.subject, n.body) == (officer.user, course, "Khóa mới.")
    assert n.title == "Khóa học mới trong danh mục: Chuyển đổi số trong giải quyết thủ tục hành chính"
    assert n.link == course.get_url()
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision().publish()  # an edit published later: nothing more
    assert Notification.objects.filter(kind=Kind.NEW_COURSE).count() == 1
    assert len(mail.outbox) == 1 and "huy-nhan" in mail.outbox[0].body
