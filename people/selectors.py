"""Reads that are scoped by the unit tree. Each has a boolean twin in people/permissions.py."""

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from .models import Officer, RoleAssignment, Unit
from .roles import is_administrator, is_leader


def officer_for_user(*, user) -> Officer | None:
    """The officer record of a user, or None for accounts without one (e.g. a pure administrator)."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = getattr(getattr(user, "_state", None), "fields_cache", None)
    if cache is not None and "officer" not in cache and getattr(user, "pk", None):
        # One query with the unit (the navigation shows it on every page), kept where `user.officer` looks.
        cache["officer"] = Officer.objects.select_related("unit").filter(user_id=user.pk).first()
    try:
        return user.officer
    except Officer.DoesNotExist:
        return None


def led_unit_paths(*, user) -> list[str]:
    """Tree paths of the units a user leads; cached on the user object for the request."""
    cached = getattr(user, "_led_unit_paths", None)
    if cached is not None:
        return cached
    paths: list[str] = []
    if getattr(user, "is_authenticated", False) and is_leader(user):
        paths = list(Unit.objects.filter(leaders__user=user, is_active=True).values_list("path", flat=True))
    user._led_unit_paths = paths
    return paths


def _subtree_q(paths: list[str], field: str = "path") -> Q:
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths))


def units_led_by(*, user) -> QuerySet[Unit]:
    """Units a leader leads and all units below them (administrators: every unit)."""
    if is_administrator(user):
        return Unit.objects.all()
    paths = led_unit_paths(user=user)
    if not paths:
        return Unit.objects.none()
    return Unit.objects.filter(_subtree_q(paths))


def units_visible_to(*, viewer) -> QuerySet[Unit]:
    """Units whose dashboards a viewer may open: same as units_led_by; officers see none."""
    return units_led_by(user=viewer)


def unit_ancestors_visible_to(*, viewer, unit: Unit) -> list[Unit]:
    """The units above ``unit`` the viewer may open, top first: what a breadcrumb may link to (a leader's
    breadcrumb never links above the led units). At most one query; none when nothing above is in scope."""
    parts = unit.path.strip("/").split("/")
    prefixes = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]
    if not is_administrator(viewer):
        led = led_unit_paths(user=viewer)  # cached for the request: no query when nothing above is led
        prefixes = [p for p in prefixes if any(p.startswith(q) for q in led)]
    if not prefixes:
        return []
    return list(units_visible_to(viewer=viewer).filter(path__in=prefixes).only("pk", "name", "depth", "path")
                .order_by("depth"))


def officers_visible_to(*, viewer) -> QuerySet[Officer]:
    """Officers a viewer may see: all for administrators, the led subtree for leaders, oneself otherwise."""
    qs = Officer.objects.select_related("unit", "user")
    if not getattr(viewer, "is_authenticated", False):
        return qs.none()
    if is_administrator(viewer):
        return qs
    own = Q(user=viewer)
    paths = led_unit_paths(user=viewer)
    if paths:
        return qs.filter(own | _subtree_q(paths, "unit__path"))
    return qs.filter(own)


def current_assignments_for_officer(*, officer: Officer, on=None) -> QuerySet[RoleAssignment]:
    """Role assignments in force on a day (today by default)."""
    return RoleAssignment.objects.current(on).filter(officer=officer).select_related("role", "unit")


def officers_observable_by(*, user) -> QuerySet[Officer]:
    """Active officers a user may record a desk observation of: the led subtree of a leader and the centre of
    a centre director (QL), never the user themselves. Twin of people.permissions.can_observe."""
    from .permissions import centre_director_paths

    qs = Officer.objects.select_related("unit", "user").filter(is_active=True)
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    paths = led_unit_paths(user=user) + centre_director_paths(user=user)
    if not paths:
        return qs.none()
    return qs.filter(_subtree_q(paths, "unit__path")).exclude(user=user)

