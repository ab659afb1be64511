"""Issue 12: one NV10-xx competency per field of the procedure catalogue, and the migration that splits NV10."""

import csv
import datetime as dt
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps

import procedures
from people import demo
from people.models import Attainment, Competency, RoleRequirement
from procedures.models import FIELD_COMPETENCY_CODES, Procedure
from procedures.selectors import field_competencies
from tests.people.factories import (
    AttainmentFactory,
    CompetencyFactory,
    DeskRoleFactory,
    OfficerFactory,
    RoleRequirementFactory,
)

migration = importlib.import_module("people.migrations.0008_field_competencies")


def _csv_rows():
    with open(demo.DATA_DIR / "competencies.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_field_of_the_starter_catalogue_has_its_competency_in_the_csv():
    rows = {r["code"]: r for r in _csv_rows()}
    assert "NV10" not in rows
    field_codes = sorted(code for code in rows if code.startswith("NV10-"))
    assert field_codes == sorted(FIELD_COMPETENCY_CODES.values()) == [
        "NV10-CT", "NV10-CU", "NV10-HT", "NV10-KD", "NV10-XH"]
    with open(Path(procedures.__file__).parent / "data" / "procedures.csv", encoding="utf-8-sig", newline="") as fh:
        catalogue_fields = {r["Lĩnh vực"] for r in csv.DictReader(fh)}
    labels = {str(label).lower() for value, label in Procedure.Field.choices if value in FIELD_COMPETENCY_CODES}
    assert len(labels) == len(catalogue_fields) == 5
    for code in field_codes:
        row = rows[code]
        assert row["area"] == "procedure"
        assert re.fullmatch(r"TN2 TL3 QL1", row["role_levels"])
        for column in ("name_vi", "level_1_vi", "level_2_vi", "level_3_vi"):
            assert row[column] and "&" not in row[column], (code, column)
        assert row["name_vi"].startswith("Nghiệp vụ ") and row["name_vi"] != row["name_en"]


@pytest.mark.django_db
def test_field_competencies_follow_the_catalogue_order_and_skip_missing_or_inactive():
    for code in ("NV10-HT", "NV10-CT", "NV10-KD"):
        CompetencyFactory(code=code)
    Competency.objects.filter(code="NV10-KD").update(is_active=False)
    found = field_competencies()
    assert [(f.field, f.competency.code) for f in found] == [("ho_tich", "NV10-HT"), ("chung_thuc", "NV10-CT")]


@pytest.mark.django_db
def test_migration_moves_the_nv10_requirements_onto_every_field_and_keeps_the_evidence():
    legacy = CompetencyFactory(code="NV10", name_vi="Nghiệp vụ theo lĩnh vực")
    tn, tl, hd = DeskRoleFactory(code="TN"), DeskRoleFactory(code="TL"), DeskRoleFactory(code="HD")
    RoleRequirementFactory(role=tn, competency=legacy, level=2, validity_months=12)
    RoleRequirementFactory(role=tl, competency=legacy, level=3, validity_months=24)
    other = RoleRequirementFactory(role=hd, competency=CompetencyFactory(code="NV03"), level=3)
    evidence = AttainmentFactory(officer=OfficerFactory(), competency=legacy, level=2,
                                 achieved_on=dt.date(2026, 1, 5), expires_on=None)

    migration.split_legacy(django_apps, None)

    legacy.refresh_from_db()
    assert not legacy.is_active and legacy.name_vi == "Nghiệp vụ theo lĩnh vực (đã tách theo lĩnh vực)"
    assert not RoleRequirement.objects.filter(competency=legacy).exists()
    moved = {(r.role.code, r.competency.code): (r.level, r.validity_months)
             for r in RoleRequirement.objects.filter(competency__code__startswith="NV10-")}
    assert moved == {(role, code): values for code in FIELD_COMPETENCY_CODES.values()
                     for role, values in (("TN", (2, 12)), ("TL", (3, 24)))}
    assert RoleRequirement.objects.filter(pk=other.pk).exists()
    hotich = Competency.objects.get(code="NV10-HT")
    assert hotich.is_active and hotich.area == legacy.area and hotich.name_vi == "Nghiệp vụ hộ tịch"
    assert all([hotich.level_1, hotich.level_2, hotich.level_3])
    # The old evidence is untouched and not copied: nothing says which field it proved.
    assert list(Attainment.objects.filter(competency=legacy)) == [evidence]
    assert not Attainment.objects.filter(competency__code__startswith="NV10-").exists()

    # Running it again changes nothing.
    before = sorted(RoleRequirement.objects.values_list("role__code", "competency__code", "level"))
    migration.split_legacy(django_apps, None)
    assert sorted(RoleRequirement.objects.values_list("role__code", "competency__code", "level")) == before

    # Reversing gives NV10 back to the roles (highest level, shortest validity) and retires the fields.
    migration.join_legacy(django_apps, None)
    legacy.refresh_from_db()
    assert legacy.is_active and legacy.name_vi == "Nghiệp vụ theo lĩnh vực"
    assert {(r.role.code, r.level, r.validity_months) for r in RoleRequirement.objects.filter(competency=legacy)} == {
        ("TN", 2, 12), ("TL", 3, 24)}
    assert not RoleRequirement.objects.filter(competency__code__startswith="NV10-").exists()
    assert not Competency.objects.filter(code__startswith="NV10-", is_active=True).exists()


@pytest.mark.django_db
def test_migration_does_nothing_without_nv10():
    migration.split_legacy(django_apps, None)
    assert not Competency.objects.exists()


@pytest.mark.django_db
def test_demo_roles_require_every_field_competency_and_gia_dinh_has_field_evidence():
    import io

    demo.seed(stdout=io.StringIO())
    for code in FIELD_COMPETENCY_CODES.values():
        levels = dict(RoleRequirement.objects.filter(competency__code=code).values_list("role__code", "level"))
        assert levels == {"TN": 2, "TL": 3, "QL": 1}, code
    held = sorted(Attainment.objects.filter(competency__code__startswith="NV10-")
                  .values_list("competency__code", "officer__employee_code"))
    assert held == [("NV10-CT", "GD004"), ("NV10-CT", "GD006"),
                    ("NV10-HT", "GD003"), ("NV10-HT", "GD004"), ("NV10-HT", "GD005")]
