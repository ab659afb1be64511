"""Reads of the notification centre."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import OPTIONAL_KINDS, Kind, Mute, Notification

FILTER_STATES = ("unread", "read")


def unread_count(*, user) -> int:
    """The bell's number (one query)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(*, user, kind: str = "", state: str = "") -> QuerySet[Notification]:
    """A user's own notifications, newest first, filtered by kind and read state (unknown values are ignored)."""
    qs = Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if state == "unread":
        qs = qs.filter(read_at__isnull=True)
    elif state == "read":
        qs = qs.filter(read_at__isnull=False)
    return qs


def optional_kinds_with_mutes(*, user) -> list[tuple[str, str, bool]]:
    """(kind, label, muted) for every optional kind, in the order of Kind."""
    muted = set(Mute.objects.filter(user=user).values_list("kind", flat=True))
    return [(kind.value, kind.label, kind.value in muted) for kind in Kind if kind in OPTIONAL_KINDS]


def mandatory_kinds() -> list[str]:
    return [kind.label for kind in Kind if kind not in OPTIONAL_KINDS]


def history_for_recipient(*, user_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=user_id).order_by("-created_at", "-pk")
