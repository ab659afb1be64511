"""Lesson documents (/documents/<id>/<file>) are course content: login-only, like the course pages (issue 9.14)."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.shortcuts import resolve_url
from wagtail.documents import get_document_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    document = get_document_model()(title="Mẫu 01 — Giấy tiếp nhận hồ sơ")
    document.file.save("mau-01.pdf", ContentFile(b"%PDF-1.4 mau 01"), save=False)
    document.save()
    return document


def test_anonymous_visitors_are_sent_to_the_login_page_and_back(client, document):
    response = client.get(document.url)
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == resolve_url(settings.LOGIN_URL) == resolve_url(settings.WAGTAIL_FRONTEND_LOGIN_URL)
    assert parse_qs(location.query) == {"next": [document.url]}


def test_a_logged_in_officer_downloads_it(client, officer, document):
    client.force_login(officer.user)
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 mau 01"
    assert 'filename="mau-01.pdf"' in response["Content-Disposition"]


def test_documents_go_through_the_view_not_the_media_url(document):
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    assert not document.url.startswith(settings.MEDIA_URL)
