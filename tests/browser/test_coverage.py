"""A ward leader on a phone: the coverage overview, drilling into the centre, the officer matrix, the XLSX."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import Attainment, Unit
from tests.browser.conftest import PHONE, screenshot
from tests.people.factories import (
    AttainmentFactory,
    CompetencyFactory,
    DeskRoleFactory,
    OfficerFactory,
    RoleAssignmentFactory,
    RoleRequirementFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "matkhau-Demo-2026"


@pytest.fixture
def ward():
    today = timezone.localdate()
    ward = UnitFactory(code="GIADINH", name="UBND phường Gia Định", kind=Unit.Kind.WARD)
    centre = UnitFactory(code="GIADINH-TT", name="Trung tâm PVHCC phường Gia Định", kind=Unit.Kind.SERVICE_CENTRE,
                         parent=ward)
    tn = DeskRoleFactory(code="TN", name_vi="Tiếp nhận và trả kết quả")
    nv04, gt02 = CompetencyFactory(code="NV04"), CompetencyFactory(code="GT02")
    RoleRequirementFactory(role=tn, competency=nv04, level=2, validity_months=24)
    RoleRequirementFactory(role=tn, competency=gt02, level=1, validity_months=24)
    officers = []
    for n, name in enumerate(["Lê Thị Ngọc Ánh", "Phạm Minh Khoa", "Võ Thanh Tùng"]):
        officer = OfficerFactory(full_name=name, unit=centre, employee_code=f"GD{n + 3:03d}")
        RoleAssignmentFactory(officer=officer, role=tn)
        officers.append(officer)
        if n < 2:
            AttainmentFactory(officer=officer, competency=nv04, level=2, achieved_on=today - dt.timedelta(days=100),
                              expires_on=None, kind=Attainment.Kind.CERTIFICATE)
    leader = OfficerFactory(user=UserFactory(username="gd001", groups=["Officer", "Leader"]), unit=ward,
                            full_name="Nguyễn Văn Thành")
    leader.led_units.add(ward)
    return {"ward": ward, "centre": centre, "tung": officers[2]}


def test_leader_drills_down_on_a_phone_and_exports(page, ward, monkeypatch):
    from dashboards import services
    from dashboards.tasks import coverage_report_render_task

    queued = []
    # The live server shares one in-memory SQLite connection between its threads: the render runs here, in the
    # test's thread, as a worker would, while the page polls (eager mode would run it inside the request).
    monkeypatch.setattr(coverage_report_render_task, "delay_on_commit", queued.append)
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + reverse("login"))
    page.fill("input[name=username]", "gd001")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(f"**{reverse('dashboards:coverage')}")
    assert page.locator("h1").inner_text().strip() == "UBND phường Gia Định"
    assert page.locator(".coverage-stats .share").first.inner_text().startswith("33,3")
    # No sideways scrolling of the page itself on a phone (wide tables scroll inside their frame).
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "coverage-overview")

    page.get_by_role("link", name="Trung tâm PVHCC phường Gia Định").first.click()
    page.wait_for_url(f"**{reverse('dashboards:coverage-unit', args=[ward['centre'].pk])}")
    page.get_by_role("link", name="Cán bộ × năng lực").click()
    page.wait_for_url("**/can-bo/")
    matrix = page.locator("table.matrix")
    assert "Võ Thanh Tùng" in matrix.inner_text() and "chưa đạt" in matrix.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "coverage-officers")
    page.get_by_role("link", name="Võ Thanh Tùng").click()  # one click to the officer's competency profile
    page.wait_for_url(f"**{reverse('dashboards:officer-competencies', args=[ward['tung'].pk])}")
    assert "Võ Thanh Tùng" in page.locator("h1").inner_text()
    page.go_back()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:  # the download has no extension, which openpyxl insists on
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Mã cán bộ", "Họ và tên") and len(rows) == 1 + 6

    # The printable report: asked for on the overview, watched on the progress page, downloaded as a PDF.
    page.goto(page.base_url + reverse("dashboards:coverage-unit", args=[ward["ward"].pk]))
    page.get_by_role("button", name="Báo cáo PDF").click()
    page.wait_for_url("**/quan-ly/bao-cao-nang-luc/*/")
    assert "Đang chờ" in page.locator("#report-label").inner_text()
    assert page.locator("#report-reload").is_visible()
    screenshot(page, "coverage-report-waiting")
    assert len(queued) == 1
    services.coverage_report_render(report_id=queued[0])
    link = page.get_by_role("link", name="Tải tệp PDF")
    link.wait_for(state="visible")  # revealed by the script's polling, no reload
    assert not page.locator("#report-reload").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "coverage-report")
    with page.expect_download() as download_info:
        link.click()
    assert download_info.value.suggested_filename == f"bao-cao-nang-luc-giadinh-{timezone.localdate():%Y%m%d}.pdf"
    with open(download_info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    page.get_by_role("link", name="UBND phường Gia Định").first.click()
    page.get_by_role("link", name="Tỷ lệ đạt thấp").click()
    page.wait_for_url("**/bai-kiem-tra/")
    assert "Không có bài kiểm tra nào có tỷ lệ đạt thấp" in page.locator("main").inner_text()
    page.get_by_role("link", name="Xu hướng").click()
    page.wait_for_url("**/xu-huong/")
    assert page.locator("svg.chart").count() == 3
    screenshot(page, "coverage-trend")


def test_trainer_sees_course_results_and_officer_sees_status_counts(page, ward):
    from tests.courses.factories import EnrolmentFactory, build_course

    course = build_course(title="Tiếp nhận hồ sơ theo Nghị định 118/2025/NĐ-CP", modules=1, lessons=1)
    EnrolmentFactory(officer=ward["tung"], course=course, due_on=timezone.localdate() - dt.timedelta(days=3))
    UserFactory(username="gv01", groups=["Trainer"])
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + reverse("login"))
    page.fill("input[name=username]", "gv01")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url("**/admin/**")
    page.goto(page.base_url + reverse("dashboards:trainer-courses"))
    table = page.locator("table").first.inner_text()
    assert "Tiếp nhận hồ sơ theo Nghị định 118/2025/NĐ-CP" in table
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "trainer-course-results")

    # The officer's own status counts on "Học tập của tôi", each a link to their competency profile.
    page.context.clear_cookies()
    page.goto(page.base_url + reverse("login"))
    page.fill("input[name=username]", ward["tung"].user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(f"**{reverse('courses:my-learning')}")
    counts = page.locator(".status-counts").inner_text()
    assert "Chưa đạt" in counts and "Đạt" in counts
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "my-learning-status-counts")
