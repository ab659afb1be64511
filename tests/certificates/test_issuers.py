"""The certificate's issuer is the real body of the officer's unit (issue 12): set per unit in the template, the
nearest unit above the officer wins, recorded at issue; "Học viện Một cửa" only as the platform's small print."""

import datetime as dt
import importlib
import io
import shutil
import subprocess

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from certificates import pdf, services
from certificates.models import DEFAULT_ISSUING_BODY, CertificateIssuer, CertificateTemplate
from certificates.selectors import issuer_for
from tests.certificates.factories import CertificateTemplateFactory
from tests.people.factories import OfficerFactory

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


@pytest.fixture
def issuers(default_template, unit_tree):
    """Ward A's certificates are issued by its centre (under the UBND phường), ward B's by the UBND phường itself;
    the city level has no issuer of its own: the template's (the city centre)."""
    ward_a = CertificateIssuer.objects.create(
        template=default_template, unit=unit_tree["ward_a"], governing_body="ỦY BAN NHÂN DÂN PHƯỜNG GIA ĐỊNH",
        issuing_body="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", signer_title="Giám đốc",
        signer_name="Trần Thị Thu Hương", issuing_place="Phường Gia Định")
    ward_b = CertificateIssuer.objects.create(
        template=default_template, unit=unit_tree["ward_b"], governing_body="",
        issuing_body="ỦY BAN NHÂN DÂN PHƯỜNG BÌNH QUỚI", signer_title="Chủ tịch", signer_name="Nguyễn Minh Tuấn")
    return {"ward_a": ward_a, "ward_b": ward_b}


def _text(certificate, tmp_path) -> str:
    path = tmp_path / f"{certificate.serial}.pdf"
    with certificate.pdf.open("rb") as fh:
        path.write_bytes(fh.read())
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


def test_the_nearest_unit_above_the_officer_wins(issuers, default_template, unit_tree):
    assert issuer_for(template=default_template, unit=unit_tree["team_a"]) == issuers["ward_a"]
    assert issuer_for(template=default_template, unit=unit_tree["ward_a"]) == issuers["ward_a"]
    assert issuer_for(template=default_template, unit=unit_tree["centre_b"]) == issuers["ward_b"]
    assert issuer_for(template=default_template, unit=unit_tree["city"]) is None
    centre = CertificateIssuer.objects.create(template=default_template, unit=unit_tree["centre_a"],
                                              issuing_body="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", signer_name="X")
    assert issuer_for(template=default_template, unit=unit_tree["team_a"]) == centre
    # Another template's issuers do not count.
    other = CertificateTemplateFactory(name="Khác")
    assert issuer_for(template=other, unit=unit_tree["team_a"]) is None
    assert issuer_for(template=None, unit=unit_tree["team_a"]) is None


def test_issue_records_the_issuer_of_the_officers_unit(issuers, officer, other_unit_officer, course, unit_tree):
    lan = services.certificate_issue(officer=officer, course=course, issued_on=dt.date(2026, 6, 9))
    assert lan.issuer == issuers["ward_a"]
    assert (lan.governing_body, lan.issuing_body, lan.signer_title, lan.signer_name, lan.issuing_place) == (
        "ỦY BAN NHÂN DÂN PHƯỜNG GIA ĐỊNH", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "Giám đốc", "Trần Thị Thu Hương",
        "Phường Gia Định")
    hung = services.certificate_issue(officer=other_unit_officer, course=course, issued_on=dt.date(2026, 6, 9))
    assert (hung.issuing_body, hung.signer_name, hung.issuing_place) == (
        "ỦY BAN NHÂN DÂN PHƯỜNG BÌNH QUỚI", "Nguyễn Minh Tuấn", "Thành phố Hồ Chí Minh")  # the settings' place
    city = OfficerFactory(full_name="Đỗ Văn Phúc", unit=unit_tree["city"])
    own = services.certificate_issue(officer=city, course=course, issued_on=dt.date(2026, 6, 9))
    assert own.issuer is None
    assert (own.governing_body, own.issuing_body, own.signer_name) == (
        "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", DEFAULT_ISSUING_BODY, "Trần Thị Minh Châu")
    # A later edit of the unit's issuer does not rewrite what an issued certificate prints.
    CertificateIssuer.objects.filter(pk=issuers["ward_a"].pk).update(signer_name="Người khác")
    lan.refresh_from_db()
    assert pdf.certificate_context(certificate=lan)["signer_name"] == "Trần Thị Thu Hương"


