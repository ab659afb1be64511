"""Builders for question banks, quizzes and attempts."""

from decimal import Decimal

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from assessments.models import (
    Choice,
    Question,
    QuestionCategory,
    QuestionKind,
    QuizPage,
    QuizQuestion,
    QuizRandomRule,
)
from tests.courses.factories import ModulePageFactory


class QuestionCategoryFactory(DjangoModelFactory):
    class Meta:
        model = QuestionCategory

    name = factory.Sequence(lambda n: f"Danh mục {n}")
    parent = None


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    category = factory.SubFactory(QuestionCategoryFactory)
    kind = QuestionKind.SINGLE
    title = factory.Sequence(lambda n: f"Câu {n}")
    stem = "<p>Bộ phận Một cửa cấp xã hiện nay là gì?</p>"
    default_mark = Decimal("1")


class ChoiceFactory(DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    text = factory.Sequence(lambda n: f"Phương án {n}")
    sort_order = factory.Sequence(lambda n: n)


# (text, is_correct) or (text, match_text) per kind
DEFAULT_CHOICES = {
    QuestionKind.SINGLE: [("Trung tâm Phục vụ hành chính công cấp xã", True), ("Phòng Tư pháp quận", False),
                          ("Văn phòng HĐND và UBND huyện", False)],
    QuestionKind.TRUE_FALSE: [("Đúng", True), ("Sai", False)],
    QuestionKind.MULTIPLE: [("Trực tiếp", True), ("Qua bưu chính công ích", True), ("Trực tuyến", True),
                            ("Qua mạng xã hội", False)],
    QuestionKind.SHORT_ANSWER: [("hộ tịch", True), ("ho tich", True)],
    QuestionKind.MATCHING: [("Mẫu 01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
                            ("Mẫu 02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
                            ("Mẫu 03", "Phiếu từ chối giải quyết hồ sơ")],
    QuestionKind.ORDERING: [("Tiếp nhận", True), ("Số hóa", True), ("Chuyển xử lý", True), ("Trả kết quả", True)],
    QuestionKind.NUMERICAL: [("7.25", Decimal("0.25"))],  # value, tolerance
    QuestionKind.ESSAY: [],
    QuestionKind.CLOZE: [],  # the gaps are in the stem (CLOZE_STEM)
}

#: A cloze question with a short answer gap (weight 2, a 50 % answer), a drop-down gap and a numerical gap.
CLOZE_STEM = ("<p>Bản sao được {2:SHORTANSWER:=chứng thực~%50%sao y#PHAN-HOI gần đúng} từ bản chính, nộp tại "
              "{1:MULTICHOICE:Phòng Tư pháp~=Bộ phận Một cửa#PHAN-HOI đúng}; lệ phí trang đầu là "
              "{1:NUMERICAL:=2000:100} đồng.</p>")


def make_question(kind=QuestionKind.SINGLE, *, category=None, choices=None, **kwargs) -> Question:
    """A question of any kind with sensible Vietnamese answers (or the given (text, correct|match) pairs)."""
    if kind == QuestionKind.CLOZE:
        kwargs.setdefault("stem", CLOZE_STEM)
    question = QuestionFactory(kind=kind, **({"category": category} if category else {}), **kwargs)
    for i, (text, extra) in enumerate(choices if choices is not None else DEFAULT_CHOICES[kind]):
        if kind == QuestionKind.MATCHING:
            Choice.objects.create(question=question, sort_order=i, text=text, match_text=extra)
        elif kind == QuestionKind.NUMERICAL:
            Choice.objects.create(question=question, sort_order=i, text=text, is_correct=True, tolerance=extra)
        else:
            Choice.objects.create(question=question, sort_order=i, text=text,
                                  is_correct=bool(extra) if kind != QuestionKind.SHORT_ANSWER else True)
    return question


class QuizPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = QuizPage

    title = factory.Sequence(lambda n: f"Bài kiểm tra {n}")
    parent = factory.SubFactory(ModulePageFactory)
    shuffle_questions = False
    shuffle_choices = False
    pass_mark = Decimal("50")


def add_fixed(quiz: QuizPage, *questions, mark=None) -> None:
    for i, q in enumerate(questions):
        QuizQuestion.objects.create(page=quiz, question=q, sort_order=i, mark=mark)


def add_rule(quiz: QuizPage, category, count: int, include_subcategories=True) -> QuizRandomRule:
    return QuizRandomRule.objects.create(page=quiz, category=category, count=count,
                                         include_subcategories=include_subcategories)


def token(response, choice) -> str:
    """The opaque token an attempt page shows for one choice (a VersionChoice or its id) of a response."""
    from assessments.tokens import choice_token

    return choice_token(response_id=response.pk, choice_id=getattr(choice, "pk", choice))


def tokens(response, choices) -> list[str]:
    return [token(response, c) for c in choices]
