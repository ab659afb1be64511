"""Idle session timeouts by user type: officers stay signed in through a working day, staff not as long.

A session expires after `LMS_SESSION_IDLE_OFFICER` seconds without a request (8 h by default), or
`LMS_SESSION_IDLE_STAFF` (2 h) for users who reach the Wagtail admin (trainers, administrators, superusers).
The timeout is set when the user logs in (the `user_logged_in` signal, connected in lms/apps.py) and pushed
forward by the middleware at most every `LMS_SESSION_REFRESH` seconds, not on every request, so ordinary pages
neither write the session nor query permissions each time (the timeout is exact to within that interval).
"""

import time

from django.conf import settings

LAST_SEEN_KEY = "_lms_last_seen"


def idle_timeout_for(user) -> int:
    """Seconds of inactivity after which the user's session ends."""
    if user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        return settings.LMS_SESSION_IDLE_STAFF
    return settings.LMS_SESSION_IDLE_OFFICER


def _refresh(session, user, now: int) -> None:
    session.set_expiry(idle_timeout_for(user))
    session[LAST_SEEN_KEY] = now


def session_timeout_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        _refresh(request.session, user, int(time.time()))


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = int(time.time())
            last_seen = session.get(LAST_SEEN_KEY)
            if not isinstance(last_seen, int) or now - last_seen >= settings.LMS_SESSION_REFRESH:
                _refresh(session, user, now)
        return self.get_response(request)
