import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from assessments.exports import export_gift, export_xlsx, questions_for_export
from assessments.imports import ImportFailed, format_for, parse_aiken, parse_gift, questions_import
from assessments.models import Question, QuestionCategory, QuestionKind
from tests.assessments.factories import QuestionCategoryFactory, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_reasons():
    """Reasons are checked by their English msgids (the Vietnamese catalogue is merged separately)."""
    from django.utils import translation

    with translation.override("en"):
        yield

GOOD_GIFT = """// Câu hỏi về cơ chế một cửa
$CATEGORY: $course$/top/Một cửa

::Tên bộ phận::Từ 01/7/2025 bộ phận một cửa cấp xã là đơn vị nào? {
=Trung tâm Phục vụ hành chính công cấp xã#Đúng theo NĐ 118/2025/NĐ-CP.
~Bộ phận tiếp nhận và trả kết quả cấp huyện#Cấp huyện đã kết thúc.
~Phòng Tư pháp
####NĐ 118/2025/NĐ-CP có hiệu lực từ 01/7/2025.
}

// osa-legal: NĐ 61/2018/NĐ-CP, Điều 5
::Bổ sung::Công chức chỉ được yêu cầu bổ sung hồ sơ một lần. {TRUE}

::Kênh::Chọn các kênh nộp hồ sơ hợp lệ. {
~%33.33333%Trực tiếp
~%33.33333%Qua bưu chính công ích
~%33.33333%Trực tuyến
~%-100%Qua mạng xã hội
}

// osa-diacritics: ignore
Đăng ký khai sinh thuộc lĩnh vực nào? {=hộ tịch =hộ  tịch}

::Mẫu::Ghép biểu mẫu với tên gọi. {
=Mẫu 01 -> Giấy tiếp nhận hồ sơ và hẹn trả kết quả
=Mẫu 02 -> Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
=Mẫu 03 -> Phiếu từ chối giải quyết hồ sơ
}

// osa-type: ordering
// osa-mark: 2
::Quy trình::Sắp xếp các bước. {=Tiếp nhận =Số hóa =Chuyển xử lý =Trả kết quả}

// osa-rubric: Nêu đủ 3 ý
::Tình huống::Xử lý thế nào khi người dân thiếu giấy tờ\\: nêu các bước. {}
"""

GOOD_AIKEN = """Thời hạn chứng thực bản sao từ bản chính là bao lâu?
A. Trong ngày
B) 03 ngày làm việc
C. 15 ngày
ANSWER: A

Lệ phí chứng thực bản sao trang thứ nhất và thứ hai?
A. 2.000 đồng/trang
B. 5.000 đồng/trang
ANSWER: A
"""


def test_format_from_extension_or_option():
    assert format_for("bo-cau-hoi.gift") == "gift"
    assert format_for("bo-cau-hoi.TXT") == "gift"
    assert format_for("a.aiken") == "aiken"
    assert format_for("mau.xlsx") == "xlsx"
    assert format_for("a.dat", "aiken") == "aiken"


def test_gift_import_of_every_type():
    created = questions_import(content=GOOD_GIFT.encode(), fmt="gift", category_path="Một cửa/Pháp luật")
    kinds = [q.kind for q in created]
    assert kinds == ["single", "true_false", "multiple", "short_answer", "matching", "ordering", "essay"]
    single = created[0]
    assert single.title == "Tên bộ phận" and single.category.path == "Một cửa/Pháp luật"
    assert single.explanation == "NĐ 118/2025/NĐ-CP có hiệu lực từ 01/7/2025."
    assert list(single.choices.values_list("is_correct", flat=True)) == [True, False, False]
    assert single.choices.first().feedback == "Đúng theo NĐ 118/2025/NĐ-CP."
    assert created[1].legal_reference == "NĐ 61/2018/NĐ-CP, Điều 5"
    assert list(created[2].choices.values_list("is_correct", flat=True)) == [True, True, True, False]
    assert created[3].ignore_diacritics
    assert created[4].choices.get(text="Mẫu 02").match_text == "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
    assert created[5].default_mark == Decimal("2")
    assert list(created[5].choices.values_list("text", flat=True)) == ["Tiếp nhận", "Số hóa", "Chuyển xử lý",
                                                                       "Trả kết quả"]
    assert created[6].rubric == "Nêu đủ 3 ý" and "giấy tờ: nêu" in created[6].stem


def test_aiken_import():
    created = questions_import(content=GOOD_AIKEN.encode(), fmt="aiken", category_path="Chứng thực")
    assert [q.kind for q in created] == ["single", "single"]
    assert created[0].choices.get(is_correct=True).text == "Trong ngày"


