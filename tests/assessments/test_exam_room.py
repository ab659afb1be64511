"""The exam room at 8:00 (issue 15): a thousand officers start, autosave and submit the same quiz.

Query counts are deterministic where timings on a shared machine are not, so every request of the exam is held
to a fixed number of queries that does not grow with the number of questions or with the size of the bank.
`django_assert_max_num_queries` counts everything, the SAVEPOINT/RELEASE pair of the test's transaction around
each request included (in production they are the request's BEGIN/COMMIT, which Django does not count).
"""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Attempt, Choice, Question, QuestionKind, Response, ResponseChoice
from tests.assessments.factories import (
    QuestionCategoryFactory,
    QuizPageFactory,
    add_fixed,
    add_rule,
    make_question,
    token,
)

pytestmark = pytest.mark.django_db

SUBMIT_MAX_QUERIES = 20
AUTOSAVE_MAX_QUERIES = 6  # user, the locked read, the revision, the choice; + the test's SAVEPOINT/RELEASE
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def work(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].upper().startswith(TRANSACTION_CONTROL)]


def one_page_quiz(module_page, n: int, **kwargs):
    cat = QuestionCategoryFactory(name=f"Thi {n}")
    quiz = QuizPageFactory(parent=module_page, layout="all", time_limit_minutes=30, **kwargs)
    add_fixed(quiz, *[make_question(category=cat) for _ in range(n)])
    return quiz


def started(client, officer, quiz):
    client.force_login(officer.user)
    client.post(quiz.url, {"action": "start"})
    attempt = Attempt.objects.get(officer=officer, quiz=quiz)
    return attempt, list(attempt.responses.select_related("version").order_by("position"))


def right(r) -> str:
    return token(r, r.version.choices.get(is_correct=True))


def autosave(client, r, choice_token: str, revision: int):
    return client.post(reverse("assessments:save-response", args=[r.pk]),
                       {"kind": r.version.kind, f"q{r.pk}": choice_token, f"q{r.pk}_rev": str(revision)})


def form_data(attempt, responses, answers: dict, revisions: dict, **extra) -> dict:
    """What the one-page form posts: every question shown, with the answer and revision it carries."""
    data = {"attempt": attempt.pk, "shown": [r.pk for r in responses], **extra}
    for r in responses:
        data[f"q{r.pk}_rev"] = str(revisions.get(r.pk, 0))
        if r.pk in answers:
            data[f"q{r.pk}"] = answers[r.pk]
    return data


# --- Submit -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [5, 30])
def test_submit_after_autosave_is_a_fixed_number_of_queries(client, officer, module_page, enrolment, n,
                                                             django_assert_max_num_queries):
    """The officer answered every question (autosaved); the form re-posts all of them with Nộp bài: nothing is
    written again, the grading is one bulk update, and the course completion check runs in the same request."""
    quiz = one_page_quiz(module_page, n)
    attempt, responses = started(client, officer, quiz)
    answers = {r.pk: right(r) for r in responses}
    for r in responses:
        assert autosave(client, r, answers[r.pk], 0).json()["revision"] == 1
    client.get(quiz.url)  # the page as the officer has it (and the shared cache warm, as at 8:00)
    data = form_data(attempt, responses, answers, {r.pk: 1 for r in responses}, action="submit")
    with django_assert_max_num_queries(SUBMIT_MAX_QUERIES) as ctx:
        resp = client.post(quiz.url, data)
    assert resp.status_code == 302 and resp["Location"] == reverse("assessments:attempt-result", args=[attempt.pk])
    sql = work(ctx)
    assert not [q for q in sql if q.startswith(("INSERT", "DELETE")) and "responsechoice" in q]
    assert sum(1 for q in sql if q.startswith('UPDATE "assessments_response"')) == 1  # scores, in bulk
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.percent == Decimal("100.00") and attempt.passed
    assert set(Response.objects.filter(attempt=attempt).values_list("revision", flat=True)) == {1}
    enrolment.refresh_from_db()
    assert enrolment.status == enrolment.Status.COMPLETED


