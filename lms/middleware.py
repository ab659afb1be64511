"""Two middlewares: idle session timeouts by user type, and a 503 "reconnecting" answer while the database is down.

Idle timeouts: officers stay signed in through a working day, staff not as long. A session expires after `LMS_SESSION_IDLE_OFFICER` seconds without a request (8 h by default), or
`LMS_SESSION_IDLE_STAFF` (2 h) for users who reach the Wagtail admin (trainers, administrators, superusers).
The timeout is set when the user logs in (the `user_logged_in` signal, connected in lms/apps.py) and pushed
forward by the middleware at most every `LMS_SESSION_REFRESH` seconds, not on every request, so ordinary pages
neither write the session nor query permissions each time (the timeout is exact to within that interval).

Database unreachable (a PostgreSQL restart, a failover, a network cut): a request that needs it gets 503 with
Retry-After instead of a 500 — an HTML page "Đang kết nối lại…" that reloads itself (a meta refresh: the CSP allows no inline script), or for
fetch/JSON requests (the quiz autosave) {"retry": true, "error": …} so the client sends it again. The request's
transaction (ATOMIC_REQUESTS) has been rolled back by then, so nothing is half-saved; the connections are closed,
and the next request opens a new one (CONN_HEALTH_CHECKS checks a reused connection before the first query).

Two ways in: DatabaseUnavailableMiddleware.process_exception for errors raised by a view, and `server_error`
(handler500, lms/urls.py) for errors raised outside one (the session saved by SessionMiddleware, the user loaded
by a middleware). Logged once, at WARNING, with no traceback: the cause is outside the application.
"""

import logging
import sys
import time

from django.conf import settings
from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

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


# --- The database is unreachable (a restart, a failover, a network cut) -------------------------------------

logger = logging.getLogger("lms.database")
RETRY_AFTER_SECONDS = 5
# PostgreSQL error classes of a lost or refused connection: 08 connection exception, 57P operator intervention
# (admin / crash shutdown, "the database system is starting up"). A connect failure has no SQLSTATE at all.
_UNAVAILABLE_SQLSTATES = ("08", "57P")
# SQLite: the file is busy or locked past the busy timeout (transient, like a restart).
_SQLITE_TRANSIENT = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED


def _driver_error(exc: BaseException) -> BaseException | None:
    """The driver's own exception behind Django's wrapper (psycopg's or sqlite3's), if any."""
    cause = exc.__cause__
    return cause if cause is not None and cause is not exc else None


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc` (or what it was raised from) says the database cannot be reached now — not a bad query."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, InterfaceError):
            return True
        if isinstance(exc, OperationalError):
            driver = _driver_error(exc)
            if driver is None:
                return True  # raised by Django itself, or a test standing in for a dead server
            sqlstate = getattr(driver, "sqlstate", None)
            if type(driver).__module__.startswith("psycopg"):
                return sqlstate is None or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)
            return getattr(driver, "sqlite_errorcode", None) in _SQLITE_TRANSIENT
        if type(exc).__module__.startswith("psycopg") and type(exc).__name__ in ("OperationalError",
                                                                                 "InterfaceError"):
            sqlstate = getattr(exc, "sqlstate", None)
            return sqlstate is None or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _wants_json(request) -> bool:
    return (request.headers.get("X-Requested-With", "").lower() in ("fetch", "xmlhttprequest")
            or "json" in request.headers.get("Accept", "").lower()
            or "json" in (request.content_type or ""))


def _discard_connections() -> None:
    """Close every open connection (in a broken atomic block Django only marks it): the next request reconnects."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # noqa: BLE001 — the socket may be gone already; the wrapper is reset either way
            conn.connection = None


def database_unavailable_response(request, exc: BaseException):
    _discard_connections()
    logger.warning("database unavailable, answered 503 (%s %s): %s: %s", request.method, request.path,
                   type(exc).__name__, str(exc).strip().splitlines()[0] if str(exc).strip() else "")
    message = _("The server is reconnecting to its data. Everything saved so far is kept; "
                "please try again in a few seconds.")
    if _wants_json(request):
        response = JsonResponse({"retry": True, "error": message}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {
            "message": message, "retry_after": RETRY_AFTER_SECONDS, "path": request.get_full_path()}),
            status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # logged above at WARNING: not again by django.request at ERROR
    return response


class DatabaseUnavailableMiddleware:
    """503 + Retry-After for a view that could not reach the database (see the module's last part)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_unavailable(exception):
            return database_unavailable_response(request, exception)
        return None


def server_error(request, template_name: str = defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: the 503 page when the uncaught exception is the database being unreachable, else the 500."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        return database_unavailable_response(request, exc)
    return defaults.server_error(request, template_name)
