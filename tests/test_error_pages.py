"""Vietnamese error pages everywhere, the Wagtail admin included, and never a traceback when DEBUG is off.

400 (bad request), 403 (permission), 403 (CSRF failure), 404 and 500, on the site and in the admin.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.courses.factories import build_course

pytestmark = pytest.mark.django_db

TRACEBACK_SIGNS = ("Traceback", "RuntimeError", "Request Method:", "Django Version", "DEBUG = True", "urlpatterns",
                   "Page not found (404)", "Forbidden (403)", "CSRF verification failed", "Bad Request (400)")


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def anonymous() -> Client:
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="vi")


def logged_in(user, **kwargs) -> Client:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="vi", **kwargs)
    client.force_login(user)
    return client


def assert_clean(response, status: int, *vietnamese: str):
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="vi">' in html or 'lang="vi"' in html
    for text in vietnamese:
        assert text in html, text
    for sign in TRACEBACK_SIGNS:
        assert sign not in html, sign


class TestSite:
    def test_404(self, officer):
        assert_clean(anonymous().get("/khong-co-trang-nay/"), 404, "Không tìm thấy trang")
        assert_clean(logged_in(officer.user).get("/khoa-hoc/khong-co/"), 404, "Không tìm thấy trang")
        assert_clean(logged_in(officer.user).get("/kiem-tra/lan-lam/999999/ket-qua/"), 404, "Không tìm thấy trang")

    def test_403(self, officer):
        assert_clean(logged_in(officer.user).get(reverse("courses:assign")), 403, "Không có quyền truy cập")

    def test_500(self, officer, monkeypatch):
        from courses import views

        def boom(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr(views.selectors, "my_learning", boom, raising=False)
        monkeypatch.setattr(views, "render", boom)
        assert_clean(logged_in(officer.user).get(reverse("courses:my-learning")), 500, "Đã xảy ra lỗi")

    def test_400_for_a_bad_host(self, settings):
        response = anonymous().get("/", HTTP_HOST="evil.example")
        assert_clean(response, 400, "Yêu cầu không hợp lệ")

    def test_csrf_failure(self, officer):
        build_course(title="Khóa học mở", modules=1, lessons=1)
        client = logged_in(officer.user, enforce_csrf_checks=True)
        response = client.post(reverse("courses:assign"), {})
        assert_clean(response, 403, "Biểu mẫu đã hết hạn", "tải lại trang")

    def test_csrf_failure_at_login(self):
        client = Client(raise_request_exception=False, enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="vi")
        response = client.post(reverse("login"), {"username": "a", "password": "b"})
        assert_clean(response, 403, "Biểu mẫu đã hết hạn")


class TestAdmin:
    def test_404(self, trainer):
        assert_clean(logged_in(trainer).get("/admin/pages/999999/edit/"), 404, "Không tìm thấy")
        assert_clean(logged_in(trainer).get("/admin/khong-co/"), 404, "Không tìm thấy")

    def test_403_is_a_vietnamese_message_on_the_admin_home(self, trainer):
        """Wagtail answers a forbidden admin area with a redirect to its home page and a message."""
        response = logged_in(trainer).get("/admin/users/", follow=True)
        assert response.redirect_chain[-1][0] == "/admin/"
        html = response.content.decode()
        assert "Rất tiếc, bạn không có quyền truy cập" in html or "không có quyền" in html
        assert "Sorry" not in html

    def test_500(self, trainer, monkeypatch):
        from wagtail.admin.views import home

        def boom(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr(home.HomeView, "get_context_data", boom)
        assert_clean(logged_in(trainer).get("/admin/"), 500, "Đã xảy ra lỗi")

    def test_csrf_failure(self, trainer):
        client = logged_in(trainer, enforce_csrf_checks=True)
        response = client.post(reverse("wagtailadmin_pages:add", args=["courses", "coursepage", 1]), {})
        assert_clean(response, 403, "Biểu mẫu đã hết hạn")
