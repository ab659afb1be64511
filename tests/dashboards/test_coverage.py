"""Competency coverage pages: scope, numbers equal to the engine / `manage.py competency_status`, exports,
constant query counts."""

import csv
import datetime as dt
import io
from collections import Counter

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrolment
from dashboards import coverage
from dashboards.coverage_views import top_units_for
from people import competency as engine
from people.models import Attainment, Officer, RoleAssignment
from tests.courses.factories import CourseCompetencyFactory, CoursePageFactory, EnrolmentFactory
from tests.people.factories import (
    AttainmentFactory,
    CompetencyAreaFactory,
    CompetencyFactory,
    DeskRoleFactory,
    OfficerFactory,
    RoleAssignmentFactory,
    RoleRequirementFactory,
    UserFactory,
)

D = dt.date(2026, 6, 15)
DATE = D.strftime("%d/%m/%Y")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(unit_tree, officer, leader, sibling_leader, other_unit_officer):
    """Hand-worked fixture on day D (15/06/2026).

    Roles: TN requires C1 (level 2, 12 months) and C2 (level 1, 24 months); HD requires C1 (level 3, 24 months).
    - Lan (team A, TN + HD): C1 certificate level 3 from D-30 → đạt (level 3, 12 months); C2 nothing → chưa đạt.
    - Bình (centre A, TN): C1 level 2 from D-400 → hết hạn (12 months passed);
      C2 observation level 1 from D-10 expiring D+30 → sắp hết hạn. One overdue enrolment.
    - Chi (centre A, TN): C1 level 2 revoked → chưa đạt; C2 prior learning level 2, no end → đạt.
    - Dũng (ward A, no role): no requirement.
    - Hùng (centre B, TN, sibling ward): C1 + C2 đạt; out of ward A's scope.
    """
    procedure = CompetencyAreaFactory(code="procedure", name_vi="Giải quyết thủ tục hành chính")
    communication = CompetencyAreaFactory(code="communication", name_vi="Giao tiếp, ứng xử")
    tn = DeskRoleFactory(code="TN", name_vi="Tiếp nhận và trả kết quả", sort_order=1)
    hd = DeskRoleFactory(code="HD", name_vi="Hướng dẫn, hỗ trợ", sort_order=2)
    c1 = CompetencyFactory(code="NV04", area=procedure)
    c2 = CompetencyFactory(code="GT02", area=communication)
    RoleRequirementFactory(role=tn, competency=c1, level=2, validity_months=12)
    RoleRequirementFactory(role=tn, competency=c2, level=1, validity_months=24)
    RoleRequirementFactory(role=hd, competency=c1, level=3, validity_months=24)
    binh = OfficerFactory(full_name="Trần Văn Bình", unit=unit_tree["centre_a"])
    chi = OfficerFactory(full_name="Lê Thị Chi", unit=unit_tree["centre_a"])
    dung = OfficerFactory(full_name="Phạm Văn Dũng", unit=unit_tree["ward_a"])
    for o, role in ((officer, tn), (officer, hd), (binh, tn), (chi, tn), (other_unit_officer, tn)):
        RoleAssignmentFactory(officer=o, role=role)
    AttainmentFactory(officer=officer, competency=c1, level=3, achieved_on=D - dt.timedelta(days=30),
                      expires_on=None, kind=Attainment.Kind.CERTIFICATE, certificate_serial="OSA-2026-000001")
    AttainmentFactory(officer=binh, competency=c1, level=2, achieved_on=D - dt.timedelta(days=400), expires_on=None)
    AttainmentFactory(officer=binh, competency=c2, level=1, achieved_on=D - dt.timedelta(days=10),
                      expires_on=D + dt.timedelta(days=30), kind=Attainment.Kind.OBSERVATION)
    AttainmentFactory(officer=chi, competency=c1, level=2, achieved_on=D - dt.timedelta(days=50), expires_on=None,
                      revoked_at=timezone.now(), revoked_reason="Cấp nhầm")
    AttainmentFactory(officer=chi, competency=c2, level=2, achieved_on=D - dt.timedelta(days=100), expires_on=None)
    for c in (c1, c2):
        AttainmentFactory(officer=other_unit_officer, competency=c, level=3, achieved_on=D - dt.timedelta(days=5),
                          expires_on=None)
    course = CoursePageFactory(title="Tiếp nhận hồ sơ")
    CourseCompetencyFactory(page=course, competency=c2, level=2)
    EnrolmentFactory(officer=binh, course=course, reason=Enrolment.Reason.ROLE, assigned_on=D - dt.timedelta(days=40),
                     due_on=D - dt.timedelta(days=9))
    return {"units": unit_tree, "lan": officer, "binh": binh, "chi": chi, "dung": dung, "leader": leader,
            "sibling": sibling_leader, "hung": other_unit_officer, "c1": c1, "c2": c2, "tn": tn, "hd": hd,
            "course": course}


