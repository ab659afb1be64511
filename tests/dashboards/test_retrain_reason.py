"""Leaders see who must retrain and why (issue 12): the legal document's number from people.EvidenceBound on the
competency profile (page and PDF) and in the coverage dashboards' expiring list, in bounded queries."""

import datetime as dt
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people import competency as engine
from people.models import Attainment, EvidenceBound
from tests.people.factories import (
    AttainmentFactory,
    CompetencyFactory,
    DeskRoleFactory,
    OfficerFactory,
    RoleAssignmentFactory,
    RoleRequirementFactory,
)

pytestmark = pytest.mark.django_db

NUMBER = "91/2025/QH15"


@pytest.fixture
def bounded(unit_tree, officer):
    """TN requires CN05 (level 2, 24 months) and GT01 (level 1, no end). Lan's CN05 certificate from 100 days
    ago is bounded by the law (counts until today + 40 days); her GT01 evidence is not. Bình (same team) holds
    CN05 from after the law's date: not bounded."""
    today = timezone.localdate()
    role = DeskRoleFactory(code="TN", name_vi="Tiếp nhận và trả kết quả")
    cn05 = CompetencyFactory(code="CN05", name_vi="Bảo vệ dữ liệu cá nhân")
    gt01 = CompetencyFactory(code="GT01", name_vi="Giao tiếp với người dân")
    RoleRequirementFactory(role=role, competency=cn05, level=2, validity_months=24)
    RoleRequirementFactory(role=role, competency=gt01, level=1, validity_months=0)
    binh = OfficerFactory(full_name="Trần Văn Bình", unit=unit_tree["team_a"])
    for who in (officer, binh):
        RoleAssignmentFactory(officer=who, role=role, unit=unit_tree["team_a"],
                              start_date=today - dt.timedelta(days=400))
    AttainmentFactory(officer=officer, competency=cn05, level=2, achieved_on=today - dt.timedelta(days=100),
                      expires_on=None, kind=Attainment.Kind.CERTIFICATE)
    AttainmentFactory(officer=officer, competency=gt01, level=1, achieved_on=today - dt.timedelta(days=100),
                      expires_on=None)
    AttainmentFactory(officer=binh, competency=cn05, level=2, achieved_on=today - dt.timedelta(days=5),
                      expires_on=today + dt.timedelta(days=20))
    bound = EvidenceBound.objects.create(competency=cn05, achieved_before=today - dt.timedelta(days=10),
                                         valid_until=today + dt.timedelta(days=40), reason=NUMBER)
    return {"today": today, "cn05": cn05, "gt01": gt01, "binh": binh, "bound": bound,
            "until": today + dt.timedelta(days=40)}


def test_with_bounds_attaches_the_bound_in_one_query(bounded, officer):
    rows = engine.rows_for_officers([officer, bounded["binh"]])
    assert all(r.bound is None for r in rows)  # not read yet
    with CaptureQueriesContext(connection) as queries:
        engine.with_bounds(rows)
    assert len(queries) == 1
    by_key = {(r.officer.pk, r.competency.code): r for r in rows}
    lan_cn05 = by_key[(officer.pk, "CN05")]
    assert lan_cn05.bound == bounded["bound"] and lan_cn05.valid_until == bounded["until"]
    assert by_key[(officer.pk, "GT01")].bound is None
    assert by_key[(bounded["binh"].pk, "CN05")].bound is None
    # No bounded row: no query at all.
    unbounded = engine.rows_for_officers([bounded["binh"]])
    with CaptureQueriesContext(connection) as queries:
        engine.with_bounds(unbounded)
    assert len(queries) == 0


def test_profile_says_why_and_by_when(client, bounded, officer, leader):
    expected = f"Phải học lại theo {NUMBER} trước {bounded['until']:%d/%m/%Y}"
    client.force_login(officer.user)
    html = client.get(reverse("dashboards:my-competencies"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert html.count(expected) == 1  # CN05 only, not GT01
    client.force_login(leader.user)
    html = client.get(reverse("dashboards:officer-competencies", args=[officer.pk]),
                      HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert html.count(expected) == 1
    # Bình's CN05 evidence dates from after the law: no reason on his profile.
    html = client.get(reverse("dashboards:officer-competencies", args=[bounded["binh"].pk]),
                      HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Phải học lại theo" not in html


def test_profile_of_lapsed_bounded_evidence(client, bounded, officer):
    """Past the deadline the pair is hết hạn and the profile still names the law."""
    EvidenceBound.objects.filter(pk=bounded["bound"].pk).update(valid_until=bounded["today"] - dt.timedelta(days=2))
    client.force_login(officer.user)
    html = client.get(reverse("dashboards:my-competencies"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    day = bounded["today"] - dt.timedelta(days=2)
    assert f"Phải học lại theo {NUMBER}: chỉ có giá trị đến {day:%d/%m/%Y}" in html


def test_profile_pdf_names_the_law(client, bounded, officer, tmp_path):
    client.force_login(officer.user)
    response = client.get(reverse("dashboards:my-competencies"), {"format": "pdf"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "profile.pdf"
    path.write_bytes(response.content)
    text = "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())  # the narrow column wraps the number
    assert f"Phảihọclạitheo{NUMBER}trước{bounded['until']:%d/%m/%Y}" in text


def test_expiring_list_says_why_for_the_bounded_pair_only(client, bounded, officer, leader, unit_tree):
    client.force_login(leader.user)
    response = client.get(reverse("dashboards:coverage-expiring", args=[unit_tree["ward_a"].pk]),
                          {"days": "60"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    items = {i["row"].officer.pk: i["row"] for i in response.context["items"]}
    assert set(items) == {officer.pk, bounded["binh"].pk}  # Lan's bounded CN05 (40 days), Bình's expiry (20)
    assert items[officer.pk].bound == bounded["bound"] and items[bounded["binh"].pk].bound is None
    html = response.content.decode()
    assert html.count(f"Phải học lại theo {NUMBER} trước {bounded['until']:%d/%m/%Y}") == 1


def test_expiring_list_reads_the_bounds_in_one_query_whatever_the_number_of_rows(client, bounded, unit_tree,
                                                                                 leader):
    url = reverse("dashboards:coverage-expiring", args=[unit_tree["ward_a"].pk])
    client.force_login(leader.user)
    client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="vi").status_code == 200
    role = DeskRoleFactory._meta.model.objects.get(code="TN")
    for n in range(12):  # twelve more officers, each with bounded CN05 evidence
        who = OfficerFactory(unit=unit_tree["centre_a"])
        RoleAssignmentFactory(officer=who, role=role, unit=unit_tree["centre_a"],
                              start_date=bounded["today"] - dt.timedelta(days=400))
        AttainmentFactory(officer=who, competency=bounded["cn05"], level=2,
                          achieved_on=bounded["today"] - dt.timedelta(days=50 + n), expires_on=None)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.content.decode().count("Phải học lại theo") == 13
    assert len(many) == len(few)
