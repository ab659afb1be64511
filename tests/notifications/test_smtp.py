"""One notification through a real SMTP server on localhost (aiosmtpd), read back as the recipient's client would."""

import datetime as dt
import email
import email.policy
import re
import socket

import pytest
from aiosmtpd.controller import Controller

from notifications import services
from notifications.models import Notification
from tests.notifications.conftest import TODAY

pytestmark = pytest.mark.django_db


class Collect:
    """Keeps each message's bytes exactly as they came over the wire."""

    def __init__(self):
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.original_content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def test_a_digest_through_real_smtp(smtp_server, leader, officer, holds, unit_tree,
                                    django_capture_on_commit_callbacks):
    from tests.people.factories import OfficerFactory

    holds(officer, TODAY + dt.timedelta(days=200))
    holds(OfficerFactory(unit=unit_tree["team_a"]), TODAY - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.run_job("digest", today=TODAY)
    assert Notification.objects.get().status == "sent"
    [(sender, recipients, raw)] = smtp_server.messages
    assert recipients == [leader.email] and sender == "no-reply@localhost"
    message = email.message_from_bytes(raw, policy=email.policy.default)
    # Headers: the Vietnamese subject is RFC 2047-encoded on the wire (7-bit headers) and decodes back exactly.
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii() and re.search(rb"^Subject:\s+=\?utf-8\?[bq]\?", head, re.IGNORECASE | re.MULTILINE)
    # (Django folds a long encoded subject after "Subject:", so the unfolded value starts with the fold's space.)
    assert message["Subject"].strip() == "Bản tin tuần của UBND phường Gia Định: đạt 50,0 %"
    assert message["To"] == leader.email
    assert "Học viện Một cửa" in message["From"]
    assert message["List-Unsubscribe"].strip().startswith("<http://testserver/thong-bao/huy-nhan/")
    # Both parts, each decoded to Vietnamese text with absolute links only.
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert text.startswith("Kính gửi đồng chí Lê Minh Đức,")
    assert f"http://testserver/quan-ly/nang-luc/{unit_tree['ward_a'].pk}/" in text
    assert f'href="http://testserver/quan-ly/nang-luc/{unit_tree["ward_a"].pk}/tai-quay/"' in html
    assert "Sẵn sàng tại quầy" in html and 'href="/' not in html


def test_smtp_refusal_is_recorded(settings, enrol, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    enrol(TODAY + dt.timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        services.run_job("due", today=TODAY)
    notification = Notification.objects.get()
    assert notification.status == "failed" and "ConnectionRefusedError" in notification.error
