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


# --- Desk observations (issue 10) --------------------------------------------------------------------------

CENTRE_DIRECTOR_ROLE = "QL"


def centre_director_paths(*, user, on=None) -> list[str]:
    """Tree paths of the units where the user currently holds the centre director's role (QL)."""
    from .models import RoleAssignment

    if not getattr(user, "is_authenticated", False):
        return []
    cache_key = "_centre_director_paths"
    cached = getattr(user, cache_key, None)
    if cached is not None and on is None:
        return cached
    paths = list(
        RoleAssignment.objects.current(on)
        .filter(officer__user=user, officer__is_active=True, role__code=CENTRE_DIRECTOR_ROLE, unit__is_active=True)
        .values_list("unit__path", flat=True)
    )
    if on is None:
        setattr(user, cache_key, paths)
    return paths


def can_observe(user, officer: Officer) -> bool:
    """A leader may record a desk observation of an officer in their scope, and a centre director (QL) of an
    officer of their centre; nobody observes themselves. Twin of people.selectors.officers_observable_by."""
    if not getattr(user, "is_authenticated", False) or officer is None:
        return False
    if officer.user_id == user.pk or not officer.is_active:
        return False
    path = officer.unit.path
    if any(path.startswith(p) for p in led_unit_paths(user=user)):
        return True
    return any(path.startswith(p) for p in centre_director_paths(user=user))


def can_record_observations(*, user) -> bool:
    """Whether the observation form is for this user at all: leaders and centre directors (QL)."""
    return bool(led_unit_paths(user=user) or centre_director_paths(user=user))
