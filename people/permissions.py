"""Boolean scope checks; each has a queryset twin in people/selectors.py and gives the same answer.

`leader_required` guards the leaders' pages with `can_view_leader_pages`, as pretix pairs a predicate with its
view decorator.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .models import Officer, Unit
from .roles import is_administrator, is_leader
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


def can_view_leader_pages(*, user) -> bool:
    """The leaders' pages (units, assigning courses, unit certificates) are for leaders and administrators; what
    each page shows is then narrowed to the viewer's units by the scoped querysets."""
    return is_leader(user) or is_administrator(user)


def leader_required(view):
    """View decorator: anonymous users go to the login page, users who are not leaders or administrators get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_view_leader_pages(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)
