"""Property test over every import parser: whatever the input, the parser returns its result or raises the
product's own validation error (ImportFailed, with problems) — never a 500-style exception.

Fixed seed (derandomize) and a bounded number of examples, so CI runs the same cases every time:
``pytest tests/test_parsers_hypothesis.py``.
"""

import csv
import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from assessments import cloze
from assessments.imports import XLSX_HEADERS, parse, parse_aiken, parse_gift, parse_xlsx
from lms.imports import DateError, ImportFailed, parse_date
from people.imports import COLUMNS, OfficerImportError, officers_import

SETTINGS = settings(derandomize=True, max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])

# Text a spreadsheet can hold (openpyxl refuses control characters) and the values that broke parsers before.
_CHARS = st.characters(blacklist_categories=("Cs", "Cc"))
_NASTY = ["NaN", "nan", "Infinity", "-Infinity", "sNaN", "1e999999999", "9" * 60, "-0", "0", "1,5", "100.001",
          "=HYPERLINK(\"x\")", "+1", "@A1", "31/02/2025", "01/07/20255", "0000-01-01", "2025-07-01", "45839",
          "x" * 600, "Đúng", "Sai", "có", "không", "1,3", "A", "H", "->", "a -> b", "<p>Q</p>", "<svg onload=x>",
          "single", "multiple", "true_false", "short_answer", "matching", "ordering", "essay", "", " ",
          "WARDA-TT", "TN", "CB001", "Nguyễn Thị Lan", "lan@example.vn", "0901234567", "01/07/2025"]
_TEXT = st.one_of(st.sampled_from(_NASTY), st.text(_CHARS, max_size=30))
_CELL = st.one_of(_TEXT, st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
                  st.floats(allow_nan=False, allow_infinity=False),
                  st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(9999, 12, 31)),
                  st.dates(min_value=dt.date(1900, 1, 2)))

_GIFT_BITS = ["::", "::T::", "{", "}", "=", "~", "#", "####", "->", "%50%", "%-100%", "%NaN%", "\\", "\\:", "\n",
              "\n\n", "T", "FALSE", "[html]", "[markdown]", "$CATEGORY: x", "// osa-mark: ", "// osa-valid: ",
              "..", "// osa-tags: ", "// osa-type: ordering", "// osa-scoring: all-or-nothing", "// osa-x: 1",
              "// osa-rubric: ", "// osa-legal: ", "// osa-diacritics: ignore", "// osa-type: cloze",
              "\\{1\\:SA\\:\\=a\\}", "{}"]
_CLOZE_BITS = ["{", "}", "{1:SHORTANSWER:", "{2:MULTICHOICE:", "{:MCV:", "{1:MCH:", "{1:NUMERICAL:", "{3:NM:",
               "{1:SA:", "{0:SA:", "{99999999999999999999:SA:", "{1:FOO:", "=", "~", "#", "%50%", "%-5%", "%1e9%",
               "%NaN%", "\\", "\\}", "\\~", "\\#", ":", "5:0.5", "2,5", "NaN", "1e999", "-0:-1", "<p>", "</p>",
               "<b>", '<a href="{1:SA:=x}">', "&amp;", "&lt;", "&#x7b;"]
_AIKEN_BITS = ["A. ", "B) ", "C. ", "H. ", "Z. ", "ANSWER: ", "ANSWER: A", "answer:B", "\n", "\n\n", "Câu hỏi?"]


def _soup(bits):
    return st.lists(st.one_of(st.sampled_from(bits), _TEXT), max_size=40).map("".join)


def _only_import_failed(call):
    try:
        return call()
    except ImportFailed as error:
        assert error.total >= 1 and error.problems and all(p.message for p in error.problems)
        assert len(error.problems) <= 200
        return None


@SETTINGS
@given(_soup(_GIFT_BITS))
def test_gift(text):
    _only_import_failed(lambda: parse_gift(text))


@SETTINGS
@given(_soup(_AIKEN_BITS))
def test_aiken(text):
    _only_import_failed(lambda: parse_aiken(text))


