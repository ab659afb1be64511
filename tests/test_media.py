"""User media in production (issue 9.7): lesson images are served with DEBUG off; nothing private is.

Layout (lms/media.py, docs/operations.md): renditions public, originals for logged-in users, documents only
through Wagtail's login-only view, certificates outside MEDIA_ROOT.
"""

import os

import pytest
import wagtail_factories
from django.core.files.base import ContentFile
from django.test import override_settings
from wagtail.documents import get_document_model

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_debug_off")]


@pytest.fixture
def _debug_off(settings):
    settings.DEBUG = False


@pytest.fixture
def image():
    return wagtail_factories.ImageFactory(title="Sơ đồ quy trình")


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_lesson_image_rendition_is_public_and_cacheable(client, image):
    rendition = image.get_rendition("width-600")
    assert rendition.url.startswith("/media/images/")
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert "public" in response["Cache-Control"]
    assert _body(response) == rendition.file.open("rb").read()
    again = client.get(rendition.url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304


def test_originals_need_a_login(client, officer, image):
    url = image.file.url
    assert url.startswith("/media/original_images/")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(officer.user)
    response = client.get(url)
    assert response.status_code == 200 and "private" in response["Cache-Control"]


def test_documents_and_everything_else_under_media_are_not_served(client, officer, settings):
    document = get_document_model()(title="Mẫu 01")
    document.file.save("mau-01.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()
    client.force_login(officer.user)
    assert client.get(f"/media/{document.file.name}").status_code == 404
    (settings.MEDIA_ROOT / "notes.txt").write_text("x")
    for path in ["/media/notes.txt", "/media/images/", "/media/images/../documents/" + os.path.basename(
            document.file.name), "/media/images/%2e%2e/notes.txt", "/media/images/missing.png",
            "/media/original_images/../../../etc/passwd"]:
        assert client.get(path).status_code == 404, path
    assert client.post("/media/images/x.png").status_code == 405


def test_a_symlink_cannot_lead_out_of_the_public_folder(client, settings, image):
    rendition = image.get_rendition("width-600")
    secret = settings.MEDIA_ROOT / "secret.txt"
    secret.write_text("bí mật")
    os.symlink(secret, settings.MEDIA_ROOT / "images" / "link.txt")
    assert client.get("/media/images/link.txt").status_code == 404
    assert client.get(rendition.url).status_code == 200


@override_settings(DEBUG=True)
def test_the_same_rules_hold_with_debug_on(client, image):
    assert client.get(image.get_rendition("width-600").url).status_code == 200
    assert client.get(image.file.url).status_code == 302
