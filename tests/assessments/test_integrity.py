"""Exam integrity: the page gives away nothing about the answer key, whatever the order the trainer authored."""

import re
from collections import Counter
from decimal import Decimal

import pytest

from assessments.models import Attempt, QuestionKind, VersionChoice
from assessments.tokens import choice_token
from tests.assessments.factories import QuestionCategoryFactory, QuizPageFactory, add_fixed, make_question

pytestmark = pytest.mark.django_db

ATTEMPTS = 60
OPTION = re.compile(r'type="(?:radio|checkbox)" name="q(\d+)" value="([^"]+)"')


@pytest.fixture
def right_answer_first_quiz(module_page):
    """Every choice question authored with its right answer first, as in the demo bank."""
    cat = QuestionCategoryFactory(name="Đáp án đầu tiên")
    single = make_question(QuestionKind.SINGLE, category=cat, title="single")
    multiple = make_question(QuestionKind.MULTIPLE, category=cat, title="multiple", choices=[
        ("Tiếp nhận trực tiếp", True), ("Qua mạng xã hội", False), ("Qua điện thoại", False), ("Qua thư tay", False)])
    true_false = make_question(QuestionKind.TRUE_FALSE, category=cat, title="true_false")
    quiz = QuizPageFactory(parent=module_page, layout="all", shuffle_choices=True, attempts_allowed=0)
    add_fixed(quiz, single, multiple, true_false)
    return quiz


def test_correct_option_position_and_value_do_not_follow_authoring_order(client, officer, right_answer_first_quiz):
    quiz = right_answer_first_quiz
    client.force_login(officer.user)
    shown_at = {kind: Counter() for kind in ("single", "multiple", "true_false")}  # display place of the right one
    token_rank = {kind: Counter() for kind in shown_at}  # its place among the tokens sorted as text
    seen_tokens = []
    lowest_token_right = 0
    for _ in range(ATTEMPTS):
        assert client.post(quiz.url, {"action": "start"}).status_code == 302
        attempt = Attempt.objects.get(officer=officer, status=Attempt.Status.IN_PROGRESS)
        html = client.get(quiz.url).content.decode()
        by_response: dict[int, list[str]] = {}
        for rid, value in OPTION.findall(html):
            by_response.setdefault(int(rid), []).append(value)
        responses = {r.pk: r for r in attempt.responses.select_related("version")}
        assert set(by_response) == set(responses)
        answers = {"attempt": attempt.pk, "shown": list(responses), "action": "submit"}
        for rid, values in by_response.items():
            response = responses[rid]
            right = VersionChoice.objects.get(version=response.version, is_correct=True)
            right_token = choice_token(response_id=rid, choice_id=right.pk)
            kind = response.version.title
            shown_at[kind][values.index(right_token)] += 1
            token_rank[kind][sorted(values).index(right_token)] += 1
            seen_tokens.append(frozenset(values))
            answers[f"q{rid}"] = min(values)  # the "pick the lowest value" strategy
        assert client.post(quiz.url, answers).status_code == 302
        attempt.refresh_from_db()
        single = attempt.responses.get(version__title="single")
        lowest_token_right += single.score == Decimal("1.00")

    # Each place is taken by the right answer about as often as the others (binomial, far from the bounds).
    minimum = {"single": 5, "multiple": 3, "true_false": 10}
    for kind, places in (("single", 3), ("multiple", 4), ("true_false", 2)):
        assert sorted(shown_at[kind]) == list(range(places)), (kind, shown_at[kind])
        assert min(shown_at[kind].values()) >= minimum[kind], (kind, shown_at[kind])
        assert sorted(token_rank[kind]) == list(range(places)), (kind, token_rank[kind])
        assert min(token_rank[kind].values()) >= minimum[kind], (kind, token_rank[kind])
    # Picking the lowest value scores like guessing (1 in 3), not full marks.
    assert 5 <= lowest_token_right <= 35, lowest_token_right
    # Tokens never repeat between attempts or questions.
    all_tokens = [t for values in seen_tokens for t in values]
    assert len(all_tokens) == len(set(all_tokens)) == ATTEMPTS * (3 + 4 + 2)


def test_an_unknown_token_is_a_vietnamese_validation_error(client, officer, quiz):
    from django.urls import reverse

    from assessments import services
    from tests.assessments.factories import token

    attempt = services.attempt_start(quiz=quiz, officer=officer)
    r1, r2 = attempt.responses.select_related("version").order_by("position")
    client.force_login(officer.user)
    url = reverse("assessments:save-response", args=[r1.pk])
    other_question = token(r2, r2.version.choices.first())
    for value in ("0123456789abcdef", str(r1.version.choices.first().pk), other_question, "x" * 5000):
        resp = client.post(url, {"kind": "single", f"q{r1.pk}": value}, HTTP_ACCEPT_LANGUAGE="vi")
        assert resp.status_code == 400, value
        assert resp.json() == {"saved": False, "error": "Câu trả lời này không thuộc các phương án đang hiển thị. "
                                                        "Hãy tải lại trang và trả lời lại."}
    assert not r1.selections.exists()


# --- a stale tab never wipes answers ---------------------------------------------------------------------

STALE_MESSAGE_VI = "đã được thay đổi ở một thẻ hoặc cửa sổ khác"


@pytest.fixture
def three_question_quiz(module_page):
    cat = QuestionCategoryFactory(name="Hai thẻ")
    quiz = QuizPageFactory(parent=module_page, layout="all", time_limit_minutes=20)
    add_fixed(quiz, make_question(QuestionKind.SINGLE, category=cat), make_question(QuestionKind.TRUE_FALSE,
              category=cat), make_question(QuestionKind.SHORT_ANSWER, category=cat))
    return quiz


