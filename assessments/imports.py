"""Question import from Moodle GIFT, Aiken and our XLSX template.

The whole file is parsed and validated first; questions are written only when there is no error at all
(all or nothing). Errors carry the line (GIFT, Aiken) or row (XLSX) and a reason in the active language.

GIFT extensions (comment lines, ignored by Moodle) carry what GIFT cannot say; they apply to the next
question: `// osa-type: ordering` (items `=…` in the correct order), `// osa-mark: 2`,
`// osa-scoring: all-or-nothing`, `// osa-diacritics: ignore`, `// osa-legal: …`, `// osa-tags: a, b`,
`// osa-valid: 2025-07-01..2026-12-31`, `// osa-rubric: …`, `// osa-unit: ngày` (numerical), `// osa-weights: none` (a multiple choice question
scored without weights: its `~%50%` weights only say which options are right), `// osa-type: cloze` (a cloze
question: its gaps `{1:SHORTANSWER:=…}` in the escaped text, an empty answer block `{}`; Moodle reads it as an
essay showing the text).
"""

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from taggit.models import Tag

from lms import imports as shared
from lms.imports import DateError, ImportProblem, Problems, parse_date
from lms.spreadsheets import SpreadsheetError, unpacked_size, xlsx_rows
from people.text import fold, normalize_text

from .models import Choice, Question, QuestionCategory, QuestionKind
from .services import QuestionData, category_for_path, question_create, question_validate_choices

FORMATS = ("gift", "aiken", "xlsx")
EXTENSIONS = {".gift": "gift", ".txt": "gift", ".aiken": "aiken", ".xlsx": "xlsx"}
MAX_CHOICES = 8
#: Rows of an XLSX sheet (header and empty rows included) and questions of any file.
MAX_ROWS = 10_000
MAX_QUESTIONS = 10_000
MARK_MIN, MARK_MAX = Decimal("0.01"), Decimal("100")

#: The model's limits, checked before the database sees the values.
_TITLE_MAX = Question._meta.get_field("title").max_length
_LEGAL_MAX = Question._meta.get_field("legal_reference").max_length
_UNIT_MAX = Question._meta.get_field("unit").max_length
_CHOICE_MAX = Choice._meta.get_field("text").max_length
_MATCH_MAX = Choice._meta.get_field("match_text").max_length
_FEEDBACK_MAX = Choice._meta.get_field("feedback").max_length
_TAG_MAX = Tag._meta.get_field("name").max_length
_CATEGORY_NAME_MAX = QuestionCategory._meta.get_field("name").max_length
_CATEGORY_PATH_MAX = QuestionCategory._meta.get_field("path").max_length


class ImportFailed(shared.ImportFailed):
    """The question file was refused; nothing was written (``problems``: the first 200, by line/row)."""

    def __init__(self, problems: list[ImportProblem], *, total: int | None = None):
        super().__init__(sorted(problems, key=lambda p: p.row or 0), total=total)


def _at_line(n: int, message: str, kind: str = "") -> ImportProblem:
    return ImportProblem(n, None, message, kind, line=True)


def _at_row(n: int, message: str, column: str | None = None, kind: str = "") -> ImportProblem:
    return ImportProblem(n, column, message, kind)


def parse_mark(text: str) -> Decimal:
    """A mark written 2, 1.5 or 1,5: a finite number with at most two decimals (NaN, Infinity and 1e999 are
    refused with ValueError, never InvalidOperation)."""
    try:
        mark = Decimal(text.strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValueError(text) from None
    if not mark.is_finite() or not (MARK_MIN <= mark <= MARK_MAX) or mark != mark.quantize(Decimal("0.01")):
        raise ValueError(text)
    return mark


def _mark_problem(value: str) -> str:
    return _("The mark “%(v)s” is not a number from 0.01 to 100 with at most two decimals.") % {"v": value[:40]}


@dataclass
class Parsed:
    where: int
    data: QuestionData
    is_row: bool = False
    extra_errors: list = field(default_factory=list)


def format_for(filename: str, explicit: str | None = None) -> str:
    """The format named explicitly, or the one the file extension implies."""
    if explicit:
        if explicit not in FORMATS:
            raise ValidationError(_("Unknown format “%(f)s”: use gift, aiken or xlsx.") % {"f": explicit})
        return explicit
    name = (filename or "").lower()
    for ext, fmt in EXTENSIONS.items():
        if name.endswith(ext):
            return fmt
    raise ValidationError(_("Cannot tell the format from the file name; give it explicitly (gift, aiken, xlsx)."))


def _plain_to_html(text: str) -> str:
    text = text.strip()
    if text.startswith("<"):
        return text
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in re.split(r"\n\s*\n", text) if p.strip())


