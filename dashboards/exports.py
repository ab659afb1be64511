"""Every table of the leaders' pages as XLSX or CSV, built from the same rows the page shows.

A view asks `requested_format(request)`; when it is "xlsx" or "csv" it passes the page's selector output to
`table_response(...)` with the columns, so the file and the page can never disagree. Text that a spreadsheet
would run as a formula (a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading apostrophe
(``lms.spreadsheets.safe_value``; that module's ``xlsx_bytes`` has no per-column date or % formats yet, so the
typed sheet is written here), dates are real dates shown dd/mm/yyyy, percentages are numbers with a % format
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
    """One sheet: bold frozen header, column widths, typed cells (write-only: memory stays flat)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31] or "Sheet1")
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=safe_text(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = {DATE: "dd/mm/yyyy", PERCENT: "0.0%", INT: "0"}
    typed = [formats.get(c.kind) for c in columns]
    for row in rows:
        cells = []
        for number_format, column, value in zip(typed, columns, row, strict=True):
            if column.kind == TEXT:
                cells.append(safe_text(value) if value is not None else None)
                continue
            cell = WriteOnlyCell(sheet, value=value)
            if number_format and value is not None:
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_response(*, fmt: str, filename: str, title: str, columns: Sequence[Column],
                   rows: Iterable[Sequence]) -> HttpResponse:
    """The table as a download: ``fmt`` is "xlsx" or "csv"; ``filename`` has no extension."""
    if fmt == "csv":
        response = HttpResponse(csv_bytes(columns, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(xlsx_bytes(title, columns, rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