@pytest.fixture
def two_tabs(officer, three_question_quiz):
    """Tab A opens the attempt and is left alone; tab B (another session of the same officer) answers all."""
    from django.test import Client

    tab_a, tab_b = Client(HTTP_ACCEPT_LANGUAGE="vi"), Client(HTTP_ACCEPT_LANGUAGE="vi")
    tab_a.force_login(officer.user)
    tab_b.force_login(officer.user)
    quiz = three_question_quiz
    tab_a.post(quiz.url, {"action": "start"})
    form_a = tab_a.get(quiz.url).content.decode()
    attempt = Attempt.objects.get(officer=officer)
    single, true_false, short = attempt.responses.select_related("version").order_by("position")
    from django.urls import reverse

    for r, data in (
        (single, {f"q{single.pk}": choice_token(response_id=single.pk, choice_id=single.version.choices.get(
            is_correct=True).pk)}),
        (true_false, {f"q{true_false.pk}": choice_token(response_id=true_false.pk,
                                                         choice_id=true_false.version.choices.get(is_correct=True).pk)}),
        (short, {f"q{short.pk}": "hộ tịch"}),
    ):
        saved = tab_b.post(reverse("assessments:save-response", args=[r.pk]),
                           {"kind": r.version.kind, f"q{r.pk}_rev": "0", **data})
        assert saved.status_code == 200 and saved.json()["revision"] == 1
    return quiz, attempt, form_a, tab_a, tab_b


def stale_form_data(form_html: str, attempt, **extra) -> dict:
    """What tab A's form posts: every field it shows with the values it shows (no answers, revisions 0)."""
    data = {"attempt": attempt.pk, "shown": re.findall(r'name="shown" value="(\d+)"', form_html)}
    data.update(dict(re.findall(r'name="(q\d+_rev)" value="(\d+)"', form_html)))
    data.update({f"q{rid}": "" for rid in data["shown"]})
    data.update(extra)
    return data


def test_stale_tab_submit_keeps_the_newer_answers_and_sends_the_officer_back(two_tabs):
    quiz, attempt, form_a, tab_a, _tab_b = two_tabs
    assert all(v == "0" for k, v in stale_form_data(form_a, attempt).items() if k.endswith("_rev"))
    resp = tab_a.post(quiz.url, stale_form_data(form_a, attempt, action="submit"), follow=True)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS  # not submitted: the officer reviews first
    assert resp.redirect_chain[-1][0] == f"{quiz.url}?trang=1"
    html = resp.content.decode()
    assert "3 câu trả lời trên trang này " + STALE_MESSAGE_VI in html
    assert html.count(" checked") == 2 and 'value="hộ tịch"' in html  # the newer answers, shown to review
    assert all(r.revision == 1 for r in attempt.responses.all())
    # Submitting again from the reloaded page (current revisions) grades B's answers.
    shown_answers = dict(re.findall(r'name="(q\d+)" value="([^"]+)" checked', html))
    shown_answers |= dict(re.findall(r'type="text" id="[^"]+" name="(q\d+)" value="([^"]*)"', html))
    resp = tab_a.post(quiz.url, stale_form_data(html, attempt, action="submit") | shown_answers)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.percent == Decimal("100.00")


def test_stale_tab_autosave_is_refused_with_409_and_told_why(two_tabs):
    from django.urls import reverse

    _quiz, attempt, _form_a, tab_a, _tab_b = two_tabs
    single = attempt.responses.select_related("version").get(position=1)
    wrong = single.version.choices.filter(is_correct=False).first()
    url = reverse("assessments:save-response", args=[single.pk])
    resp = tab_a.post(url, {"kind": "single", f"q{single.pk}_rev": "0",
                            f"q{single.pk}": choice_token(response_id=single.pk, choice_id=wrong.pk)})
    assert resp.status_code == 409
    body = resp.json()
    assert body["stale"] is True and body["revision"] == 1 and STALE_MESSAGE_VI in body["error"]
    assert single.selections.get().choice.is_correct  # B's answer is kept
    # Tab A reloads: the same message, and the answer B gave.
    assert STALE_MESSAGE_VI in tab_a.get(_quiz.url).content.decode()
    # The same answer from a stale page loses nothing, so it is not refused (a same-tab race of two saves).
    right = single.version.choices.get(is_correct=True)
    resp = tab_a.post(url, {"kind": "single", f"q{single.pk}_rev": "0",
                            f"q{single.pk}": choice_token(response_id=single.pk, choice_id=right.pk)})
    assert resp.status_code == 200 and resp.json()["revision"] == 1
    # With the current revision the answer is changed.
    resp = tab_a.post(url, {"kind": "single", f"q{single.pk}_rev": "1",
                            f"q{single.pk}": choice_token(response_id=single.pk, choice_id=wrong.pk)})
    assert resp.status_code == 200 and resp.json()["revision"] == 2


def test_stale_tab_timer_auto_submit_grades_the_newer_answers(two_tabs):
    import time_machine
    from django.utils import timezone

    quiz, attempt, form_a, tab_a, _tab_b = two_tabs
    with time_machine.travel(attempt.deadline + (timezone.timedelta(seconds=2)), tick=False):
        resp = tab_a.post(quiz.url, stale_form_data(form_a, attempt, action="submit", auto="1"))
    from django.urls import reverse

    assert resp["Location"] == reverse("assessments:attempt-result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.auto_submitted
    assert attempt.percent == Decimal("100.00")  # B's three answers, none wiped by A's empty form