# --- GIFT -----------------------------------------------------------------------------------------------

_GIFT_SPECIAL = "~=#{}:\\"


def gift_escape(text: str) -> str:
    """Text safe inside GIFT: the special characters, "->" (a matching arrow) and newlines escaped."""
    escaped = "".join(f"\\{ch}" if ch in _GIFT_SPECIAL else ch for ch in (text or "")).replace("\n", "\\n")
    return escaped.replace("->", "\\->")


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt == "n" else nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _split_unescaped(text: str, seps: str) -> list[tuple[str, str]]:
    """Split on unescaped separator characters; returns (separator, chunk) pairs (first separator '')."""
    parts, buf, sep, i = [], [], "", 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            buf.append(text[i:i + 2])
            i += 2
            continue
        if ch in seps:
            parts.append((sep, "".join(buf)))
            buf, sep = [], ch
        else:
            buf.append(ch)
        i += 1
    parts.append((sep, "".join(buf)))
    return parts


def _find_unescaped(text: str, target: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(target, i):
            return i
        i += 1
    return -1


def _gift_blocks(text: str):
    """(first line number, meta dict, block text) per question; comment lines give the osa- metadata."""
    block, meta, start = [], {}, None
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("//"):
            m = re.match(r"//\s*osa-([a-z]+)\s*:\s*(.*)$", stripped)
            if m:
                meta[m.group(1)] = (m.group(2).strip(), n)
            continue
        if stripped.startswith("$CATEGORY:"):
            continue
        if not stripped:
            if block:
                yield start, meta, "\n".join(block)
                block, meta, start = [], {}, None
            continue
        if start is None:
            start = n
        block.append(line)
    if block:
        yield start, meta, "\n".join(block)


def _apply_meta(data: QuestionData, meta: dict, problems: Problems, line: int) -> None:
    for key, (value, n) in meta.items():
        if key == "mark":
            try:
                data.default_mark = parse_mark(value)
            except ValueError:
                problems.append(_at_line(n, _mark_problem(value), "bad_mark"))
        elif key == "scoring":
            data.partial_credit = value.strip().lower() != "all-or-nothing"
        elif key == "diacritics":
            data.ignore_diacritics = value.strip().lower() == "ignore"
        elif key == "legal":
            data.legal_reference = value
        elif key == "tags":
            data.tags = [t.strip() for t in value.split(",") if t.strip()]
        elif key == "rubric":
            data.rubric = value.replace("\\n", "\n")
        elif key == "valid":
            start, _sep, end = value.partition("..")
            try:
                data.valid_from = parse_date(start, iso_only=True)
                data.valid_until = parse_date(end, iso_only=True)
            except DateError as error:
                problems.append(_at_line(n, _("Dates must be written YYYY-MM-DD..YYYY-MM-DD.") + " " + error.message,
                                         "bad_date"))
        elif key == "unit":
            data.unit = value
        elif key in ("type", "weights"):
            pass
        else:
            problems.append(_at_line(n, _("Unknown option “osa-%(k)s”.") % {"k": key[:40]}))


def parse_gift(text: str) -> list[Parsed]:
    """Parse GIFT text; raises ImportFailed with every problem found."""
    problems = Problems()
    parsed: list[Parsed] = []
    for line, meta, block in _gift_blocks(text):
        title = ""
        body = block.strip()
        if body.startswith("::"):
            end = _find_unescaped(body, "::", 2)
            if end < 0:
                problems.append(_at_line(line, _("The title is not closed with “::”.")))
                continue
            title, body = _unescape(body[2:end]).strip(), body[end + 2:].strip()
        open_at = _find_unescaped(body, "{")
        close_at = _find_unescaped(body, "}", open_at + 1) if open_at >= 0 else -1
        if open_at < 0 or close_at < 0:
            problems.append(_at_line(line, _("The answers must be written between “{” and “}”.")))
            continue
        stem_raw = body[:open_at].strip()
        after = body[close_at + 1:].strip()
        answer = body[open_at + 1:close_at].strip()
        fmt = "moodle"
        m = re.match(r"^\[(html|moodle|plain|markdown)\]", stem_raw)
        if m:
            fmt, stem_raw = m.group(1), stem_raw[m.end():]
        stem_text = _unescape(stem_raw).strip()
        if after:
            stem_text = f"{stem_text} _____ {_unescape(after).strip()}"
        if not stem_text:
            problems.append(_at_line(line, _("The question text is empty.")))
            continue
        stem = stem_text if fmt == "html" else _plain_to_html(stem_text)
        explanation = ""
        gf = _find_unescaped(answer, "####")
        if gf >= 0:
            explanation, answer = _unescape(answer[gf + 4:]).strip(), answer[:gf].strip()
        data = QuestionData(kind=QuestionKind.ESSAY, stem=stem, title=title, choices=[], explanation=explanation)
        kind_hint = meta.get("type", ("", 0))[0].strip().lower()
        try:
            _gift_answers(data, answer, kind_hint,
                          drop_weights=meta.get("weights", ("", 0))[0].strip().lower() == "none")
        except ValueError as exc:
            problems.append(_at_line(line, str(exc)))
            continue
        if kind_hint == "cloze":
            # Our extension: the gaps are in the (escaped) question text and the answer block is empty ("{}").
            if data.kind != QuestionKind.ESSAY:
                problems.append(_at_line(line, _("A cloze question (osa-type: cloze) has its gaps in the text: "
                                                 "leave its answer block empty “{}”.")))
                continue
            data.kind = QuestionKind.CLOZE
        _apply_meta(data, meta, problems, line)
        parsed.append(Parsed(line, data))
    if not parsed and not problems:
        problems.append(_at_line(1, _("The file contains no question.")))
    _validate(parsed, problems)
    problems.raise_if_any(ImportFailed)
    return parsed


def _gift_answers(data: QuestionData, answer: str, kind_hint: str, drop_weights: bool = False) -> None:
    if not answer:
        data.kind = QuestionKind.ESSAY
        return
    head = _split_unescaped(answer, "#")
    word = head[0][1].strip().upper()
    if word in ("T", "TRUE", "F", "FALSE") and not re.search(r"(?<!\\)[=~]", answer):
        is_true = word in ("T", "TRUE")
        wrong_fb = _unescape(head[1][1]).strip() if len(head) > 1 else ""
        right_fb = _unescape(head[2][1]).strip() if len(head) > 2 else ""
        data.kind = QuestionKind.TRUE_FALSE
        data.choices = [
            {"text": "Đúng", "is_correct": is_true, "feedback": right_fb if is_true else wrong_fb},
            {"text": "Sai", "is_correct": not is_true, "feedback": wrong_fb if is_true else right_fb},
        ]
        return
    if answer.startswith("#"):
        _gift_numerical(data, answer[1:].strip())
        return
    items = [(sep, chunk) for sep, chunk in _split_unescaped(answer, "=~") if sep]
    if not items or _split_unescaped(answer, "=~")[0][1].strip():
        raise ValueError(_("Each answer must start with “=” (right) or “~” (wrong)."))
    choices, weights = [], []
    for sep, chunk in items:
        text_fb = _split_unescaped(chunk, "#")
        text = text_fb[0][1].strip()
        feedback = _unescape("#".join(c for _s, c in text_fb[1:])).strip()
        weight = None
        wm = re.match(r"^%(-?\d+(?:[.,]\d+)?)%", text)
        if wm:
            weight = Decimal(wm.group(1).replace(",", "."))
            if abs(weight) <= 100:  # kept to the column's 5 decimals; out-of-range weights are refused later
                weight = weight.quantize(Decimal("0.00001"))
            text = text[wm.end():].strip()
        match_text = ""
        arrow = _find_unescaped(text, "->")
        if arrow >= 0:
            text, match_text = text[:arrow].strip(), _unescape(text[arrow + 2:]).strip()
        choices.append({"sep": sep, "text": _unescape(text).strip(), "match_text": match_text,
                        "feedback": feedback, "weight": weight})
        weights.append(weight)
    if kind_hint == "ordering":
        data.kind = QuestionKind.ORDERING
        data.choices = [{"text": c["text"], "is_correct": True, "feedback": c["feedback"]} for c in choices]
        return
    if any(c["match_text"] for c in choices):
        if not all(c["match_text"] and c["sep"] == "=" for c in choices):
            raise ValueError(_("In a matching question every pair is written “=left -> right”."))
        data.kind = QuestionKind.MATCHING
        data.choices = [{"text": c["text"], "match_text": c["match_text"], "feedback": c["feedback"]}
                        for c in choices]
        return
    if all(c["sep"] == "=" for c in choices):
        data.kind = QuestionKind.SHORT_ANSWER
        data.choices = [{"text": c["text"], "is_correct": True, "feedback": c["feedback"]} for c in choices]
        return
    weighted = any(w is not None for w in weights)
    for c in choices:
        c["is_correct"] = c["sep"] == "=" or (c["weight"] is not None and c["weight"] > 0)
        if weighted and c["sep"] == "=" and c["weight"] is None:
            c["weight"] = Decimal(100)  # "=" is a 100 % answer
    data.kind = QuestionKind.MULTIPLE if weighted or sum(c["is_correct"] for c in choices) > 1 else QuestionKind.SINGLE
    # The weights are kept (the question is then scored by them) unless `// osa-weights: none` says the file was
    # exported from a question without weights (its weights are only Moodle's spelling of "these are right").
    keep = weighted and not drop_weights
    data.choices = [{"text": c["text"], "is_correct": c["is_correct"], "feedback": c["feedback"],
                     "weight": c["weight"] if keep else None} for c in choices]


def numerical_spec(text: str) -> tuple[Decimal, Decimal | None] | None:
    """An accepted value as GIFT and the XLSX write it: "2.5", "2.5:0.1", "2,5 ± 0,1" (value and tolerance) or
    "1..3" (a range: its middle ± half its width); None when it is not one."""
    from .grading import parse_number

    text = (text or "").strip()
    low, dots, high = text.partition("..")
    if dots:
        a, b = parse_number(low), parse_number(high)
        if a is None or b is None or b < a:
            return None
        return (a + b) / 2, (b - a) / 2
    for sep in ("±", "+/-", ":"):
        value, found, tolerance = text.partition(sep)
        if found:
            v, t = parse_number(value), parse_number(tolerance)
            return (v, t) if v is not None and t is not None and t >= 0 else None
    v = parse_number(text)
    return (v, None) if v is not None else None


def _numerical_choice(spec: str, feedback: str) -> dict:
    from .services import numerical_text

    parsed = numerical_spec(spec)
    if parsed is None or abs(parsed[0]) >= Decimal("1e14") or (parsed[1] or 0) >= Decimal("1e14"):
        raise ValueError(_("“%(v)s” is not a numerical answer (write 2.5, 2.5:0.1 or 1..3).") % {"v": spec[:40]})
    value, tolerance = parsed
    if tolerance is not None:
        tolerance = tolerance.quantize(Decimal("0.000001"))
    return {"text": numerical_text(value), "tolerance": tolerance, "is_correct": True, "feedback": feedback}


def _gift_numerical(data: QuestionData, answer: str) -> None:
    """`{#2.5:0.1}`, `{#1..3}`, `{#2.5}` or several accepted values `{# =2.5:0.1#feedback =3:0}`."""
    entries = ([chunk for sep, chunk in _split_unescaped(answer, "=") if sep] if answer.startswith("=")
               else [answer])
    if not entries or not all(e.strip() for e in entries):
        raise ValueError(_("“%(v)s” is not a numerical answer (write 2.5, 2.5:0.1 or 1..3).") % {"v": answer[:40]})
    choices = []
    for entry in entries:
        parts = _split_unescaped(entry.strip(), "#")
        spec = _unescape(parts[0][1]).strip()
        if spec.startswith("%"):
            raise ValueError(_("Numerical answers cannot have weights: every accepted value earns the full mark."))
        choices.append(_numerical_choice(spec, _unescape("#".join(c for _s, c in parts[1:])).strip()))
    data.kind = QuestionKind.NUMERICAL
    data.choices = choices


# --- Aiken ----------------------------------------------------------------------------------------------

_AIKEN_OPTION = re.compile(r"^([A-Z])[\.\)]\s+(.+)$")
_AIKEN_ANSWER = re.compile(r"^ANSWER\s*:\s*(\S+)\s*$", re.IGNORECASE)


def parse_aiken(text: str) -> list[Parsed]:
    """Parse Aiken (single-choice questions); raises ImportFailed with every problem found."""
    problems = Problems()
    parsed: list[Parsed] = []
    stem_lines: list[str] = []
    options: list[tuple[str, str]] = []
    start = None

    def reset():
        nonlocal stem_lines, options, start
        stem_lines, options, start = [], [], None

    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        answer = _AIKEN_ANSWER.match(line)
        option = _AIKEN_OPTION.match(line)
        if answer:
            letter = answer.group(1).upper()
            if not stem_lines:
                problems.append(_at_line(n, _("“ANSWER:” comes before any question text.")))
            elif len(options) < 2:
                problems.append(_at_line(start, _("A question needs at least two options (A., B., …).")))
            elif letter not in [o[0] for o in options]:
                problems.append(_at_line(n, _("The answer “%(l)s” is not one of the options.") % {"l": letter}))
            else:
                parsed.append(Parsed(start, QuestionData(
                    kind=QuestionKind.SINGLE, stem=_plain_to_html("\n".join(stem_lines)), choices=[
                        {"text": t, "is_correct": k == letter} for k, t in options])))
            reset()
        elif option and stem_lines:
            letter = option.group(1)
            if options and ord(letter) != ord(options[-1][0]) + 1 or not options and letter != "A":
                problems.append(_at_line(n, _("Options must be lettered A, B, C… in order.")))
            options.append((letter, option.group(2).strip()))
        else:
            if options:
                problems.append(_at_line(start, _("The question has no “ANSWER:” line.")))
                reset()
            if start is None:
                start = n
            stem_lines.append(line)
    if stem_lines:
        problems.append(_at_line(start, _("The question has no “ANSWER:” line.")))
    if not parsed and not problems:
        problems.append(_at_line(1, _("The file contains no question.")))
    _validate(parsed, problems)
    problems.raise_if_any(ImportFailed)
    return parsed


# --- XLSX -----------------------------------------------------------------------------------------------

XLSX_COLUMNS = (
    [("type", "Loại câu hỏi"), ("title", "Tiêu đề"), ("stem", "Nội dung câu hỏi")]
    + [(f"answer_{i}", f"Phương án {i}") for i in range(1, MAX_CHOICES + 1)]
    + [("correct", "Đáp án đúng")]
    + [(f"feedback_{i}", f"Phản hồi {i}") for i in range(1, MAX_CHOICES + 1)]
    + [("explanation", "Giải thích"), ("legal_reference", "Căn cứ pháp lý"), ("mark", "Điểm"),
       ("partial_credit", "Chấm một phần"), ("ignore_diacritics", "Bỏ qua dấu"), ("valid_from", "Hiệu lực từ"),
       ("valid_until", "Hiệu lực đến"), ("tags", "Thẻ"), ("rubric", "Hướng dẫn chấm"), ("unit", "Đơn vị"),
       ("weights", "Trọng số (%)")]
)
XLSX_HEADERS = [f"{vi} ({key})" for key, vi in XLSX_COLUMNS]
KIND_WORDS = {
    "single": QuestionKind.SINGLE, "mot dap an": QuestionKind.SINGLE,
    "multiple": QuestionKind.MULTIPLE, "nhieu dap an": QuestionKind.MULTIPLE,
    "true_false": QuestionKind.TRUE_FALSE, "dung/sai": QuestionKind.TRUE_FALSE, "dung sai": QuestionKind.TRUE_FALSE,
    "short_answer": QuestionKind.SHORT_ANSWER, "tra loi ngan": QuestionKind.SHORT_ANSWER,
    "matching": QuestionKind.MATCHING, "ghep cap": QuestionKind.MATCHING,
    "ordering": QuestionKind.ORDERING, "sap xep": QuestionKind.ORDERING,
    "numerical": QuestionKind.NUMERICAL, "so": QuestionKind.NUMERICAL, "tra loi so": QuestionKind.NUMERICAL,
    "essay": QuestionKind.ESSAY, "tu luan": QuestionKind.ESSAY,
    "cloze": QuestionKind.CLOZE, "dien khuyet": QuestionKind.CLOZE, "dien cho trong": QuestionKind.CLOZE,
}
TRUE_WORDS = {"1", "x", "co", "true", "yes", "dung", "t"}
FALSE_WORDS = {"", "0", "khong", "false", "no", "sai", "f"}


def _header_key(value) -> str | None:
    text = normalize_text(str(value or ""))
    m = re.search(r"\(([a-z_0-9]+)\)\s*$", text)
    if m:
        return m.group(1)
    folded = fold(text)
    for key, vi in XLSX_COLUMNS:
        if folded in (key, fold(vi)):
            return key
    return None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value)) if not isinstance(value, str) else value.strip()


