import datetime as dt
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import services
from assessments.models import (
    Attempt,
    Choice,
    QuestionKind,
    QuestionVersion,
    Response,
    ResponseChoice,
    VersionChoice,
)
from assessments.selectors import required_quizzes_status
from assessments.tasks import attempts_submit_expired_task
from courses.models import Enrolment
from tests.assessments.factories import (
    QuestionCategoryFactory,
    QuizPageFactory,
    add_fixed,
    add_rule,
    make_question,
    token,
    tokens,
)

pytestmark = pytest.mark.django_db


def choice_ids(response, *, correct):
    return list(response.version.choices.filter(is_correct=correct).values_list("pk", flat=True))


def choice_tokens(response, *, correct):
    return tokens(response, choice_ids(response, correct=correct))


def answer_all_correctly(attempt, user):
    for r in attempt.responses.select_related("version"):
        services.response_save(response_id=r.pk, user=user, choices=choice_tokens(r, correct=True)[:1])


# --- start: draw, freeze, versions ----------------------------------------------------------------------

def test_start_freezes_questions_versions_and_order(quiz, officer):
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    responses = list(attempt.responses.select_related("version").order_by("position"))
    assert [r.position for r in responses] == [1, 2]
    assert all(r.version.number == 1 for r in responses)
    # Editing the question afterwards makes a new version for new attempts, never for this one.
    question = responses[0].version.question
    question.stem = "<p>Câu hỏi đã sửa</p>"
    question.save()
    Choice.objects.filter(question=question).update(text="Đã sửa")
    attempt.refresh_from_db()
    first = attempt.responses.get(position=1)
    assert first.version.stem != "<p>Câu hỏi đã sửa</p>"
    assert "Đã sửa" not in set(first.version.choices.values_list("text", flat=True))
    versions = services.question_versions_current(question_ids=[question.pk])
    assert versions[question.pk].number == 2
    assert versions[question.pk].stem == "<p>Câu hỏi đã sửa</p>"
    # An unchanged question keeps its version.
    assert services.question_versions_current(question_ids=[question.pk])[question.pk].number == 2


def test_start_returns_the_open_attempt_instead_of_a_second_one(quiz, officer):
    first = services.attempt_start(quiz=quiz, officer=officer)
    again = services.attempt_start(quiz=quiz, officer=officer)
    assert again.pk == first.pk
    assert Attempt.objects.count() == 1


def test_random_draw_is_frozen_per_attempt(module_page, officer):
    cat = QuestionCategoryFactory(name="Ngân hàng")
    questions = [make_question(category=cat) for _ in range(10)]
    quiz = QuizPageFactory(parent=module_page, attempts_allowed=0)
    add_rule(quiz, cat, 4)
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    drawn = list(attempt.responses.values_list("version__question_id", flat=True))
    assert len(drawn) == 4 and len(set(drawn)) == 4
    assert set(drawn) <= {q.pk for q in questions}
    # Re-opening (resume) shows the same questions.
    assert list(services.attempt_start(quiz=quiz, officer=officer).responses.values_list(
        "version__question_id", flat=True)) == drawn


def test_random_draw_is_fair():
    pool = list(range(1, 21))
    rng = random.Random(2026)
    counts = Counter()
    runs = 4000
    for _ in range(runs):
        drawn = services.draw_from_pools(fixed=[99], pools=[(pool, 5)], rng=rng)
        assert drawn[0] == 99 and len(set(drawn)) == 6
        counts.update(drawn[1:])
    expected = runs * 5 / len(pool)  # 1000 each
    assert set(counts) == set(pool)
    assert all(abs(c - expected) < expected * 0.15 for c in counts.values())


def test_draw_never_repeats_fixed_or_earlier_rules():
    drawn = services.draw_from_pools(fixed=[1, 2], pools=[([1, 2, 3], 5), ([3, 4], 2)], rng=random.Random(1))
    assert sorted(drawn) == [1, 2, 3, 4]


