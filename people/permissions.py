"""Boolean scope checks; each has a queryset twin in people/selectors.py and gives the same answer."""

from .models import Officer, Unit
from .roles import is_administrator
from .selectors import led_unit_paths


def can_view_unit(*, viewer, unit: Unit) -> bool:
    """A leader may view a unit they lead or any unit below it; administrators may view all."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if is_administrator(viewer):
        return True
    return any(unit.path.startswith(p) for p in led_unit_paths(user=viewer))


def can_view_officer(*, viewer, officer: Officer) -> bool:
    """Officers see themselves; leaders see officers of their subtree; administrators see everyone."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if officer.user_id == viewer.pk or is_administrator(viewer):
        return True
    return can_view_unit(viewer=viewer, unit=officer.unit)


def can_manage_people(*, user) -> bool:
    """Importing officers and editing units, roles and competencies is for administrators."""
    return is_administrator(user)