def _cell_bool(value, default: bool) -> bool | None:
    text = fold(_cell_text(value))
    if not text:
        return default
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


_COLUMN_NAMES = dict(XLSX_COLUMNS)


def _xlsx_header(rows: list[tuple]) -> list[str | None]:
    """The field key of each column, from the header row; refuses a sheet without the required columns."""
    if not rows or not any(v not in (None, "") for v in rows[0]):
        raise ImportFailed([_at_row(1, _("The sheet is empty."), kind="empty")])
    keys = [_header_key(h) for h in rows[0]]
    missing = [_at_row(1, _("The column “%(c)s” is missing.") % {"c": _COLUMN_NAMES[required]},
                       _COLUMN_NAMES[required], "missing_column")
               for required in ("type", "stem") if required not in keys]
    if missing:
        raise ImportFailed(missing)
    return keys


def _xlsx_kind(row: dict):
    raw = _cell_text(row.get("type"))
    return KIND_WORDS.get(fold(raw).replace("_", " ").strip()) or KIND_WORDS.get(raw.strip().lower())


class _XlsxRow:
    """One question row of the XLSX template, read into QuestionData; problems go to the file's list."""

    def __init__(self, n: int, row: dict, problems: Problems):
        self.n, self.row, self.problems = n, row, problems
        self.before = len(problems)

    def problem(self, message: str, key: str | None = None, kind: str = "") -> None:
        self.problems.append(_at_row(self.n, message, _COLUMN_NAMES.get(key) if key else None, kind))

    def text(self, key: str) -> str:
        return _cell_text(self.row.get(key))

    def parse(self) -> Parsed | None:
        kind = _xlsx_kind(self.row)
        if kind is None:
            self.problem(_("Unknown question type “%(t)s”.") % {"t": self.text("type")[:40]}, "type", "bad_type")
            return None
        stem = self.text("stem")
        if not stem:
            self.problem(_("The question text is empty."), "stem", "missing")
        answers = [(i, a) for i in range(1, MAX_CHOICES + 1) if (a := self.text(f"answer_{i}"))]
        feedback = {i: self.text(f"feedback_{i}") for i in range(1, MAX_CHOICES + 1)}
        choices = self.choices(kind, answers, feedback)
        self.weights(kind, choices, answers)
        mark = self.mark()
        partial = _cell_bool(self.row.get("partial_credit"), default=True)
        ignore = _cell_bool(self.row.get("ignore_diacritics"), default=False)
        if partial is None or ignore is None:
            self.problem(_("Yes/no columns take “có” or “không”."), kind="bad_bool")
        valid_from, valid_until = self.date("valid_from"), self.date("valid_until")
        if len(self.problems) > self.before:
            return None
        return Parsed(self.n, QuestionData(
            kind=kind, stem=_plain_to_html(stem), title=self.text("title"), choices=choices,
            explanation=self.text("explanation"), legal_reference=self.text("legal_reference"),
            default_mark=mark, partial_credit=bool(partial), ignore_diacritics=bool(ignore),
            rubric=self.text("rubric"), unit=self.text("unit"), valid_from=valid_from, valid_until=valid_until,
            tags=[t.strip() for t in self.text("tags").split(",") if t.strip()],
        ), is_row=True)

    def choices(self, kind, answers: list[tuple[int, str]], feedback: dict[int, str]) -> list[dict]:
        correct_raw = self.text("correct")
        if kind == QuestionKind.TRUE_FALSE:
            return self.true_false(correct_raw, answers, feedback)
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            numbers = self.correct_numbers(correct_raw)
            if numbers - {i for i, _a in answers}:
                self.problem(_("The correct answer refers to an empty option."), "correct", "bad_correct")
            return [{"text": a, "is_correct": i in numbers, "feedback": feedback.get(i, "")} for i, a in answers]
        if kind == QuestionKind.NUMERICAL:
            choices = []
            for i, a in answers:
                try:
                    choices.append(_numerical_choice(a, feedback.get(i, "")))
                except ValueError as error:
                    self.problem(str(error), f"answer_{i}", "bad_number")
            return choices
        if kind == QuestionKind.MATCHING:
            choices = []
            for i, a in answers:
                left, sep, right = a.partition("->")
                if not sep:
                    self.problem(_("Write each pair as “left -> right” (option %(i)s).") % {"i": i},
                                 f"answer_{i}", "bad_pair")
                choices.append({"text": left.strip(), "match_text": right.strip(), "feedback": feedback.get(i, "")})
            return choices
        return [{"text": a, "is_correct": True, "feedback": feedback.get(i, "")} for i, a in answers]

    def weights(self, kind, choices: list[dict], answers: list[tuple[int, str]]) -> None:
        """The optional “Trọng số (%)” column: one weight per option, in option order, separated by “;”
        (“70; 30; -100”; an empty place leaves that option without a weight). Weighted options that are not
        listed in “Đáp án đúng” are right when their weight is positive (as in GIFT)."""
        raw = self.text("weights")
        if not raw:
            return
        if kind != QuestionKind.MULTIPLE or len(choices) != len(answers):
            self.problem(_("Answer weights are only used by multiple choice questions: leave them empty."),
                         "weights", "bad_weight")
            return
        parts = [p.strip() for p in raw.split(";")]
        if len(parts) > len(choices) and not any(parts[len(choices):]):
            parts = parts[:len(choices)]
        if len(parts) != len(choices):
            self.problem(_("Give one weight per option, separated by “;” (%(n)s options, %(m)s weights).") % {
                "n": len(choices), "m": len(parts)}, "weights", "bad_weight")
            return
        weights = []
        for p in parts:
            if not p:
                weights.append(None)
                continue
            try:
                w = Decimal(p.rstrip("%").strip().replace(",", "."))
            except InvalidOperation:
                w = None
            if w is None or not w.is_finite() or abs(w) > 100:
                self.problem(_("“%(v)s” is not a weight from -100 to 100.") % {"v": p[:40]}, "weights",
                             "bad_weight")
                return
            weights.append(w.quantize(Decimal("0.00001")))
        listed = bool(self.text("correct"))
        for c, w in zip(choices, weights, strict=True):
            c["weight"] = w
            if not listed:
                c["is_correct"] = w is not None and w > 0

    def true_false(self, correct_raw: str, answers, feedback) -> list[dict]:
        value = _cell_bool(correct_raw, default=None)
        if value is None:
            self.problem(_("For a true/false question write “Đúng” or “Sai” as the answer."), "correct",
                         "bad_correct")
            value = True
        texts = [a for _i, a in answers] or ["Đúng", "Sai"]
        if len(texts) != 2:
            texts = ["Đúng", "Sai"]
        return [{"text": texts[0], "is_correct": value, "feedback": feedback.get(1, "")},
                {"text": texts[1], "is_correct": not value, "feedback": feedback.get(2, "")}]

    def correct_numbers(self, correct_raw: str) -> set[int]:
        numbers = set()
        for p in (p.strip() for p in re.split(r"[,;\s]+", correct_raw) if p.strip()):
            if p.isdigit() and len(p) <= 2:
                numbers.add(int(p))
            elif len(p) == 1 and p.upper() in "ABCDEFGH":
                numbers.add(ord(p.upper()) - 64)
            else:
                self.problem(_("“%(v)s” is not an answer number.") % {"v": p[:40]}, "correct", "bad_correct")
        return numbers

    def mark(self) -> Decimal:
        raw = self.text("mark")
        if not raw:
            return Decimal("1")
        try:
            return parse_mark(raw)
        except ValueError:
            self.problem(_mark_problem(raw), "mark", "bad_mark")
            return Decimal("1")

    def date(self, key: str) -> dt.date | None:
        try:
            return parse_date(self.row.get(key))
        except DateError as error:
            self.problem(error.message, key, "bad_date")
            return None


