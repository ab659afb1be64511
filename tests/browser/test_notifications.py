"""An officer on a phone: the bell counts two unread reminders, the centre lists them, one opens its course,
mark all read empties the bell; the settings page mutes the digest. Screenshots at phone and desktop widths."""

import datetime as dt

import pytest
from django.urls import reverse

from courses.models import Enrolment
from notifications import services
from notifications.models import Mute
from tests.browser.conftest import PHONE, screenshot
from tests.courses.factories import EnrolmentFactory, build_course
from tests.people.factories import OfficerFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "matkhau-Demo-2026"


@pytest.fixture
def lan():
    centre = UnitFactory(code="GIADINH-TT", name="Trung tâm PVHCC phường Gia Định")
    officer = OfficerFactory(full_name="Nguyễn Thị Lan", unit=centre,
                             user=UserFactory(username="lan", groups=["Officer", "Leader"]))
    officer.led_units.add(centre)
    today = dt.date.today()
    for title, due in (("Tiếp nhận hồ sơ theo Nghị định 118/2025/NĐ-CP", today + dt.timedelta(days=7)),
                       ("Kỹ năng giao tiếp với người dân", today - dt.timedelta(days=3))):
        EnrolmentFactory(officer=officer, course=build_course(title=title, lessons=1), reason=Enrolment.Reason.ROLE,
                         due_on=due)
    services.run_job("due", today=today)
    services.run_job("overdue", today=today)
    return officer


def test_bell_centre_and_settings(page, lan):
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + reverse("login"))
    page.fill("input[name=username]", "lan")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()
    bell = page.locator("a.bell")
    assert bell.is_visible() and bell.locator(".bell-count").inner_text() == "2"
    bell.click()
    page.wait_for_url(f"**{reverse('notifications:list')}")
    assert page.locator("h1").inner_text() == "Thông báo"
    assert page.locator(".notification.is-unread").count() == 2
    screenshot(page, "notifications-list")
    with page.expect_navigation():
        page.locator(".notification-title", has_text="Khóa học quá hạn").click()
    assert "/thong-bao/" not in page.url  # went on to the course
    assert page.locator("a.bell .bell-count").inner_text() == "1"
    page.goto(page.base_url + reverse("notifications:list"))
    page.locator("button", has_text="Đánh dấu tất cả là đã đọc").click()
    page.wait_for_load_state()
    assert page.locator("a.bell .bell-count").count() == 0
    assert "Đã đánh dấu 1 thông báo là đã đọc." in page.content()
    page.goto(page.base_url + reverse("notifications:settings"))
    page.check("#mute-digest")
    page.locator("button", has_text="Lưu").click()
    page.wait_for_load_state()
    assert "Đã lưu cài đặt thông báo" in page.content()
    assert list(Mute.objects.values_list("kind", flat=True)) == ["digest"]
    screenshot(page, "notifications-settings")
