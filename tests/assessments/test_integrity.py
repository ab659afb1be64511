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
