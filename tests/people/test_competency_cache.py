"""The cached status counts of a unit (`people.competency.unit_subtree_tally`) are never served after a write to
the records behind them: saves, deletes, revocations and the bulk imports all start a new data version."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people import competency as engine
from people.attainment_import import attainments_import
from people.models import Attainment, RoleAssignment, RoleRequirement
from people.services import (
    AssignmentRecord,
    OfficerRecord,
    evidence_revoke,
    officer_bulk_upsert,
    role_assignment_bulk_upsert,
)
from tests.people.factories import (
    CompetencyFactory,
    DeskRoleFactory,
    OfficerFactory,
    RoleRequirementFactory,
    UnitFactory,
)

D = dt.date(2026, 6, 15)


@pytest.fixture
def world(db):
    city = UnitFactory(code="TP")
    ward = UnitFactory(code="PX", parent=city)
    role, competency = DeskRoleFactory(code="TN"), CompetencyFactory(code="NV04")
    RoleRequirementFactory(role=role, competency=competency, level=2, validity_months=0)
    officer = OfficerFactory(employee_code="CB001", unit=ward)
    RoleAssignment.objects.create(officer=officer, role=role, unit=ward, start_date=D - dt.timedelta(days=30))
    return {"city": city, "ward": ward, "role": role, "competency": competency, "officer": officer}


def statuses(unit, on=D) -> dict[str, int]:
    """Status → number of pairs over the whole tally."""
    found = dict.fromkeys(engine.STATUSES, 0)
    for numbers in engine.unit_subtree_tally(unit, on).pairs.values():
        for status, n in zip(engine.STATUSES, numbers, strict=True):
            found[status] += n
    return found


def queries_of(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def evidence(world, **fields):
    values = {"officer": world["officer"], "competency": world["competency"], "level": 2,
              "achieved_on": D - dt.timedelta(days=10), "kind": Attainment.Kind.PRIOR_LEARNING,
              "evidence_reference": "QĐ 1"}
    values.update(fields)
    return Attainment.objects.create(**values)


def test_a_second_call_is_served_from_the_cache(world):
    first = engine.unit_subtree_tally(world["city"], D)
    # Two queries: the subtree's unit ids (none when the caller passes them) and the cache epoch (one row).
    assert queries_of(lambda: engine.unit_subtree_tally(world["city"], D)) == 2
    ids = [world["city"].pk, world["ward"].pk]
    assert queries_of(lambda: engine.unit_subtree_tally(world["city"], D, unit_ids=ids)) == 1
    assert engine.unit_subtree_tally(world["city"], D) == first
    # The ward's part was cached with the city's; another day is computed, not mixed up.
    assert queries_of(lambda: engine.unit_subtree_tally(world["ward"], D)) == 2
    assert engine.unit_subtree_tally(world["ward"], D) == first
    assert queries_of(lambda: engine.unit_subtree_tally(world["city"], D + dt.timedelta(days=1))) > 1


def test_a_write_about_one_officer_recounts_only_their_unit(world, monkeypatch):
    other = UnitFactory(code="PY", parent=world["city"])
    colleague = OfficerFactory(employee_code="CB009", unit=other)
    RoleAssignment.objects.create(officer=colleague, role=world["role"], unit=other,
                                  start_date=D - dt.timedelta(days=30))
    assert statuses(world["city"])[engine.STATUS_MISSING] == 2
    counted = []
    real = engine.status_tally
    monkeypatch.setattr(engine, "status_tally",
                        lambda officers, on=None: counted.append(sorted(officers.values_list("pk", flat=True)))
                        or real(officers, on))
    evidence(world)  # about CB001 in the ward: only the ward's part is stale
    counts = statuses(world["city"])
    assert counts[engine.STATUS_MET] == 1 and counts[engine.STATUS_MISSING] == 1
    assert counted == [[world["officer"].pk]]  # the ward's officers only; the other ward came from the cache
    RoleAssignment.objects.filter(officer=colleague).get().delete()  # about CB009: the other ward only
    assert statuses(world["city"])[engine.STATUS_MISSING] == 0
    assert counted[1:] == [[colleague.pk]]
    # The ward's part came from the cache this time: both officers still counted, the merged tally exact.
    assert engine.unit_subtree_tally(world["city"], D).officers == {world["ward"].pk: 1, other.pk: 1}
    assert engine.unit_subtree_tally(other, D).pairs == {}


def test_the_parts_equal_one_uncached_pass(world, settings):
    other = UnitFactory(code="PY", parent=world["city"])
    for n in range(3):
        officer = OfficerFactory(employee_code=f"CB10{n}", unit=other if n % 2 else world["ward"])
        RoleAssignment.objects.create(officer=officer, role=world["role"], unit=officer.unit,
                                      start_date=D - dt.timedelta(days=30))
    evidence(world)
    cached = engine.unit_subtree_tally(world["city"], D)
    evidence(world, level=3, achieved_on=D - dt.timedelta(days=400), expires_on=D - dt.timedelta(days=1))
    cached_after = engine.unit_subtree_tally(world["city"], D)
    settings.COMPETENCY_CACHE_SECONDS = 0
    assert cached_after == engine.unit_subtree_tally(world["city"], D)
    assert cached.officers == cached_after.officers


def test_evidence_saved_revoked_and_deleted_shows_at_once(world):
    assert statuses(world["city"])[engine.STATUS_MISSING] == 1
    item = evidence(world)
    assert statuses(world["city"])[engine.STATUS_MET] == 1
    evidence_revoke(attainment=item, reason="Ghi nhầm")
    assert statuses(world["city"])[engine.STATUS_MISSING] == 1
    second = evidence(world, evidence_reference="QĐ 2")
    assert statuses(world["city"])[engine.STATUS_MET] == 1
    second.delete()
    assert statuses(world["city"])[engine.STATUS_MISSING] == 1


def test_requirement_and_assignment_changes_show_at_once(world):
    evidence(world, level=2)
    assert statuses(world["city"])[engine.STATUS_MET] == 1
    requirement = RoleRequirement.objects.get(role=world["role"])
    requirement.level = 3
    requirement.save()
    assert statuses(world["city"])[engine.STATUS_MISSING] == 1
    RoleAssignment.objects.filter(officer=world["officer"]).get().delete()
    assert engine.unit_subtree_tally(world["city"], D).pairs == {}


def test_an_officer_moved_or_deactivated_shows_at_once(world):
    other = UnitFactory(code="KHAC")
    assert engine.unit_subtree_tally(world["city"], D).officers == {world["ward"].pk: 1}
    officer = world["officer"]
    officer.is_active = False
    officer.save()
    assert engine.unit_subtree_tally(world["city"], D).officers == {}
    officer.is_active = True
    officer.unit = other
    officer.save()
    assert engine.unit_subtree_tally(world["city"], D).officers == {}
    assert engine.unit_subtree_tally(other, D).officers == {other.pk: 1}


def test_the_evidence_import_retires_the_cached_counts(world):
    assert statuses(world["city"])[engine.STATUS_MISSING] == 1
    data = ("\ufeffMã cán bộ,Mã năng lực,Mức,Ngày đạt,Hiệu lực đến,Căn cứ\n"
            "CB001,NV04,2,01/06/2026,,Quyết định 125/QĐ-UBND\n").encode()
    assert attainments_import(data=data, filename="lich-su.csv").created == 1
    assert statuses(world["city"])[engine.STATUS_MET] == 1


def test_the_officer_and_assignment_bulk_writes_retire_the_cached_counts(world):
    assert engine.unit_subtree_tally(world["city"], D).officers == {world["ward"].pk: 1}
    officers, _result = officer_bulk_upsert(records=[
        OfficerRecord(employee_code="CB002", full_name="Trần Thị Bích Ngọc", unit=world["ward"])])
    assert engine.unit_subtree_tally(world["city"], D).officers == {world["ward"].pk: 2}
    role_assignment_bulk_upsert(records=[AssignmentRecord(employee_code="CB002", role=world["role"],
                                                          unit=world["ward"], start_date=D - dt.timedelta(days=5))],
                                officers=officers, notify=False)
    assert statuses(world["city"])[engine.STATUS_MISSING] == 2


def test_the_commit_starts_another_version(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        before = engine.data_version()
        engine.bump_data_version()
        bumped = engine.data_version()
    assert bumped != before
    for callback in callbacks:
        callback()
    assert engine.data_version() not in (before, bumped)


def test_a_lost_version_key_starts_afresh(world):
    from django.core.cache import cache

    engine.unit_subtree_tally(world["city"], D)
    cache.delete("competency:data-version")
    evidence(world)  # the receiver bumps, but even a cache that lost every key never serves the old count
    cache.delete("competency:data-version")
    assert statuses(world["city"])[engine.STATUS_MET] == 1


def test_zero_seconds_turns_the_cache_off(world, settings):
    settings.COMPETENCY_CACHE_SECONDS = 0
    engine.unit_subtree_tally(world["city"], D)
    assert queries_of(lambda: engine.unit_subtree_tally(world["city"], D)) > 0
