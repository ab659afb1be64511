"""The officer's review of a submitted attempt: wrong parts of the answer marked wrong and the right ones shown
when the quiz's review policy shows the answers; nothing of the key when it does not."""

import re

import pytest
from django.urls import reverse

from assessments import selectors, services
from assessments.models import QuestionKind
from tests.assessments.factories import (
    QuestionCategoryFactory,
    QuizPageFactory,
    add_fixed,
    make_question,
    token,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(officer, module_page):
    """An attempt answered wrongly on every question type (one option right in the multiple choice), submitted."""
    cat = QuestionCategoryFactory(name="Xem lại")
    questions = [make_question(kind, category=cat) for kind in (
        QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.ORDERING,
        QuestionKind.MATCHING, QuestionKind.SHORT_ANSWER)]
    quiz = QuizPageFactory(parent=module_page, title="Kiểm tra xem lại")
    add_fixed(quiz, *questions)
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    r = {resp.version.kind: resp for resp in attempt.responses.select_related("version")}

    def save(resp, **answer):
        services.response_save(response_id=resp.pk, user=officer.user, kind=resp.version.kind, **answer)

    single = r[QuestionKind.SINGLE]
    save(single, choices=[token(single, single.version.choices.filter(is_correct=False).first())])
    multiple = r[QuestionKind.MULTIPLE]
    save(multiple, choices=[token(multiple, multiple.version.choices.filter(is_correct=True).first()),
                            token(multiple, multiple.version.choices.filter(is_correct=False).first())])
    tf = r[QuestionKind.TRUE_FALSE]
    save(tf, choices=[token(tf, tf.version.choices.get(is_correct=False))])
    ordering = r[QuestionKind.ORDERING]
    items = list(ordering.version.choices.order_by("position"))
    save(ordering, order=[token(ordering, c) for c in [items[1], items[0], *items[2:]]])  # first two swapped
    matching = r[QuestionKind.MATCHING]
    pairs = list(matching.version.choices.order_by("position"))
    save(matching, matches={token(matching, pairs[0]): pairs[1].match_text,
                            **{token(matching, c): c.match_text for c in pairs[1:]}})
    short = r[QuestionKind.SHORT_ANSWER]
    save(short, text="không biết")
    attempt = services.attempt_submit(attempt=attempt)
    return quiz, attempt, r


def _li_for(html: str, text: str) -> str:
    """The review's list item showing an option's text."""
    for li in re.findall(r"<li class=\"[^\"]*\">.*?</li>", html, flags=re.S):
        if text in li:
            return li
    raise AssertionError(text)


def test_wrong_parts_are_marked_and_the_right_ones_shown(client, officer, answered):
    quiz, attempt, r = answered
    client.force_login(officer.user)
    html = client.get(reverse("assessments:attempt-review", args=[attempt.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    assert html.status_code == 200
    html = html.content.decode()
    single = r[QuestionKind.SINGLE].version
    chosen = _li_for(html, single.choices.filter(is_correct=False).first().text)
    assert "is-wrong" in chosen and "Bạn trả lời sai" in chosen
    right = _li_for(html, single.choices.get(is_correct=True).text)
    assert "is-correct" in right and "Đáp án đúng" in right and "is-selected" not in right

    items = {i.kind: i for i in selectors.attempt_items(attempt=attempt, review=True, show_answers=True)}
    multiple = items[QuestionKind.MULTIPLE]
    assert sorted(c.verdict for c in multiple.choices if c.selected) == [False, True]
    assert all(c.verdict is None for c in multiple.choices if not c.selected)
    assert [c.verdict for c in items[QuestionKind.TRUE_FALSE].choices if c.selected] == [False]
    ordering = {c.text: c for c in items[QuestionKind.ORDERING].choices}
    originals = list(r[QuestionKind.ORDERING].version.choices.order_by("position"))
    assert ordering[originals[0].text].verdict is False and ordering[originals[0].text].correct_position == 1
    assert ordering[originals[2].text].verdict is True
    matching = {c.text: c for c in items[QuestionKind.MATCHING].choices}
    pairs = list(r[QuestionKind.MATCHING].version.choices.order_by("position"))
    assert matching[pairs[0].text].verdict is False and matching[pairs[1].text].verdict is True
    assert items[QuestionKind.SHORT_ANSWER].text_verdict is False
    assert "vị trí đúng: 1" in html and f"đúng: {pairs[0].match_text}" in html
    # single, one option of the multiple choice, true/false, the two swapped items, one pair, the short answer
    assert html.count("Bạn trả lời sai") == 7
    assert "Bạn trả lời đúng" in html


def test_a_policy_hiding_the_answers_reveals_no_key(client, officer, answered):
    quiz, attempt, r = answered
    quiz.review_show_answers = False
    quiz.save()
    client.force_login(officer.user)
    html = client.get(reverse("assessments:attempt-review", args=[attempt.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    assert html.status_code == 200
    html = html.content.decode()
    for leak in ("is-correct", "is-wrong", "is-right", "Đáp án đúng", "Bạn trả lời", "vị trí đúng", "đúng:",
                 "Đáp án được chấp nhận"):
        assert leak not in html, leak
    assert "không hiển thị đáp án đúng" in html
    for item in selectors.attempt_items(attempt=attempt, review=True, show_answers=False):
        assert item.text_verdict is None and item.accepted_answers == []
        assert all(c.verdict is None and c.is_correct is None and c.correct_position is None for c in item.choices)


def test_the_trainer_always_sees_the_marks(client, trainer, answered):
    quiz, attempt, _r = answered
    quiz.review_show_answers = False
    quiz.save()
    client.force_login(trainer)
    html = client.get(reverse("assessments:attempt-review", args=[attempt.pk])).content.decode()
    assert "is-wrong" in html and "Đáp án đúng" in html
