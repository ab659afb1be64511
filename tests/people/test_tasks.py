"""The invitation e-mail: the officer_invite service and officer_invite_task, run eagerly with locmem mail.

The same task through a real `celery worker` process is in tests/test_celery_worker.py (services stage).
"""

import smtplib
from urllib.parse import urlparse

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import resolve
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from people import tasks
from people.services import InvitationError, officer_invite
from people.tasks import officer_invite_task
from tests.people.factories import OfficerFactory, UserFactory


@pytest.fixture
def new_officer(unit_tree):
    """An imported officer: unusable password, never invited."""
    user = UserFactory(username="cb00123", groups=["Officer"])
    user.set_unusable_password()
    user.save()
    return OfficerFactory(user=user, full_name="Đặng Thị Ngọc Ánh", employee_code="CB00123",
                          email="anh.dang@example.vn", unit=unit_tree["centre_a"])


def _link(message) -> str:
    return next(line.strip() for line in message.body.splitlines() if "/accounts/reset/" in line)


@pytest.fixture
def eager_retries():
    """Let eager mode follow retries: with eager propagation on, Celery raises Retry instead of re-running."""
    from lms.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


def _failing_sends(monkeypatch, failures: int, exc: Exception):
    """Make the locmem backend fail `failures` times with `exc`, then deliver normally."""
    original = EmailBackend.send_messages
    calls = {"n": 0}

    def flaky(self, messages):
        calls["n"] += 1
        if calls["n"] <= failures:
            raise exc
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    return calls


@pytest.mark.django_db
def test_invite_sends_vietnamese_set_password_link_and_records_it(new_officer, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://hocvien.example.vn/"

    assert officer_invite(officer=new_officer) is True

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anh.dang@example.vn"]
    with translation.override("vi"):
        expected_subject = translation.gettext("Set your password for %(site_name)s") % {
            "site_name": "Học viện Một cửa"}
        greeting = translation.gettext("Dear %(name)s,") % {"name": "Đặng Thị Ngọc Ánh"}
    assert message.subject == expected_subject
    assert greeting in message.body
    assert "cb00123" in message.body
    link = _link(message)
    assert link.startswith("https://hocvien.example.vn/accounts/reset/")
    match = resolve(urlparse(link).path)
    assert match.url_name == "password_reset_confirm"
    user_pk = int(force_str(urlsafe_base64_decode(match.kwargs["uidb64"])))
    assert user_pk == new_officer.user.pk
    assert default_token_generator.check_token(new_officer.user, match.kwargs["token"])
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and link in html
    new_officer.refresh_from_db()
    assert new_officer.invited_at is not None


@pytest.mark.django_db
def test_second_invite_is_not_sent_unless_forced(new_officer):
    assert officer_invite(officer=new_officer) is True
    first_sent = new_officer.invited_at

    assert officer_invite(officer=new_officer) is False
    assert len(mail.outbox) == 1

    assert officer_invite(officer=new_officer, force=True) is True
    assert len(mail.outbox) == 2
    new_officer.refresh_from_db()
    assert new_officer.invited_at >= first_sent


@pytest.mark.django_db
def test_invite_falls_back_to_the_account_email(new_officer):
    new_officer.email = ""
    new_officer.save()
    new_officer.user.email = "login@example.vn"
    new_officer.user.save()
    officer_invite(officer=new_officer)
    assert mail.outbox[0].to == ["login@example.vn"]


@pytest.mark.django_db
def test_officer_without_email_or_inactive_is_refused(new_officer):
    new_officer.email = ""
    new_officer.save()
    new_officer.user.email = ""
    new_officer.user.save()
    with pytest.raises(InvitationError):
        officer_invite(officer=new_officer)
    new_officer.email = "anh.dang@example.vn"
    new_officer.is_active = False
    new_officer.save()
    with pytest.raises(InvitationError):
        officer_invite(officer=new_officer)
    assert mail.outbox == []
    new_officer.refresh_from_db()
    assert new_officer.invited_at is None


@pytest.mark.django_db
def test_task_sends_once_then_skips(new_officer):
    assert officer_invite_task.delay(new_officer.pk).get() == "sent"
    assert officer_invite_task.delay(new_officer.pk).get() == "skipped"
    assert officer_invite_task.delay(new_officer.pk, force=True).get() == "sent"
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_task_reports_missing_officer_and_unusable_data_without_retrying(new_officer, monkeypatch):
    calls = _failing_sends(monkeypatch, 0, OSError())
    assert officer_invite_task.delay(999_999).get() == "missing"
    new_officer.email = ""
    new_officer.save()
    new_officer.user.email = ""
    new_officer.user.save()
    assert officer_invite_task.delay(new_officer.pk).get() == "failed"
    assert calls["n"] == 0


@pytest.mark.django_db
def test_task_retries_transient_mail_errors_then_succeeds(new_officer, monkeypatch, eager_retries):
    calls = _failing_sends(monkeypatch, 2, smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))

    assert officer_invite_task.delay(new_officer.pk).get() == "sent"

    assert calls["n"] == 3
    assert len(mail.outbox) == 1
    new_officer.refresh_from_db()
    assert new_officer.invited_at is not None


@pytest.mark.django_db
def test_task_gives_up_after_max_retries_and_leaves_officer_uninvited(new_officer, monkeypatch, eager_retries):
    calls = _failing_sends(monkeypatch, 100, ConnectionRefusedError(111, "Connection refused"))

    result = officer_invite_task.delay(new_officer.pk)

    assert result.failed()
    with pytest.raises(ConnectionRefusedError):
        result.get()

    assert calls["n"] == officer_invite_task.max_retries + 1
    assert mail.outbox == []
    new_officer.refresh_from_db()
    assert new_officer.invited_at is None


@pytest.mark.django_db
def test_refused_recipient_is_not_retried(new_officer, monkeypatch):
    calls = _failing_sends(monkeypatch, 100, smtplib.SMTPRecipientsRefused({"anh.dang@example.vn": (550, b"no")}))
    assert officer_invite_task.delay(new_officer.pk).get() == "failed"
    assert calls["n"] == 1


def test_task_reliability_settings():
    assert officer_invite_task.acks_late is True
    assert officer_invite_task.max_retries == 5
    assert [tasks.retry_countdown(n) for n in range(4)] == [30, 60, 120, 240]
    assert tasks.retry_countdown(20) == tasks.RETRY_MAX_SECONDS
