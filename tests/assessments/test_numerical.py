"""Numerical questions: value ± tolerance (edges right), optional unit, decimal comma, GIFT and XLSX, the
attempt page, grading through autosave and submit, review, item analysis and the editor."""

import io
from decimal import Decimal
from types import SimpleNamespace as C

import pytest
from django.urls import reverse
from django.utils import translation

from assessments import services
from assessments.exports import export_gift, export_xlsx, questions_for_export
from assessments.grading import grade, parse_number
from assessments.imports import ImportFailed, parse_gift, parse_xlsx, questions_import
from assessments.models import Choice, Question, QuestionKind, QuizPage
from assessments.selectors import item_statistics_for_quiz
from assessments.services import QuestionData, category_for_path, question_create
from tests.assessments.factories import QuizPageFactory, add_fixed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def numerical(*answers, unit="", category_path="Một cửa/Số", **extra):
    """A numerical question with (value text, tolerance) accepted answers."""
    return question_create(category=category_for_path(path=category_path), data=QuestionData(
        kind=QuestionKind.NUMERICAL, stem="<p>Thời hạn giải quyết là bao nhiêu ngày làm việc?</p>", unit=unit,
        choices=[{"text": v, "tolerance": None if t is None else Decimal(t), "is_correct": True} for v, t in answers],
        **extra))


@pytest.mark.parametrize(("text", "value"), [
    ("2,5", "2.5"), ("2.5", "2.5"), (" 2,5 ", "2.5"), ("-3", "-3"), ("+4", "4"), ("1.234,5", "1234.5"),
    ("1,234.5", "1234.5"), ("1.000.000", "1000000"), ("15 ngày", "15"), ("15ngày", "15"), ("15 NGÀY", "15"),
    ("0,05", "0.05"), ("1 000", "1000"), ("\u22122,5", "-2.5"),
])
def test_numbers_are_read_with_a_decimal_comma_or_point_and_the_unit(text, value):
    assert parse_number(text, unit="ngày") == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "2,5,", "1,2.3,4", "2..5", "1e5", "NaN", "Infinity", "--2", "2 tuần",
                                  "1" * 41])
def test_what_is_not_a_number_is_none(text):
    assert parse_number(text, unit="ngày") is None


def test_tolerance_edges_are_right():
    choices = [C(pk=1, text="2.5", tolerance=Decimal("0.1"))]

    def g(text, unit=""):
        return grade(kind=QuestionKind.NUMERICAL, choices=choices, selections=[], text=text, unit=unit)

    assert g("2.5") == 1 and g("2,5") == 1
    assert g("2.4") == 1 and g("2,6") == 1  # exactly at value ± tolerance
    assert g("2.39999") == 0 and g("2.60001") == 0
    assert g("") == 0 and g("hai phẩy năm") == 0
    exact = [C(pk=1, text="3", tolerance=None)]
    assert grade(kind=QuestionKind.NUMERICAL, choices=exact, selections=[], text="3 ngày", unit="ngày") == 1
    assert grade(kind=QuestionKind.NUMERICAL, choices=exact, selections=[], text="3,0") == 1
    assert grade(kind=QuestionKind.NUMERICAL, choices=exact, selections=[], text="3.01") == 0
    several = [C(pk=1, text="5", tolerance=None), C(pk=2, text="10", tolerance=Decimal("1"))]
    assert grade(kind=QuestionKind.NUMERICAL, choices=several, selections=[], text="11") == 1


def test_gift_value_tolerance_and_range():
    (a, b, c, d) = parse_gift(
        "Sai số? {#2.5:0.1}\n\n// osa-unit: ngày\nKhoảng? {#1..3}\n\nĐúng? {#15}\n\n"
        "Nhiều? {#\n=2,5:0,5#Gần đúng\n=-3:0}\n")
    assert a.data.kind == QuestionKind.NUMERICAL
    assert [(x["text"], x["tolerance"]) for x in a.data.choices] == [("2.5", Decimal("0.1"))]
    assert [(x["text"], x["tolerance"]) for x in b.data.choices] == [("2", Decimal("1"))]
    assert b.data.unit == "ngày"
    assert [(x["text"], x["tolerance"]) for x in c.data.choices] == [("15", None)]
    assert [(x["text"], x["tolerance"], x["feedback"]) for x in d.data.choices] == [
        ("2.5", Decimal("0.5"), "Gần đúng"), ("-3", Decimal("0"), "")]


