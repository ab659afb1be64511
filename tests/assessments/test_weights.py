"""GIFT answer weights: kept at import, used by grading (partial credit), written back at export."""

from decimal import Decimal
from types import SimpleNamespace as C

import pytest
from django.utils import translation

from assessments import services
from assessments.exports import export_gift, questions_for_export
from assessments.grading import Selection, grade
from assessments.imports import ImportFailed, parse_gift, questions_import
from assessments.models import Choice, QuestionKind, QuizPage, VersionChoice
from assessments.services import QuestionData, question_validate_choices
from tests.assessments.factories import QuizPageFactory, add_fixed, make_question, tokens

pytestmark = pytest.mark.django_db

WEIGHTED = """::Hồ sơ::Thành phần hồ sơ đăng ký khai sinh gồm những gì? {
~%70%Tờ khai theo mẫu#Đúng.
~%30%Giấy chứng sinh
~%-100%Sổ hộ khẩu#Không còn sử dụng.
}
"""


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _import(text, path="Một cửa/Trọng số"):
    return questions_import(content=text.encode(), fmt="gift", category_path=path)


def test_a_70_30_question_imports_with_its_weights_and_exports_as_70_30():
    (question,) = _import(WEIGHTED)
    assert question.kind == QuestionKind.MULTIPLE
    choices = list(question.choices.order_by("sort_order"))
    assert [c.weight for c in choices] == [Decimal("70"), Decimal("30"), Decimal("-100")]
    assert [c.is_correct for c in choices] == [True, True, False]
    gift = export_gift(questions_for_export(category=question.category))
    assert "~%70%Tờ khai theo mẫu#Đúng." in gift
    assert "~%30%Giấy chứng sinh" in gift
    assert "~%-100%Sổ hộ khẩu" in gift
    assert "osa-weights" not in gift
    (again,) = _import(gift, path="Một cửa/Lần hai")
    assert export_gift(questions_for_export(category=again.category)) == gift


def test_equals_sign_in_a_weighted_question_is_100_and_fractional_weights_keep_five_decimals():
    (d,) = parse_gift("Chọn? {\n~%33.333333%a\n~%66,66667%b\n~c\n}\n")
    assert [c["weight"] for c in d.data.choices] == [Decimal("33.33333"), Decimal("66.66667"), None]
    (d,) = parse_gift("Chọn? {\n=a\n~%-50%b\n~c\n}\n")
    assert [c["weight"] for c in d.data.choices] == [Decimal(100), Decimal(-50), None]


def test_unweighted_multiple_choice_keeps_its_scoring_through_a_round_trip():
    question = make_question(QuestionKind.MULTIPLE, choices=[("a", True), ("b", True), ("c", False)])
    gift = export_gift(questions_for_export(category=question.category))
    assert "// osa-weights: none" in gift and "~%50%a" in gift and "~%-100%c" in gift
    (again,) = _import(gift, path="Khác")
    assert list(again.choices.values_list("weight", flat=True)) == [None, None, None]
    assert export_gift(questions_for_export(category=again.category)) == gift


@pytest.mark.parametrize(("gift", "reason"), [
    ("Q? {\n~%70%a\n~%20%b\n~%-100%c\n}\n", "must add up to 100 (they add up to 90)"),
    ("Q? {\n~%70%a\n~%30%b\n~%-150%c\n}\n", "between -100 and 100"),
    ("Q? {\n~%170%a\n~%-70%b\n}\n", "between -100 and 100"),
])
def test_bad_weights_are_refused_with_the_line(gift, reason):
    with pytest.raises(ImportFailed) as caught:
        parse_gift(gift)
    assert any(reason in p.message and p.row == 1 for p in caught.value.problems)


def test_weights_outside_multiple_choice_and_disagreeing_with_correctness_are_refused():
    errors = question_validate_choices(kind=QuestionKind.SINGLE, choices=[
        {"text": "a", "is_correct": True, "weight": Decimal(100)}, {"text": "b", "is_correct": False}])
    assert any("only used by multiple choice" in e for e in errors)
    errors = question_validate_choices(kind=QuestionKind.MULTIPLE, choices=[
        {"text": "a", "is_correct": True, "weight": Decimal(100)}, {"text": "b", "is_correct": True}])
    assert any("positive weight" in e for e in errors)


