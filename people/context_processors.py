"""Navigation by user type, computed once per request."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .roles import is_administrator, is_leader, is_trainer
from .selectors import officer_for_user


def _user_type_label(*, officer, leader: bool, trainer: bool, administrator: bool) -> str:
    if administrator:
        return _("Administrator")
    if leader:
        return _("Leader")
    if trainer:
        return _("Trainer")
    if officer is not None:
        return _("Officer")
    return ""


def _initials(name: str) -> str:
    parts = [p for p in name.split() if p]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][:2].upper()
    return (parts[-2][0] + parts[-1][0]).upper()


def _leader_pages_elsewhere() -> tuple[str, ...]:
    """Address prefixes of the leaders' certificate pages (a unit's list and its ZIPs)."""
    archive = reverse("certificates:archive-detail", args=[1])
    return (reverse("certificates:units"), archive[: archive.rstrip("/").rfind("/") + 1])


def nav_items_for(*, user, officer, leader: bool, trainer: bool, administrator: bool, path: str = "") -> list[dict]:
    """The main navigation entries a user sees, in order, with the current one marked."""
    candidates: list[tuple[str, str]] = []
    if officer is not None:
        candidates.append(("courses:my-learning", _("My learning")))
    candidates.append(("courses:catalogue", _("Courses")))
    if officer is not None:
        candidates.append(("certificates:mine", _("My certificates")))
    if leader or administrator:
        candidates.append(("dashboards:units", _("My units")))
    if trainer or administrator:
        candidates.append(("dashboards:trainer-courses", _("Course results")))
        candidates.append(("wagtailadmin_home", _("Administration")))
    items = [{"name": name, "url": reverse(name), "label": label, "current": False} for name, label in candidates]
    # The longest matching prefix is the current page ("/" never matches anything else). The leaders' pages
    # that live under another item's address (a unit's certificates and ZIPs, under "My certificates") belong
    # to "My units".
    owned = {"dashboards:units": _leader_pages_elsewhere()}
    best, best_length = None, 0
    for item in items:
        for prefix in (item["url"], *owned.get(item["name"], ())):
            if prefix != "/" and path.startswith(prefix) and len(prefix) > best_length:
                best, best_length = item, len(prefix)
    if best is not None:
        best["current"] = True
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {"authenticated": False, "items": []}}
    officer = officer_for_user(user=user)
    leader = is_leader(user)
    trainer = is_trainer(user)
    administrator = is_administrator(user)
    # Vietnamese order for users without an officer record too (people.text.user_full_name, behind get_full_name).
    display_name = officer.full_name if officer is not None else (user.get_full_name() or user.get_username())
    return {
        "nav": {
            "authenticated": True,
            "is_officer": officer is not None,
            "is_trainer": trainer,
            "is_leader": leader,
            "is_administrator": administrator,
            "officer": officer,
            "display_name": display_name,
            "initials": _initials(display_name),
            "unit_name": officer.unit.name if officer is not None else "",
            "user_type_label": _user_type_label(
                officer=officer, leader=leader, trainer=trainer, administrator=administrator
            ),
            "items": nav_items_for(
                user=user, officer=officer, leader=leader, trainer=trainer, administrator=administrator,
                path=request.path,
            ),
        }
    }
