"""An exam room at 8:00: many officers, and one officer's many tabs, start a just-published quiz at the same moment.

Real threads on the real database: run with DATABASE_URL=postgres://… (skipped on in-memory SQLite, which threads
cannot share; `.ci/run` runs the whole suite again on PostgreSQL).
"""

import threading
from collections import Counter

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from assessments.models import Attempt, QuestionKind, QuestionVersion, Response
from tests.assessments.factories import QuestionCategoryFactory, QuizPageFactory, add_fixed, make_question
from tests.people.factories import OfficerFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def shared_database():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("in-memory SQLite is not shared between threads; run with DATABASE_URL=postgres://…")


def run_in_threads(targets):
    """Run each callable in its own thread, all released at once; (results, errors) in completion order."""
    barrier = threading.Barrier(len(targets))
    results, errors = [], []

    def run(target):
        try:
            barrier.wait(timeout=20)
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the caller
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


def test_twenty_starts_of_a_new_quiz_at_once(shared_database, officer, module_page):
    cat = QuestionCategoryFactory(name="Phòng thi 8 giờ")
    questions = [make_question(kind, category=cat) for kind in
                 (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.ORDERING,
                  QuestionKind.MATCHING, QuestionKind.SHORT_ANSWER)]
    quiz = QuizPageFactory(parent=module_page, title="Kiểm tra vừa xuất bản", shuffle_choices=True)
    add_fixed(quiz, *questions)
    assert not QuestionVersion.objects.exists()  # the first start snapshots the versions
    others = [OfficerFactory(unit=officer.unit) for _ in range(10)]
    users = [o.user for o in others] + [officer.user] * 10  # ten officers, and one officer's ten tabs

    def starter(user):
        def start():
            client = Client()
            client.force_login(user)
            response = client.post(quiz.url, {"action": "start"})
            return response.status_code, response.get("Location"), user.pk
        return start

    results, errors = run_in_threads([starter(u) for u in users])
    assert errors == []
    assert len(results) == 20
    assert Counter(status for status, _l, _u in results) == {302: 20}
    assert {location for _s, location, _u in results} == {quiz.url}  # back to the attempt, never an error page
    # One version per question, whoever made it.
    assert Counter(QuestionVersion.objects.values_list("question_id", flat=True)) == {q.pk: 1 for q in questions}
    assert all(v.choices.count() == v.question.choices.count() for v in QuestionVersion.objects.all())
    # Each of the eleven officers has exactly one attempt, with every question once.
    attempts = Attempt.objects.filter(quiz=quiz)
    assert Counter(attempts.values_list("officer_id", flat=True)) == {o.pk: 1 for o in [*others, officer]}
    assert attempts.filter(status=Attempt.Status.IN_PROGRESS).count() == 11
    for attempt in attempts:
        assert sorted(Response.objects.filter(attempt=attempt).values_list("version__question_id", flat=True)) == \
            sorted(q.pk for q in questions)


def test_submit_while_autosaves_are_on_their_way(shared_database, officer, module_page):
    """Nộp bài pressed while the page's autosaves of other questions are still in flight (the exam room at the
    end of its time): every request finishes (no deadlock, no error page), the attempt is graded once, and each
    response's score matches the answer stored with it — whichever of the autosave and the submit came first."""
    from decimal import Decimal

    from django.urls import reverse

    from assessments.models import ResponseChoice
    from tests.assessments.factories import token

    cat = QuestionCategoryFactory(name="Nộp khi đang lưu")
    quiz = QuizPageFactory(parent=module_page, layout="all", time_limit_minutes=30)
    add_fixed(quiz, *[make_question(QuestionKind.SINGLE, category=cat) for _ in range(12)])
    client = Client()
    client.force_login(officer.user)
    client.post(quiz.url, {"action": "start"})
    attempt = Attempt.objects.get(officer=officer, quiz=quiz)
    responses = list(attempt.responses.select_related("version").order_by("position"))
    right = {r.pk: token(r, r.version.choices.get(is_correct=True)) for r in responses}
    for r in responses[:6]:  # half answered and autosaved before
        client.post(reverse("assessments:save-response", args=[r.pk]), {"kind": "single", f"q{r.pk}": right[r.pk]})
    # The form carries all twelve answers as the page shows them; the last six are the ones still being
    # autosaved, so the page still has their revision 0.
    form = {"attempt": attempt.pk, "shown": [r.pk for r in responses], "action": "submit"}
    form |= {f"q{r.pk}": right[r.pk] for r in responses}
    form |= {f"q{r.pk}_rev": "1" if i < 6 else "0" for i, r in enumerate(responses)}

    def autosave(r):
        def save():
            c = Client()
            c.force_login(officer.user)
            return c.post(reverse("assessments:save-response", args=[r.pk]),
                          {"kind": "single", f"q{r.pk}": right[r.pk], f"q{r.pk}_rev": "0"}).status_code
        return save

    def submit():
        c = Client()
        c.force_login(officer.user)
        return c.post(quiz.url, form).status_code

    results, errors = run_in_threads([submit] + [autosave(r) for r in responses[6:]])
    assert errors == []
    assert len(results) == 7 and results.count(302) == 1  # the submit
    assert all(s in (200, 409) for s in results if s != 302)  # an autosave before it, or one refused after it
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.percent == Decimal("100.00")
    assert ResponseChoice.objects.filter(response__attempt=attempt).count() == 12
    assert set(Response.objects.filter(attempt=attempt).values_list("score", flat=True)) == {Decimal("1.00")}