def parse_xlsx(content: bytes) -> list[Parsed]:
    """Parse our XLSX template (first sheet, header row 1); raises ImportFailed with the problems found."""
    try:
        rows = xlsx_rows(content, max_rows=MAX_ROWS + 1, max_columns=len(XLSX_COLUMNS) + 20)
    except SpreadsheetError as error:
        raise ImportFailed([_at_row(1, error.message, kind=error.kind)]) from None
    keys = _xlsx_header(rows)
    problems = Problems()
    parsed: list[Parsed] = []
    for n, values in enumerate(rows[1:], start=2):
        row = {k: v for k, v in zip(keys, values, strict=False) if k}
        if not any(_cell_text(v) for v in row.values()):
            continue
        item = _XlsxRow(n, row, problems).parse()
        if item is not None:
            parsed.append(item)
    if not parsed and not problems:
        problems.append(_at_row(2, _("The file contains no question."), kind="empty"))
    _validate(parsed, problems)
    problems.raise_if_any(ImportFailed)
    return parsed


# --- Validation and writing -----------------------------------------------------------------------------

def _at(item: Parsed, message: str, kind: str = "") -> ImportProblem:
    return ImportProblem(item.where, None, message, kind, line=not item.is_row)


def _too_long(what: str, limit: int) -> str:
    return _("%(what)s is too long (at most %(max)s characters).") % {"what": what, "max": limit}


