"""Every spreadsheet the app reads or writes goes through here (openpyxl).

Reading (``xlsx_rows``, ``csv_rows``) is safe for hostile uploads: before openpyxl parses anything the zip
directory is checked (member count, uncompressed size of every member and of the whole archive — a zip bomb
is refused from its directory, which zipfile then holds it to), then every sheet's XML is streamed once
through expat (no tree) to check its declared dimension, its row numbers, the cells per row and in all, and
only then is the first sheet read in openpyxl's read-only mode, counting every row (empty ones too) and
stopping at the cap. Every failure is a
``SpreadsheetError`` with a message for the user.

Writing (``xlsx_bytes``) makes every XLSX export in write-only mode and escapes text that a spreadsheet would
run as a formula (a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading apostrophe; the
reader removes it again, so our exports re-import unchanged).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MAGIC = b"PK\x03\x04"

#: A zip with more members than this is not a workbook a person made.
MAX_ZIP_MEMBERS = 500
#: Any part other than a worksheet (shared strings, styles…) is parsed whole by openpyxl: keep it small.
MAX_PART_BYTES = 16 * 1024 * 1024
#: Cells written in one row (empty styled cells count): more is refused before openpyxl builds the row.
MAX_CELLS_PER_ROW = 1_000
#: Other elements of a sheet (merged cells, formatting rules…): a template has a handful.
MAX_OTHER_ELEMENTS = 100_000

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(Exception):
    """The upload cannot be read as a table; ``message`` says why, ``kind`` is a stable word for tests."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.message = message
        self.kind = kind


def _not_xlsx() -> SpreadsheetError:
    return SpreadsheetError(_("The file is not a valid Excel workbook (.xlsx)."), "file_type")


def _too_many_rows(max_rows: int) -> SpreadsheetError:
    return SpreadsheetError(_(
        "The sheet has more than %(max)s data rows (empty rows count too); at most %(max)s can be imported at "
        "once: delete the empty rows at the end or split the file."
    ) % {"max": f"{max_rows:,}".replace(",", ".")}, "too_large")


def max_uncompressed_bytes() -> int:
    return settings.LMS_IMPORT_MAX_UNCOMPRESSED_BYTES


# --- Reading XLSX ---------------------------------------------------------------------------------------


