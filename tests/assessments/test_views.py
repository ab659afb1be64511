import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, Question, QuestionKind, QuizOverride, ResponseChoice
from tests.assessments.factories import (
    QuestionCategoryFactory,
    QuizPageFactory,
    add_fixed,
    add_rule,
    make_question,
    token,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_kind_quiz(module_page):
    cat = QuestionCategoryFactory(name="Mọi loại")
    questions = []
    for kind in QuestionKind.values:
        q = make_question(kind, category=cat, explanation=f"GIAI-THICH-{kind}", legal_reference="NĐ 118/2025/NĐ-CP")
        q.choices.update(feedback=f"PHAN-HOI-{kind}")
        questions.append(q)
    quiz = QuizPageFactory(parent=module_page, layout="all", shuffle_choices=True)
    add_fixed(quiz, *questions)
    return quiz


def test_landing_and_start(client, officer, quiz):
    client.force_login(officer.user)
    page = client.get(quiz.url)
    assert page.status_code == 200
    assert b'name="action" value="start"' in page.content
    assert client.post(quiz.url, {"action": "start"}).status_code == 302
    assert Attempt.objects.filter(officer=officer, status="in_progress").count() == 1
    attempt_page = client.get(quiz.url)
    assert b'id="quiz-form"' in attempt_page.content


def test_no_answer_key_in_the_html_of_an_open_attempt(client, officer, every_kind_quiz):
    client.force_login(officer.user)
    client.post(every_kind_quiz.url, {"action": "start"})
    html = client.get(every_kind_quiz.url).content.decode()
    attempt = Attempt.objects.get(officer=officer)
    assert attempt.responses.count() == len(QuestionKind.values)
    assert "PHAN-HOI" not in html and "GIAI-THICH" not in html and "NĐ 118/2025" not in html
    assert "is-correct" not in html and "Correct answer" not in html and "badge-success" not in html
    # Short answer: accepted answers are not in the page.
    assert "hộ tịch" not in html and "ho tich" not in html
    # Cloze: the gaps' keys, percentages and feedback are not in the page (drop-down options are).
    assert "chứng thực" not in html and "sao y" not in html and "2000" not in html and "%50%" not in html
    assert "{2:SHORTANSWER" not in html and "Bộ phận Một cửa" in html
    # Numerical: neither the value nor the tolerance is in the page.
    assert "7.25" not in html and "7,25" not in html and "0.25" not in html and "0,25" not in html
    # Matching: right-hand sides are offered as texts in alphabetical order, never as the item's own id.
    for item in re.findall(r'name="q\d+_match_([0-9a-f]+)"', html):
        assert f'value="{item}"' not in html
    # No database id of an option, item or pair is in the page: every one is named by an attempt token.
    from assessments.models import VersionChoice
    from assessments.tokens import looks_like_token

    names = re.findall(r'type="(?:radio|checkbox)" name="q\d+" value="([^"]*)"', html)
    names += re.findall(r'name="q\d+_(?:pos|match)_([^"]+)"', html)
    assert len(names) == sum(VersionChoice.objects.filter(version__responses__attempt=attempt, version__kind=kind)
                             .count() for kind in ("single", "multiple", "true_false", "ordering", "matching",
                                                   "cloze"))
    assert all(looks_like_token(n) for n in names)
    # Checked/selected attributes only come from the officer's own (empty) answers.
    assert " checked" not in html and " selected>" not in html.replace('value="" selected>', "")


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def work_queries(ctx) -> list[str]:
    """Statements that do work, without the transaction control around the request (BEGIN/COMMIT in
    production, SAVEPOINT/RELEASE inside the test's own transaction)."""
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].upper().startswith(TRANSACTION_CONTROL)]