def status_csv_rows(unit_code: str) -> list[dict]:
    out = io.StringIO()
    call_command("competency_status", unit=unit_code, date=DATE, stdout=out)
    text = out.getvalue()
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_hand_worked_statuses(world):
    rows = {(r.officer.full_name, r.competency.code): r for r in engine.unit_subtree_rows(world["units"]["ward_a"], D)}
    assert {k: r.status for k, r in rows.items()} == {
        ("Nguyễn Thị Lan", "NV04"): "đạt", ("Nguyễn Thị Lan", "GT02"): "chưa đạt",
        ("Trần Văn Bình", "NV04"): "hết hạn", ("Trần Văn Bình", "GT02"): "sắp hết hạn",
        ("Lê Thị Chi", "NV04"): "chưa đạt", ("Lê Thị Chi", "GT02"): "đạt",
    }


def test_overview_numbers_equal_competency_status(world):
    ward = world["units"]["ward_a"]
    overview = coverage.coverage_overview(unit=ward, on=D)
    centre = next(r for r in overview.rows if r.unit == world["units"]["centre_a"])
    c = centre.counts
    assert (c.officers, c.required, c.met, c.expiring, c.expired, c.missing, c.overdue) == (3, 6, 2, 1, 1, 2, 1)
    assert c.percent == 50.0
    own = next(r for r in overview.rows if r.own)
    assert (own.counts.officers, own.counts.required) == (2, 0)  # the leader and Dũng, who hold no role
    # Totals equal the aggregate of manage.py competency_status for the same unit and date.
    csv_rows = status_csv_rows("WARDA")
    statuses = Counter(r["Trạng thái"] for r in csv_rows)
    t = overview.total.counts
    assert t.required == len(csv_rows) == 6
    assert (t.met, t.expiring, t.expired, t.missing) == (
        statuses["đạt"], statuses["sắp hết hạn"], statuses["hết hạn"], statuses["chưa đạt"])
    assert t.officers == Officer.objects.filter(unit__path__startswith=ward.path, is_active=True).count() == 5
    # By content area: NV04 is procedure, GT02 communication.
    procedure = next(a for a in overview.areas if a.code == "procedure")
    assert t_area(overview.total, procedure) == (3, 1)


def t_area(row, area):
    counts = row.by_area[area.pk]
    return counts.required, counts.satisfied


def test_city_overview_has_one_row_per_ward(world, administrator):
    overview = coverage.coverage_overview(unit=world["units"]["city"], on=D)
    assert [r.unit.code for r in overview.rows] == ["WARDA", "WARDB"]
    assert overview.total.counts.required == 8
    assert overview.total.counts.satisfied == 3 + 2