def _check_archive(data: bytes) -> list[str]:
    """Refuse what is not a zip, a zip with too many members, and a zip bomb — from the directory alone.
    Returns the names of the worksheet parts."""
    if data[:4] != ZIP_MAGIC:
        raise _not_xlsx()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _not_xlsx() from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise _not_xlsx()
    limit = max_uncompressed_bytes()
    total = sum(m.file_size for m in members)
    too_big_part = any(m.file_size > MAX_PART_BYTES for m in members
                       if not m.filename.startswith("xl/worksheets/"))
    if total > limit or too_big_part:
        raise SpreadsheetError(_(
            "The workbook unpacks to %(size)s, more than the %(limit)s allowed: it is not a normal spreadsheet "
            "(a “zip bomb”?). Save the data into a new workbook and try again."
        ) % {"size": filesizeformat(total), "limit": filesizeformat(limit)}, "zip_bomb")
    return [m.filename for m in members if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")]


def unpacked_size(data: bytes) -> int:
    """What an upload weighs once read: the uncompressed total of an XLSX (from its zip directory), else its
    length. Decides whether an import runs in the request or in the background."""
    if data[:4] != ZIP_MAGIC:
        return len(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(m.file_size for m in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return len(data)


class _SheetScan:
    """expat callbacks that count rows, cells per row and other elements without building any tree."""

    def __init__(self, max_rows: int, max_cells: int):
        self.max_rows, self.max_cells = max_rows, max_cells
        self.row = self.cells = self.all_cells = self.others = self.depth = 0
        self.data_depth: int | None = None

    def start(self, name: str, attrs: dict) -> None:
        self.depth += 1
        tag = name.rpartition(":")[2]
        if self.data_depth is not None and self.depth > self.data_depth:
            if tag == "c":
                self.cells += 1
                self.all_cells += 1
                if self.all_cells > self.max_cells:
                    raise SpreadsheetError(_("The sheet has more than %(max)s cells: split the file.")
                                           % {"max": f"{self.max_cells:,}".replace(",", ".")}, "too_large")
                if self.cells > MAX_CELLS_PER_ROW:
                    raise SpreadsheetError(_("A row has more than %(max)s cells: this is not one of our templates.")
                                           % {"max": MAX_CELLS_PER_ROW}, "too_large")
            elif tag == "row":
                declared = attrs.get("r", "")
                self.row = int(declared) if declared.isdigit() and len(declared) < 12 else self.row + 1
                if self.row > self.max_rows:
                    raise _too_many_rows(self.max_rows - 1)
                self.cells = 0
            return
        if tag == "sheetData":
            self.data_depth = self.depth
        elif tag == "dimension":
            self.dimension(attrs.get("ref") or "")
        self.others += 1
        if self.others > MAX_OTHER_ELEMENTS:
            raise _not_xlsx()

    def end(self, name: str) -> None:
        if self.depth == self.data_depth:
            self.data_depth = None
        self.depth -= 1

    def dimension(self, ref: str) -> None:
        from openpyxl.utils.cell import range_boundaries

        try:
            bottom = range_boundaries(ref.split(":")[-1])[3] if ref else None
        except (ValueError, TypeError):
            bottom = None
        if bottom and bottom > self.max_rows:
            raise _too_many_rows(self.max_rows - 1)


def _refuse_dtd(*args) -> None:
    raise _not_xlsx()


def _scan_sheet(source, *, max_rows: int, max_cells: int) -> None:
    """Stream the sheet XML once through expat (no tree is built): refuse a declared or real size over the row
    cap, rows with too many cells and a flood of other elements, before openpyxl builds any of them. DTDs and
    entity declarations are refused (nothing in a workbook needs them)."""
    from xml.parsers import expat

    scan = _SheetScan(max_rows, max_cells)
    parser = expat.ParserCreate()
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        while chunk := source.read(256 * 1024):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise _not_xlsx() from None


def _unescape(value):
    # "\n" too: XML reads back the escaped carriage return as a line feed.
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in (*_FORMULA_STARTS, "\n"):
        return value[1:]
    return value


def xlsx_rows(data: bytes, *, max_rows: int, max_columns: int) -> list[tuple]:
    """The rows of the first worksheet as tuples of ``max_columns`` values (None for empty cells).

    ``max_rows`` counts every row of the sheet, header and empty rows included; a sheet that has (or declares)
    more is refused with SpreadsheetError, as is anything that is not a readable workbook.
    """
    sheets = _check_archive(data)
    # openpyxl reads every sheet's size as it opens the workbook (the whole sheet when it declares none), so
    # every sheet is scanned first.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in sheets:
                with archive.open(name) as source:
                    _scan_sheet(source, max_rows=max_rows, max_cells=max_rows * max_columns)
    except SpreadsheetError:
        raise
    except Exception:  # noqa: BLE001 - a damaged member (bad CRC, bad compression) is the same error
        raise _not_xlsx() from None
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a broken upload; all mean the same
        raise _not_xlsx() from None
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        try:
            sheet.reset_dimensions()  # read what is there, not what the file claims
            rows = []
            for values in sheet.iter_rows(max_col=max_columns, values_only=True):
                rows.append(tuple(_unescape(v) for v in values))
                if len(rows) > max_rows:
                    raise _too_many_rows(max_rows - 1)
            while rows and all(v is None or (isinstance(v, str) and not v.strip()) for v in rows[-1]):
                rows.pop()
            return rows
        except SpreadsheetError:
            raise
        except Exception:  # noqa: BLE001 - a malformed sheet part; the user can only fix it in Excel
            raise _not_xlsx() from None
    finally:
        workbook.close()


# --- Reading CSV ----------------------------------------------------------------------------------------


def csv_rows(data: bytes, *, max_rows: int) -> list[list[str]]:
    """The rows of a UTF-8 CSV (with or without BOM; comma, semicolon or tab), every line counted toward
    ``max_rows`` (header and empty lines included)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(_(
            "The CSV file is not UTF-8 encoded. In Excel choose “Save as” → “CSV UTF-8 (comma delimited)”."
        ), "encoding") from None
    if "\x00" in text:
        raise SpreadsheetError(_("The file is not a text (CSV) file."), "file_type")
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    rows = []
    try:
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(values)
            if len(rows) > max_rows:
                raise _too_many_rows(max_rows - 1)
    except csv.Error:
        raise SpreadsheetError(_("The CSV file is malformed (a cell is too long or a quote is not closed)."),
                               "file_type") from None
    return rows


# --- Writing XLSX ---------------------------------------------------------------------------------------


def safe_value(value):
    """A cell value that no spreadsheet will run: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


@dataclass
class Sheet:
    """One worksheet to write: a header row (styled, frozen) and the data rows.

    ``widths`` maps a column letter to its width (``default_width`` applies to every header column);
    ``text_format`` stores the data cells as text ("@") so that codes like 00123 keep their zeros.
    """

    title: str
    rows: Iterable[Sequence]
    header: Sequence[str] | None = None
    widths: dict[str, float] = field(default_factory=dict)
    default_width: float | None = None
    header_fill: str | None = None
    header_color: str | None = None
    header_wrap: bool = False
    freeze_header: bool = True
    text_format: bool = False
    bold_header: bool = True


def _header_cells(ws, sheet: Sheet):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    font = Font(bold=sheet.bold_header, color=sheet.header_color)
    fill = PatternFill("solid", fgColor=sheet.header_fill) if sheet.header_fill else None
    alignment = Alignment(wrap_text=True, vertical="top") if sheet.header_wrap else None
    cells = []
    for value in sheet.header:
        cell = WriteOnlyCell(ws, value=safe_value(value))
        cell.font = font
        if fill:
            cell.fill = fill
        if alignment:
            cell.alignment = alignment
        cells.append(cell)
    return cells


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of the given sheets (write-only: memory stays flat however many rows)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title[:31])
        if sheet.default_width and sheet.header:
            for index in range(1, len(sheet.header) + 1):
                ws.column_dimensions[get_column_letter(index)].width = sheet.default_width
        for letter, width in sheet.widths.items():
            ws.column_dimensions[letter].width = width
        if sheet.header is not None:
            if sheet.freeze_header:
                ws.freeze_panes = "A2"
            ws.append(_header_cells(ws, sheet))
        for row in sheet.rows:
            if sheet.text_format:
                cells = []
                for value in row:
                    cell = WriteOnlyCell(ws, value=safe_value(value))
                    cell.number_format = "@"
                    cells.append(cell)
                ws.append(cells)
            else:
                ws.append([safe_value(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
