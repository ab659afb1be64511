"""lms.imports.parse_date: one date rule for every import."""

import datetime as dt

import pytest
from django.utils import translation

from lms.imports import DateError, ImportFailed, ImportProblem, Problems, parse_date


@pytest.mark.parametrize(("value", "expected"), [
    ("01/07/2025", dt.date(2025, 7, 1)), ("1/7/2025", dt.date(2025, 7, 1)), ("1.7.2025", dt.date(2025, 7, 1)),
    ("01-07-2025", dt.date(2025, 7, 1)), ("2025-07-01", dt.date(2025, 7, 1)), ("2025-07-01T00:00:00", dt.date(2025, 7, 1)),
    (" 31/12/2026 ", dt.date(2026, 12, 31)), (dt.datetime(2025, 7, 1, 8, 30), dt.date(2025, 7, 1)),
    (dt.date(2025, 7, 1), dt.date(2025, 7, 1)), (45839, dt.date(2025, 7, 1)), (45839.0, dt.date(2025, 7, 1)),
    ("", None), (None, None), ("   ", None),
])
def test_accepted_forms(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", [
    "32/01/2025", "29/02/2025", "07/2025", "abc", "2025/07/01", "01/07/20255", "01/01/1899", "01/01/2101",
    dt.date(1066, 10, 14), 0, -1, 10**12, float("nan"), float("inf"), True, "٠١/٠٧/٢٠٢٥", "1" * 10_000,
])
def test_refused_with_a_message(value):
    with pytest.raises(DateError) as excinfo:
        parse_date(value)
    assert excinfo.value.message and len(excinfo.value.message) < 200


def test_messages_are_vietnamese():
    with translation.override("vi"), pytest.raises(DateError) as excinfo:
        parse_date("01/01/2999")
    assert "năm" in excinfo.value.message.lower()


def test_iso_only():
    assert parse_date("2025-07-01", iso_only=True) == dt.date(2025, 7, 1)
    with pytest.raises(DateError):
        parse_date("01/07/2025", iso_only=True)


def test_problems_are_capped_while_collecting():
    problems = Problems()
    for row in range(5_000, 0, -1):
        problems.add(row, "C", "x")
    error = problems.failed()
    assert isinstance(error, ImportFailed) and error.total == 5_000 and len(error.problems) == 200
    assert error.more == 4_800 and error.problems[0].row <= error.problems[-1].row
    assert ImportProblem.from_json(error.problems[0].as_json()) == error.problems[0]