def test_overview_page_scope(world, administrator, trainer):
    ward_a, ward_b = world["units"]["ward_a"], world["units"]["ward_b"]
    leader = client_for(world["leader"].user)
    assert leader.get(reverse("dashboards:coverage")).context["unit"] == ward_a
    assert leader.get(reverse("dashboards:coverage-unit", args=[world["units"]["centre_a"].pk])).status_code == 200
    assert leader.get(reverse("dashboards:coverage-unit", args=[ward_b.pk])).status_code == 404
    assert leader.get(reverse("dashboards:coverage-unit", args=[world["units"]["city"].pk])).status_code == 404
    assert client_for(world["lan"].user).get(reverse("dashboards:coverage")).status_code == 403
    assert client_for(trainer).get(reverse("dashboards:coverage-unit", args=[ward_a.pk])).status_code == 403
    admin = client_for(administrator)
    assert admin.get(reverse("dashboards:coverage")).context["unit"] == world["units"]["city"]
    assert admin.get(reverse("dashboards:coverage-unit", args=[ward_b.pk])).status_code == 200


def test_leader_lands_on_overview(world):
    response = client_for(world["leader"].user).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("dashboards:coverage")


@pytest.mark.parametrize("name", ["coverage-officers", "coverage-roles", "coverage-desks", "coverage-desk-fields",
                                  "coverage-expiring", "coverage-overdue", "coverage-no-role", "coverage-trend"])
def test_every_coverage_page_is_scoped(world, name):
    leader = client_for(world["leader"].user)
    assert leader.get(reverse(f"dashboards:{name}", args=[world["units"]["ward_a"].pk]), {"date": DATE}
                      ).status_code == 200
    assert leader.get(reverse(f"dashboards:{name}", args=[world["units"]["ward_b"].pk])).status_code == 404
    assert client_for(world["lan"].user).get(reverse(f"dashboards:{name}", args=[world["units"]["ward_a"].pk])
                                             ).status_code == 403
    for fmt in ("xlsx", "csv"):
        assert leader.get(reverse(f"dashboards:{name}", args=[world["units"]["ward_a"].pk]),
                          {"date": DATE, "format": fmt}).status_code == 200


def test_overview_page_links_to_filtered_officer_list_with_the_same_count(world):
    leader = client_for(world["leader"].user)
    centre = world["units"]["centre_a"]
    response = leader.get(reverse("dashboards:coverage-unit", args=[world["units"]["ward_a"].pk]), {"date": DATE})
    row = next(r for r in response.context["overview"].rows if r.unit == centre)
    for key, expected in (("met", 2), ("expiring", 1), ("expired", 1), ("missing", 2)):
        assert row.links[key] == (f"{reverse('dashboards:coverage-officers', args=[centre.pk])}"
                                  f"?date=15%2F06%2F2026&status={key}")
        assert row.links[key] in response.content.decode().replace("&amp;", "&")
        page = leader.get(row.links[key])
        assert page.context["matrix"].counts.required == expected