def test_retired_and_inactive_questions_are_not_drawn(module_page, officer):
    cat = QuestionCategoryFactory(name="Luật cũ")
    current = make_question(category=cat)
    make_question(category=cat, valid_until=dt.date(2025, 6, 30), title="NĐ 61/2018")
    make_question(category=cat, is_active=False)
    quiz = QuizPageFactory(parent=module_page)
    add_rule(quiz, cat, 3)
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    assert list(attempt.responses.values_list("version__question_id", flat=True)) == [current.pk]


def test_subcategories_are_included_only_when_asked(module_page, officer):
    parent = QuestionCategoryFactory(name="Gốc")
    child = QuestionCategoryFactory(name="Con", parent=parent)
    make_question(category=child)
    quiz = QuizPageFactory(parent=module_page)
    add_rule(quiz, parent, 2, include_subcategories=False)
    with pytest.raises(services.AttemptError):
        services.attempt_start(quiz=quiz, officer=officer)
    quiz.random_rules.update(include_subcategories=True)
    assert services.attempt_start(quiz=quiz, officer=officer).responses.count() == 1


# --- autosave and deadline ------------------------------------------------------------------------------

def test_autosave_replaces_the_answer_and_refuses_after_deadline_plus_grace(quiz, officer):
    quiz.time_limit_minutes = 10
    quiz.save()
    start = timezone.now()
    attempt = services.attempt_start(quiz=quiz, officer=officer, now=start)
    assert attempt.deadline == start + dt.timedelta(minutes=10)
    r = attempt.responses.select_related("version").get(position=1)
    right, wrong = choice_ids(r, correct=True), choice_ids(r, correct=False)
    services.response_save(response_id=r.pk, user=officer.user, choices=tokens(r, wrong[:1]), now=start)
    services.response_save(response_id=r.pk, user=officer.user, choices=tokens(r, right), now=start)
    assert list(ResponseChoice.objects.filter(response=r).values_list("choice_id", flat=True)) == right
    # Inside the grace period an answer is still accepted (network latency at the last second)...
    services.response_save(response_id=r.pk, user=officer.user, choices=tokens(r, right),
                           now=attempt.deadline + dt.timedelta(seconds=20))
    # ...after it, refused.
    with pytest.raises(services.AttemptClosed):
        services.response_save(response_id=r.pk, user=officer.user, choices=tokens(r, wrong[:1]),
                               now=attempt.deadline + dt.timedelta(seconds=31))
    assert list(ResponseChoice.objects.filter(response=r).values_list("choice_id", flat=True)) == right


def test_autosave_rejects_foreign_choices_and_other_officers(quiz, officer, other_unit_officer):
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    r1, r2 = attempt.responses.order_by("position")
    foreign = r2.version.choices.first().pk
    with pytest.raises(ValidationError):  # another question's option, named as that question names it
        services.response_save(response_id=r1.pk, user=officer.user, choices=tokens(r2, [foreign]))
    with pytest.raises(ValidationError):  # this question's own option ids, not tokens
        services.response_save(response_id=r1.pk, user=officer.user, choices=[str(c) for c in choice_ids(
            r1, correct=True)])
    with pytest.raises(ValidationError):
        services.response_save(response_id=r1.pk, user=officer.user, choices=tokens(r1, [1, 2, 3, 999999]))
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        services.response_save(response_id=r1.pk, user=other_unit_officer.user, choices=[])


def test_answers_after_submit_are_refused(quiz, officer):
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    services.attempt_submit(attempt=attempt)
    r = attempt.responses.first()
    with pytest.raises(services.AttemptClosed):
        services.response_save(response_id=r.pk, user=officer.user, choices=[])


