"""Issue 12: the single NV10 "Nghiệp vụ theo lĩnh vực" becomes one competency per field (NV10-HT hộ tịch,
NV10-CT chứng thực, NV10-CU cư trú, NV10-KD hộ kinh doanh, NV10-XH lao động, người có công và xã hội).

In a database that has NV10 (an existing installation; a new one never does):

- the field competencies of people/data/competencies.csv are created (same area as NV10);
- every role that required NV10 now requires each field competency at NV10's level and validity (the five ward
  centres serve every field of the starter catalogue), and its NV10 requirement is removed;
- NV10 stays, inactive, with its name marked as replaced: its evidence (attainments, observations, certificates'
  records) is kept untouched. It is not copied onto the field competencies, because nothing says which field it
  proved; leaders record per-field evidence (import_attainments) where they know it. The daily enrolment job then
  enrols the holders in courses granting the field competencies (docs/people.md, "Field competencies").

Reversing re-activates NV10, gives it back to the roles (their highest field level, shortest validity) and removes
the field requirements; the field competencies stay (inactive) with any evidence recorded since.
"""

import csv
from pathlib import Path

from django.db import migrations

LEGACY = "NV10"
PREFIX = "NV10-"
REPLACED_SUFFIX = " (đã tách theo lĩnh vực)"
CSV = Path(__file__).resolve().parent.parent / "data" / "competencies.csv"


def field_rows() -> list[dict[str, str]]:
    with open(CSV, encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row["code"].startswith(PREFIX)]


def split_legacy(apps, schema_editor):
    Competency = apps.get_model("people", "Competency")
    RoleRequirement = apps.get_model("people", "RoleRequirement")
    legacy = Competency.objects.filter(code=LEGACY).first()
    if legacy is None:
        return
    fields = []
    for row in field_rows():
        competency, _ = Competency.objects.get_or_create(code=row["code"], defaults={
            "area": legacy.area, "name_vi": row["name_vi"], "name_en": row["name_en"],
            "level_1": row["level_1_vi"], "level_2": row["level_2_vi"], "level_3": row["level_3_vi"]})
        if not competency.is_active:
            competency.is_active = True
            competency.save(update_fields=["is_active"])
        fields.append(competency)
    for requirement in RoleRequirement.objects.filter(competency=legacy):
        for competency in fields:
            RoleRequirement.objects.get_or_create(role_id=requirement.role_id, competency=competency, defaults={
                "level": requirement.level, "validity_months": requirement.validity_months})
    RoleRequirement.objects.filter(competency=legacy).delete()
    legacy.is_active = False
    if not legacy.name_vi.endswith(REPLACED_SUFFIX):
        legacy.name_vi = (legacy.name_vi + REPLACED_SUFFIX)[:255]
    legacy.save()


def join_legacy(apps, schema_editor):
    Competency = apps.get_model("people", "Competency")
    RoleRequirement = apps.get_model("people", "RoleRequirement")
    legacy = Competency.objects.filter(code=LEGACY).first()
    if legacy is None:
        return
    fields = Competency.objects.filter(code__startswith=PREFIX)
    by_role: dict[int, tuple[int, int]] = {}
    for requirement in RoleRequirement.objects.filter(competency__in=fields):
        level, months = by_role.get(requirement.role_id, (0, 120))
        by_role[requirement.role_id] = (max(level, requirement.level), min(months, requirement.validity_months))
    for role_id, (level, months) in by_role.items():
        RoleRequirement.objects.get_or_create(role_id=role_id, competency=legacy,
                                              defaults={"level": level, "validity_months": months})
    RoleRequirement.objects.filter(competency__in=fields).delete()
    fields.update(is_active=False)
    legacy.is_active = True
    legacy.name_vi = legacy.name_vi.removesuffix(REPLACED_SUFFIX)
    legacy.save()


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0007_evidence_bound"),
    ]

    operations = [
        migrations.RunPython(split_legacy, join_legacy),
    ]