def _length_problems(d: QuestionData) -> list[str]:
    """Every text against its model field's max_length, so the database never sees an over-long value."""
    reasons = []
    if len(d.title or "") > _TITLE_MAX:
        reasons.append(_too_long(_("The title"), _TITLE_MAX))
    if len(d.legal_reference or "") > _LEGAL_MAX:
        reasons.append(_too_long(_("The legal reference"), _LEGAL_MAX))
    choices = d.choices or []
    if any(len(c.get("text") or "") > _CHOICE_MAX for c in choices):
        reasons.append(_too_long(_("An answer"), _CHOICE_MAX))
    if any(len(c.get("match_text") or "") > _MATCH_MAX for c in choices):
        reasons.append(_too_long(_("A matching answer"), _MATCH_MAX))
    if any(len(c.get("feedback") or "") > _FEEDBACK_MAX for c in choices):
        reasons.append(_too_long(_("A feedback"), _FEEDBACK_MAX))
    if len(d.unit or "") > _UNIT_MAX:
        reasons.append(_too_long(_("The unit"), _UNIT_MAX))
    if any(len(t) > _TAG_MAX for t in d.tags or []):
        reasons.append(_too_long(_("A tag"), _TAG_MAX))
    return reasons


def _validate(parsed: list[Parsed], problems: Problems) -> None:
    """Check each question as the model would, so that writing cannot fail half-way."""
    if len(parsed) > MAX_QUESTIONS:
        problems.append(ImportProblem(None, None, _("The file has %(n)s questions; at most %(max)s can be imported "
                                                    "at once: split it into several files.") % {
            "n": len(parsed), "max": MAX_QUESTIONS}, "too_large"))
        return
    for item in parsed:
        d = item.data
        for reason in question_validate_choices(kind=d.kind, choices=d.choices or [], stem=d.stem):
            problems.append(_at(item, reason))
        if not (MARK_MIN <= d.default_mark <= MARK_MAX):
            problems.append(_at(item, _("The mark must be between 0.01 and 100."), "bad_mark"))
        if d.valid_from and d.valid_until and d.valid_until < d.valid_from:
            problems.append(_at(item, _("The end of validity cannot be before its start."), "date_order"))
        for reason in _length_problems(d):
            problems.append(_at(item, reason, "too_long"))
        if len(set(d.tags or [])) != len(d.tags or []):
            d.tags = list(dict.fromkeys(d.tags))


