"""`{% open_question %}` (assessments/templatetags/quiz_tags.py) writes the common kinds in Python: its markup must
be the include's (assessments/includes/question.html), for every kind, answered or not, with hostile text."""

import re

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from assessments import selectors
from assessments.models import Attempt, QuestionKind
from assessments.templatetags.quiz_tags import render_open_question
from tests.assessments.factories import QuestionCategoryFactory, QuizPageFactory, add_fixed, make_question
from tests.assessments.test_exam_room import autosave, started, token

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("x")</script> & <b>đậm</b>'


def normalised(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


@pytest.fixture
def items(client, officer, module_page):
    category = QuestionCategoryFactory(name="Thẻ")
    questions = [
        make_question(QuestionKind.SINGLE, category=category, stem=f"<p>{HOSTILE}</p>",
                      choices=[(HOSTILE, True), ("Phường & xã", False), ("UBND", False)]),
        make_question(QuestionKind.TRUE_FALSE, category=category),
        make_question(QuestionKind.MULTIPLE, category=category),
        make_question(QuestionKind.SHORT_ANSWER, category=category),
        make_question(QuestionKind.MATCHING, category=category),
    ]
    quiz = QuizPageFactory(parent=module_page, layout="all", shuffle_choices=True)
    add_fixed(quiz, *questions)
    attempt, responses = started(client, officer, quiz)
    first = responses[0]
    autosave(client, first, token(first, first.version.choices.order_by("position")[1]), 0)
    return selectors.attempt_items(attempt=Attempt.objects.get(pk=attempt.pk))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_fast_markup_is_the_includes(items, language):
    with translation.override(language):
        for item in items:
            fast = render_open_question(item)
            if item.kind in (QuestionKind.SHORT_ANSWER, QuestionKind.MATCHING):
                assert fast is None  # these go through the include
                continue
            included = render_to_string("assessments/includes/question.html", {"item": item})
            assert normalised(fast) == normalised(included), item.kind


def test_hostile_text_stays_text_and_the_saved_answer_is_checked(items):
    html = render_open_question(items[0])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count(" checked") == 1


def test_the_tag_falls_back_to_the_include(items):
    rendered = Template("{% load quiz_tags %}{% for item in items %}{% open_question item %}{% endfor %}").render(
        Context({"items": items}))
    assert rendered.count("<fieldset") == len(items)
    assert 'data-kind="matching"' in rendered and 'data-kind="short_answer"' in rendered


def test_choice_tokens_are_djangos_salted_hmac(settings):
    from django.utils.crypto import salted_hmac

    from assessments.tokens import _SALT, TOKEN_LENGTH, choice_token

    for secret in ("một-khóa-bí-mật-" + "x" * 40, "another-secret-key-" + "y" * 40):
        settings.SECRET_KEY = secret
        for response_id, choice_id in ((1, 2), (1_000_001, 7), (42, 999_999)):
            expected = salted_hmac(_SALT, f"{response_id}:{choice_id}", algorithm="sha256").hexdigest()
            assert choice_token(response_id=response_id, choice_id=choice_id) == expected[:TOKEN_LENGTH]
