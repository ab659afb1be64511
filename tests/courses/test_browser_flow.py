"""In Chromium: an officer starts a required course, studies a lesson, marks it done and sees the bar move."""

import pytest
from django.urls import reverse

from courses.models import Enrolment, LessonPage
from tests.browser.conftest import browser, page, screenshot  # noqa: F401 - fixtures
from tests.courses.factories import EnrolmentFactory, LessonPageFactory, ModulePageFactory, build_course
from tests.people.factories import OfficerFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_officer_studies_a_lesson_and_progress_moves(page):  # noqa: F811
    officer = OfficerFactory(full_name="Lê Thị Ngọc Ánh", unit=UnitFactory(code="GIADINH-TT"),
                             user=UserFactory(username="hocvien", groups=["Officer"]))
    course = build_course(title="Tiếp nhận hồ sơ", modules=0)
    module = ModulePageFactory(parent=course, title="Học phần 1")
    LessonPageFactory(parent=module, title="Bài 1", body=[
        ("case_study", {"title": "Hồ sơ thiếu", "situation": "<p>Thiếu giấy chứng sinh</p>",
                        "question": "Làm gì?", "model_answer": "<p>Phát Mẫu 02 một lần</p>"})])
    LessonPageFactory(parent=module, title="Bài 2")
    EnrolmentFactory(officer=officer, course=course, reason=Enrolment.Reason.ROLE)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(page.base_url + reverse("login"))
    page.fill("input[name=username]", "hocvien")
    page.fill("input[name=password]", "matkhau-Demo-2026")
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.goto(page.base_url + reverse("courses:my-learning"))
    assert page.locator('.enrolment [role="progressbar"]').get_attribute("aria-valuenow") == "0"
    page.locator(".enrolment a.btn-primary").click()
    assert page.locator("h1").inner_text() == "Bài 1"

    answer = page.locator(".case-study__answer .rich-text")
    assert not answer.is_visible()
    page.locator(".case-study__answer summary").click()
    assert answer.is_visible() and "Mẫu 02" in answer.inner_text()

    page.locator("form[action*='/hoan-thanh/'] button[type=submit]").click()
    assert page.locator("h1").inner_text() == "Bài 2"
    page.goto(page.base_url + reverse("courses:my-learning"))
    assert page.locator('.enrolment [role="progressbar"]').get_attribute("aria-valuenow") == "50"
    screenshot(page, "courses-my-learning")
    assert LessonPage.objects.get(title="Bài 1").progress.get().completed_at is not None
    assert not errors