@needs_poppler
def test_pdf_prints_the_issuing_body_of_the_officers_unit(issuers, officer, other_unit_officer, course, tmp_path,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lan = services.certificate_issue(officer=officer, course=course, issued_on=dt.date(2026, 6, 9))
        hung = services.certificate_issue(officer=other_unit_officer, course=course, issued_on=dt.date(2026, 6, 9))
    lan.refresh_from_db()
    hung.refresh_from_db()
    text = _text(lan, tmp_path)
    assert "ỦY BAN NHÂN DÂN PHƯỜNG GIA ĐỊNH" in text and "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in text
    assert "Trần Thị Thu Hương" in text and "Phường Gia Định, ngày 09 tháng 6 năm 2026" in text
    assert "HỌC VIỆN MỘT CỬA" not in text and "THÀNH PHỐ HỒ CHÍ MINH" not in text.split("CỘNG HÒA")[0]
    # The platform only in small print.
    assert "Nền tảng bồi dưỡng trực tuyến: Học viện Một cửa" in " ".join(text.split())
    text = _text(hung, tmp_path)
    assert "ỦY BAN NHÂN DÂN PHƯỜNG BÌNH QUỚI" in text and "Nguyễn Minh Tuấn" in text
    assert "GIA ĐỊNH" not in text


def test_verify_page_names_the_issuer(client, issuers, officer, course):
    certificate = services.certificate_issue(officer=officer, course=course, issued_on=dt.date(2026, 6, 9))
    html = client.get(reverse("certificates:verify-code", args=[certificate.code]),
                      HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Cơ quan cấp" in html and "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in html
    assert "ỦY BAN NHÂN DÂN PHƯỜNG GIA ĐỊNH" in html
    assert "được cấp qua nền tảng Học viện Một cửa" in html


def test_migration_replaces_the_platform_as_issuer(db):
    old = CertificateTemplateFactory(name="Cũ", issuing_unit="HỌC VIỆN MỘT CỬA")
    kept = CertificateTemplateFactory(name="Riêng", issuing_unit="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG X")
    migration = importlib.import_module("certificates.migrations.0003_certificate_issuers")
    migration.platform_is_not_the_issuer(django_apps, None)
    old.refresh_from_db()
    kept.refresh_from_db()
    assert old.issuing_unit == DEFAULT_ISSUING_BODY
    assert kept.issuing_unit == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG X"
    assert CertificateTemplate._meta.get_field("issuing_unit").default == DEFAULT_ISSUING_BODY


def test_demo_wards_issue_through_their_centre(db):
    from certificates import demo as certificates_demo
    from people import demo as people_demo
    from people.models import Officer

    people_demo.seed(stdout=io.StringIO())
    certificates_demo._template(io.StringIO())
    certificates_demo._template(io.StringIO())  # idempotent
    template = CertificateTemplate.objects.get(is_default=True)
    assert template.issuing_unit == DEFAULT_ISSUING_BODY
    issuers = {i.unit.code: i for i in template.issuers.select_related("unit")}
    assert set(issuers) == {"GIADINH", "BINHTHANH", "BINHLOITRUNG", "THANHMYTAY", "BINHQUOI"}
    gia_dinh = issuers["GIADINH"]
    assert (gia_dinh.governing_body, gia_dinh.issuing_body, gia_dinh.signer_name) == (
        "ỦY BAN NHÂN DÂN PHƯỜNG GIA ĐỊNH", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "Trần Thị Thu Hương")
    officer = Officer.objects.get(employee_code="GD003")
    assert issuer_for(template=template, unit=officer.unit) == gia_dinh


def test_admin_sets_an_issuer_per_unit(client, administrator, default_template, unit_tree):
    """The template's edit form has "Cơ quan cấp theo đơn vị"; saving it stores the unit's issuer, and the same
    unit twice is a form error (no 500)."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    client.force_login(administrator)
    url = reverse("wagtailsnippets_certificates_certificatetemplate:edit", args=[default_template.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Cơ quan cấp theo đơn vị" in html

    def data(*units):
        return nested_form_data({
            "name": default_template.name, "title": default_template.title,
            "governing_body": default_template.governing_body, "issuing_unit": default_template.issuing_unit,
            "signer_name": default_template.signer_name, "signer_title": default_template.signer_title,
            "wording": default_template.wording, "footer_note": "", "primary_colour": "#8b1a1a",
            "accent_colour": "#b8860b", "orientation": "landscape", "is_default": "on",
            "issuers": inline_formset([
                {"unit": unit.pk, "governing_body": "ỦY BAN NHÂN DÂN PHƯỜNG GIA ĐỊNH",
                 "issuing_body": "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "signer_title": "Giám đốc",
                 "signer_name": "Trần Thị Thu Hương", "issuing_place": ""} for unit in units]),
        })

    response = client.post(url, data(unit_tree["ward_a"], unit_tree["ward_a"]), HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200 and not CertificateIssuer.objects.exists()
    response = client.post(url, data(unit_tree["ward_a"]))
    assert response.status_code == 302
    (issuer,) = CertificateIssuer.objects.all()
    assert issuer.unit == unit_tree["ward_a"] and issuer.template == default_template
