"""Question export to GIFT (with our osa- comment options), to Aiken (single choice only) and to the XLSX
import template.

GIFT and XLSX re-import to the same questions (type, text, answers, feedback, explanation, mark, scoring, validity,
tags, legal reference). See assessments/imports.py for the formats.
"""

import html
import re
import string
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils.html import strip_tags

from lms.spreadsheets import Sheet, xlsx_bytes

from .imports import MAX_CHOICES, XLSX_HEADERS, gift_escape
from .models import Choice, Question, QuestionCategory, QuestionKind


def questions_for_export(*, category: QuestionCategory, include_subcategories: bool = True) -> QuerySet[Question]:
    """Questions of a category (and its sub-categories) with their answers and tags, in a stable order."""
    qs = category.subtree() if include_subcategories else QuestionCategory.objects.filter(pk=category.pk)
    return (Question.objects.filter(category__in=qs)
            .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("sort_order", "pk")), "tags")
            .order_by("category__path", "pk"))


def _mark(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


def _weight(n: int) -> str:
    return format((Decimal(100) / n).quantize(Decimal("0.00001")).normalize(), "f")


def export_gift(questions) -> str:
    """GIFT text for the questions (UTF-8, one blank line between questions)."""
    blocks = []
    for q in questions:
        lines = []
        choices = list(q.choices.all())
        if q.kind == QuestionKind.ORDERING:
            lines.append("// osa-type: ordering")
        if q.kind == QuestionKind.CLOZE:
            lines.append("// osa-type: cloze")
        if q.kind == QuestionKind.MULTIPLE and all(c.weight is None for c in choices):
            lines.append("// osa-weights: none")
        if q.kind == QuestionKind.NUMERICAL and q.unit:
            lines.append(f"// osa-unit: {q.unit}")
        if q.default_mark != 1:
            lines.append(f"// osa-mark: {_mark(q.default_mark)}")
        if not q.partial_credit:
            lines.append("// osa-scoring: all-or-nothing")
        if q.ignore_diacritics:
            lines.append("// osa-diacritics: ignore")
        if q.legal_reference:
            lines.append(f"// osa-legal: {q.legal_reference}")
        tags = sorted(t.name for t in q.tags.all())
        if tags:
            lines.append(f"// osa-tags: {', '.join(tags)}")
        if q.valid_from or q.valid_until:
            lines.append(f"// osa-valid: {q.valid_from.isoformat() if q.valid_from else ''}.."
                         f"{q.valid_until.isoformat() if q.valid_until else ''}")
        if q.rubric:
            lines.append(f"// osa-rubric: {q.rubric.replace(chr(10), chr(92) + 'n')}")
        head = f"::{gift_escape(q.title)}::" if q.title else ""
        answers = _gift_answers(q, choices)
        explanation = f"\n####{gift_escape(q.explanation)}" if q.explanation else ""
        lines.append(f"{head}[html]{gift_escape(q.stem)}{{{answers}{explanation}\n}}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _numerical_spec(c: Choice, *, sep: str = ":") -> str:
    """An accepted value as GIFT (`2.5:0.1`) or the XLSX (`2.5 ± 0.1`) writes it; no tolerance, no `:`."""
    from .services import numerical_text

    return c.text if c.tolerance is None else f"{c.text}{sep}{numerical_text(c.tolerance)}"


def _option(text: str) -> str:
    """An answer's text in GIFT: escaped, and a leading "%" too (it would read as a weight)."""
    escaped = gift_escape(text)
    return "\\" + escaped if escaped.startswith("%") else escaped


def _fb(text: str) -> str:
    return f"#{gift_escape(text)}" if text else ""


def _gift_answers(q: Question, choices: list[Choice]) -> str:
    if q.kind in (QuestionKind.ESSAY, QuestionKind.CLOZE):  # a cloze question's gaps are in its text
        return ""
    if q.kind == QuestionKind.TRUE_FALSE:
        right = next((c for c in choices if c.is_correct), None)
        wrong = next((c for c in choices if not c.is_correct), None)
        is_true = bool(choices) and choices[0].is_correct
        word = "TRUE" if is_true else "FALSE"
        wrong_fb, right_fb = (wrong.feedback if wrong else ""), (right.feedback if right else "")
        fb = f"#{gift_escape(wrong_fb)}#{gift_escape(right_fb)}" if (wrong_fb or right_fb) else ""
        return word + fb
    if q.kind == QuestionKind.NUMERICAL:
        specs = [f"{_numerical_spec(c)}{_fb(c.feedback)}" for c in choices]
        if len(specs) == 1 and not choices[0].feedback:
            return f"#{specs[0]}"
        return "#" + "".join(f"\n={spec}" for spec in specs)
    out = []
    if q.kind == QuestionKind.MATCHING:
        out = [f"\n={_option(c.text)} -> {gift_escape(c.match_text)}{_fb(c.feedback)}" for c in choices]
    elif q.kind in (QuestionKind.SHORT_ANSWER, QuestionKind.ORDERING):
        out = [f"\n={_option(c.text)}{_fb(c.feedback)}" for c in choices]
    elif q.kind == QuestionKind.MULTIPLE and any(c.weight is not None for c in choices):
        out = [f"\n~{'%' + _mark(c.weight) + '%' if c.weight is not None else ''}{_option(c.text)}{_fb(c.feedback)}"
               for c in choices]
    elif q.kind == QuestionKind.MULTIPLE:
        n = max(1, sum(c.is_correct for c in choices))
        out = [f"\n~%{_weight(n) if c.is_correct else '-100'}%{_option(c.text)}{_fb(c.feedback)}" for c in choices]
    else:
        out = [f"\n{'=' if c.is_correct else '~'}{_option(c.text)}{_fb(c.feedback)}" for c in choices]
    return "".join(out)


@dataclass(frozen=True)
class AikenExport:
    """An Aiken file and the questions it could not hold (Aiken knows single choice only)."""

    text: str
    exported: int
    skipped: list


def _aiken_line(text: str) -> str:
    """One line of plain text: tags dropped, entities decoded, every run of white space one space."""
    text = re.sub(r"<(br|/p|/li|/div|/h[1-6]|/tr)\b[^>]*>", " ", text or "", flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", html.unescape(strip_tags(text))).strip()


def export_aiken(questions) -> AikenExport:
    """Aiken text for the single-choice questions (stem on one line, options `A.`…, `ANSWER: B`); the other
    questions are skipped and returned (feedback, explanations and metadata have no place in Aiken)."""
    blocks, skipped = [], []
    for q in questions:
        choices = list(q.choices.all())
        if (q.kind != QuestionKind.SINGLE or not 2 <= len(choices) <= len(string.ascii_uppercase)
                or sum(c.is_correct for c in choices) != 1):
            skipped.append(q)
            continue
        lines = [_aiken_line(q.stem) or _aiken_line(q.title)]
        lines += [f"{letter}. {_aiken_line(c.text)}" for letter, c in zip(string.ascii_uppercase, choices, strict=False)]
        right = next(letter for letter, c in zip(string.ascii_uppercase, choices, strict=False) if c.is_correct)
        lines.append(f"ANSWER: {right}")
        blocks.append("\n".join(lines))
    return AikenExport(text="\n\n".join(blocks) + "\n" if blocks else "", exported=len(blocks), skipped=skipped)


def aiken_skipped_note(skipped) -> str:
    """The note listing the questions an Aiken export left out (in the active language)."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    names = "; ".join(f"“{q.label}” ({q.get_kind_display()})" for q in skipped)
    return ngettext(
        "Aiken holds single-choice questions only: %(n)s question was not exported: %(names)s.",
        "Aiken holds single-choice questions only: %(n)s questions were not exported: %(names)s.",
        len(skipped)) % {"n": len(skipped), "names": names} if skipped else _("Every question was exported.")


def _yes(value: bool) -> str:
    return "có" if value else "không"


def export_xlsx(questions, *, template_only: bool = False) -> bytes:
    """Our XLSX template with one question per row (or only the header and examples when template_only)."""
    rows = _example_rows() if template_only else (_xlsx_row(q) for q in questions)
    return xlsx_bytes([
        Sheet("Câu hỏi", header=XLSX_HEADERS, rows=rows, default_width=24, header_fill="1D4ED8",
              header_color="FFFFFF", header_wrap=True),
        Sheet("Hướng dẫn", rows=([line] for line in GUIDE), widths={"A": 120}),
    ])


def item_analysis_xlsx(stats) -> bytes:
    """The item analysis of a quiz as a workbook: questions, answer distribution, score distribution."""
    def rounded(value):
        return round(value, 3) if value is not None else None

    return xlsx_bytes([
        Sheet("Câu hỏi", header=["Câu hỏi", "Loại", "Số lượt", "Độ khó (facility)", "Độ phân biệt (discrimination)"],
              rows=([s.label, s.kind, s.n, rounded(s.facility), rounded(s.discrimination)] for s in stats.items),
              widths={"A": 60}, freeze_header=False),
        Sheet("Phương án", header=["Câu hỏi", "Phương án", "Đúng", "Số lần chọn", "Tỉ lệ"],
              rows=([s.label, c.text, "có" if c.is_correct else "không", c.count, round(c.share, 3)]
                    for s in stats.items for c in s.choices),
              widths={"A": 60}, freeze_header=False),
        Sheet("Phân bố điểm", header=["Khoảng điểm (%)", "Số lượt"],
              rows=([label, count] for label, count, _share in stats.distribution),
              widths={"A": 60}, freeze_header=False),
    ])


def _xlsx_row(q: Question) -> list:
    choices = list(q.choices.all())[:MAX_CHOICES]
    answers, feedback = [""] * MAX_CHOICES, [""] * MAX_CHOICES
    correct = ""
    for i, c in enumerate(choices):
        if q.kind == QuestionKind.MATCHING:
            answers[i] = f"{c.text} -> {c.match_text}"
        elif q.kind == QuestionKind.NUMERICAL:
            answers[i] = _numerical_spec(c, sep=" ± ")
        else:
            answers[i] = c.text
        feedback[i] = c.feedback
    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        correct = ",".join(str(i) for i, c in enumerate(choices, start=1) if c.is_correct)
    elif q.kind == QuestionKind.TRUE_FALSE:
        correct = "Đúng" if choices and choices[0].is_correct else "Sai"
    return [q.kind, q.title, q.stem, *answers, correct, *feedback, q.explanation, q.legal_reference,
            float(q.default_mark), _yes(q.partial_credit), _yes(q.ignore_diacritics),
            q.valid_from.strftime("%d/%m/%Y") if q.valid_from else "",
            q.valid_until.strftime("%d/%m/%Y") if q.valid_until else "",
            ", ".join(sorted(t.name for t in q.tags.all())), q.rubric, q.unit, _xlsx_weights(q, choices)]


def _xlsx_weights(q: Question, choices: list[Choice]) -> str:
    """The “Trọng số (%)” cell: the options' weights in option order, “;”-separated (“70; 30; -100”)."""
    if q.kind != QuestionKind.MULTIPLE or all(c.weight is None for c in choices):
        return ""
    return "; ".join(_mark(c.weight) if c.weight is not None else "" for c in choices)


def _example_rows() -> list[list]:
    def row(kind, title, stem, answers, correct, explanation="", legal="", mark=1, partial="có", ignore="không",
            unit="", weights=""):
        answers = answers + [""] * (MAX_CHOICES - len(answers))
        return [kind, title, stem, *answers, correct, *([""] * MAX_CHOICES), explanation, legal, mark, partial,
                ignore, "", "", "", "", unit, weights]

    return [
        row("single", "Tên bộ phận một cửa cấp xã", "Từ 01/7/2025, bộ phận một cửa cấp xã là đơn vị nào?",
            ["Trung tâm Phục vụ hành chính công cấp xã", "Bộ phận TN&TKQ cấp huyện", "Phòng Tư pháp"], "1",
            "NĐ 118/2025/NĐ-CP thay NĐ 61/2018.", "NĐ 118/2025/NĐ-CP"),
        row("multiple", "Kênh nộp hồ sơ", "Người dân có thể nộp hồ sơ qua những kênh nào?",
            ["Trực tiếp", "Bưu chính công ích", "Trực tuyến", "Mạng xã hội"], "1,2,3"),
        row("multiple", "Thành phần hồ sơ", "Hồ sơ đăng ký khai sinh gồm những giấy tờ nào?",
            ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Sổ hộ khẩu"], "1,2", weights="70; 30; -100"),
        row("true_false", "Bổ sung một lần", "Công chức chỉ được yêu cầu bổ sung hồ sơ một lần.", [], "Đúng"),
        row("short_answer", "Lĩnh vực", "Đăng ký khai sinh thuộc lĩnh vực nào?", ["hộ tịch"], "", ignore="có"),
        row("matching", "Biểu mẫu", "Ghép mẫu với tên gọi.",
            ["Mẫu 01 -> Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Mẫu 03 -> Phiếu từ chối giải quyết"], ""),
        row("ordering", "Quy trình", "Sắp xếp các bước theo đúng thứ tự.",
            ["Tiếp nhận", "Số hóa", "Chuyển xử lý", "Trả kết quả"], ""),
        row("numerical", "Thời hạn", "Thời hạn giải quyết thủ tục cấp lại Giấy chứng nhận đăng ký hộ kinh doanh là "
            "bao nhiêu ngày làm việc?", ["3"], "", unit="ngày"),
        row("cloze", "Điền khuyết", "Đăng ký khai sinh thuộc lĩnh vực {1:SHORTANSWER:=hộ tịch~%50%tư pháp"
            "#Gần đúng: lĩnh vực hộ tịch thuộc tư pháp}; hồ sơ chưa đủ chỉ được yêu cầu bổ sung {1:NUMERICAL:=1} lần; "
            "hồ sơ nộp tại {2:MULTICHOICE:=Bộ phận Một cửa~Phòng Tư pháp~Công an xã}.", [], ""),
        row("essay", "Tình huống", "Nêu cách xử lý khi hồ sơ thiếu thành phần.", [], "", mark=2),
    ]


GUIDE = [
    "Mẫu nhập câu hỏi — Học viện Một cửa",
    "Mỗi dòng của trang “Câu hỏi” là một câu hỏi. Dòng 1 là tiêu đề cột: giữ nguyên.",
    "Loại câu hỏi: single (một đáp án), multiple (nhiều đáp án), true_false (đúng/sai), short_answer (trả lời ngắn), "
    "matching (ghép cặp), ordering (sắp xếp), numerical (trả lời bằng số), cloze (điền khuyết), essay (tự luận).",
    "Phương án 1…8: các phương án. Ghép cặp: “vế trái -> vế phải”. Sắp xếp: ghi theo đúng thứ tự. "
    "Trả lời ngắn: mọi đáp án được chấp nhận. Trả lời bằng số: giá trị đúng và sai số cho phép, ví dụ “2,5 ± 0,1”, "
    "“2.5:0.1” hoặc khoảng “1..3” (đúng cả ở hai đầu); cột Đơn vị (ví dụ “ngày”) là tùy chọn.",
    "Đáp án đúng: số thứ tự phương án đúng (ví dụ 1 hoặc 1,3); đúng/sai: “Đúng” hoặc “Sai”.",
    "Trọng số (%) (tùy chọn, chỉ cho multiple): trọng số của từng phương án theo thứ tự, cách nhau bằng dấu chấm "
    "phẩy, ví dụ “70; 30; -100” — các phương án đúng cộng lại 100, phương án sai 0 hoặc âm, để trống là không có "
    "trọng số.",
    "Điền khuyết (cloze): các chỗ trống viết ngay trong Nội dung câu hỏi theo cú pháp Moodle, ví dụ "
    "{1:SHORTANSWER:=hộ tịch~%50%tư pháp#phản hồi}, {2:MULTICHOICE:=Đúng~Sai}, {1:NUMERICAL:=5:0,5}; số đầu là "
    "trọng số của chỗ trống, “=” là đáp án đúng, %50% là đúng một phần, # mở phản hồi, ~ ngăn cách các đáp án; "
    "viết \\}, \\~, \\#, \\= để dùng các ký tự đó. Để trống các cột Phương án.",
    "Điểm: điểm mặc định (mặc định 1). Chấm một phần, Bỏ qua dấu: “có” hoặc “không”.",
    "Hiệu lực từ/đến: dd/mm/yyyy — câu hỏi gắn với văn bản đã hết hiệu lực sẽ không còn được rút ngẫu nhiên.",
    "Thẻ: cách nhau bằng dấu phẩy. Tệp được kiểm tra toàn bộ: có lỗi thì không câu nào được ghi.",
]