@pytest.mark.parametrize(("text", "line", "reason"), [
    ("Câu hỏi không có đáp án\n", 1, "between"),
    ("::Tiêu đề chưa đóng Câu hỏi {=a ~b}\n", 1, "::"),
    ("Câu 1 {=a ~b}\n\nCâu 2 {~a ~b}\n", 3, "correct"),
    ("Câu 1 {=a ~b}\n\nCâu 2 {#ba:1}\n", 3, "not a numerical answer"),
    ("Câu {=a -> b ~c}\n", 1, "matching"),
    ("// osa-mark: hai\nCâu {=a ~b}\n", 1, "number"),
    ("// osa-valid: 01/07/2025..\nCâu {=a ~b}\n", 1, "YYYY"),
    ("Câu {=a =b ~c}\n\n{=x ~y}\n", 3, "empty"),
    ("", 1, "no question"),
])
def test_malformed_gift_reports_line_and_writes_nothing(text, line, reason):
    with pytest.raises(ImportFailed) as exc:
        questions_import(content=("Câu tốt {=đúng ~sai}\n\n" * 0 + text).encode(), fmt="gift", category_path="X")
    assert any(p.where == line and reason.lower() in p.reason.lower() for p in exc.value.problems), exc.value.problems
    assert Question.objects.count() == 0
    assert not QuestionCategory.objects.exists()


def test_one_bad_question_among_good_ones_writes_nothing():
    text = GOOD_GIFT + "\n\nCâu hỏi hỏng {~a ~b}\n"
    with pytest.raises(ImportFailed) as exc:
        questions_import(content=text.encode(), fmt="gift", category_path="Một cửa")
    assert len(exc.value.problems) == 1 and str(exc.value.problems[0]).startswith("Line ")
    assert Question.objects.count() == 0


@pytest.mark.parametrize(("text", "line", "reason"), [
    ("Câu hỏi?\nA. Một\nB. Hai\n", 1, "ANSWER"),
    ("Câu hỏi?\nA. Một\nB. Hai\nANSWER: D\n", 4, "not one of the options"),
    ("Câu hỏi?\nA. Một\nANSWER: A\n", 1, "two options"),
    ("Câu hỏi?\nA. Một\nC. Hai\nANSWER: A\n", 3, "in order"),
    ("ANSWER: A\n", 1, "before"),
])
def test_malformed_aiken(text, line, reason):
    with pytest.raises(ImportFailed) as exc:
        parse_aiken(text)
    assert any(p.where == line and reason.lower() in p.reason.lower() for p in exc.value.problems), exc.value.problems


def test_bad_encoding_and_bad_workbook():
    with pytest.raises(ImportFailed):
        questions_import(content="Câu {=a ~b}".encode("utf-16"), fmt="gift", category_path="X")
    with pytest.raises(ImportFailed) as exc:
        questions_import(content=b"not a zip", fmt="xlsx", category_path="X")
    assert exc.value.problems[0].is_row
    assert Question.objects.count() == 0


