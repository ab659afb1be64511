"""Issues 12 and 13 leftovers in a browser (phone and desktop): "Đã học xong" on a module's last lesson opens
the module's quiz; the competency profile and the expiring list say who must retrain under which law."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import Attainment, EvidenceBound
from tests.assessments.factories import QuizPageFactory
from tests.browser.conftest import PHONE, screenshot
from tests.courses.factories import CoursePageFactory, EnrolmentFactory, LessonPageFactory, ModulePageFactory
from tests.people.factories import (
    AttainmentFactory,
    CompetencyFactory,
    DeskRoleFactory,
    RoleAssignmentFactory,
    RoleRequirementFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "matkhau-Demo-2026"  # tests.people.factories.UserFactory


def log_in(page, username):
    page.goto(page.base_url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_last_lesson_leads_to_the_module_quiz(page, officer):
    course = CoursePageFactory(title="Tiếp nhận hồ sơ")
    module = ModulePageFactory(parent=course, title="Học phần 1")
    lesson = LessonPageFactory(parent=module, title="Bài 1.1 Kiểm tra thành phần hồ sơ")
    quiz = QuizPageFactory(parent=module, title="Kiểm tra học phần 1")
    EnrolmentFactory(officer=officer, course=course)
    log_in(page, "officer")
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + lesson.url)
    assert "Bài kiểm tra của học phần" in page.locator(".lesson-nav").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "lesson-last-of-module")
    page.get_by_role("button", name="Đã học xong").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(quiz.url)
    assert "Tiếp theo: bài kiểm tra của học phần" in page.locator(".messages").inner_text()
    screenshot(page, "lesson-done-to-quiz")


def test_who_must_retrain_and_why(page, officer, leader, unit_tree):
    today = timezone.localdate()
    role = DeskRoleFactory(code="TN", name_vi="Tiếp nhận và trả kết quả")
    cn05 = CompetencyFactory(code="CN05", name_vi="An toàn thông tin và dữ liệu cá nhân")
    RoleRequirementFactory(role=role, competency=cn05, level=2, validity_months=24)
    RoleAssignmentFactory(officer=officer, role=role, unit=unit_tree["team_a"],
                          start_date=today - dt.timedelta(days=400))
    AttainmentFactory(officer=officer, competency=cn05, level=2, achieved_on=today - dt.timedelta(days=100),
                      expires_on=None, kind=Attainment.Kind.CERTIFICATE)
    until = today + dt.timedelta(days=40)
    EvidenceBound.objects.create(competency=cn05, achieved_before=today - dt.timedelta(days=10), valid_until=until,
                                 reason="91/2025/QH15")
    expected = f"Phải học lại theo 91/2025/QH15 trước {until:%d/%m/%Y}"
    log_in(page, "leader")
    page.goto(page.base_url + reverse("dashboards:officer-competencies", args=[officer.pk]))
    assert expected in page.locator("li.competency", has_text="CN05").inner_text()
    screenshot(page, "competency-profile-retrain")
    page.goto(page.base_url + reverse("dashboards:coverage-expiring", args=[unit_tree["ward_a"].pk]))
    assert expected in page.locator("table").inner_text()
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "coverage-expiring-retrain")