@pytest.mark.parametrize(("gift", "reason"), [
    ("Q? {#abc}\n", "is not a numerical answer"),
    ("Q? {#3..1}\n", "is not a numerical answer"),
    ("Q? {#2:-1}\n", "is not a numerical answer"),
    ("Q? {#=%50%2:1}\n", "cannot have weights"),
    ("Q? {#}\n", "is not a numerical answer"),
])
def test_bad_numerical_gift_is_refused_with_its_line(gift, reason):
    with pytest.raises(ImportFailed) as caught:
        parse_gift(gift)
    assert any(reason in p.message and p.row == 1 for p in caught.value.problems), caught.value.problems


def test_gift_export_and_re_import():
    q = numerical(("2.5", "0.1"), unit="ngày", title="Sai số")
    numerical(("2", "1"), ("7", None), category_path="Một cửa/Số", title="Hai")
    gift = export_gift(questions_for_export(category=q.category))
    assert "// osa-unit: ngày\n::Sai số::[html]" in gift and "{#2.5:0.1\n}" in gift
    assert "{#\n=2:1\n=7\n}" in gift
    again = questions_import(content=gift.encode(), fmt="gift", category_path="Lại")
    assert [(x.kind, x.unit) for x in again] == [(QuestionKind.NUMERICAL, "ngày"), (QuestionKind.NUMERICAL, "")]
    assert export_gift(questions_for_export(category=again[0].category)) == gift


def test_xlsx_import_export_and_template():
    q = numerical(("2.5", "0.1"), unit="ngày", title="Sai số")
    numerical(("-3", None), title="Âm")
    data = export_xlsx(questions_for_export(category=q.category))
    parsed = parse_xlsx(data)
    assert [(p.data.kind, p.data.unit) for p in parsed] == [(QuestionKind.NUMERICAL, "ngày"),
                                                          (QuestionKind.NUMERICAL, "")]
    assert [(c["text"], c["tolerance"]) for c in parsed[0].data.choices] == [("2.5", Decimal("0.1"))]
    assert [(c["text"], c["tolerance"]) for c in parsed[1].data.choices] == [("-3", None)]
    template = parse_xlsx(export_xlsx([], template_only=True))
    (example,) = [p for p in template if p.data.kind == QuestionKind.NUMERICAL]
    assert example.data.unit == "ngày" and example.data.choices[0]["text"] == "3"


def test_xlsx_vietnamese_decimal_comma_and_bad_numbers():
    from openpyxl import Workbook

    from assessments.imports import XLSX_HEADERS

    def book(*rows):
        wb = Workbook()
        ws = wb.active
        ws.append(XLSX_HEADERS)
        for r in rows:
            ws.append(r)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    col = {h.split("(")[1].rstrip(")"): i for i, h in enumerate(XLSX_HEADERS)}

    def row(answer):
        values = [""] * len(XLSX_HEADERS)
        values[col["type"]], values[col["stem"]], values[col["answer_1"]] = "trả lời số", "Bao nhiêu?", answer
        return values

    (p,) = parse_xlsx(book(row("2,5 ± 0,1")))
    assert (p.data.choices[0]["text"], p.data.choices[0]["tolerance"]) == ("2.5", Decimal("0.1"))
    (p,) = parse_xlsx(book(row(2.5)))
    assert p.data.choices[0]["text"] == "2.5"
    with pytest.raises(ImportFailed) as caught:
        parse_xlsx(book(row("hai"), row("1..3")))
    assert [(x.row, x.column) for x in caught.value.problems] == [(2, "Phương án 1")]


def _quiz_with(module_page, *questions):
    quiz = QuizPageFactory(parent=module_page, title="Bài số")
    add_fixed(quiz, *questions)
    return QuizPage.objects.get(pk=quiz.pk)


