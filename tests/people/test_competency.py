"""The competency rules of people/competency.py at their boundaries (issue 10)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from people import competency as engine
from people import services
from people.competency import (
    STATUS_EXPIRED,
    STATUS_EXPIRING,
    STATUS_MET,
    STATUS_MISSING,
    evidence_until,
    officer_profile,
    readiness,
    requirements_for_officers,
    rows_for_officers,
    unit_subtree_rows,
)
from people.models import Attainment, Officer
from tests.people.factories import (
    AttainmentFactory,
    CompetencyFactory,
    DeskRoleFactory,
    OfficerFactory,
    RoleAssignmentFactory,
    RoleRequirementFactory,
)

D = dt.date(2026, 6, 15)


@pytest.fixture
def setup(officer):
    role = DeskRoleFactory(code="TN")
    competency = CompetencyFactory(code="NV04")
    RoleRequirementFactory(role=role, competency=competency, level=2, validity_months=12)
    RoleAssignmentFactory(officer=officer, role=role, start_date=dt.date(2025, 7, 1))
    return {"officer": officer, "role": role, "competency": competency}


def evidence(officer, competency, *, level=2, achieved_on=dt.date(2026, 1, 10), expires_on=None, revoked=False,
             kind=Attainment.Kind.PRIOR_LEARNING):
    attainment = AttainmentFactory(officer=officer, competency=competency, level=level, achieved_on=achieved_on,
                                   expires_on=expires_on, kind=kind)
    if revoked:
        services.evidence_revoke(attainment=attainment, reason="Nhập nhầm hồ sơ")
    return attainment


def only_row(officer, on=D):
    rows = rows_for_officers([officer], on)
    assert len(rows) == 1
    return rows[0]


# --- until(e) ------------------------------------------------------------------------------------------------


def test_until_is_the_earlier_of_expiry_and_validity_with_month_end_clamping():
    a = Attainment(achieved_on=dt.date(2026, 1, 31), expires_on=None)
    assert evidence_until(a, 1) == dt.date(2026, 2, 28)  # 31/01 + 1 month = 28/02
    assert evidence_until(a, None) is None  # both empty: no end
    a.expires_on = dt.date(2026, 2, 10)
    assert evidence_until(a, 1) == dt.date(2026, 2, 10)  # the certificate ends first
    assert evidence_until(a, None) == dt.date(2026, 2, 10)
    a.expires_on = dt.date(2027, 1, 1)
    assert evidence_until(a, 1) == dt.date(2026, 2, 28)  # the validity ends first
    assert evidence_until(Attainment(achieved_on=dt.date(2024, 1, 31)), 1) == dt.date(2024, 2, 29)


# --- Status boundaries ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("until_offset", "status"), [
    (0, STATUS_EXPIRING),     # until = D: still valid on D (inclusive), and within 60 days
    (60, STATUS_EXPIRING),    # until = D + 60: expiring
    (61, STATUS_MET),         # until = D + 61: met
    (-1, STATUS_EXPIRED),     # until = D - 1: lapsed
])
def test_status_at_the_boundaries(setup, until_offset, status):
    until = D + dt.timedelta(days=until_offset)
    evidence(setup["officer"], setup["competency"], achieved_on=dt.date(2026, 1, 10), expires_on=until)
    row = only_row(setup["officer"])
    assert row.status == status
    assert row.valid_until == until
    assert row.is_met == (status in (STATUS_MET, STATUS_EXPIRING))


def test_validity_shorter_than_the_certificate_wins(setup):
    # 12-month validity: achieved 15/06/2025 -> until 15/06/2026 = D, although the certificate runs to 2027.
    evidence(setup["officer"], setup["competency"], achieved_on=dt.date(2025, 6, 15), expires_on=dt.date(2027, 6, 14))
    row = only_row(setup["officer"])
    assert (row.status, row.valid_until) == (STATUS_EXPIRING, D)
    row = only_row(setup["officer"], on=D + dt.timedelta(days=1))
    assert (row.status, row.valid_until) == (STATUS_EXPIRED, D)
    # The held level reads only the evidence's own expiry: still 2.
    assert row.held_level == 2


def test_certificate_shorter_than_the_validity_wins(setup):
    evidence(setup["officer"], setup["competency"], achieved_on=dt.date(2026, 1, 10), expires_on=dt.date(2026, 3, 1))
    row = only_row(setup["officer"])
    assert (row.status, row.valid_until, row.held_level) == (STATUS_EXPIRED, dt.date(2026, 3, 1), 0)


def test_no_end_at_all_is_met_with_empty_valid_until(officer):
    role = DeskRoleFactory(code="HD")
    competency = CompetencyFactory(code="GT01")
    RoleRequirementFactory(role=role, competency=competency, level=1, validity_months=24)
    RoleAssignmentFactory(officer=officer, role=role)
    requirement = requirements_for_officers([officer.pk], D)[officer.pk][competency.pk]
    assert requirement.validity_months == 24
    evidence(officer, competency, level=1, achieved_on=dt.date(2026, 1, 10), expires_on=None)
    row = only_row(officer)
    assert (row.status, row.valid_until) == (STATUS_MET, dt.date(2028, 1, 10))


def test_valid_until_is_empty_when_one_satisfying_evidence_has_no_end(setup, monkeypatch):
    officer, competency = setup["officer"], setup["competency"]
    requirement = requirements_for_officers([officer.pk], D)[officer.pk][competency.pk]
    requirement.validity_months = None
    evidence(officer, competency, achieved_on=dt.date(2026, 1, 10), expires_on=dt.date(2026, 7, 1))
    evidence(officer, competency, achieved_on=dt.date(2026, 2, 10), expires_on=None)
    monkeypatch.setattr(engine, "_requirements", lambda *a, **k: {officer.pk: {competency.pk: requirement}})
    row = only_row(officer)
    assert (row.status, row.valid_until, len(row.evidence)) == (STATUS_MET, None, 2)


def test_latest_until_over_the_satisfying_evidence(setup):
    officer, competency = setup["officer"], setup["competency"]
    evidence(officer, competency, achieved_on=dt.date(2025, 7, 1), expires_on=None)       # until 01/07/2026
    evidence(officer, competency, level=3, achieved_on=dt.date(2026, 2, 1), expires_on=None)  # until 01/02/2027
    row = only_row(officer)
    assert (row.status, row.valid_until, row.held_level) == (STATUS_MET, dt.date(2027, 2, 1), 3)
    assert len(row.evidence) == 2


def test_level_below_the_requirement_does_not_satisfy_but_is_held(setup):
    evidence(setup["officer"], setup["competency"], level=1, achieved_on=dt.date(2026, 1, 10))
    row = only_row(setup["officer"])
    assert (row.status, row.held_level, row.valid_until, row.evidence) == (STATUS_MISSING, 1, None, [])


def test_evidence_achieved_after_the_day_does_not_count(setup):
    evidence(setup["officer"], setup["competency"], achieved_on=D + dt.timedelta(days=1))
    row = only_row(setup["officer"])
    assert (row.status, row.held_level) == (STATUS_MISSING, 0)
    assert only_row(setup["officer"], on=D + dt.timedelta(days=1)).status == STATUS_MET


def test_revoked_evidence_never_counts_whatever_the_date(setup):
    revoked = evidence(setup["officer"], setup["competency"], achieved_on=dt.date(2026, 1, 10), revoked=True)
    for day in (dt.date(2026, 1, 10), D):
        row = only_row(setup["officer"], on=day)
        assert (row.status, row.held_level, row.valid_until) == (STATUS_MISSING, 0, None)
        assert row.revoked_evidence == [revoked] and row.lost_to_revocation
    # An expired older evidence still makes it "hết hạn"; the revoked newer one is ignored.
    evidence(setup["officer"], setup["competency"], achieved_on=dt.date(2024, 1, 10))
    row = only_row(setup["officer"])
    assert (row.status, row.valid_until) == (STATUS_EXPIRED, dt.date(2025, 1, 10))
    assert not row.lost_to_revocation


def test_expired_valid_until_is_the_latest_lapse(setup):
    officer, competency = setup["officer"], setup["competency"]
    evidence(officer, competency, achieved_on=dt.date(2024, 1, 10))
    evidence(officer, competency, achieved_on=dt.date(2025, 3, 31))
    row = only_row(officer)
    assert (row.status, row.valid_until) == (STATUS_EXPIRED, dt.date(2026, 3, 31))


def test_two_roles_take_the_highest_level_and_the_shortest_validity(setup):
    officer, competency = setup["officer"], setup["competency"]
    other = DeskRoleFactory(code="HD")
    RoleRequirementFactory(role=other, competency=competency, level=3, validity_months=24)
    RoleAssignmentFactory(officer=officer, role=other, start_date=dt.date(2026, 1, 1))
    requirement = requirements_for_officers([officer.pk], D)[officer.pk][competency.pk]
    assert (requirement.level, requirement.validity_months, requirement.role_codes) == (3, 12, ("HD", "TN"))
    evidence(officer, competency, level=2, achieved_on=dt.date(2026, 1, 10))
    assert only_row(officer).status == STATUS_MISSING
    evidence(officer, competency, level=3, achieved_on=dt.date(2025, 10, 1))
    row = only_row(officer)
    # 12 months (the shorter) from 01/10/2025.
    assert (row.status, row.valid_until, row.required_level) == (STATUS_MET, dt.date(2026, 10, 1), 3)
    # Before the second role started only TN's requirement applies.
    row = only_row(officer, on=dt.date(2025, 12, 31))
    assert (row.required_level, row.role_codes) == (2, ("TN",))


def test_assignment_current_on_its_start_and_end_day_only(setup):
    officer, role = setup["officer"], setup["role"]
    assignment = officer.assignments.get(role=role)
    assignment.start_date, assignment.end_date = D, D
    assignment.save()
    assert rows_for_officers([officer], D - dt.timedelta(days=1)) == []
    assert len(rows_for_officers([officer], D)) == 1
    assert rows_for_officers([officer], D + dt.timedelta(days=1)) == []


def test_readiness_and_profile(setup):
    officer, competency = setup["officer"], setup["competency"]
    second_role = DeskRoleFactory(code="HD")
    gt = CompetencyFactory(code="GT02")
    RoleRequirementFactory(role=second_role, competency=gt, level=1, validity_months=24)
    RoleRequirementFactory(role=second_role, competency=competency, level=1, validity_months=24)
    RoleAssignmentFactory(officer=officer, role=second_role)
    evidence(officer, competency, achieved_on=dt.date(2026, 1, 10))
    assert readiness(officer, D) == (1, 2)
    groups = officer_profile(officer, D)
    assert [(a.role.code, [r.competency.code for r in rows]) for a, rows in groups] == [
        ("HD", ["GT02", "NV04"]), ("TN", ["NV04"])]
    nv04 = [r for _a, rows in groups for r in rows if r.competency.code == "NV04"]
    assert len(nv04) == 2 and nv04[0] is nv04[1] and nv04[0].required_level == 2


def test_rows_sorted_by_officer_code_then_competency_code(unit_tree):
    role = DeskRoleFactory(code="TN")
    for code in ("NV09", "CN01", "GT03"):
        RoleRequirementFactory(role=role, competency=CompetencyFactory(code=code), level=1)
    for code in ("GD010", "GD002", "BT001"):
        RoleAssignmentFactory(officer=OfficerFactory(employee_code=code, unit=unit_tree["centre_a"]), role=role)
    rows = rows_for_officers(Officer.objects.all(), D)
    assert [(r.officer.employee_code, r.competency.code) for r in rows] == [
        (o, c) for o in ("BT001", "GD002", "GD010") for c in ("CN01", "GT03", "NV09")]


def test_unit_subtree_rows_cover_the_subtree_and_active_officers_only(unit_tree):
    role = DeskRoleFactory(code="TN")
    RoleRequirementFactory(role=role, competency=CompetencyFactory(code="NV01"), level=1)
    inside = OfficerFactory(employee_code="A1", unit=unit_tree["team_a"])
    inactive = OfficerFactory(employee_code="A2", unit=unit_tree["centre_a"], is_active=False)
    outside = OfficerFactory(employee_code="B1", unit=unit_tree["centre_b"])
    for o in (inside, inactive, outside):
        RoleAssignmentFactory(officer=o, role=role)
    assert [r.officer.employee_code for r in unit_subtree_rows(unit_tree["ward_a"], D)] == ["A1"]
    assert [r.officer.employee_code for r in unit_subtree_rows(unit_tree["city"], D)] == ["A1", "B1"]


def test_evidence_record_is_idempotent_and_revoke_keeps_history(setup):
    officer, competency = setup["officer"], setup["competency"]
    kwargs = {"officer": officer, "competency": competency, "level": 2, "achieved_on": dt.date(2026, 1, 10),
              "kind": Attainment.Kind.PRIOR_LEARNING, "basis": "QĐ 12/QĐ-UBND"}
    first = services.evidence_record(**kwargs)
    assert services.evidence_record(**kwargs).pk == first.pk
    services.evidence_revoke(attainment=first, reason="Sai mức")
    services.evidence_revoke(attainment=first, reason="Lần hai")
    first.refresh_from_db()
    assert first.revoked_reason == "Sai mức"
    correction = services.evidence_record(**kwargs)
    assert correction.pk != first.pk
    assert Attainment.objects.filter(officer=officer).count() == 2
    with pytest.raises(ValidationError):  # a reason is required
        services.evidence_revoke(attainment=correction, reason="  ")


def test_observation_validity_is_the_strictest_or_24(setup):
    officer, competency = setup["officer"], setup["competency"]
    assert services.observation_validity_months(officer=officer, competency=competency, on=D) == 12
    assert services.observation_validity_months(officer=officer, competency=CompetencyFactory(code="CN09"),
                                                on=D) == 24


# --- Fixed number of queries ---------------------------------------------------------------------------------


def _population(unit, n, role, competencies):
    from django.contrib.auth import get_user_model

    from people.models import RoleAssignment

    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"bulk{unit.code}{i}") for i in range(n)])
    if users[0].pk is None:
        users = list(User.objects.filter(username__startswith=f"bulk{unit.code}").order_by("pk"))
    officers = Officer.objects.bulk_create([
        Officer(user=u, full_name=f"Cán bộ {i}", employee_code=f"{unit.code}-{i:05d}", unit=unit)
        for i, u in enumerate(users)])
    officers = list(Officer.objects.filter(unit=unit))
    RoleAssignment.objects.bulk_create([RoleAssignment(officer=o, role=role, unit=unit,
                                                       start_date=dt.date(2025, 7, 1)) for o in officers])
    Attainment.objects.bulk_create([
        Attainment(officer=o, competency=c, level=2, achieved_on=dt.date(2026, 1, 1), kind="prior_learning",
                   evidence_reference=f"x{i}")
        for i, o in enumerate(officers) for c in competencies[: 1 + i % len(competencies)]])
    return officers


def test_query_counts_do_not_grow_with_the_number_of_officers(unit_tree, django_assert_num_queries):
    role = DeskRoleFactory(code="TN")
    competencies = [CompetencyFactory(code=f"NV{i:02d}") for i in range(1, 5)]
    for c in competencies:
        RoleRequirementFactory(role=role, competency=c, level=2)
    small = _population(unit_tree["ward_a"], 10, role, competencies)
    large = _population(unit_tree["ward_b"], 1000, role, competencies)
    counts = {}
    for name, unit, officers in (("small", unit_tree["ward_a"], small), ("large", unit_tree["ward_b"], large)):
        with django_assert_num_queries(5):
            rows = unit_subtree_rows(unit, D)
        assert len(rows) == len(officers) * 4
        with django_assert_num_queries(1):  # the evidence objects of every row, loaded together on first use
            assert sum(len(row.evidence) for row in rows) == sum(min(4, 1 + i % 4) for i in range(len(officers)))
        with django_assert_num_queries(3):
            rows = rows_for_officers(officers, D)
        counts[name] = len(rows)
    assert counts == {"small": 40, "large": 4000}


def test_profile_query_count_is_fixed(setup, django_assert_num_queries):
    officer = setup["officer"]
    for i in range(5):
        c = CompetencyFactory(code=f"GT{i:02d}")
        RoleRequirementFactory(role=setup["role"], competency=c, level=1)
        evidence(officer, c, level=1)
    with django_assert_num_queries(4):
        groups = officer_profile(officer, D)
    assert len(groups[0][1]) == 6


def test_today_is_the_local_date():
    assert engine.today() == timezone.localdate()
