"""The embedded SQLite default (``make run``) under a handful of simultaneous writers never answers "database is
locked": officers' quiz autosaves and lesson time pings and a trainer's admin saves, at the same moment, on a
FILE database opened with the project's SQLite options (``lms.settings.base.SQLITE_OPTIONS``: WAL, busy timeout,
IMMEDIATE transactions).

The test data is made in the (in-memory) test database, copied to a file with SQLite's backup API, and the writer
threads open their connections to that file: each thread gets its own connection, like the threads of runserver.
"""

import sqlite3
import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from assessments import services as assessment_services
from assessments.models import QuestionKind
from lms.settings import base as base_settings
from tests.assessments.factories import (
    QuestionCategoryFactory,
    QuizPageFactory,
    add_fixed,
    make_question,
    token,
)
from tests.courses.factories import EnrolmentFactory, LessonPageFactory, ModulePageFactory, build_course
from tests.people.factories import OfficerFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 12


def test_the_default_sqlite_settings_are_wal_immediate_with_a_busy_timeout():
    options = base_settings.SQLITE_OPTIONS
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10
    assert "journal_mode=WAL" in options["init_command"]


@pytest.fixture
def file_database(tmp_path):
    """Swap the default database of new threads to a file copy of the test database (restored afterwards)."""
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite test: the file database of `make run`")

    def use_file():
        path = tmp_path / "db.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        original = connections.settings["default"]
        connections.settings["default"] = {**original, "NAME": str(path), "TEST": {},
                                           "OPTIONS": dict(base_settings.SQLITE_OPTIONS)}
        return original

    originals = []
    yield lambda: originals.append(use_file())
    if originals:
        connections.settings["default"] = originals[0]


def run_together(workers):
    barrier = threading.Barrier(len(workers))
    results, errors = [], []

    def run(work):
        try:
            barrier.wait(timeout=30)
            results.extend(work())
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    return results, errors


def test_autosaves_pings_and_admin_saves_at_once_never_lock(file_database, trainer):
    course = build_course(modules=0, lessons=0, title="Khóa học đồng thời")
    module = ModulePageFactory(parent=course, title="Học phần 1")
    lesson = LessonPageFactory(parent=module, title="Bài học có đồng hồ", estimated_minutes=5)
    edited = LessonPageFactory(parent=module, title="Bài học đang soạn", slug="bai-hoc-dang-soan")
    category = QuestionCategoryFactory(name="Đồng thời")
    quiz = QuizPageFactory(parent=module, title="Kiểm tra")
    add_fixed(quiz, *[make_question(QuestionKind.SINGLE, category=category) for _ in range(3)])
    officers = [OfficerFactory(full_name=f"Nguyễn Văn {i}") for i in range(3)]
    autosaves = []
    for officer in officers:
        EnrolmentFactory(officer=officer, course=course)
        attempt = assessment_services.attempt_start(quiz=quiz, officer=officer)
        autosaves.append((officer.user, list(attempt.responses.select_related("version"))))
    file_database()

    def autosaver(user, responses):
        def work():
            client = Client()
            client.force_login(user)
            out, revisions = [], {r.pk: 0 for r in responses}
            for i in range(ROUNDS):
                r = responses[i % len(responses)]
                choice = list(r.version.choices.all())[i % 2]
                resp = client.post(reverse("assessments:save-response", args=[r.pk]),
                                   {"kind": "single", f"q{r.pk}": token(r, choice), f"q{r.pk}_rev": revisions[r.pk]})
                if resp.status_code == 200:
                    revisions[r.pk] = resp.json()["revision"]
                out.append(("autosave", resp.status_code))
            return out
        return work

    def pinger(user):
        def work():
            client = Client()
            client.force_login(user)
            client.get(lesson.url)
            return [("ping", client.post(reverse("courses:lesson-ping", args=[lesson.pk]), {"seconds": "30"})
                     .status_code) for _ in range(ROUNDS)]
        return work

    def admin_saver():
        client = Client()
        client.force_login(trainer)
        out = []
        for i in range(ROUNDS // 2):
            data = nested_form_data({"title": f"Bài học đang soạn {i}", "slug": "bai-hoc-dang-soan",
                                     "summary": "Tóm tắt", "body": streamfield([]), "estimated_minutes": "10"})
            resp = client.post(reverse("wagtailadmin_pages:edit", args=[edited.pk]), data)
            out.append(("admin", resp.status_code))
        return out

    workers = [autosaver(u, rs) for u, rs in autosaves] + [pinger(o.user) for o in officers] + [admin_saver] * 2
    results, errors = run_together(workers)

    assert errors == []
    assert not [r for r in results if "locked" in str(r)]
    assert Counter(results) == {("autosave", 200): 3 * ROUNDS, ("ping", 200): 3 * ROUNDS, ("admin", 302): ROUNDS}
