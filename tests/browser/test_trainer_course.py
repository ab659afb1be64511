"""A trainer on a phone: from "Kết quả khóa học" to one course's learners, filters them and downloads the XLSX."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt
from courses.models import Enrolment
from people.models import Unit
from tests.assessments.factories import QuizPageFactory
from tests.browser.conftest import PHONE, screenshot
from tests.courses.factories import EnrolmentFactory, build_course
from tests.people.factories import OfficerFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "matkhau-Demo-2026"


def test_trainer_opens_a_course_filters_its_learners_and_exports(page):
    today = timezone.localdate()
    ward = UnitFactory(code="GIADINH", name="UBND phường Gia Định", kind=Unit.Kind.WARD)
    centre = UnitFactory(code="GIADINH-TT", name="Trung tâm PVHCC phường Gia Định", kind=Unit.Kind.SERVICE_CENTRE,
                         parent=ward)
    course = build_course(title="Tiếp nhận hồ sơ theo Nghị định 118/2025/NĐ-CP", modules=1, lessons=2)
    quiz = QuizPageFactory(parent=course.get_children().first(), title="Kiểm tra cuối khóa")
    people = [("Nguyễn Thị Ngọc Ánh", centre, Enrolment.Status.ACTIVE, 10),
              ("Phạm Minh Khoa", centre, Enrolment.Status.ACTIVE, -4),
              ("Võ Thanh Tùng", ward, Enrolment.Status.COMPLETED, 0),
              ("Đặng Thu Hà", ward, Enrolment.Status.WITHDRAWN, 5)]
    for n, (name, unit, status, due) in enumerate(people):
        officer = OfficerFactory(full_name=name, unit=unit, employee_code=f"GD{n + 3:03d}")
        enrolment = EnrolmentFactory(officer=officer, course=course, status=status,
                                     due_on=today + dt.timedelta(days=due))
        if n < 3:
            at = timezone.now() - dt.timedelta(days=n + 1)
            percent = Decimal(90 - 30 * n)
            Attempt.objects.create(quiz=quiz, officer=officer, enrolment=enrolment, number=1, quiz_title=quiz.title,
                                   status=Attempt.Status.GRADED, started_at=at, submitted_at=at, graded_at=at,
                                   score=percent, max_score=100, percent=percent, passed=percent >= quiz.pass_mark)
    UserFactory(username="gv01", groups=["Trainer"])

    page.set_viewport_size(PHONE)
    page.goto(page.base_url + reverse("login"))
    page.fill("input[name=username]", "gv01")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url("**/admin/**")
    page.goto(page.base_url + reverse("dashboards:trainer-courses"))
    page.get_by_role("link", name="Tiếp nhận hồ sơ theo Nghị định 118/2025/NĐ-CP").click()
    page.wait_for_url(f"**{reverse('dashboards:trainer-course', args=[course.pk])}")
    table = page.locator("table").first.inner_text()
    for name, *_rest in people:
        assert name in table
    assert "90,0" in table and "Quá hạn" in table and "Đã rút" in table
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "trainer-course-learners")

    page.fill("input[name=q]", "ngoc anh")
    page.select_option("select[name=status]", "in_progress")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url("**status=in_progress**")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and "Nguyễn Thị Ngọc Ánh" in rows.first.inner_text()
    screenshot(page, "trainer-course-learners-filtered")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 2 and values[1][1] == "Nguyễn Thị Ngọc Ánh" and values[1][4] == "Đang học"