def test_autosave_is_one_small_request(client, officer, quiz):
    """≤ 6 queries: session, user, the locked read (with the version's choices), the revision bump, delete and
    insert of the selection."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer.user)
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    r = attempt.responses.select_related("version").get(position=1)
    right = r.version.choices.get(is_correct=True).pk
    url = reverse("assessments:save-response", args=[r.pk])
    with CaptureQueriesContext(connection) as ctx:
        resp = client.post(url, {"kind": "single", f"q{r.pk}": token(r, right)})
    assert resp.status_code == 200 and resp.json()["saved"] is True
    assert len(work_queries(ctx)) <= 6, work_queries(ctx)
    assert list(ResponseChoice.objects.filter(response=r).values_list("choice_id", flat=True)) == [right]


def test_autosave_after_deadline_is_refused_with_409(client, officer, quiz):
    quiz.time_limit_minutes = 1
    quiz.save()
    client.force_login(officer.user)
    attempt = services.attempt_start(quiz=quiz, officer=officer, now=timezone.now() - dt.timedelta(minutes=2))
    r = attempt.responses.first()
    resp = client.post(reverse("assessments:save-response", args=[r.pk]), {"kind": "single"})
    assert resp.status_code == 409 and resp.json()["closed"] is True
    # Opening the quiz page (a GET, which only reads) says the time is up and offers to submit...
    page = client.get(quiz.url)
    assert page.status_code == 200 and b'name="action" value="finish"' in page.content
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS
    # ...which the POST does, showing the result.
    page = client.post(quiz.url, {"action": "finish", "attempt": attempt.pk})
    assert page.status_code == 302 and page["Location"] == reverse("assessments:attempt-result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.auto_submitted


def test_start_does_a_bounded_number_of_queries(client, officer, module_page, enrolment, django_assert_max_num_queries):
    small_cat, big_cat = QuestionCategoryFactory(name="Nhỏ"), QuestionCategoryFactory(name="Lớn")
    for _ in range(6):
        make_question(category=small_cat)
    Question.objects.bulk_create([Question(category=big_cat, kind="single", stem=f"<p>Câu {i}</p>")
                                  for i in range(120)])
    small = QuizPageFactory(parent=module_page)
    add_rule(small, small_cat, 3)
    big = QuizPageFactory(parent=module_page)
    add_rule(big, big_cat, 30)
    client.force_login(officer.user)
    client.get("/")
    with django_assert_max_num_queries(40) as small_ctx:
        client.post(small.url, {"action": "start"})
    with django_assert_max_num_queries(40) as big_ctx:
        client.post(big.url, {"action": "start"})
    assert Attempt.objects.get(quiz=big).responses.count() == 30
    assert len(big_ctx.captured_queries) <= len(small_ctx.captured_queries) + 2


def test_without_javascript_save_next_and_submit(client, officer, quiz, enrolment):
    client.force_login(officer.user)
    client.post(quiz.url, {"action": "start"})
    attempt = Attempt.objects.get(officer=officer)
    r1, r2 = attempt.responses.select_related("version").order_by("position")
    right1 = token(r1, r1.version.choices.get(is_correct=True))
    resp = client.post(quiz.url, {"attempt": attempt.pk, "shown": [r1.pk], f"q{r1.pk}": right1, "goto": 2})
    assert resp.status_code == 302 and resp["Location"].endswith("?trang=2")
    attempt.refresh_from_db()
    assert attempt.current_page == 2
    # Resume: page 1 shows the saved answer checked.
    html = client.get(quiz.url + "?trang=1").content.decode()
    assert f'value="{right1}" checked' in html
    right2 = token(r2, r2.version.choices.get(is_correct=True))
    resp = client.post(quiz.url, {"attempt": attempt.pk, "shown": [r2.pk], f"q{r2.pk}": right2, "action": "submit"})
    assert resp["Location"] == reverse("assessments:attempt-result", args=[attempt.pk])
    # A double click / second tab is harmless.
    again = client.post(quiz.url, {"attempt": attempt.pk, "shown": [r2.pk], "action": "submit"})
    assert again.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.percent == Decimal("100.00")
    result = client.get(reverse("assessments:attempt-result", args=[attempt.pk]))
    assert result.status_code == 200 and b"100" in result.content
    review = client.get(reverse("assessments:attempt-review", args=[attempt.pk]))
    assert review.status_code == 200 and b"is-correct" in review.content
    history = client.get(reverse("assessments:attempt-history"))
    assert quiz.title.encode() in history.content


def test_review_policy_never_hides_the_review_from_the_officer_not_the_trainer(client, officer, trainer, quiz):
    quiz.review_when = "never"
    quiz.save()
    attempt = services.attempt_submit(attempt=services.attempt_start(quiz=quiz, officer=officer))
    url = reverse("assessments:attempt-review", args=[attempt.pk])
    client.force_login(officer.user)
    assert client.get(url).status_code == 403
    assert b"attempt-review" not in client.get(reverse("assessments:attempt-result", args=[attempt.pk])).content
    client.force_login(trainer)
    assert client.get(url).status_code == 200


def test_review_of_an_open_attempt_redirects_to_the_quiz(client, officer, quiz):
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    client.force_login(officer.user)
    assert client.get(reverse("assessments:attempt-review", args=[attempt.pk]))["Location"] == quiz.url


def test_leader_overrides_only_within_scope(client, quiz, officer, leader, sibling_leader, other_unit_officer):
    url = reverse("assessments:quiz-overrides", args=[quiz.pk])
    client.force_login(leader.user)
    assert client.post(url, {"officer": officer.pk, "extra_minutes": 15, "extra_attempts": 1}).status_code == 302
    override = QuizOverride.objects.get(quiz=quiz, officer=officer)
    assert (override.extra_minutes, override.extra_attempts, override.granted_by) == (15, 1, leader.user)
    assert officer.full_name.encode() in client.get(url).content
    client.force_login(sibling_leader.user)
    assert client.post(url, {"officer": officer.pk, "extra_minutes": 60}).status_code == 404
    assert officer.full_name.encode() not in client.get(url).content
    client.force_login(officer.user)
    assert client.get(url).status_code == 403


def test_ids_and_timer_are_not_localised_with_thousand_separators(settings):
    """vi formats 1234 as "1.234": form names, values and the timer must stay plain numbers."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string
    from django.utils import translation

    from assessments.selectors import ChoiceView, ItemView

    item = ItemView(response=SimpleNamespace(pk=12345), number=1, kind="single", stem="<p>Câu</p>", image=None,
                    choices=[ChoiceView(token="0a1b2c3d4e5f6789", text="A")])
    with translation.override("vi"):
        html = render_to_string("assessments/includes/question.html", {"item": item})
    assert 'name="q12345"' in html and 'value="0a1b2c3d4e5f6789"' in html and 'data-response="12345"' in html


