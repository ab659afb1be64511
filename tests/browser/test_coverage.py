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
    for n, name in enumerate(["Lê Thị Ngọc Ánh", "Phạm Minh Khoa", "Võ Thanh Tùng"]):
        officer = OfficerFactory(full_name=name, unit=centre, employee_code=f"GD{n + 3:03d}")
        RoleAssignmentFactory(officer=officer, role=tn)
        if n < 2:
            AttainmentFactory(officer=officer, competency=nv04, level=2, achieved_on=today - dt.timedelta(days=100),
                              expires_on=None, kind=Attainment.Kind.CERTIFICATE)
    leader = OfficerFactory(user=UserFactory(username="gd001", groups=["Officer", "Leader"]), unit=ward,
                            full_name="Nguyễn Văn Thành")
    leader.led_units.add(ward)
    return {"ward": ward, "centre": centre}


def test_leader_drills_down_on_a_phone_and_exports(page, ward):
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
    profile = page.locator("table.matrix tbody th a").first
    if profile.count():  # the profile page (dashboards:officer-competencies) comes from another branch
        profile.click()
        page.wait_for_load_state()
        assert page.locator("h1").count()
        page.go_back()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:  # the download has no extension, which openpyxl insists on
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Mã cán bộ", "Họ và tên") and len(rows) == 1 + 6
