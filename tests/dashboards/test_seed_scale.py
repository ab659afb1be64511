"""manage.py seed_scale: reproducible volume data whose coverage numbers equal competency_status."""

import csv
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from dashboards import coverage
from dashboards.selectors import desk_roles_active
from people.models import Attainment, Officer, Unit
from tests.courses.factories import CourseCompetencyFactory, CoursePageFactory
from tests.people.factories import CompetencyFactory, DeskRoleFactory, RoleRequirementFactory, UnitFactory


@pytest.fixture
def catalogue(db):
    city = UnitFactory(code="HCM", name="Thành phố Hồ Chí Minh", kind=Unit.Kind.CITY)
    tn, hd = DeskRoleFactory(code="TN"), DeskRoleFactory(code="HD")
    for n, (role, level, months) in enumerate([(tn, 2, 12), (tn, 1, 24), (hd, 3, 24), (hd, 2, 24)]):
        competency = CompetencyFactory(code=f"NV{n + 1:02d}")
        RoleRequirementFactory(role=role, competency=competency, level=level, validity_months=months)
        CourseCompetencyFactory(page=CoursePageFactory(title=f"Khóa {n}"), competency=competency, level=3)
    return city


def test_seed_scale_builds_the_requested_volume(catalogue):
    call_command("seed_scale", officers=120, units=7, seed=3, stdout=io.StringIO())
    assert Unit.objects.filter(code__startswith="SC-").count() == 7
    assert Officer.objects.filter(employee_code__startswith="SC").count() == 120
    assert Attainment.objects.filter(revoked_at__isnull=False).exists()
    statuses = Counter(r.status for r in coverage.unit_rows(catalogue, timezone.localdate()))
    assert all(statuses[s] for s in ("đạt", "hết hạn", "chưa đạt")), statuses


def test_seed_scale_is_reproducible(catalogue):
    def run():
        with transaction.atomic():
            call_command("seed_scale", officers=40, units=4, seed=7, stdout=io.StringIO())
            officers = list(Officer.objects.order_by("employee_code")
                            .values_list("employee_code", "full_name", "unit__code"))
            evidence = list(Attainment.objects.order_by("officer__employee_code", "competency__code", "achieved_on")
                            .values_list("officer__employee_code", "competency__code", "level", "achieved_on",
                                         "kind"))
            transaction.set_rollback(True)
        return officers, evidence

    first = run()
    assert first[0] and first[1]
    assert run() == first


