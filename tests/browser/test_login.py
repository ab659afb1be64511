"""Each kind of demo user logs in through the real login form and lands on their own home page."""

import io

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tests.browser.conftest import screenshot

# serialized_rollback: restore what data migrations created (groups and their permissions, the Wagtail
# root page and course catalogue) after each transactional flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return translation.gettext(msgid)


def en(msgid: str) -> str:
    with translation.override("en"):
        return translation.gettext(msgid)


def demo_logins() -> dict[str, tuple[str, str]]:
    """(username, password) per user type: people.demo's seed, or the same four accounts built with factories."""
    try:
        from people import demo
    except ImportError:
        demo = None
    if demo is not None and hasattr(demo, "seed"):
        demo.seed(stdout=io.StringIO())
        return {login.type: (login.username, login.password) for login in demo.DEMO_LOGINS}
    from people.models import Unit
    from tests.people.factories import OfficerFactory, UnitFactory, UserFactory

    ward = UnitFactory(code="GIADINH", name="UBND phường Gia Định", kind=Unit.Kind.WARD)
    centre = UnitFactory(code="GIADINH-TT", name="Trung tâm PVHCC phường Gia Định",
                         kind=Unit.Kind.SERVICE_CENTRE, parent=ward)
    OfficerFactory(user=UserFactory(username="gd003", groups=["Officer"]), unit=centre, full_name="Lê Thị Ngọc Ánh")
    leader = OfficerFactory(user=UserFactory(username="gd001", groups=["Officer", "Leader"]), unit=ward,
                            full_name="Nguyễn Văn Thành")
    leader.led_units.add(ward)
    UserFactory(username="giangvien", groups=["Trainer"], is_staff=True)
    UserFactory(username="quantri", groups=["Administrator"], is_staff=True, is_superuser=True)
    password = "matkhau-Demo-2026"
    return {"Officer": ("gd003", password), "Leader": ("gd001", password),
            "Trainer": ("giangvien", password), "Administrator": ("quantri", password)}


def log_in(page, username: str, password: str) -> None:
    page.goto(page.base_url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def path_of(page) -> str:
    return page.url.removeprefix(page.base_url).split("?")[0]


def _reverse_or(name: str, default: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return default


@pytest.mark.parametrize("user_type", ["Officer", "Leader", "Trainer", "Administrator"])
def test_demo_user_logs_in_and_lands_on_their_home_page(page, user_type):
    username, password = demo_logins()[user_type]

    log_in(page, username, password)

    assert page.locator("html").get_attribute("lang") == "vi"
    if user_type == "Officer":
        assert path_of(page) == _reverse_or("courses:my-learning", "/")
        assert page.locator("h1").first.inner_text().strip() == vi("My learning")
    elif user_type == "Leader":
        assert path_of(page) == reverse("dashboards:coverage")  # the competency overview of the led ward
        assert page.locator("h1").first.inner_text().strip() == "UBND phường Gia Định"
    else:  # trainers and administrators work in the Wagtail admin
        assert path_of(page) == "/admin/"
        assert page.locator(".w-dashboard").count() == 1
    screenshot(page, f"home-{user_type.lower()}")


def test_wrong_password_shows_the_vietnamese_error(page):
    username, _password = demo_logins()["Officer"]

    log_in(page, username, "not-the-password")

    assert path_of(page) == reverse("login")
    alert = page.locator(".alert-error[role=alert]")
    assert alert.count() == 1
    text = alert.inner_text()
    assert "mật khẩu" in text  # Django's own Vietnamese message: "Vui lòng điền vào … và mật khẩu chính xác…"
    assert "password" not in text.lower()
    screenshot(page, "login-failed")


def test_language_switch_to_english_and_back(page):
    page.goto(page.base_url + reverse("login"))
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").first.inner_text().strip() == vi("Log in")
    screenshot(page, "login-vi")

    page.locator(".lang-switch button[value=en]").click()
    page.wait_for_load_state("networkidle")

    assert path_of(page) == reverse("login")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").first.inner_text().strip() == en("Log in") == "Log in"
    assert page.locator(".lang-switch button[value=en]").get_attribute("aria-pressed") == "true"
    screenshot(page, "login-en")

    page.locator(".lang-switch button[value=vi]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "vi"


def test_home_page_headings_are_translated_to_vietnamese():
    """The strings the landing pages above show must have Vietnamese translations in locale/vi."""
    assert vi("Log in") == "Đăng nhập"
    assert vi("My units") == "Đơn vị của tôi"
    assert vi("My learning") != "My learning"
