"""Every table of the leaders' pages as XLSX or CSV, built from the same rows the page shows.

A view asks `requested_format(request)`; when it is "xlsx" or "csv" it passes the page's selector output to
`table_response(...)` with the columns, so the file and the page can never disagree. Text that a spreadsheet
would run as a formula (a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading apostrophe
(``lms.spreadsheets.safe_value``; the XLSX is written by ``lms.spreadsheets.xlsx_bytes`` with a number format per
column), dates are real dates shown dd/mm/yyyy, percentages are numbers with a % format
(in the CSV: percent points with one decimal, the header says "(%)"). The CSV is UTF-8 with a BOM so that Excel
shows the diacritics.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from openpyxl.utils import get_column_letter

from lms import spreadsheets
from lms.spreadsheets import safe_value

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("xlsx", "csv")

TEXT, INT, DATE, PERCENT = "text", "int", "date", "percent"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: float = 14


def requested_format(request) -> str | None:
    """"xlsx" or "csv" when the page is asked for as a file (``?format=``), else None."""
    value = request.GET.get("format", "")
    return value if value in FORMATS else None


#: The project's one rule for text a spreadsheet would run as a formula (a leading apostrophe).
safe_text = safe_value


def _csv_value(column: Column, value) -> str:
    if value is None:
        return ""
    if column.kind == DATE and isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if column.kind == PERCENT:
        return f"{value * 100:.1f}"
    return str(safe_text(value))


def csv_bytes(columns: Sequence[Column], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_text(c.header) for c in columns])
    for row in rows:
        writer.writerow([_csv_value(c, v) for c, v in zip(columns, row, strict=True)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> bytes:
    """One sheet through lms.spreadsheets: bold frozen header, column widths, dates dd/mm/yyyy, percentages
    "0.0%" (streamed: 180,000 rows in seconds, memory flat)."""
    formats = {DATE: "dd/mm/yyyy", PERCENT: "0.0%"}
    return spreadsheets.xlsx_bytes([spreadsheets.Sheet(
        title[:31] or "Sheet1", header=[c.header for c in columns], rows=rows,
        widths={get_column_letter(i): c.width for i, c in enumerate(columns, start=1)},
        formats=[formats.get(c.kind) for c in columns],
    )])


def table_response(*, fmt: str, filename: str, title: str, columns: Sequence[Column],
                   rows: Iterable[Sequence]) -> HttpResponse:
    """The table as a download: ``fmt`` is "xlsx" or "csv"; ``filename`` has no extension."""
    if fmt == "csv":
        response = HttpResponse(csv_bytes(columns, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(xlsx_bytes(title, columns, rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
