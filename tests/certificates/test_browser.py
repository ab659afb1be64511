"""End to end in Chromium: complete a course -> PDF certificate -> its QR (decoded by zbarimg) opens the verify
page showing "valid" -> an administrator revokes it in the admin -> the same page shows "revoked"."""

import shutil
import subprocess

import pytest

from certificates.models import Certificate
from courses.models import Enrolment, LessonPage
from tests.browser.conftest import browser, page  # noqa: F401 - shared Playwright fixtures
from tests.certificates.factories import CertificateTemplateFactory
from tests.courses.factories import EnrolmentFactory, build_course
from tests.people.factories import CompetencyFactory, OfficerFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "matkhau-Demo-2026"


def login(page, username):  # noqa: F811
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state("networkidle")


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="poppler/zbar missing")
def test_complete_course_scan_qr_then_revoke(page, live_server, settings, tmp_path):  # noqa: F811
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    CertificateTemplateFactory(name="Mặc định", is_default=True)
    unit = UnitFactory(code="GD-TT", name="Trung tâm PVHCC phường Gia Định")
    officer = OfficerFactory(full_name="Lê Thị Ngọc Ánh", unit=unit,
                             user=UserFactory(username="gd-ngocanh", groups=["Officer"]))
    UserFactory(username="quantri-e2e", groups=["Administrator"], is_staff=True)
    course = build_course(title="Tiếp nhận hồ sơ theo Nghị định 118/2025/NĐ-CP", modules=1, lessons=2)
    course.granted_competencies.create(competency=CompetencyFactory(code="NV04"), level=2)
    EnrolmentFactory(officer=officer, course=course, reason=Enrolment.Reason.ROLE)

    login(page, "gd-ngocanh")
    for lesson in LessonPage.objects.descendant_of(course).order_by("path"):
        page.goto(live_server.url + lesson.url)
        page.locator("form[action*='hoan-thanh'] button[type=submit]").click()
        page.wait_for_load_state("networkidle")

    certificate = Certificate.objects.get(officer=officer, course=course)
    assert certificate.status == Certificate.Status.READY
    page.goto(live_server.url + "/chung-nhan/")
    assert certificate.serial in page.content()
    with page.expect_download() as download_info:
        page.locator(f"a[href='/chung-nhan/{certificate.pk}/tai-ve/']").click()
    pdf_path = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf_path)

    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf_path), str(tmp_path / "page")],
                   check=True)
    url = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "page.png")], capture_output=True, check=True,
                         text=True).stdout.strip()
    assert url == f"{live_server.url}/chung-nhan/xac-minh/{certificate.code}/"

    page.goto(url)
    assert page.locator(".verify-valid").count() == 1
    assert "Lê Thị Ngọc Ánh" in page.content()

    page.context.clear_cookies()
    login(page, "quantri-e2e")
    page.goto(f"{live_server.url}/admin/certificates/issued/{certificate.pk}/revoke/")
    page.fill("textarea[name=reason]", "Cấp nhầm người học")
    page.locator("form button.serious").click()
    page.wait_for_load_state("networkidle")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED

    page.goto(url)
    assert page.locator(".verify-revoked").count() == 1
    assert "Cấp nhầm người học" not in page.content()