def test_submit_query_count_does_not_grow_with_questions(client, officer, module_page, enrolment):
    counts = {}
    for n in (5, 30):
        quiz = one_page_quiz(module_page, n, attempts_allowed=0, is_required=False)
        attempt, responses = started(client, officer, quiz)
        answers = {r.pk: right(r) for r in responses}
        for r in responses:
            autosave(client, r, answers[r.pk], 0)
        data = form_data(attempt, responses, answers, {r.pk: 1 for r in responses}, action="submit")
        with CaptureQueriesContext(connection) as ctx:
            client.post(quiz.url, data)
        counts[n] = len(ctx.captured_queries)
    assert counts[30] == counts[5], counts


def test_submit_without_javascript_saves_every_answer_in_bulk(client, officer, module_page, enrolment,
                                                              django_assert_max_num_queries):
    """No autosave ran (no JavaScript): all 30 answers arrive with the form and are written with one delete,
    one insert and the grading's bulk update."""
    quiz = one_page_quiz(module_page, 30)
    attempt, responses = started(client, officer, quiz)
    answers = {r.pk: right(r) for r in responses[:20]}
    answers |= {r.pk: token(r, r.version.choices.filter(is_correct=False).first()) for r in responses[20:]}
    client.get(quiz.url)  # the page the officer answers on
    data = form_data(attempt, responses, answers, {}, action="submit")
    with django_assert_max_num_queries(SUBMIT_MAX_QUERIES + 2) as ctx:
        client.post(quiz.url, data)
    sql = work(ctx)
    assert sum(1 for q in sql if q.startswith('INSERT INTO "assessments_responsechoice"')) == 1
    assert sum(1 for q in sql if q.startswith('DELETE FROM "assessments_responsechoice"')) == 1
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.score == Decimal("20.00")
    assert ResponseChoice.objects.filter(response__attempt=attempt).count() == 30
    assert set(Response.objects.filter(attempt=attempt).values_list("revision", flat=True)) == {1}


def test_submit_writes_only_the_answers_that_changed(client, officer, module_page, enrolment):
    """One answer changed after its autosave (e.g. the last change had not been sent yet): only it is written,
    with a new revision; the others keep theirs."""
    quiz = one_page_quiz(module_page, 5)
    attempt, responses = started(client, officer, quiz)
    wrong = {r.pk: token(r, r.version.choices.filter(is_correct=False).first()) for r in responses}
    for r in responses:
        autosave(client, r, wrong[r.pk], 0)
    changed = responses[2]
    answers = wrong | {changed.pk: right(changed)}
    client.post(quiz.url, form_data(attempt, responses, answers, {r.pk: 1 for r in responses}, action="submit"))
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.score == Decimal("1.00")
    revisions = dict(Response.objects.filter(attempt=attempt).values_list("pk", "revision"))
    assert revisions == {r.pk: (2 if r.pk == changed.pk else 1) for r in responses}