def test_periodic_task_submits_expired_attempts(quiz, officer, other_unit_officer):
    quiz.time_limit_minutes = 5
    quiz.save()
    old = timezone.now() - dt.timedelta(minutes=10)
    expired = services.attempt_start(quiz=quiz, officer=officer, now=old)
    running = services.attempt_start(quiz=quiz, officer=other_unit_officer)
    assert attempts_submit_expired_task.delay().get() == 1
    expired.refresh_from_db()
    running.refresh_from_db()
    assert expired.status == Attempt.Status.GRADED and expired.auto_submitted
    assert running.status == Attempt.Status.IN_PROGRESS
    # Safe to run again.
    assert attempts_submit_expired_task.delay().get() == 0


def test_deadline_is_capped_by_the_closing_time(quiz, officer):
    now = timezone.now()
    quiz.time_limit_minutes = 60
    quiz.available_until = now + dt.timedelta(minutes=15)
    quiz.save()
    attempt = services.attempt_start(quiz=quiz, officer=officer, now=now)
    assert attempt.deadline == quiz.available_until


# --- submit -----------------------------------------------------------------------------------------------

def test_submit_grades_once_and_is_idempotent(quiz, officer):
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    answer_all_correctly(attempt, officer.user)
    stale = Attempt.objects.get(pk=attempt.pk)  # a second tab still holding the open attempt
    first = services.attempt_submit(attempt=attempt)
    second = services.attempt_submit(attempt=stale)
    third = services.attempt_submit(attempt=attempt, auto=True)
    assert first.status == second.status == third.status == Attempt.Status.GRADED
    assert first.percent == Decimal("100.00") and first.passed
    attempt.refresh_from_db()
    assert attempt.submitted_at == first.submitted_at and not attempt.auto_submitted
    assert Attempt.objects.filter(officer=officer).count() == 1