def test_ordering_and_matching_through_the_form_and_autosave(client, officer, module_page, category):
    quiz = QuizPageFactory(parent=module_page, layout="all")
    add_fixed(quiz, make_question(QuestionKind.ORDERING, category=category),
              make_question(QuestionKind.MATCHING, category=category))
    client.force_login(officer.user)
    client.post(quiz.url, {"action": "start"})
    attempt = Attempt.objects.get(officer=officer)
    ordering, matching = attempt.responses.select_related("version").order_by("position")
    items = list(ordering.version.choices.order_by("position"))
    pairs = list(matching.version.choices.order_by("position"))
    data = {"attempt": attempt.pk, "shown": [ordering.pk, matching.pk], "action": "save"}
    data.update({f"q{ordering.pk}_pos_{token(ordering, c)}": str(i) for i, c in enumerate(items, start=1)})
    data.update({f"q{matching.pk}_match_{token(matching, c)}": c.match_text for c in pairs})
    assert client.post(quiz.url, data).status_code == 302
    # Autosave with two items on the same place is refused without touching the saved order.
    bad = {"kind": "ordering", f"q{ordering.pk}_pos_{token(ordering, items[0])}": "1",
           f"q{ordering.pk}_pos_{token(ordering, items[1])}": "1"}
    assert client.post(reverse("assessments:save-response", args=[ordering.pk]), bad).status_code == 400
    attempt = services.attempt_submit(attempt=attempt)
    assert attempt.percent == Decimal("100.00")


def test_get_never_writes(client, officer, quiz):
    """Landing page, attempt pages (any ?trang=) and an expired attempt: GET reads only (issue 8.3)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def writes(url, **params):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params).status_code == 200
        return [q["sql"] for q in ctx.captured_queries if q["sql"].upper().startswith(("INSERT", "UPDATE", "DELETE"))]

    client.force_login(officer.user)
    client.get(quiz.url)  # the session is written once at login; not counted
    assert writes(quiz.url) == []
    assert not Attempt.objects.exists()  # showing the start button starts nothing
    client.post(quiz.url, {"action": "start"})
    attempt = Attempt.objects.get(officer=officer)
    assert writes(quiz.url, trang="2") == [] and writes(quiz.url, trang="1") == []
    attempt.refresh_from_db()
    assert attempt.current_page == 1
    # The page reached is remembered by the form's POST.
    client.post(quiz.url, {"attempt": attempt.pk, "goto": "2"})
    attempt.refresh_from_db()
    assert attempt.current_page == 2
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(minutes=5))
    assert writes(quiz.url) == []
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS
