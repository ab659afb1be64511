"""The database cannot be reached (a PostgreSQL restart): 503 + Retry-After "Đang kết nối lại…", never a 500.

A view that wrote and then lost its database answers 503: an HTML page that reloads itself, or for the quiz
autosave (fetch) {"retry": true, "error": …}; the request's transaction is rolled back (nothing half-saved), the
connection is discarded, the event is logged at WARNING (not as a server error), and the same request sent again
once the database is back succeeds. An error raised outside a view (a middleware) goes through handler500 and gets
the same answer. bench/load/faults/postgres_restart.py does this for real, against gunicorn and PostgreSQL.
"""

import logging
import sqlite3

import psycopg
import pytest
from django.db import connections
from django.db.utils import InterfaceError, OperationalError, ProgrammingError
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Attempt, ResponseChoice
from lms import middleware
from tests.assessments.factories import (
    token,
)

# Real transactions: the request's ATOMIC_REQUESTS block is committed or rolled back, not a test savepoint.
pytestmark = pytest.mark.django_db(transaction=True)

RECONNECTING = "Đang kết nối lại…"
DOWN = "connection failed: Connection refused. Is the server running on that host and accepting TCP/IP connections?"


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


@pytest.fixture
def closes(monkeypatch):
    """How many times a database connection was closed (the broken one must be discarded)."""
    calls = []
    wrapper = type(connections["default"])
    original = wrapper.close

    def close(self):
        calls.append(self.alias)
        return original(self)

    monkeypatch.setattr(wrapper, "close", close)
    return calls


def browser(user) -> Client:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(user)
    return client


def fails_after(original, exc_type=OperationalError):
    """`original`, which writes, then the database is gone before the request ends."""

    def wrapper(*args, **kwargs):
        original(*args, **kwargs)
        raise exc_type(DOWN)

    return wrapper


def assert_logged_as_warning(caplog):
    mine = [r for r in caplog.records if r.name == "lms.database"]
    assert mine and all(r.levelno == logging.WARNING for r in mine)
    assert not [r for r in caplog.records if r.name == "django.request" and r.levelno >= logging.ERROR]


def test_html_request_gets_the_reconnecting_page_and_nothing_is_saved(officer, quiz, enrolment, monkeypatch,
                                                                      caplog, closes):
    client = browser(officer.user)
    monkeypatch.setattr(services, "attempt_start", fails_after(services.attempt_start))
    caplog.set_level(logging.WARNING)
    response = client.post(quiz.url, {"action": "start"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert RECONNECTING in html and "Máy chủ đang kết nối lại với cơ sở dữ liệu" in html
    assert '<meta http-equiv="refresh" content="5">' in html  # the CSP allows no inline script
    assert "<script" not in html and "Traceback" not in html
    assert not Attempt.objects.filter(officer=officer).exists()  # the attempt written first was rolled back
    assert "default" in closes
    assert_logged_as_warning(caplog)

    monkeypatch.undo()  # the database is back: the same request works
    assert client.post(quiz.url, {"action": "start"}).status_code == 302
    assert Attempt.objects.filter(officer=officer, status=Attempt.Status.IN_PROGRESS).count() == 1


@pytest.mark.parametrize("headers", [{"HTTP_X_REQUESTED_WITH": "fetch"}, {"HTTP_ACCEPT": "application/json"}])
def test_autosave_gets_retry_json_and_the_answer_is_not_half_saved(officer, quiz, enrolment, monkeypatch, caplog,
                                                                   closes, headers):
    client = browser(officer.user)
    client.post(quiz.url, {"action": "start"})
    attempt = Attempt.objects.get(officer=officer)
    r = attempt.responses.select_related("version").order_by("position").first()
    answer = token(r, r.version.choices.get(is_correct=True))
    url = reverse("assessments:save-response", args=[r.pk])
    data = {"kind": r.version.kind, f"q{r.pk}": answer, f"q{r.pk}_rev": "0"}

    monkeypatch.setattr(services, "response_save", fails_after(services.response_save, InterfaceError))
    caplog.set_level(logging.WARNING)
    response = client.post(url, data, **headers)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["retry"] is True
    assert body["error"].startswith("Máy chủ đang kết nối lại")
    r.refresh_from_db()
    assert r.revision == 0 and r.answered_at is None  # the revision bump and the choice row were rolled back
    assert not ResponseChoice.objects.filter(response=r).exists()
    assert "default" in closes
    assert_logged_as_warning(caplog)

    monkeypatch.undo()  # the client sends the same autosave again: saved, once
    response = client.post(url, data, **headers)
    assert response.status_code == 200 and response.json()["saved"] is True
    r.refresh_from_db()
    assert r.revision == 1
    assert list(ResponseChoice.objects.filter(response=r).values_list("choice__is_correct", flat=True)) == [True]


def test_outside_a_view_handler500_answers_503(officer, settings, monkeypatch, caplog):
    """The error is raised by a middleware (here the session timeout's refresh), not by a view."""
    client = browser(officer.user)
    settings.LMS_SESSION_REFRESH = 0  # every request refreshes the session expiry

    def refresh(*args, **kwargs):
        raise OperationalError(DOWN)

    monkeypatch.setattr(middleware, "_refresh", refresh)
    caplog.set_level(logging.WARNING)
    response = client.get(reverse("courses:my-learning"))
    assert response.status_code == 503 and RECONNECTING in response.content.decode()
    assert response["Retry-After"] == "5"
    response = client.get(reverse("courses:my-learning"), HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 503 and response.json()["retry"] is True
    assert_logged_as_warning(caplog)


def test_other_errors_stay_a_500(officer, quiz, enrolment, monkeypatch):
    client = browser(officer.user)
    monkeypatch.setattr(services, "attempt_start", fails_after(services.attempt_start, ProgrammingError))
    response = client.post(quiz.url, {"action": "start"})
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Đã xảy ra lỗi" in response.content.decode()


def wrapped(driver_error: Exception) -> OperationalError:
    """Django's OperationalError raised from the driver's, as DatabaseErrorWrapper does."""
    try:
        try:
            raise driver_error
        except Exception as exc:
            raise OperationalError(str(exc)) from exc
    except OperationalError as exc:
        return exc


@pytest.mark.django_db(transaction=False)
def test_which_errors_mean_the_database_is_unreachable():
    unavailable = middleware.database_unavailable
    assert unavailable(OperationalError(DOWN))
    assert unavailable(InterfaceError("connection already closed"))
    assert unavailable(wrapped(psycopg.OperationalError(DOWN)))  # a failed connect: no SQLSTATE
    assert unavailable(wrapped(psycopg.errors.AdminShutdown()))  # 57P01, a restart in fast mode
    assert unavailable(wrapped(psycopg.errors.CannotConnectNow()))  # 57P03, "the database system is starting up"
    assert unavailable(wrapped(psycopg.errors.ConnectionFailure()))  # 08006
    assert unavailable(psycopg.OperationalError(DOWN))  # raw, outside Django's wrapper
    locked = sqlite3.OperationalError("database is locked")
    locked.sqlite_errorcode = 5
    assert unavailable(wrapped(locked))
    # Not a connection problem: an ordinary 500 that must be seen.
    assert not unavailable(wrapped(psycopg.errors.QueryCanceled()))  # 57014, a statement timeout
    assert not unavailable(wrapped(sqlite3.OperationalError("no such table: x")))
    assert not unavailable(ProgrammingError("syntax error"))
    assert not unavailable(RuntimeError("boom"))
    assert not unavailable(None)
