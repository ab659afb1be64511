"""Every write to a record the competency rules read retires the cached status counts (people.competency).

Evidence and role assignments are about one officer: they retire only the counts of that officer's unit
(`bump_unit_versions`). Officers (their unit or active flag may change), units (the tree), roles,
requirements, competencies and the legal-change bounds retire every unit's counts (`bump_data_version`)."""

from django.db.models.signals import post_delete, post_save

from .competency import bump_data_version, bump_unit_versions
from .models import (
    Attainment,
    Competency,
    DeskRole,
    EvidenceBound,
    Officer,
    RoleAssignment,
    RoleRequirement,
    Unit,
)

#: The models behind the status counts that every unit depends on.
SHARED_RECORDS = (Competency, DeskRole, EvidenceBound, Officer, RoleRequirement, Unit)
#: The models about one officer: only that officer's unit is recounted.
OFFICER_RECORDS = (Attainment, RoleAssignment)
RECORDS = SHARED_RECORDS + OFFICER_RECORDS


def _changed(sender, **kwargs):
    bump_data_version()


def _officer_unit(instance) -> int | None:
    field = type(instance).officer.field
    if field.is_cached(instance):
        return instance.officer.unit_id
    return Officer.objects.filter(pk=instance.officer_id).values_list("unit_id", flat=True).first()


def _officer_changed(sender, instance, **kwargs):
    unit_id = _officer_unit(instance)
    if unit_id is None:
        bump_data_version()  # the officer is gone too: recount everything rather than guess
    else:
        bump_unit_versions([unit_id])


for _model in SHARED_RECORDS:
    post_save.connect(_changed, sender=_model, dispatch_uid=f"competency-version-save-{_model.__name__}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"competency-version-delete-{_model.__name__}")
for _model in OFFICER_RECORDS:
    post_save.connect(_officer_changed, sender=_model, dispatch_uid=f"competency-version-save-{_model.__name__}")
    post_delete.connect(_officer_changed, sender=_model, dispatch_uid=f"competency-version-delete-{_model.__name__}")