def test_weighted_grading_sums_the_ticked_weights_between_0_and_1():
    choices = [C(pk=1, is_correct=True, weight=Decimal(70)), C(pk=2, is_correct=True, weight=Decimal(30)),
               C(pk=3, is_correct=False, weight=Decimal(-100)), C(pk=4, is_correct=False, weight=None)]

    def g(*ids, partial=True):
        return grade(kind=QuestionKind.MULTIPLE, choices=choices, selections=[Selection(i) for i in ids],
                     partial_credit=partial)

    assert g(1, 2) == 1
    assert g(1) == Decimal("0.7")
    assert g(2) == Decimal("0.3")
    assert g(2, 4) == Decimal("0.3")  # no weight counts 0
    assert g(1, 3) == 0  # never below zero
    assert g(1, 2, 3) == 0
    assert g() == 0
    assert g(1, partial=False) == 0 and g(1, 2, partial=False) == 1  # all-or-nothing ignores weights


def test_unweighted_grading_is_unchanged():
    choices = [C(pk=1, is_correct=True, weight=None), C(pk=2, is_correct=True, weight=None),
               C(pk=3, is_correct=False, weight=None)]
    assert grade(kind=QuestionKind.MULTIPLE, choices=choices, selections=[Selection(1), Selection(2), Selection(3)],
                 partial_credit=True) == Decimal("0.5")


def test_an_attempt_on_a_weighted_question_earns_the_weight(module_page, officer):
    (question,) = _import(WEIGHTED)
    quiz = QuizPageFactory(parent=module_page, title="Trọng số")
    add_fixed(quiz, question, mark=Decimal("2"))
    quiz = QuizPage.objects.get(pk=quiz.pk)
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    response = attempt.responses.get()
    frozen = list(VersionChoice.objects.filter(version=response.version).order_by("position"))
    assert [c.weight for c in frozen] == [Decimal(70), Decimal(30), Decimal(-100)]
    services.response_save(response_id=response.pk, user=officer.user, choices=tokens(response, frozen[1:2]))
    attempt = services.attempt_submit(attempt=attempt)
    response.refresh_from_db()
    assert response.score == Decimal("0.60")
    assert attempt.percent == Decimal("30.00")


def test_setting_a_weight_makes_a_new_version_and_unweighted_prints_are_unchanged(module_page, officer):
    question = make_question(QuestionKind.MULTIPLE, choices=[("a", True), ("b", True), ("c", False)])
    before = services._fingerprint(question, list(question.choices.all()))
    Choice.objects.filter(question=question, text="a").update(weight=Decimal(70))
    Choice.objects.filter(question=question, text="b").update(weight=Decimal(30))
    assert services._fingerprint(question, list(question.choices.all())) != before


def test_question_create_keeps_weights():
    from assessments.services import category_for_path, question_create

    q = question_create(category=category_for_path(path="Một cửa"), data=QuestionData(
        kind=QuestionKind.MULTIPLE, stem="<p>Q</p>", choices=[
            {"text": "a", "is_correct": True, "weight": Decimal(70)},
            {"text": "b", "is_correct": True, "weight": Decimal(30)},
            {"text": "c", "is_correct": False}]))
    assert list(q.choices.order_by("sort_order").values_list("weight", flat=True)) == [70, 30, None]
    copy = services.question_duplicate(question=q)
    assert list(copy.choices.order_by("sort_order").values_list("weight", flat=True)) == [70, 30, None]


def test_the_editor_saves_weights_and_refuses_weights_that_do_not_add_up(client, trainer, category):
    from django.urls import reverse
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    from assessments.models import Question

    client.force_login(trainer)

    def post(weights):
        answers = [("Tờ khai", True), ("Giấy chứng sinh", True), ("Sổ hộ khẩu", False)]
        rows = [{"text": t, "match_text": "", "is_correct": "on" if ok else "", "feedback": "", "weight": w}
                for (t, ok), w in zip(answers, weights, strict=True)]
        return client.post(reverse("wagtailsnippets_assessments_question:add"), nested_form_data({
            "category": category.pk, "kind": "multiple", "title": "Trọng số", "stem": rich_text("<p>Hồ sơ?</p>"),
            "choices": inline_formset(rows), "default_mark": "1", "partial_credit": "on", "is_active": "on",
            "tags": "", "explanation": "", "legal_reference": "", "rubric": "", "valid_from": "", "valid_until": "",
            "image": "",
        }), HTTP_ACCEPT_LANGUAGE="vi")

    bad = post(["70", "20", "-100"])
    assert bad.status_code == 200 and not Question.objects.exists()
    with translation.override("vi"):
        assert "Tổng trọng số của các đáp án đúng phải bằng 100 (hiện là 90)" in bad.content.decode()
    good = post(["70", "30", "-100"])
    assert good.status_code == 302, good.content[:500]
    assert list(Question.objects.get().choices.order_by("sort_order").values_list("weight", flat=True)) == [
        70, 30, -100]