def test_overview_xlsx_has_the_page_numbers(world):
    leader = client_for(world["leader"].user)
    url = reverse("dashboards:coverage-unit", args=[world["units"]["ward_a"].pk])
    page = leader.get(url, {"date": DATE}).context["overview"]
    response = leader.get(url, {"date": DATE, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == ["Đơn vị", "Số cán bộ", "Số yêu cầu", "Đạt", "Sắp hết hạn", "Hết hạn", "Chưa đạt",
                               "Tỷ lệ đạt (%)"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    t = page.total.counts
    assert values[-1] == ("Tổng cộng", t.officers, t.required, t.met, t.expiring, t.expired, t.missing,
                          pytest.approx(t.share))
    centre = next(v for v in values if v[0] == world["units"]["centre_a"].name)
    assert centre[1:7] == (3, 6, 2, 1, 1, 2) and centre[7] == pytest.approx(0.5)
    assert sheet.cell(row=3, column=8).number_format == "0.0%"


def test_overview_csv_starts_with_bom(world):
    leader = client_for(world["leader"].user)
    response = leader.get(reverse("dashboards:coverage-unit", args=[world["units"]["ward_a"].pk]),
                          {"date": DATE, "format": "csv"})
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][0] == "Đơn vị"
    assert lines[-1] == ["Tổng cộng", "5", "6", "2", "1", "1", "2", "50.0"]


def test_formula_like_names_are_exported_as_text(world):
    evil = world["chi"]
    evil.full_name = '=HYPERLINK("http://example.com","x")'
    evil.save()
    centre = world["units"]["centre_a"]
    centre.name = "@SUM(A1:A9)"
    centre.save()
    leader = client_for(world["leader"].user)
    response = leader.get(reverse("dashboards:coverage-officers", args=[world["units"]["ward_a"].pk]),
                          {"date": DATE, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://example.com\",\"x\")" in names
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    overview = leader.get(reverse("dashboards:coverage-unit", args=[world["units"]["ward_a"].pk]),
                          {"date": DATE, "format": "csv"}).content.decode("utf-8-sig")
    assert "'@SUM(A1:A9)" in overview


def test_officer_matrix_export_equals_competency_status(world):
    leader = client_for(world["leader"].user)
    response = leader.get(reverse("dashboards:coverage-officers", args=[world["units"]["ward_a"].pk]),
                          {"date": DATE, "format": "csv"})
    exported = {(r["Mã cán bộ"], r["Mã năng lực"]): (r["Trạng thái"], r["Hiệu lực đến"], r["Mức đạt"])
                for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    expected = {(r["Mã cán bộ"], r["Mã năng lực"]): (r["Trạng thái"], r["Hiệu lực đến"], r["Mức đạt"])
                for r in status_csv_rows("WARDA")}
    assert exported == expected


def test_officer_matrix_filters(world):
    leader = client_for(world["leader"].user)
    url = reverse("dashboards:coverage-officers", args=[world["units"]["ward_a"].pk])

    def pairs(**params):
        matrix = leader.get(url, {"date": DATE, **params}).context["matrix"]
        return sorted((m.officer.full_name, c.code) for m in matrix.officers for c in matrix.competencies
                      if c.pk in m.cells)

    assert pairs(role="HD") == [("Nguyễn Thị Lan", "NV04")]
    assert pairs(area="communication", status="met") == [("Lê Thị Chi", "GT02")]
    assert pairs(competency="NV04", status="expired") == [("Trần Văn Bình", "NV04")]
    assert pairs(unit=world["units"]["team_a"].pk) == [("Nguyễn Thị Lan", "GT02"), ("Nguyễn Thị Lan", "NV04")]
    assert pairs(q="binh") == [("Trần Văn Bình", "GT02"), ("Trần Văn Bình", "NV04")]
    # Nonsense parameters are ignored, never an error.
    assert leader.get(url, {"unit": "x", "status": "?", "role": "ZZ", "sort": "evil", "page": "-1",
                            "date": "31/02/2026"}).status_code == 200


def test_role_matrix_counts_holders(world):
    matrix = coverage.role_matrix(engine.unit_subtree_rows(world["units"]["ward_a"], D),
                                  [world["tn"], world["hd"]], coverage.RowFilters())
    tn, hd = matrix.rows
    assert (tn.role.code, tn.holders, hd.holders) == ("TN", 3, 1)
    cells = {(c.competency.code): (c.counts.satisfied, c.counts.required) for c in tn.cells if c}
    assert cells == {"NV04": (1, 3), "GT02": (2, 3)}
    assert [(c.competency.code, c.counts.satisfied) for c in hd.cells if c] == [("NV04", 1)]


def test_desk_readiness_counts_and_colours(world):
    centres = coverage.desk_readiness(engine.unit_subtree_rows(world["units"]["ward_a"], D),
                                      world["units"]["ward_a"])
    assert [c.unit for c in centres] == [world["units"]["centre_a"]]
    cells = {c.competency.code: c for c in centres[0].cells}
    assert cells["GT02"].count == 2 and cells["GT02"].tone == "warning"
    assert sorted(o.full_name for o in cells["GT02"].ready) == ["Lê Thị Chi", "Trần Văn Bình"]
    assert [o.full_name for o in cells["NV04"].not_ready] == ["Trần Văn Bình", "Lê Thị Chi"]  # by given name
    assert cells["NV04"].count == 1 and cells["NV04"].tone == "danger"
    assert centres[0].holders == 3


def test_lists(world):
    leader = client_for(world["leader"].user)
    ward = world["units"]["ward_a"].pk
    expiring = leader.get(reverse("dashboards:coverage-expiring", args=[ward]), {"date": DATE, "days": "30"})
    items = expiring.context["items"]
    assert [(i["row"].officer.full_name, i["row"].competency.code, i["days_left"]) for i in items] == [
        ("Trần Văn Bình", "GT02", 30)]
    assign = f'{reverse("courses:assign")}?target=officer&amp;officer={world["binh"].pk}&amp;course={world["course"].pk}'
    assert assign in expiring.content.decode()
    overdue = leader.get(reverse("dashboards:coverage-overdue", args=[ward]), {"date": DATE})
    assert [(e.officer.full_name, e.days_overdue) for e in overdue.context["enrolments"]] == [("Trần Văn Bình", 9)]
    no_role = leader.get(reverse("dashboards:coverage-no-role", args=[ward]), {"date": DATE})
    assert sorted(o.full_name for o in no_role.context["officers"]) == ["Lê Minh Đức", "Phạm Văn Dũng"]


def test_trend_recomputes_each_month_from_dated_records(world):
    points = coverage.coverage_trend(unit=world["units"]["ward_a"], on=D)
    assert [p.day for p in points][-2:] == [dt.date(2026, 5, 31), D]
    assert len(points) == 12
    for point in points:
        rows = engine.unit_subtree_rows(world["units"]["ward_a"], point.day)
        assert point.counts.required == len(rows)
        assert point.counts.satisfied == sum(r.is_met for r in rows)
    page = client_for(world["leader"].user).get(
        reverse("dashboards:coverage-trend", args=[world["units"]["ward_a"].pk]), {"date": DATE})
    body = page.content.decode()
    assert "<svg" in body and "<table" in body and "50,0" in body


def _add_officers(unit, n, roles, competencies):
    """n officers with roles and evidence, bulk-created (volume only)."""
    from django.contrib.auth import get_user_model

    start = Officer.objects.count()
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"bulk{start + i}") for i in range(n)])
    officers = Officer.objects.bulk_create([
        Officer(user=u, full_name=f"Cán bộ {start + i}", employee_code=f"BULK{start + i:05d}", unit=unit,
                sort_name=f"bo {start + i}", search_name=f"can bo {start + i}") for i, u in enumerate(users)])
    RoleAssignment.objects.bulk_create([
        RoleAssignment(officer=o, role=roles[i % len(roles)], unit=unit, start_date=dt.date(2025, 1, 1))
        for i, o in enumerate(officers)])
    Attainment.objects.bulk_create([
        Attainment(officer=o, competency=competencies[i % len(competencies)], level=2,
                   achieved_on=D - dt.timedelta(days=i % 500), kind=Attainment.Kind.PRIOR_LEARNING,
                   evidence_reference=f"bulk-{o.pk}")
        for i, o in enumerate(officers)])


@pytest.mark.parametrize("name", ["coverage-unit", "coverage-officers", "coverage-roles", "coverage-desks",
                                  "coverage-desk-fields", "coverage-expiring", "coverage-overdue", "coverage-no-role", "coverage-trend",
                                  "coverage-quizzes"])
def test_query_count_is_the_same_for_10_and_1000_officers(world, name):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    leader = client_for(world["leader"].user)
    centre = world["units"]["centre_a"]
    url = reverse(f"dashboards:{name}", args=[world["units"]["ward_a"].pk])
    roles, competencies = [world["tn"], world["hd"]], [world["c1"], world["c2"]]
    _add_officers(centre, 10, roles, competencies)
    leader.get(url, {"date": DATE})
    cache.clear()  # the trend is cached: measure it computed
    with CaptureQueriesContext(connection) as small:
        assert leader.get(url, {"date": DATE}).status_code == 200
    _add_officers(centre, 990, roles, competencies)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        assert leader.get(url, {"date": DATE}).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    if name == "coverage-unit":
        # The city overview target: at most 15 queries (the test's savepoints do not happen in production), plus
        # the cache epoch (one primary-key row, lms.cache.epoch: counts cached before a Redis outage never served).
        queries = [q["sql"] for q in large.captured_queries if "SAVEPOINT" not in q["sql"]]
        assert len(queries) <= 16, "\n".join(q[:150] for q in queries)


def test_administrator_sees_every_root(world, administrator):
    assert [u.code for u in top_units_for(administrator)] == ["HCM"]


def test_leader_of_two_wards_gets_both(world):
    both = OfficerFactory(user=UserFactory(username="both", groups=["Officer", "Leader"]),
                          unit=world["units"]["city"])
    both.led_units.add(world["units"]["ward_a"], world["units"]["ward_b"], world["units"]["centre_a"])
    response = client_for(both.user).get(reverse("dashboards:coverage"))
    assert response.context["unit"] == world["units"]["ward_a"]
    assert [u.code for u in response.context["other_units"]] == ["WARDB"]


# --- Desk readiness per field (issue 11 item 3) ----------------------------------------------------------------


@pytest.fixture
def fields_world(world, unit_tree):
    """World plus field competencies on D. TN requires NV10-HT and NV10-CT at level 2 and NV10-KD at level 1;
    NV10-CU is required of TL only (not a counter role); NV10-XH does not exist.
    - NV10-HT: Lan, Bình, Chi level 2 → 3 ready (covered).
    - NV10-CT: Lan level 3, Chi level 2; Bình level 1 (below the requirement) → 2 ready (thin).
    - NV10-KD: Bình's evidence expired before D → 0 ready (not covered).
    """
    tn, tl = world["tn"], DeskRoleFactory(code="TL", name_vi="Chuyên viên thụ lý", sort_order=3)
    field = {code: CompetencyFactory(code=code) for code in ("NV10-HT", "NV10-CT", "NV10-KD", "NV10-CU")}
    for code, role, level in (("NV10-HT", tn, 2), ("NV10-CT", tn, 2), ("NV10-KD", tn, 1), ("NV10-CU", tl, 3)):
        RoleRequirementFactory(role=role, competency=field[code], level=level, validity_months=24)
    lan, binh, chi = world["lan"], world["binh"], world["chi"]
    for person, code, level in ((lan, "NV10-HT", 2), (binh, "NV10-HT", 2), (chi, "NV10-HT", 2), (lan, "NV10-CT", 3),
                                (chi, "NV10-CT", 2), (binh, "NV10-CT", 1)):
        AttainmentFactory(officer=person, competency=field[code], level=level, achieved_on=D - dt.timedelta(days=20),
                          expires_on=None)
    AttainmentFactory(officer=binh, competency=field["NV10-KD"], level=2, achieved_on=D - dt.timedelta(days=300),
                      expires_on=D - dt.timedelta(days=1))
    return {**world, "field": field}


def test_desk_readiness_by_field_counts_colours_and_names(fields_world):
    from procedures.selectors import field_competencies

    ward = fields_world["units"]["ward_a"]
    fields = field_competencies()
    assert [f.field for f in fields] == ["ho_tich", "chung_thuc", "cu_tru", "ho_kinh_doanh"]
    centres = coverage.field_readiness(coverage.desk_readiness(engine.unit_subtree_rows(ward, D), ward), fields)
    assert [c.unit for c in centres] == [fields_world["units"]["centre_a"]]
    centre = centres[0]
    cells = {c.field.competency.code: c for c in centre.cells}
    assert [(code, c.count, c.tone, c.required_level) for code, c in cells.items()] == [
        ("NV10-HT", 3, "success", 2), ("NV10-CT", 2, "warning", 2), ("NV10-CU", 0, "muted", None),
        ("NV10-KD", 0, "danger", 1)]
    assert [o.full_name for o in cells["NV10-CT"].ready] == ["Lê Thị Chi", "Nguyễn Thị Lan"]
    assert [o.full_name for o in cells["NV10-CT"].not_ready] == ["Trần Văn Bình"]
    assert not cells["NV10-CU"].required and cells["NV10-CU"].ready == []
    assert (centre.holders, centre.red, centre.amber) == (3, 1, 1)
    # The same numbers as the desk-readiness page's cells of those competencies.
    desks = {c.competency.code: c.count for c in coverage.desk_readiness(engine.unit_subtree_rows(ward, D), ward)[0].cells}
    assert {code: c.count for code, c in cells.items() if c.required} == {
        code: desks[code] for code in ("NV10-HT", "NV10-CT", "NV10-KD")}


def test_desk_readiness_by_field_page_and_exports(fields_world):
    leader = client_for(fields_world["leader"].user)
    url = reverse("dashboards:coverage-desk-fields", args=[fields_world["units"]["ward_a"].pk])
    response = leader.get(url, {"date": DATE}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sẵn sàng theo lĩnh vực" in body and "Hộ tịch" in body and "NV10-KD" in body
    assert "Chưa bảo đảm: dưới 2 người" in body and "Mỏng: đúng 2 người" in body
    assert "Không có vị trí tại quầy nào ở đây yêu cầu" in body
    assert reverse("dashboards:coverage-desks", args=[fields_world["units"]["ward_a"].pk]) in body
    sheet = openpyxl.load_workbook(io.BytesIO(leader.get(url, {"date": DATE, "format": "xlsx"}).content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == ["Mã đơn vị", "Trung tâm", "Lĩnh vực", "Mã năng lực", "Mức yêu cầu", "Số người đạt",
                               "Đánh giá", "Người đạt", "Người chưa đạt"]
    centre = fields_world["units"]["centre_a"]
    assert values[1:] == [
        (centre.code, centre.name, "Hộ tịch", "NV10-HT", 2, 3, "Bảo đảm",
         "Trần Văn Bình; Lê Thị Chi; Nguyễn Thị Lan", ""),
        (centre.code, centre.name, "Chứng thực", "NV10-CT", 2, 2, "Mỏng", "Lê Thị Chi; Nguyễn Thị Lan",
         "Trần Văn Bình"),
        (centre.code, centre.name, "Cư trú", "NV10-CU", None, 0, "Không yêu cầu tại quầy", "", ""),
        (centre.code, centre.name, "Hộ kinh doanh", "NV10-KD", 1, 0, "Chưa bảo đảm", "",
         "Trần Văn Bình; Lê Thị Chi; Nguyễn Thị Lan"),
    ]
    # The CSV is the same table, in Vietnamese whatever the page's language.
    response = leader.get(url, {"date": DATE, "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [line[2:7] for line in lines[1:]] == [["Hộ tịch", "NV10-HT", "2", "3", "Bảo đảm"],
                                                 ["Chứng thực", "NV10-CT", "2", "2", "Mỏng"],
                                                 ["Cư trú", "NV10-CU", "", "0", "Không yêu cầu tại quầy"],
                                                 ["Hộ kinh doanh", "NV10-KD", "1", "0", "Chưa bảo đảm"]]


def test_desk_readiness_by_field_query_count_does_not_grow_with_officers(fields_world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    leader = client_for(fields_world["leader"].user)
    url = reverse("dashboards:coverage-desk-fields", args=[fields_world["units"]["ward_a"].pk])
    roles = [fields_world["tn"], fields_world["hd"]]
    competencies = list(fields_world["field"].values())
    _add_officers(fields_world["units"]["centre_a"], 10, roles, competencies)
    leader.get(url, {"date": DATE})
    with CaptureQueriesContext(connection) as small:
        assert leader.get(url, {"date": DATE}).status_code == 200
    _add_officers(fields_world["units"]["centre_a"], 500, roles, competencies)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = leader.get(url, {"date": DATE})
    assert response.context["centres"][0].holders == 3 + 510
    for fmt in ("xlsx", "csv"):
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert leader.get(url, {"date": DATE, "format": fmt}).status_code == 200
