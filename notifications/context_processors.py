"""The bell's unread count in the header: one query per page for a logged-in user, none otherwise."""

from . import selectors


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": _LazyCount(user)}


class _LazyCount:
    """Counted only when a template prints it (pages without the header pay nothing)."""

    def __init__(self, user):
        self._user, self._value = user, None

    def _count(self) -> int:
        if self._value is None:
            self._value = selectors.unread_count(user=self._user)
        return self._value

    def __int__(self) -> int:
        return self._count()

    def __str__(self) -> str:
        value = self._count()
        return "99+" if value > 99 else str(value)

    def __bool__(self) -> bool:
        return self._count() > 0

    def __eq__(self, other) -> bool:
        return self._count() == other

    __hash__ = object.__hash__