def _xlsx(rows, headers=None):
    from openpyxl import Workbook

    from assessments.imports import XLSX_HEADERS

    wb = Workbook()
    ws = wb.active
    ws.append(headers or XLSX_HEADERS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _row(kind, stem, answers=(), correct="", **extra):
    from assessments.imports import XLSX_COLUMNS

    values = {"type": kind, "stem": stem, "correct": correct, **extra}
    for i, a in enumerate(answers, start=1):
        values[f"answer_{i}"] = a
    return [values.get(key, "") for key, _vi in XLSX_COLUMNS]


def test_xlsx_template_imports_and_malformed_rows_are_reported():
    template = export_xlsx([], template_only=True)
    created = questions_import(content=template, fmt="xlsx", category_path="Mẫu")
    assert {q.kind for q in created} == set(QuestionKind.values)  # every type has an example
    assert len(created) == len(QuestionKind.values) + 1  # and multiple choice a second one, with weights
    bad = _xlsx([
        _row("single", "Câu tốt", ["a", "b"], "1"),
        _row("loại lạ", "Câu", ["a", "b"], "1"),
        _row("single", "", ["a", "b"], "1"),
        _row("multiple", "Câu", ["a", "b"], "3"),
        _row("true_false", "Câu", [], "có lẽ"),
        _row("single", "Câu", ["a", "b"], "1", mark="hai"),
        _row("single", "Câu", ["a", "b"], "1", valid_from="2025/07/01"),
        _row("matching", "Câu", ["a - b", "c -> d"]),
    ])
    with pytest.raises(ImportFailed) as exc:
        questions_import(content=bad, fmt="xlsx", category_path="Lỗi")
    rows = sorted({p.where for p in exc.value.problems})
    assert rows == [3, 4, 5, 6, 7, 8, 9]
    assert all(str(p).startswith("Row ") for p in exc.value.problems)
    assert not QuestionCategory.objects.filter(name="Lỗi").exists()
    headers = _xlsx([["single", "Câu"]], headers=["Loại câu hỏi (type)", "Tiêu đề"])
    with pytest.raises(ImportFailed) as exc:
        questions_import(content=headers, fmt="xlsx", category_path="Lỗi")
    assert "missing" in exc.value.problems[0].reason


def _snapshot(questions):
    from assessments.models import Choice

    questions = [Question.objects.get(pk=q.pk) for q in questions]
    return [
        (q.kind, q.title, q.stem, q.explanation, q.legal_reference, q.default_mark, q.partial_credit,
         q.ignore_diacritics, q.valid_from, q.valid_until, q.rubric, sorted(q.tags.names()),
         [(c.text, c.match_text, c.is_correct if q.kind not in ("matching",) else False, c.feedback)
          for c in Choice.objects.filter(question=q).order_by("sort_order")])
        for q in questions
    ]


@pytest.fixture
def bank():
    cat = QuestionCategoryFactory(name="Gốc")
    sub = QuestionCategoryFactory(name="Con", parent=cat)
    questions = []
    for kind in QuestionKind.values:
        q = make_question(kind, category=sub if kind == "essay" else cat, title=f"Tiêu đề {kind}",
                          explanation="Giải thích: {xem} NĐ 118 ~ = #", legal_reference="TT 03/2025/TT-VPCP",
                          default_mark=Decimal("2.5"), partial_credit=kind != "multiple",
                          ignore_diacritics=kind == "short_answer", valid_from=dt.date(2025, 7, 1),
                          valid_until=dt.date(2027, 12, 31), rubric="Ý 1\nÝ 2" if kind == "essay" else "")
        q.choices.filter(sort_order=0).update(feedback="Phản hồi: đúng # vì {lý do}")
        q.tags.add("NĐ 118", "một cửa")
        q.save()
        questions.append(q)
    return cat, questions


@pytest.mark.parametrize("fmt", ["gift", "xlsx"])
def test_export_then_import_gives_the_same_questions(bank, fmt):
    cat, questions = bank
    exported = list(questions_for_export(category=cat))
    content = export_gift(exported).encode() if fmt == "gift" else export_xlsx(exported)
    created = questions_import(content=content, fmt=fmt, category_path="Bản sao")
    for got, want in zip(_snapshot(created), _snapshot(exported), strict=True):
        assert got == want


def test_management_commands(tmp_path, bank):
    out = tmp_path / "ngan-hang.gift"
    call_command("export_questions", "--category", "Gốc", "--format", "gift", "-o", str(out))
    assert out.read_text(encoding="utf-8").count("::Tiêu đề") == len(QuestionKind.values)
    call_command("import_questions", str(out), "--category", "Nhập lại/Từ GIFT")
    assert Question.objects.filter(category__path="Nhập lại/Từ GIFT").count() == len(QuestionKind.values)
    xlsx = tmp_path / "ngan-hang.xlsx"
    call_command("export_questions", "--category", "Gốc", "--format", "xlsx", "-o", str(xlsx))
    aiken = tmp_path / "cau-hoi.dat"
    aiken.write_text(GOOD_AIKEN, encoding="utf-8")
    call_command("import_questions", str(aiken), "--category", "Aiken", "--format", "aiken")
    assert Question.objects.filter(category__path="Aiken").count() == 2
    bad = tmp_path / "hong.gift"
    bad.write_text("Câu {~a ~b}\n", encoding="utf-8")
    before = Question.objects.count()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_questions", str(bad), "--category", "Hỏng", stderr=err)
    assert "1" in err.getvalue() and Question.objects.count() == before
    with pytest.raises(CommandError):
        call_command("export_questions", "--category", "Không có", "--format", "gift", "-o", str(out))


def test_parse_gift_escapes():
    parsed = parse_gift("::T\\:1::Điều 5\\: cấm {=a\\=b#fb\\#1 ~c\\~d}\n")
    d = parsed[0].data
    assert d.title == "T:1" and "Điều 5: cấm" in d.stem
    assert [c["text"] for c in d.choices] == ["a=b", "c~d"] and d.choices[0]["feedback"] == "fb#1"
