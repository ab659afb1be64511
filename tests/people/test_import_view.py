import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from people.models import Officer
from tests.people.factories import DeskRoleFactory
from tests.people.test_imports import GOOD, csv_bytes

URL = "officer-import:upload"


@pytest.fixture
def roles(db):
    return [DeskRoleFactory(code="TN"), DeskRoleFactory(code="HD")]


def upload(client, data, name="can-bo.csv", **extra):
    return client.post(reverse(URL), {"file": SimpleUploadedFile(name, data), **extra})


def test_administrator_imports_and_sees_the_summary(client, administrator, unit_tree, roles):
    client.force_login(administrator)
    assert client.get(reverse(URL)).status_code == 200
    response = upload(client, csv_bytes(*GOOD))
    assert response.status_code == 200
    assert response.context["result"].officers_created == 2
    assert "Nguyễn Thị Lan" in response.content.decode()
    assert Officer.objects.count() == 2


def test_check_only_writes_nothing(client, administrator, unit_tree, roles):
    client.force_login(administrator)
    response = upload(client, csv_bytes(*GOOD), dry_run="on")
    assert response.context["result"].dry_run and response.context["result"].officers_created == 2
    assert not Officer.objects.exists()


def test_bad_file_shows_every_problem_and_writes_nothing(client, administrator, unit_tree, roles):
    client.force_login(administrator)
    response = upload(client, csv_bytes(GOOD[0], "CB002,,,,KHONGCO,TN,01/07/2025,"))
    assert response.status_code == 400
    problems = response.context["problems"]
    assert [(p.row, p.column) for p in problems] == [(3, "Họ và tên"), (3, "Mã đơn vị")]
    content = response.content.decode()
    assert "KHONGCO" in content and "Mã đơn vị" in content
    assert not Officer.objects.exists()


def test_wrong_file_type_is_refused_by_the_form(client, administrator, db):
    client.force_login(administrator)
    response = upload(client, b"%PDF-1.7", name="can-bo.pdf")
    assert response.status_code == 200 and response.context["form"].errors["file"]


def test_too_large_file_is_refused(client, administrator, unit_tree, roles, settings):
    settings.LMS_IMPORT_MAX_BYTES = 50
    client.force_login(administrator)
    response = upload(client, csv_bytes(*GOOD))
    assert response.context["form"].errors["file"] and not Officer.objects.exists()


def test_invitations_are_queued_for_new_officers(
    client, administrator, unit_tree, roles, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(*GOOD), send_invitations="on")
    assert response.context["invited"] == 1  # CB002 has no e-mail address
    assert [m.to for m in mailoutbox] == [["lan@example.vn"]]


@pytest.mark.parametrize("name", ["template-xlsx", "template-csv"])
def test_templates_download_for_administrators(client, administrator, unit_tree, roles, name):
    client.force_login(administrator)
    response = client.get(reverse(f"officer-import:{name}"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    if name == "template-xlsx":
        assert load_workbook(io.BytesIO(response.content)).sheetnames == ["Cán bộ", "Mã hợp lệ"]


@pytest.mark.parametrize("who", ["officer", "leader", "trainer"])
def test_others_are_denied(client, request, unit_tree, roles, who):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    for name in (URL, "officer-import:template-xlsx", "officer-import:template-csv"):
        assert client.get(reverse(name)).status_code in (302, 403)
    response = upload(client, csv_bytes(*GOOD))
    assert response.status_code in (302, 403) and not Officer.objects.filter(employee_code="CB001").exists()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and "login" in response["Location"]