@SETTINGS
@given(st.binary(max_size=300), st.sampled_from(["gift", "aiken", "xlsx"]))
def test_any_bytes_in_any_format(content, fmt):
    _only_import_failed(lambda: parse(content=content, fmt=fmt))


@SETTINGS
@given(_soup(_CLOZE_BITS))
def test_cloze(text):
    """The cloze parser returns gaps that grade to a share between 0 and 1, or raises ClozeError with reasons."""
    try:
        gaps = cloze.parse_cloze(text)
    except cloze.ClozeError as error:
        assert error.messages and all(error.messages)
        return
    assert gaps and all(g.right_answers for g in gaps)
    for answers in ({}, {g.number: a.text for g in gaps for a in g.answers[:1]}, {1: text[:40]}):
        assert 0 <= cloze.grade(gaps, answers) <= 1


_WEIGHTS = st.lists(st.one_of(st.sampled_from(["70", "30", "-100", "0", "100", "33,33333", "NaN", "1e9", "", "%",
                                               "50%", "-0"]), _TEXT), max_size=6).map("; ".join)


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["multiple", "single", "cloze", "short_answer"]), _TEXT, _WEIGHTS,
                          st.lists(_TEXT, max_size=4), _TEXT), min_size=1, max_size=4))
def test_question_xlsx_weights_and_cloze(rows):
    """Rows with the “Trọng số (%)” column and cloze rows: parsed or refused with reasons, never an exception."""
    keys = [h.rsplit("(", 1)[1].rstrip(")") for h in XLSX_HEADERS]
    cells = []
    for kind, stem, weights, answers, correct in rows:
        values = {"type": kind, "stem": stem, "weights": weights, "correct": correct,
                  **{f"answer_{i}": a for i, a in enumerate(answers, start=1)}}
        cells.append([values.get(k, "") for k in keys])
    _only_import_failed(lambda: parse_xlsx(_workbook(XLSX_HEADERS, cells)))


def _workbook(header, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_ROWS = st.lists(st.lists(_CELL, max_size=len(XLSX_HEADERS)), max_size=4)


@SETTINGS
@given(_ROWS, st.booleans())
def test_question_xlsx(rows, shuffle_header):
    header = list(reversed(XLSX_HEADERS)) if shuffle_header else XLSX_HEADERS
    _only_import_failed(lambda: parse_xlsx(_workbook(header, rows)))


@pytest.fixture
def units_and_roles(unit_tree):
    from tests.people.factories import DeskRoleFactory

    DeskRoleFactory(code="TN")


@SETTINGS
@given(st.lists(st.lists(_CELL, max_size=len(COLUMNS) + 1), max_size=4), st.booleans())
def test_officer_xlsx(units_and_roles, rows, reverse_columns):
    header = list(reversed(COLUMNS)) if reverse_columns else COLUMNS
    data = _workbook(header, rows)
    _only_import_failed(lambda: officers_import(data=data, filename="x.xlsx", dry_run=True))


@SETTINGS
@given(st.lists(st.lists(_TEXT, max_size=len(COLUMNS) + 1), max_size=4), st.sampled_from([",", ";", "\t"]))
def test_officer_csv(units_and_roles, rows, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    data = buffer.getvalue().encode()
    _only_import_failed(lambda: officers_import(data=data, filename="x.csv", dry_run=True))


@SETTINGS
@given(st.binary(max_size=300), st.sampled_from(["x.csv", "x.xlsx", "x.txt", "x.pdf"]))
def test_officer_any_bytes(db, data, name):
    try:
        officers_import(data=data, filename=name, dry_run=True)
    except OfficerImportError as error:
        assert error.problems


@SETTINGS
@given(st.one_of(_CELL, st.floats(), st.integers(), st.text(max_size=50)), st.booleans())
def test_dates(value, iso_only):
    try:
        day = parse_date(value, iso_only=iso_only)
    except DateError as error:
        assert error.message
    else:
        assert day is None or 1900 <= day.year <= 2100