@pytest.mark.django_db(transaction=True)
def test_submit_under_concurrent_requests_grades_once(quiz, officer):
    """Real threads on the real database (PostgreSQL when DATABASE_URL points at it)."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("in-memory SQLite is not shared between threads; run with DATABASE_URL=postgres://…")
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    answer_all_correctly(attempt, officer.user)
    barrier = Barrier(4)
    graded_at = []

    def submit():
        try:
            barrier.wait()
            result = services.attempt_submit(attempt=Attempt(pk=attempt.pk))
            graded_at.append(result.graded_at)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        for f in [pool.submit(submit) for _ in range(4)]:
            f.result()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert len(set(graded_at)) == 1


# --- attempts limit, delay, overrides --------------------------------------------------------------------

def test_attempts_limit_delay_and_override(quiz, officer, trainer):
    quiz.attempts_allowed = 1
    quiz.delay_minutes = 30
    quiz.save()
    t0 = timezone.now()
    a1 = services.attempt_start(quiz=quiz, officer=officer, now=t0)
    services.attempt_submit(attempt=a1, now=t0 + dt.timedelta(minutes=5))
    check = services.attempt_start_check(quiz=quiz, officer=officer, now=t0 + dt.timedelta(minutes=6))
    assert not check.allowed and check.attempts_used == 1
    with pytest.raises(services.AttemptError):
        services.attempt_start(quiz=quiz, officer=officer, now=t0 + dt.timedelta(minutes=6))
    services.quiz_override_set(quiz=quiz, officer=officer, extra_minutes=0, extra_attempts=1, reason="Ốm",
                               granted_by=trainer)
    # Extra attempt granted, but the delay still applies.
    check = services.attempt_start_check(quiz=quiz, officer=officer, now=t0 + dt.timedelta(minutes=6))
    assert not check.allowed and check.next_start_at == t0 + dt.timedelta(minutes=35)
    a2 = services.attempt_start(quiz=quiz, officer=officer, now=t0 + dt.timedelta(minutes=36))
    assert a2.number == 2


def test_extra_time_override_extends_the_deadline(quiz, officer, leader):
    quiz.time_limit_minutes = 20
    quiz.save()
    services.quiz_override_set(quiz=quiz, officer=officer, extra_minutes=10, extra_attempts=0, reason="",
                               granted_by=leader.user)
    now = timezone.now()
    attempt = services.attempt_start(quiz=quiz, officer=officer, now=now)
    assert attempt.deadline == now + dt.timedelta(minutes=30)
    # Zero for both removes the override.
    assert services.quiz_override_set(quiz=quiz, officer=officer, extra_minutes=0, extra_attempts=0, reason="",
                                      granted_by=leader.user) is None


def test_availability_window(quiz, officer):
    now = timezone.now()
    quiz.available_from = now + dt.timedelta(days=1)
    quiz.save()
    assert not services.attempt_start_check(quiz=quiz, officer=officer, now=now).allowed
    quiz.available_from, quiz.available_until = now - dt.timedelta(days=2), now - dt.timedelta(days=1)
    quiz.save()
    assert not services.attempt_start_check(quiz=quiz, officer=officer, now=now).allowed


# --- grading methods, essays, completion ------------------------------------------------------------------

def _graded_attempt(quiz, officer, right: int, now):
    attempt = services.attempt_start(quiz=quiz, officer=officer, now=now)
    for i, r in enumerate(attempt.responses.select_related("version").order_by("position")):
        services.response_save(response_id=r.pk, user=officer.user,
                               choices=choice_tokens(r, correct=i < right)[:1], now=now)
    return services.attempt_submit(attempt=attempt, now=now)


@pytest.mark.parametrize(("method", "expected"), [("highest", 100), ("last", 50), ("first", 0), ("average", 50)])
def test_grading_methods(quiz, officer, method, expected):
    from assessments.selectors import quiz_summary_for_officer

    quiz.grading_method = method
    quiz.save()
    now = timezone.now()
    for right in (0, 2, 1):
        _graded_attempt(quiz, officer, right, now)
    assert quiz_summary_for_officer(quiz=quiz, officer=officer).grade == Decimal(expected)


def test_essay_waits_for_marking_then_completes_the_course(module_page, officer, enrolment, trainer):
    cat = QuestionCategoryFactory(name="Tự luận")
    quiz = QuizPageFactory(parent=module_page, pass_mark=Decimal("60"))
    add_fixed(quiz, make_question(QuestionKind.SINGLE, category=cat),
              make_question(QuestionKind.ESSAY, category=cat, default_mark=Decimal("2")))
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    assert attempt.enrolment == enrolment
    single, essay = attempt.responses.select_related("version").order_by("position")
    services.response_save(response_id=single.pk, user=officer.user, choices=choice_tokens(single, correct=True))
    services.response_save(response_id=essay.pk, user=officer.user, text="Hướng dẫn một lần, đầy đủ, bằng văn bản.")
    attempt = services.attempt_submit(attempt=attempt)
    assert attempt.status == Attempt.Status.WAITING
    assert required_quizzes_status(enrolments=[enrolment]) == {enrolment.pk: (0, 1)}
    with pytest.raises(ValidationError):
        services.response_mark(response=essay, score=Decimal("3"), comment="", marker=trainer)
    services.response_mark(response=essay, score=Decimal("1.5"), comment="Thiếu căn cứ pháp lý.", marker=trainer)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert attempt.percent == Decimal("83.33") and attempt.passed
    assert required_quizzes_status(enrolments=[enrolment]) == {enrolment.pk: (1, 1)}
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_failed_quiz_does_not_complete_the_course(quiz, officer, enrolment):
    _graded_attempt(quiz, officer, 0, timezone.now())
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert required_quizzes_status(enrolments=[enrolment]) == {enrolment.pk: (0, 1)}


def test_passing_the_required_quiz_completes_the_course(quiz, officer, enrolment, django_capture_on_commit_callbacks):
    from courses.signals import course_completed

    received = []

    def on_completed(sender, enrolment, **kwargs):
        received.append(enrolment.pk)

    course_completed.connect(on_completed)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            attempt = _graded_attempt(quiz, officer, 2, timezone.now())
    finally:
        course_completed.disconnect(on_completed)
    assert attempt.passed
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert received == [enrolment.pk]


def test_question_versions_snapshot_choices(category):
    q = make_question(QuestionKind.MATCHING, category=category)
    version = services.question_versions_current(question_ids=[q.pk])[q.pk]
    assert list(VersionChoice.objects.filter(version=version).values_list("text", "match_text"))[0] == (
        "Mẫu 01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    assert QuestionVersion.objects.count() == 1


def test_question_duplicate_copies_answers_and_tags(category):
    q = make_question(QuestionKind.MULTIPLE, category=category, title="Kênh nộp hồ sơ")
    q.tags.add("NĐ 118")
    q.save()
    copy = services.question_duplicate(question=q)
    assert copy.pk != q.pk and copy.title == "Kênh nộp hồ sơ (copy)" or copy.title.startswith("Kênh nộp hồ sơ (")
    assert list(copy.choices.values_list("text", "is_correct")) == list(q.choices.values_list("text", "is_correct"))
    assert list(copy.tags.names()) == ["NĐ 118"]


def test_category_path_is_created_and_renamed(db):
    leaf = services.category_for_path(path="Một cửa / Tiếp nhận / Hộ tịch")
    assert leaf.path == "Một cửa/Tiếp nhận/Hộ tịch"
    root = leaf.parent.parent
    root.name = "Cơ chế một cửa"
    services.category_save(category=root)
    leaf.refresh_from_db()
    assert leaf.path == "Cơ chế một cửa/Tiếp nhận/Hộ tịch"
    assert services.category_for_path(path="Cơ chế một cửa/Tiếp nhận/Hộ tịch").pk == leaf.pk


def test_ordering_and_matching_answers_are_child_rows(module_page, officer, category):
    quiz = QuizPageFactory(parent=module_page)
    add_fixed(quiz, make_question(QuestionKind.ORDERING, category=category),
              make_question(QuestionKind.MATCHING, category=category))
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    ordering, matching = attempt.responses.select_related("version").order_by("position")
    items = list(ordering.version.choices.order_by("position").values_list("pk", flat=True))
    services.response_save(response_id=ordering.pk, user=officer.user, order=tokens(ordering, items))
    pairs = [(token(matching, pk), text) for pk, text in
             matching.version.choices.order_by("position").values_list("pk", "match_text")]
    services.response_save(response_id=matching.pk, user=officer.user,
                           matches={pairs[0][0]: pairs[0][1], pairs[1][0]: pairs[2][1], pairs[2][0]: pairs[1][1]})
    with pytest.raises(ValidationError):
        services.response_save(response_id=ordering.pk, user=officer.user, order=tokens(ordering, items[:2]))
    attempt = services.attempt_submit(attempt=attempt)
    scores = dict(Response.objects.filter(attempt=attempt).values_list("position", "score"))
    assert scores == {1: Decimal("1.00"), 2: Decimal("0.33")}
    assert ResponseChoice.objects.filter(response=ordering).count() == 4


def test_start_self_enrols_an_officer_who_never_enrolled_but_never_reopens_a_course(quiz, officer):
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    assert attempt.enrolment is not None and attempt.enrolment.reason == Enrolment.Reason.SELF
    services.attempt_submit(attempt=attempt)
    Enrolment.objects.filter(pk=attempt.enrolment_id).update(status=Enrolment.Status.COMPLETED)
    again = services.attempt_start(quiz=quiz, officer=officer)
    assert again.enrolment is None
    assert Enrolment.objects.filter(officer=officer).count() == 1


def test_a_concurrent_start_returns_the_attempt_that_won(quiz, officer, monkeypatch):
    first = services.attempt_start(quiz=quiz, officer=officer)
    real_check = services.attempt_start_check

    def stale_check(**kwargs):  # what a second request saw before the first one committed
        check = real_check(**kwargs)
        check.open_attempt, check.allowed, check.attempts_used = None, True, 0
        return check

    monkeypatch.setattr(services, "attempt_start_check", stale_check)
    assert services.attempt_start(quiz=quiz, officer=officer).pk == first.pk
    assert Attempt.objects.filter(officer=officer).count() == 1