def test_city_overview_equals_competency_status_on_scale_data(catalogue):
    call_command("seed_scale", officers=150, units=9, seed=11, stdout=io.StringIO())
    today = timezone.localdate()
    overview = coverage.coverage_overview(unit=catalogue, on=today)
    out = io.StringIO()
    call_command("competency_status", unit="HCM", date=today.strftime("%d/%m/%Y"), stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    by_ward: dict[str, Counter] = {}
    ward_of = {code: path.strip("/").split("/")[1] for code, path in Unit.objects.values_list("code", "path")
               if path.count("/") > 2}
    for r in rows:
        by_ward.setdefault(ward_of[r["Mã đơn vị"]], Counter())[r["Trạng thái"]] += 1
    for row in overview.rows:
        expected = by_ward.get(row.unit.code, Counter())
        c = row.counts
        assert (c.met, c.expiring, c.expired, c.missing) == (
            expected["đạt"], expected["sắp hết hạn"], expected["hết hạn"], expected["chưa đạt"]), row.unit.code
    assert overview.total.counts.required == len(rows)


def test_desk_readiness_and_role_matrix_equal_competency_status_on_scale_data(catalogue):
    """Desk readiness (per centre × competency: ready counter officers) and roles × competencies (per role ×
    competency: status counts of the holders) are aggregates of the same rows as manage.py competency_status."""
    call_command("seed_scale", officers=150, units=9, seed=11, stdout=io.StringIO())
    today = timezone.localdate()
    out = io.StringIO()
    call_command("competency_status", unit="HCM", date=today.strftime("%d/%m/%Y"), stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    centres = list(Unit.objects.filter(kind=Unit.Kind.SERVICE_CENTRE, is_active=True, path__startswith=catalogue.path))
    path_of = dict(Unit.objects.values_list("code", "path"))
    ready: Counter = Counter()
    by_role: Counter = Counter()
    for r in rows:
        roles = r["Vị trí yêu cầu"].split(", ")
        for code in roles:
            by_role[(code, r["Mã năng lực"], r["Trạng thái"])] += 1
        if not set(roles) & set(coverage.counter_role_codes()) or r["Trạng thái"] not in ("đạt", "sắp hết hạn"):
            continue
        centre = max((c for c in centres if path_of[r["Mã đơn vị"]].startswith(c.path)), key=lambda c: len(c.path),
                     default=None)
        if centre is not None:
            ready[(centre.code, r["Mã năng lực"])] += 1
    engine_rows = coverage.unit_rows(catalogue, today)
    desks = coverage.desk_readiness(engine_rows, catalogue)
    assert sum(len(c.cells) for c in desks) > 10
    assert {(c.unit.code, cell.competency.code): cell.count for c in desks for cell in c.cells if cell.count} == +ready
    matrix = coverage.role_matrix(engine_rows, list(desk_roles_active()), coverage.RowFilters())
    for line in matrix.rows:
        for cell in line.cells:
            if cell is None:
                continue
            key = (line.role.code, cell.competency.code)
            assert (cell.counts.met, cell.counts.expiring, cell.counts.expired, cell.counts.missing) == (
                by_role[(*key, "đạt")], by_role[(*key, "sắp hết hạn")], by_role[(*key, "hết hạn")],
                by_role[(*key, "chưa đạt")]), key


def test_desk_readiness_by_field_equals_competency_status_on_scale_data(catalogue):
    """Per centre × field: the counter officers whose pair for the field's NV10-xx is đạt or sắp hết hạn in
    manage.py competency_status, per centre, are the page's counts."""
    from procedures.selectors import field_competencies

    tn, hd = DeskRoleFactory(code="TN"), DeskRoleFactory(code="HD")
    for code, role, level in (("NV10-HT", tn, 2), ("NV10-CT", tn, 2), ("NV10-CT", hd, 1)):
        RoleRequirementFactory(role=role, competency=CompetencyFactory(code=code), level=level)
    call_command("seed_scale", officers=150, units=9, seed=5, stdout=io.StringIO())
    today = timezone.localdate()
    out = io.StringIO()
    call_command("competency_status", unit="HCM", date=today.strftime("%d/%m/%Y"), stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    centres = list(Unit.objects.filter(kind=Unit.Kind.SERVICE_CENTRE, is_active=True, path__startswith=catalogue.path))
    path_of = dict(Unit.objects.values_list("code", "path"))
    ready: Counter = Counter()
    required: set = set()
    for r in rows:
        if not r["Mã năng lực"].startswith("NV10-"):
            continue
        if not set(r["Vị trí yêu cầu"].split(", ")) & set(coverage.counter_role_codes()):
            continue
        centre = max((c for c in centres if path_of[r["Mã đơn vị"]].startswith(c.path)), key=lambda c: len(c.path),
                     default=None)
        if centre is None:
            continue
        required.add((centre.code, r["Mã năng lực"]))
        ready[(centre.code, r["Mã năng lực"])] += r["Trạng thái"] in ("đạt", "sắp hết hạn")
    fields = field_competencies()
    assert [f.competency.code for f in fields] == ["NV10-HT", "NV10-CT"]
    by_field = coverage.field_readiness(coverage.desk_readiness(coverage.unit_rows(catalogue, today), catalogue),
                                        fields)
    page = {(c.unit.code, cell.field.competency.code): cell.count for c in by_field for cell in c.cells
            if cell.required}
    assert set(page) == required and len(required) >= 6
    assert page == {key: ready[key] for key in required}
    assert sum(page.values()) > 0
    for centre in by_field:
        for cell in centre.cells:
            assert cell.tone == ("danger" if cell.count < 2 else "warning" if cell.count == 2 else "success")
