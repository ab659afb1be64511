"""Admin side of competency evidence: recognising prior learning with a document checked by its content, and
the admin links to the competency profile."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from people import services
from people.models import Attainment
from tests.people.factories import CompetencyFactory

URL = reverse_lazy("prior-learning:record")  # lazy: no URLconf import at collection
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def nv04(db):
    return CompetencyFactory(code="NV04", name_vi="Tiếp nhận, kiểm tra hồ sơ")


def data(officer, competency, document, **extra):
    values = {"officer": officer.pk, "competency": competency.pk, "level": 2,
              "achieved_on": "20/11/2025", "basis": "Quyết định 15/QĐ-UBND ngày 20/11/2025", "document": document}
    values.update(extra)
    return values


@pytest.mark.django_db
class TestPriorLearning:
    @pytest.mark.parametrize(("name", "content"), [("qd.pdf", PDF), ("scan.png", PNG), ("anh.jpg", JPEG),
                                                   ("no-extension", PDF)])
    def test_administrator_records_it_with_a_real_document(self, client, administrator, officer, nv04, name,
                                                           content):
        client.force_login(administrator)
        assert client.get(URL).status_code == 200
        response = client.post(URL, data(officer, nv04, SimpleUploadedFile(name, content)))
        assert response.status_code == 302
        evidence = Attainment.objects.get()
        assert (evidence.kind, evidence.level, evidence.recorded_by) == (Attainment.Kind.PRIOR_LEARNING, 2,
                                                                          administrator)
        assert evidence.evidence_reference == "Quyết định 15/QĐ-UBND ngày 20/11/2025"
        with evidence.document.open("rb") as fh:
            assert fh.read() == content

    @pytest.mark.parametrize(("name", "content"), [
        ("fake.pdf", b"<html><script>alert(1)</script></html>"),
        ("fake.png", b"GIF89a" + b"\x00" * 20),
        ("macro.pdf", b"PK\x03\x04" + b"\x00" * 40),
    ])
    def test_content_not_the_name_decides(self, client, administrator, officer, nv04, name, content):
        client.force_login(administrator)
        response = client.post(URL, data(officer, nv04, SimpleUploadedFile(name, content)))
        assert response.status_code == 400
        assert "nội dung tệp này không thuộc các loại đó" in response.content.decode()
        assert not Attainment.objects.exists()

    def test_document_is_required_and_at_most_10_mb(self, client, administrator, officer, nv04):
        client.force_login(administrator)
        values = data(officer, nv04, "")
        values.pop("document")
        assert client.post(URL, values).status_code == 400
        big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (10 * 1024 * 1024))
        response = client.post(URL, data(officer, nv04, big))
        assert response.status_code == 400 and "10 MB" in response.content.decode()
        assert not Attainment.objects.exists()

    def test_dates_and_basis_are_checked(self, client, administrator, officer, nv04):
        client.force_login(administrator)
        tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).strftime("%d/%m/%Y")
        for extra in ({"achieved_on": tomorrow}, {"expires_on": "01/01/2025"}, {"basis": ""}, {"level": "4"}):
            response = client.post(URL, data(officer, nv04, SimpleUploadedFile("qd.pdf", PDF), **extra))
            assert response.status_code == 400, extra
        assert not Attainment.objects.exists()

    def test_the_same_evidence_twice_is_one_record(self, client, administrator, officer, nv04):
        client.force_login(administrator)
        client.post(URL, data(officer, nv04, SimpleUploadedFile("qd.pdf", PDF)))
        client.post(URL, data(officer, nv04, SimpleUploadedFile("qd.pdf", PDF)))
        assert Attainment.objects.count() == 1

    def test_only_administrators(self, client, leader, trainer, officer, nv04):
        for user in (leader.user, trainer, officer.user):
            client.force_login(user)
            response = client.post(URL, data(officer, nv04, SimpleUploadedFile("qd.pdf", PDF)))
            # Wagtail sends non-admins to its login and turns a PermissionDenied into a redirect home.
            assert response.status_code == 403 or response.url.split("?")[0] in (
                reverse("wagtailadmin_login"), reverse("wagtailadmin_home"))
        assert not Attainment.objects.exists()
        with pytest.raises(PermissionDenied):
            services.prior_learning_record(officer=officer, competency=nv04, level=2,
                                           achieved_on=timezone.localdate(), basis="QĐ 1",
                                           document=SimpleUploadedFile("qd.pdf", PDF), recorded_by=leader.user)

    def test_service_checks_the_content_too(self, administrator, officer, nv04):
        with pytest.raises(ValidationError):
            services.prior_learning_record(officer=officer, competency=nv04, level=2,
                                           achieved_on=timezone.localdate(), basis="QĐ 1",
                                           document=SimpleUploadedFile("qd.pdf", b"not a pdf"),
                                           recorded_by=administrator)


@pytest.mark.django_db
def test_admin_officer_listing_and_edit_link_to_the_profile(client, administrator, officer):
    client.force_login(administrator)
    profile = reverse("dashboards:officer-competencies", args=[officer.pk])
    listing = client.get(reverse("wagtailsnippets_people_officer:list"))
    assert listing.status_code == 200 and profile in listing.content.decode()
    edit = client.get(reverse("wagtailsnippets_people_officer:edit", args=[officer.pk]))
    assert edit.status_code == 200 and profile in edit.content.decode()


@pytest.mark.django_db
def test_the_document_downloads_for_the_officer_and_shows_on_the_profile(client, administrator, officer, nv04,
                                                                         other_unit_officer):
    evidence = services.prior_learning_record(officer=officer, competency=nv04, level=2,
                                              achieved_on=timezone.localdate(), basis="QĐ 15",
                                              document=SimpleUploadedFile("scan.pdf", PDF), recorded_by=administrator)
    url = reverse("dashboards:evidence-document", args=[evidence.pk])
    client.force_login(officer.user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    client.force_login(other_unit_officer.user)
    assert client.get(url).status_code == 404


# --- The import of past training records (admin screen beside the officer import) -------------------------------

IMPORT = reverse_lazy("attainment-import:upload")
HEADER = "Mã cán bộ,Mã năng lực,Mức,Ngày đạt,Hiệu lực đến,Căn cứ\n"


def csv_upload(*lines, name="lich-su.csv"):
    return SimpleUploadedFile(name, ("\ufeff" + HEADER + "".join(f"{line}\n" for line in lines)).encode("utf-8"))


@pytest.mark.django_db
class TestAttainmentImportScreen:
    def test_preview_then_confirm_then_reimport_adds_nothing(self, client, administrator, officer, nv04):
        client.force_login(administrator)
        assert client.get(IMPORT).status_code == 200
        line = f"{officer.employee_code},NV04,2,15/03/2024,15/03/2026,Quyết định 125/QĐ-UBND"
        preview = client.post(IMPORT, {"action": "preview", "file": csv_upload(line)})
        assert preview.status_code == 200
        assert preview.context["result"].dry_run and preview.context["result"].created == 1
        assert "Quyết định 125/QĐ-UBND" in preview.content.decode()
        assert not Attainment.objects.exists()  # the dry run wrote nothing
        token = preview.context["token"]
        done = client.post(IMPORT, {"action": "confirm", "token": token})
        assert done.status_code == 200 and done.context["result"].created == 1
        evidence = Attainment.objects.get()
        assert (evidence.kind, evidence.recorded_by, evidence.achieved_on.isoformat()) == (
            Attainment.Kind.PRIOR_LEARNING, administrator, "2024-03-15")
        # Confirming twice (a double click, the back button) and re-importing add nothing.
        assert client.post(IMPORT, {"action": "confirm", "token": token}).context["result"].unchanged == 1
        again = client.post(IMPORT, {"action": "preview", "file": csv_upload(line)})
        assert (again.context["result"].created, again.context["result"].unchanged) == (0, 1)
        assert Attainment.objects.count() == 1

    def test_row_errors_in_vietnamese_and_nothing_written(self, client, administrator, officer, nv04):
        client.force_login(administrator)
        response = client.post(IMPORT, {"action": "preview", "file": csv_upload(
            f"{officer.employee_code},NV04,2,15/03/2024,,Quyết định 1",
            "KHONGCO,NV04,7,31/02/2024,,",
        )})
        assert response.status_code == 400
        problems = response.context["problems"]
        assert {p.row for p in problems} == {3}
        assert {"Mã cán bộ", "Mức", "Ngày đạt", "Căn cứ"} <= {p.column for p in problems}
        html = response.content.decode()
        assert "KHONGCO" in html and "Chưa ghi dữ liệu nào" in html
        assert "token" not in response.context or not response.context["token"]
        assert not Attainment.objects.exists()

    def test_tampered_or_garbage_token_is_refused(self, client, administrator, officer, nv04):
        client.force_login(administrator)
        line = f"{officer.employee_code},NV04,2,15/03/2024,,Quyết định 1"
        token = client.post(IMPORT, {"action": "preview", "file": csv_upload(line)}).context["token"]
        for bad in (token[:-2] + "xx", "", "abc"):
            response = client.post(IMPORT, {"action": "confirm", "token": bad})
            assert response.status_code == 302 and response.url == str(IMPORT)
        assert not Attainment.objects.exists()

    def test_wrong_file_type_and_templates(self, client, administrator):
        client.force_login(administrator)
        response = client.post(IMPORT, {"action": "preview",
                                        "file": SimpleUploadedFile("x.pdf", PDF)})
        assert response.status_code == 400 and response.context["form"].errors["file"]
        csv = client.get(reverse("attainment-import:template-csv"))
        assert csv.status_code == 200 and "Mã cán bộ" in csv.content.decode("utf-8-sig")
        assert client.get(reverse("attainment-import:template-xlsx")).status_code == 200

    def test_only_administrators(self, client, leader, officer, nv04):
        client.force_login(leader.user)
        line = f"{officer.employee_code},NV04,2,15/03/2024,,Quyết định 1"
        response = client.post(IMPORT, {"action": "preview", "file": csv_upload(line)})
        assert response.status_code in (302, 403)
        assert not Attainment.objects.exists()