def test_attempt_page_has_a_decimal_input_and_no_key(client, officer, module_page):
    q = numerical(("7.25", "0.15"), unit="ngày")
    quiz = _quiz_with(module_page, q)
    client.force_login(officer.user)
    client.post(quiz.url, {"action": "start"})
    html = client.get(quiz.url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'inputmode="decimal"' in html and 'type="text"' in html
    assert "ngày" in html
    assert "7.25" not in html and "7,25" not in html and "0.15" not in html  # the key is not in the page


def test_autosave_keeps_the_answer_as_given_and_grading_uses_tolerance(client, officer, module_page):
    quiz = _quiz_with(module_page, numerical(("2.5", "0.1")), numerical(("3", None), unit="ngày"),
                      numerical(("10", "1")))
    client.force_login(officer.user)
    client.post(quiz.url, {"action": "start"})
    attempt = officer.quiz_attempts.get()
    r1, r2, r3 = attempt.responses.order_by("position")
    for response, answer in ((r1, "2,6"), (r2, "3 ngày"), (r3, "11,5")):
        resp = client.post(reverse("assessments:save-response", args=[response.pk]),
                           {"kind": "numerical", f"q{response.pk}": answer, f"q{response.pk}_rev": "0"})
        assert resp.status_code == 200, resp.content
    r1.refresh_from_db()
    assert r1.text_answer == "2,6"
    attempt = services.attempt_submit(attempt=attempt)
    assert [r.score for r in attempt.responses.order_by("position")] == [Decimal("1.00"), Decimal("1.00"),
                                                                          Decimal("0.00")]
    review = client.get(reverse("assessments:attempt-review", args=[attempt.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    html = review.content.decode()
    assert "2,5 ± 0,1" in html and "3 ngày" in html and "10 ± 1" in html
    assert "Bạn trả lời sai" in html and "Bạn trả lời đúng" in html
    stats = item_statistics_for_quiz(quiz=quiz)
    assert sorted(s.facility for s in stats.items) == [0.0, 1.0, 1.0]


def test_the_editor_takes_a_decimal_comma_and_refuses_what_is_not_a_number(client, trainer, category):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    client.force_login(trainer)

    def post(text, tolerance):
        return client.post(reverse("wagtailsnippets_assessments_question:add"), nested_form_data({
            "category": category.pk, "kind": "numerical", "title": "Số", "stem": rich_text("<p>Bao nhiêu?</p>"),
            "choices": inline_formset([{"text": text, "match_text": "", "is_correct": "", "feedback": "",
                                        "weight": "", "tolerance": tolerance}]),
            "default_mark": "1", "partial_credit": "on", "is_active": "on", "unit": "ngày", "tags": "",
            "explanation": "", "legal_reference": "", "rubric": "", "valid_from": "", "valid_until": "", "image": "",
        }), HTTP_ACCEPT_LANGUAGE="vi")

    bad = post("hai", "")
    assert bad.status_code == 200 and not Question.objects.exists()
    with translation.override("vi"):
        assert "không phải là số" in bad.content.decode()
    good = post("2,5", "0.1")  # the tolerance box is a number input: browsers send "0.1"
    assert good.status_code == 302, good.content[:500]
    q = Question.objects.get()
    assert (q.kind, q.unit) == ("numerical", "ngày")
    assert list(Choice.objects.filter(question=q).values_list("text", "tolerance", "is_correct")) == [
        ("2.5", Decimal("0.1"), True)]


def test_tolerance_on_another_type_is_refused():
    from assessments.services import question_validate_choices

    errors = question_validate_choices(kind=QuestionKind.SHORT_ANSWER, choices=[
        {"text": "hộ tịch", "is_correct": True, "tolerance": Decimal(1)}])
    assert any("only used by numerical" in e for e in errors)


def test_parse_number_never_raises():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(derandomize=True, max_examples=300, deadline=None, database=None)
    @given(st.text(max_size=50), st.sampled_from(["", "ngày", "%"]))
    def check(text, unit):
        value = parse_number(text, unit=unit)
        assert value is None or value.is_finite()

    check()