def _check_category_path(path: str) -> None:
    names = [p.strip() for p in (path or "").split("/") if p.strip()]
    if len("/".join(names)) > _CATEGORY_PATH_MAX or any(len(n) > _CATEGORY_NAME_MAX for n in names):
        raise ValidationError(_("The category path is too long (at most %(max)s characters per level).") % {
            "max": _CATEGORY_NAME_MAX})


def parse(*, content: bytes, fmt: str) -> list[Parsed]:
    if fmt == "xlsx":
        return parse_xlsx(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed([_at_line(1, _("The file must be encoded in UTF-8."), "encoding")]) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return parse_gift(text) if fmt == "gift" else parse_aiken(text)


@transaction.atomic
def questions_import(*, content: bytes, fmt: str, category_path: str) -> list[Question]:
    """Import a whole file into a category (created if missing): every question or none.

    Raises ImportFailed with line/row-numbered reasons; nothing is written then.
    """
    _check_category_path(category_path)
    parsed = parse(content=content, fmt=fmt)
    category = category_for_path(path=category_path)
    created = []
    for item in parsed:
        try:
            created.append(question_create(category=category, data=item.data))
        except ValidationError as exc:
            transaction.set_rollback(True)
            raise ImportFailed([_at(item, " ".join(exc.messages))]) from None
    return created


# --- Background imports -----------------------------------------------------------------------------------


def runs_in_background(*, content: bytes) -> bool:
    """Large uploads (by their unpacked size) are imported by a Celery task with a progress page instead of
    inside the request."""
    from django.conf import settings

    return unpacked_size(content) > settings.LMS_IMPORT_BACKGROUND_BYTES


def question_import_job_create(*, user, content: bytes, filename: str, fmt: str, category_path: str):
    """Keep the upload in a QuestionImportJob and queue question_import_job_task after commit."""
    from .models import QuestionImportJob
    from .tasks import question_import_job_task

    job = QuestionImportJob.objects.create(created_by=user, filename=(filename or "")[-255:], data=content,
                                           options={"format": fmt, "category": category_path})
    question_import_job_task.delay_on_commit(job_id=job.pk)
    return job


def question_import_job_run(*, job_id: int) -> str:
    """Run a queued question import and keep its result or its problems on the job. A finished job is left
    alone; an interrupted one runs again (all or nothing, so nothing was written). Returns the status."""
    from .models import QuestionImportJob

    job = QuestionImportJob.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job.status if job else "missing"
    job.mark_running()
    try:
        created = questions_import(content=bytes(job.data), fmt=job.options["format"],
                                   category_path=job.options["category"])
    except ImportFailed as error:
        job.mark_refused(error)
    except ValidationError as error:
        job.mark_refused(ImportFailed([ImportProblem(None, None, " ".join(error.messages), "invalid")]))
    else:
        job.mark_done({"created": len(created), "category_id": created[0].category_id if created else None,
                       "category": job.options["category"]})
    return job.status
