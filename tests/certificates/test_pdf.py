import datetime as dt
import shutil
import subprocess

import pytest

from certificates import pdf, services
from certificates.models import Certificate

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


@pytest.fixture
def rendered(officer, course, default_template, django_capture_on_commit_callbacks, tmp_path):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(officer=officer, course=course, issued_on=dt.date(2026, 6, 9))
    certificate.refresh_from_db()
    path = tmp_path / "certificate.pdf"
    with certificate.pdf.open("rb") as fh:
        path.write_bytes(fh.read())
    return certificate, path


def test_vietnamese_date_line():
    assert pdf.vietnamese_date_line(place="Thành phố Hồ Chí Minh", day=dt.date(2026, 6, 9)) == \
        "Thành phố Hồ Chí Minh, ngày 09 tháng 6 năm 2026"
    assert pdf.vietnamese_date_line(place="Hà Nội", day=dt.date(2026, 2, 15)) == "Hà Nội, ngày 15 tháng 02 năm 2026"
    assert pdf.vietnamese_date_line(place="Huế", day=dt.date(2026, 12, 1)) == "Huế, ngày 01 tháng 12 năm 2026"


def test_fonts_are_local_files():
    faces = pdf.font_faces()
    assert faces and all(face["url"].startswith("file://") for face in faces)


@needs_poppler
def test_pdf_text_metadata_and_layout(rendered):
    certificate, path = rendered
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout
    assert "Nguyễn Thị Lan" in text
    assert "GIẤY CHỨNG NHẬN" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Thành phố Hồ Chí Minh, ngày 09 tháng 6 năm 2026" in text
    assert certificate.serial in text
    assert "08/06/2028" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    assert "Title:" in info and "Nguyễn Thị Lan" in info
    assert "Author:          TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in info  # the issuer, never the platform
    assert f"Số {certificate.serial}" in info  # subject
    assert "841.89 x 595.276 pts (A4)" in info  # landscape
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    assert "Be-Vietnam-Pro" in fonts


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="poppler/zbar missing")
def test_qr_code_decodes_to_the_verify_url(rendered, tmp_path, client):
    certificate, path = rendered
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "page.png")], capture_output=True,
                             check=True, text=True).stdout.strip()
    assert decoded == f"http://testserver/chung-nhan/xac-minh/{certificate.code}/"
    response = client.get(decoded.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response.context["state"] == "valid"


def test_template_preview_renders_a_sample(default_template):
    data = pdf.render_template_preview_pdf(template=default_template)
    assert data.startswith(b"%PDF")
    assert Certificate.objects.count() == 0


def test_template_serve_preview_returns_inline_pdf(default_template, rf):
    response = default_template.serve_preview(rf.get("/"), "")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
