"""The starts at 8:00 take the current version of each drawn question from the shared cache
(services.question_version_refs); any change to a question or one of its answers retires the cache at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.models import Choice, QuestionKind, Response
from tests.assessments.factories import QuestionCategoryFactory, QuizPageFactory, add_fixed, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions():
    category = QuestionCategoryFactory(name="Tiếp nhận")
    return [make_question(QuestionKind.SINGLE, category=category) for _ in range(3)]


def refs(questions, capture):
    with capture(execute=True):
        return services.question_version_refs(question_ids=[q.pk for q in questions])


def bank_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries
            if '"assessments_question"' in q["sql"] or '"assessments_choice"' in q["sql"]
            or '"assessments_questionversion"' in q["sql"]]


def test_the_second_lookup_reads_no_question(questions, django_capture_on_commit_callbacks):
    first = refs(questions, django_capture_on_commit_callbacks)
    versions = services.question_versions_current(question_ids=[q.pk for q in questions])
    assert {qid: r.pk for qid, r in first.items()} == {qid: v.pk for qid, v in versions.items()}
    with CaptureQueriesContext(connection) as ctx:
        again = refs(questions, django_capture_on_commit_callbacks)
    assert again == first and bank_queries(ctx) == []


def test_an_edited_answer_makes_the_next_start_use_a_new_version(questions, django_capture_on_commit_callbacks):
    before = refs(questions, django_capture_on_commit_callbacks)
    choice = Choice.objects.filter(question=questions[0]).order_by("sort_order").first()
    choice.text = "Phương án đã sửa"
    choice.save()
    after = refs(questions, django_capture_on_commit_callbacks)
    assert after[questions[0].pk].pk != before[questions[0].pk].pk
    assert after[questions[1].pk] == before[questions[1].pk]


def test_an_edited_question_and_a_deleted_answer_retire_the_cache(questions, django_capture_on_commit_callbacks):
    before = refs(questions, django_capture_on_commit_callbacks)
    questions[1].stem = "<p>Câu hỏi đã sửa theo NĐ 118/2025/NĐ-CP</p>"
    questions[1].save()
    Choice.objects.filter(question=questions[2]).order_by("-sort_order").first().delete()
    after = refs(questions, django_capture_on_commit_callbacks)
    assert after[questions[1].pk].pk != before[questions[1].pk].pk
    assert after[questions[2].pk].pk != before[questions[2].pk].pk
    assert after[questions[0].pk] == before[questions[0].pk]


def test_a_start_freezes_the_cached_version(client, officer, questions, module_page,
                                            django_capture_on_commit_callbacks):
    quiz = QuizPageFactory(parent=module_page, layout="all", attempts_allowed=0)
    add_fixed(quiz, *questions)
    expected = refs(questions, django_capture_on_commit_callbacks)
    client.force_login(officer.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(quiz.url, {"action": "start"}).status_code == 302
    frozen = {r.version.question_id: r.version_id for r in Response.objects.select_related("version")}
    assert frozen == {qid: ref.pk for qid, ref in expected.items()}


def candidates(quiz, capture):
    import datetime as dt

    with capture(execute=True):
        return services._candidate_ids(quiz=quiz, today=dt.date(2026, 12, 7))


def test_a_quizs_candidates_are_read_once_and_follow_every_change(questions, module_page,
                                                                   django_capture_on_commit_callbacks):
    from tests.assessments.factories import add_rule

    quiz = QuizPageFactory(parent=module_page, layout="all", attempts_allowed=0)
    add_fixed(quiz, questions[0])
    rule_category = QuestionCategoryFactory(name="Rút ngẫu nhiên")
    pool = [make_question(QuestionKind.SINGLE, category=rule_category) for _ in range(4)]
    add_rule(quiz, rule_category, 2)
    fixed, _marks, pools = candidates(quiz, django_capture_on_commit_callbacks)
    assert fixed == [questions[0].pk] and pools == [([q.pk for q in pool], 2)]
    with CaptureQueriesContext(connection) as ctx:
        assert candidates(quiz, django_capture_on_commit_callbacks)[2] == pools
    assert bank_queries(ctx) == [] and not [q for q in ctx.captured_queries if "quizrandomrule" in q["sql"]]
    add_fixed(quiz, questions[1])  # a fixed question added (the same sort order: compared as a set)
    assert set(candidates(quiz, django_capture_on_commit_callbacks)[0]) == {questions[0].pk, questions[1].pk}
    pool[0].is_active = False  # a question withdrawn
    pool[0].save()
    assert candidates(quiz, django_capture_on_commit_callbacks)[2] == [([q.pk for q in pool[1:]], 2)]
    from assessments.models import Question

    Question.objects.filter(pk=pool[1].pk).update(valid_until="2026-01-01")  # as a legal change retires one
    services.bank_version_bump()
    assert candidates(quiz, django_capture_on_commit_callbacks)[2] == [([q.pk for q in pool[2:]], 2)]