def test_stale_form_with_the_stored_answers_submits(client, officer, module_page, enrolment):
    """A form showing older revisions but carrying exactly the stored answers loses nothing: it is submitted
    (only a differing older answer is refused, tests/assessments/test_integrity.py)."""
    quiz = one_page_quiz(module_page, 3)
    attempt, responses = started(client, officer, quiz)
    answers = {r.pk: right(r) for r in responses}
    for r in responses:
        autosave(client, r, answers[r.pk], 0)
    resp = client.post(quiz.url, form_data(attempt, responses, answers, {}, action="submit"))
    assert resp["Location"] == reverse("assessments:attempt-result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.percent == Decimal("100.00")


def test_save_of_the_one_page_form_does_not_rewrite_autosaved_answers(client, officer, module_page):
    quiz = one_page_quiz(module_page, 5)
    attempt, responses = started(client, officer, quiz)
    answers = {r.pk: right(r) for r in responses}
    for r in responses:
        autosave(client, r, answers[r.pk], 0)
    with CaptureQueriesContext(connection) as ctx:
        resp = client.post(quiz.url, form_data(attempt, responses, answers, {r.pk: 1 for r in responses},
                                               action="save"))
    assert resp.status_code == 302
    assert not [q for q in work(ctx) if q.startswith(("INSERT", "UPDATE", "DELETE"))]


# --- Autosave ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [QuestionKind.SINGLE, QuestionKind.SHORT_ANSWER])
def test_autosave_is_one_locked_read_and_two_writes(client, officer, module_page, kind,
                                                    django_assert_max_num_queries):
    cat = QuestionCategoryFactory(name="Tự lưu")
    quiz = QuizPageFactory(parent=module_page, layout="all", time_limit_minutes=30)
    add_fixed(quiz, make_question(kind, category=cat))
    attempt, (r,) = started(client, officer, quiz)
    if kind == QuestionKind.SINGLE:
        first, second = (token(r, c) for c in r.version.choices.order_by("pk")[:2])
    else:
        first, second = "hộ tịch", "ho tich"
    autosave(client, r, first, 0)
    with django_assert_max_num_queries(AUTOSAVE_MAX_QUERIES) as ctx:
        resp = autosave(client, r, second, 1)
    assert resp.status_code == 200 and resp.json()["revision"] == 2
    assert len(work(ctx)) <= 4, work(ctx)
    assert not [q for q in work(ctx) if "django_session" in q]
    r.refresh_from_db()
    if kind == QuestionKind.SINGLE:
        assert [token(r, s.choice_id) for s in r.selections.all()] == [second]
    else:
        assert r.text_answer == "ho tich"


def test_autosave_still_refuses_other_officers_closed_attempts_and_stale_tabs(client, officer, other_unit_officer,
                                                                              module_page):
    quiz = one_page_quiz(module_page, 2)
    attempt, (r1, r2) = started(client, officer, quiz)
    assert autosave(client, r1, right(r1), 0).status_code == 200
    assert autosave(client, r1, token(r1, r1.version.choices.filter(is_correct=False).first()), 0).status_code == 409
    client.force_login(other_unit_officer.user)
    assert autosave(client, r2, right(r2), 0).status_code == 404
    client.force_login(officer.user)
    client.post(quiz.url, {"attempt": attempt.pk, "action": "submit"})
    assert autosave(client, r2, right(r2), 0).status_code == 409


# --- Start and the attempt page --------------------------------------------------------------------------------

def bank(per_category: int, categories: int = 5, *, label: str = "") -> list:
    """`categories` categories of `per_category` single-choice questions with four options, in bulk."""
    cats = []
    for c in range(categories):
        cat = QuestionCategoryFactory(name=f"Ngân hàng {label}{per_category}-{c}")
        Question.objects.bulk_create([Question(category=cat, kind="single", title=f"Câu {c}.{i}",
                                               stem=f"<p>Câu hỏi {c}.{i}?</p>") for i in range(per_category)])
        Choice.objects.bulk_create([Choice(question=q, sort_order=j, text=f"Phương án {j + 1}", is_correct=j == 0)
                                    for q in Question.objects.filter(category=cat) for j in range(4)])
        cats.append(cat)
    return cats


def random_quiz(module_page, cats, per_category: int):
    quiz = QuizPageFactory(parent=module_page, layout="all", time_limit_minutes=30, shuffle_questions=True,
                           shuffle_choices=True, attempts_allowed=0)
    for cat in cats:
        add_rule(quiz, cat, per_category)
    return quiz


def test_start_and_first_page_do_not_depend_on_the_bank_or_the_number_of_questions(client, officer, module_page,
                                                                                    enrolment):
    """30 questions drawn from 5 categories of 100 (a 500-question bank) cost what 30 from 5 × 20 cost, and
    what 5 questions cost: the draw reads ids only (one query for every rule), the versions are found in three
    queries (made in six more when missing), the attempt's responses are one bulk insert."""
    from assessments.services import question_versions_current

    client.force_login(officer.user)
    client.get("/")
    counts = {}
    for label, per_category, draw in (("30 of 500", 100, 6), ("30 of 100", 20, 6), ("5 of 100", 20, 1)):
        cats = bank(per_category, label=label)
        quiz = random_quiz(module_page, cats, draw)
        for round_ in ("new bank", "versioned"):
            if round_ == "versioned":  # 8:00: the first officers' starts have versioned the bank
                question_versions_current(question_ids=list(Question.objects.filter(category__in=cats)
                                                            .values_list("pk", flat=True)))
            assert b'value="start"' in client.get(quiz.url).content  # the landing page, then the button
            with CaptureQueriesContext(connection) as start:
                assert client.post(quiz.url, {"action": "start"}).status_code == 302
            start_queries = len(start.captured_queries)
            with CaptureQueriesContext(connection) as page:
                html = client.get(quiz.url).content.decode()
            counts[(label, round_)] = (start_queries, len(page.captured_queries))
            attempt = Attempt.objects.get(officer=officer, quiz=quiz, status=Attempt.Status.IN_PROGRESS)
            assert attempt.responses.count() == draw * 5
            assert len(re.findall(r'name="shown" value="\d+"', html)) == draw * 5
            client.post(quiz.url, {"attempt": attempt.pk, "action": "submit"})
    for round_ in ("new bank", "versioned"):
        assert counts[("30 of 500", round_)] == counts[("30 of 100", round_)] == counts[("5 of 100", round_)], counts
    assert counts[("30 of 500", "versioned")][0] <= 26, counts
    assert counts[("30 of 500", "new bank")][0] <= 32, counts
    assert counts[("30 of 500", "versioned")][1] <= 17, counts


def test_the_second_officer_reads_the_frozen_choices_from_the_shared_cache(client, officer, other_unit_officer,
                                                                           module_page):
    quiz = one_page_quiz(module_page, 5, attempts_allowed=0)
    started(client, officer, quiz)
    client.get(quiz.url)
    started(client, other_unit_officer, quiz)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(quiz.url).status_code == 200
    assert not [q for q in work(ctx) if "assessments_versionchoice" in q]


# --- Routing ----------------------------------------------------------------------------------------------------

def test_quiz_url_is_routed_without_walking_the_tree(client, officer, quiz):
    client.force_login(officer.user)
    client.get(quiz.url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(quiz.url).status_code == 200
    # The second request: the site, the route and the view restrictions come from the shared cache
    # (lms/routing.py); only the breadcrumb's first rendering may read the tree.
    assert sum(1 for q in work(ctx) if 'FROM "wagtailcore_site"' in q) == 0
    assert sum(1 for q in work(ctx) if 'FROM "wagtailcore_page"' in q) <= 1
    assert sum(1 for q in work(ctx) if "wagtailcore_pageviewrestriction" in q) == 0


def test_routing_keeps_404s_drafts_and_the_login_restriction(client, officer, quiz, module_page):
    assert client.get(quiz.url).status_code == 302  # anonymous: the catalogue's login restriction
    assert "/dang-nhap/" in client.get(quiz.url)["Location"] or "login" in client.get(quiz.url)["Location"]
    client.force_login(officer.user)
    assert client.get(quiz.url + "khong-co/").status_code == 404
    assert client.get(module_page.url + "khong-co/").status_code == 404
    draft = QuizPageFactory(parent=module_page, title="Bản nháp", live=False)
    assert client.get(module_page.url + draft.slug + "/").status_code == 404
    assert client.get(module_page.url).status_code == 200


def test_publishing_a_quiz_prepares_the_versions_its_starts_need(module_page, django_capture_on_commit_callbacks):
    from assessments.models import QuestionVersion
    from assessments.services import question_versions_current, quiz_versions_prepare

    cats = bank(10, categories=2, label="xb")
    fixed = make_question(category=QuestionCategoryFactory(name="Cố định"))
    quiz = random_quiz(module_page, cats, 3)
    add_fixed(quiz, fixed)
    with django_capture_on_commit_callbacks(execute=True):
        quiz.save_revision().publish()
    assert QuestionVersion.objects.filter(question__category__in=cats).count() == 20
    assert QuestionVersion.objects.filter(question=fixed).count() == 1
    # Preparing again makes nothing; a start then only looks the versions up.
    assert quiz_versions_prepare(quiz=quiz) == 21
    assert QuestionVersion.objects.count() == 21
    every_question = list(Question.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as ctx:
        question_versions_current(question_ids=every_question)
    assert len(work(ctx)) == 3


def test_landing_page_is_the_same_few_queries_for_any_quiz(client, officer, module_page, enrolment):
    """The quiz's landing page (rules, past attempts, the start button): one read of the officer's attempts
    serves the choice of page (an attempt in progress?), the summary and the start check; nothing per question
    or per rule."""
    client.force_login(officer.user)
    counts = []
    for per_category, draw in ((20, 1), (100, 6)):
        quiz = random_quiz(module_page, bank(per_category, label=f"l{draw}"), draw)
        client.get(quiz.url)
        with CaptureQueriesContext(connection) as ctx:
            assert b'value="start"' in client.get(quiz.url).content
        counts.append(len(ctx.captured_queries))
        assert sum(1 for q in work(ctx) if 'FROM "assessments_attempt"' in q) == 1, work(ctx)
    assert counts[0] == counts[1] <= 14, counts
