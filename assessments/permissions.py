"""Boolean checks of assessments/; scoped by the unit tree through people.permissions."""

from people.permissions import can_view_officer
from people.roles import is_trainer


def can_override_for_officer(*, user, officer) -> bool:
    """A trainer may give any officer extra time or attempts; a leader only officers of the units they lead."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_trainer(user):
        return True
    return officer.user_id != user.pk and can_view_officer(viewer=user, officer=officer)


def can_mark_essays(*, user) -> bool:
    """Essays are marked by trainers (and administrators)."""
    return is_trainer(user)
