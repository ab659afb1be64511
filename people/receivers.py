"""Every write to a record the competency rules read retires the cached status counts (people.competency)."""

from django.db.models.signals import post_delete, post_save

from .competency import bump_data_version
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

#: The models behind the status counts: officers (unit, active), units (tree), roles, assignments, requirements,
#: competencies (area), evidence and the legal-change bounds on it.
RECORDS = (Attainment, Competency, DeskRole, EvidenceBound, Officer, RoleAssignment, RoleRequirement, Unit)


def _changed(sender, **kwargs):
    bump_data_version()


for _model in RECORDS:
    post_save.connect(_changed, sender=_model, dispatch_uid=f"competency-version-save-{_model.__name__}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"competency-version-delete-{_model.__name__}")

