"""Deployment security (issue 9.16): `check --deploy` at WARNING level is clean, frames are denied except Wagtail's
preview, sessions time out by user type, and gunicorn with DEBUG off serves the site without a version banner."""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from lms.middleware import LAST_SEEN_KEY
from tests.test_settings import BASE_DIR, run_python, settings_in_subprocess

PRODUCTION = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
              "DJANGO_ALLOWED_HOSTS": "hocvien.example.vn"}
PORT = int(os.environ.get("LMS_GUNICORN_TEST_PORT", "8106"))


def test_check_deploy_reports_nothing_at_warning_level():
    code = ("import sys, django; from django.core.management import call_command; django.setup(); "
            "call_command('check', deploy=True, fail_level='WARNING')")
    result = run_python(code, DJANGO_SETTINGS_MODULE="lms.settings.base", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues (0 silenced)" in result.stdout + result.stderr


def test_production_security_settings():
    values = settings_in_subprocess(
        ["X_FRAME_OPTIONS", "SECURE_HSTS_PRELOAD", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
         "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"], **PRODUCTION)
    assert values == {"X_FRAME_OPTIONS": "DENY", "SECURE_HSTS_PRELOAD": True, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                      "SECURE_SSL_REDIRECT": True, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True}


def test_a_local_plain_http_production_like_run_is_one_switch_each():
    values = settings_in_subprocess(
        ["DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_PRELOAD"],
        DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_SECURE_COOKIES="false", DJANGO_SECURE_HSTS_PRELOAD="false",
        **PRODUCTION)
    assert values == {"DEBUG": False, "SECURE_SSL_REDIRECT": False, "SESSION_COOKIE_SECURE": False,
                      "CSRF_COOKIE_SECURE": False, "SECURE_HSTS_PRELOAD": False}


@pytest.mark.django_db
def test_pages_may_not_be_framed(client, officer):
    assert client.get(reverse("login"))["X-Frame-Options"] == "DENY"
    client.force_login(officer.user)
    assert client.get(reverse("courses:my-learning"))["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
class TestSessionIdleTimeout:
    def _login(self, client, username):
        response = client.post(reverse("login"), {"username": username, "password": "matkhau-Demo-2026"})
        assert response.status_code == 302
        client.get(reverse("password_change"))

    def test_officers_get_a_working_day(self, client, officer, settings):
        self._login(client, "officer")
        assert client.session.get_expiry_age() == settings.LMS_SESSION_IDLE_OFFICER == 8 * 60 * 60

    @pytest.mark.parametrize("fixture", ["trainer", "administrator"])
    def test_admin_users_get_less(self, client, request, fixture, settings):
        user = request.getfixturevalue(fixture)
        self._login(client, user.username)
        assert client.session.get_expiry_age() == settings.LMS_SESSION_IDLE_STAFF == 2 * 60 * 60

    def test_activity_keeps_the_session_and_idleness_ends_it(self, client, trainer, settings):
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            self._login(client, "trainer")
            for _ in range(5):  # 5 × 50 minutes of activity: longer than the 2-hour timeout, still signed in
                clock.shift(50 * 60)
                assert client.get(reverse("password_change")).status_code == 200
            first = client.session[LAST_SEEN_KEY]
            clock.shift(60)
            client.get(reverse("password_change"))
            assert client.session[LAST_SEEN_KEY] == first  # not written again within LMS_SESSION_REFRESH
            clock.shift(settings.LMS_SESSION_IDLE_STAFF + 1)
            response = client.get(reverse("password_change"))
            assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- gunicorn with DEBUG off (marked services: .ci/run's last stage; ~2 min for migrate + collectstatic) ---

def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _get(path: str):
    """One request as the reverse proxy would pass it on (HTTPS at the proxy); redirects are not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "hocvien.example.vn", "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


SEED = """
import io
import django
django.setup()
from PIL import Image as Picture
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
data = io.BytesIO()
Picture.new("RGB", (40, 30), "red").save(data, "PNG")
image = Image(title="so-do", file=ImageFile(data, name="so-do.png"))
image.save()
document = Document(title="mau")
document.file.save("mau-01.pdf", ContentFile(b"%PDF-1.4"), save=False)
document.save()
print(image.get_rendition("width-20").url, image.file.url, document.url, "/media/" + document.file.name)
"""


@pytest.fixture(scope="module")
def gunicorn_site(tmp_path_factory):
    """A migrated SQLite database with one image and one document, served by gunicorn with DEBUG off."""
    if not _free(PORT):
        pytest.skip(f"port {PORT} is taken")
    root = tmp_path_factory.mktemp("gunicorn")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="lms.settings.base", DATABASE_URL=f"sqlite:///{root}/db.sqlite3",
               MEDIA_ROOT=str(root / "media"), DJANGO_STATIC_ROOT=str(root / "static"))
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True,
                   timeout=300)
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True,
                   timeout=300)
    made = subprocess.run([python, "-c", SEED], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    rendition, original, document, document_file = made.stdout.split()[-4:]
    server = subprocess.Popen(
        [str(Path(python).with_name("gunicorn")), "lms.wsgi:application", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{PORT}", "--workers", "1"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if not _free(PORT):
                break
            time.sleep(0.1)
        yield {"rendition": rendition, "original": original, "document": document, "document_file": document_file}
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.services  # a real gunicorn process: the PostgreSQL + Redis stage of .ci/run
def test_gunicorn_serves_lesson_images_with_debug_off(gunicorn_site):
    status, headers, body = _get(gunicorn_site["rendition"])
    assert status == 200 and body.startswith(b"\x89PNG")
    assert headers["X-Frame-Options"] == "DENY"
    assert "max-age" in headers["Strict-Transport-Security"] and "preload" in headers["Strict-Transport-Security"]


@pytest.mark.services  # a real gunicorn process: the PostgreSQL + Redis stage of .ci/run
def test_gunicorn_keeps_private_files_private(gunicorn_site):
    assert _get(gunicorn_site["original"])[0] == 302
    assert _get(gunicorn_site["document"])[0] == 302  # login first
    assert _get(gunicorn_site["document_file"])[0] == 404  # never from MEDIA_URL


@pytest.mark.services  # a real gunicorn process: the PostgreSQL + Redis stage of .ci/run
def test_gunicorn_sends_no_version_banner(gunicorn_site):
    _status, headers, _body = _get("/accounts/login/")
    server = headers.get("Server", "")
    assert not any(ch.isdigit() for ch in server), server
    assert "Python" not in server and "WSGIServer" not in server
