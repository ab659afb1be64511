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
import datetime as dt
import io
import math
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

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


def xlsx_rows(data: bytes, *, max_rows: int, max_columns: int, max_cells: int | None = None) -> list[tuple]:
    """The rows of the first worksheet as tuples of ``max_columns`` values (None for empty cells).

    ``max_rows`` counts every row of the sheet, header and empty rows included; a sheet that has (or declares)
    more is refused with SpreadsheetError, as is anything that is not a readable workbook. ``max_cells``
    (default max_rows × max_columns) caps the cells written in the sheet, read or not.
    """
    sheets = _check_archive(data)
    # openpyxl reads every sheet's size as it opens the workbook (the whole sheet when it declares none), so
    # every sheet is scanned first.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in sheets:
                with archive.open(name) as source:
                    _scan_sheet(source, max_rows=max_rows, max_cells=max_cells or max_rows * max_columns)
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
    ``text_format`` stores the data cells as text ("@") so that codes like 00123 keep their zeros;
    ``formats`` gives a number format per column (e.g. "0.0%", "dd/mm/yyyy"; None: the default — dates are
    always shown dd/mm/yyyy).
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
    formats: Sequence[str | None] | None = None


# The workbook is written straight as SpreadsheetML (a zip of XML parts), row by row: openpyxl's writer costs
# about 0.2–0.3 ms of CPU per row in its XML serialiser, 50 s for the 180,000 rows of a city's officer matrix.
# Text goes to the shared-string table (each distinct text escaped once), numbers and dates are written as values
# with one of a few shared cell styles; the sheet part is compressed as it is written, so memory holds the
# zipped output and the distinct texts, never the cells.

_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
#: Characters XML 1.0 cannot hold (openpyxl refuses them): dropped from the text written.
_XML_ILLEGAL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_FORMAT = "dd/mm/yyyy"
_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "0%": 9, "0.00%": 10, "@": 49}
_SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def _xml_text(value: str) -> str:
    return value.translate(_XML_ILLEGAL).translate(_XML_ESCAPES)


def _column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Styles:
    """The cell formats (cellXfs) of a workbook, each made once: index 0 is the default."""

    def __init__(self):
        self.fonts = ['<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>']
        self.fills = ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>']
        self.formats: dict[str, int] = {}
        self.xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        self._index: dict[tuple, int] = {(None, False, None, None, False): 0}

    def xf(self, *, number_format: str | None = None, bold: bool = False, color: str | None = None,
           fill: str | None = None, wrap: bool = False) -> int:
        key = (number_format, bold, color, fill, wrap)
        found = self._index.get(key)
        if found is not None:
            return found
        if number_format is None:
            format_id = 0
        elif number_format in _BUILTIN_FORMATS:
            format_id = _BUILTIN_FORMATS[number_format]
        else:
            format_id = self.formats.setdefault(number_format, 164 + len(self.formats))
        font_id = 0
        if bold or color:
            self.fonts.append("<font>" + ("<b/>" if bold else "") + '<sz val="11"/>'
                              + (f'<color rgb="FF{_xml_text(color)[-6:]}"/>' if color else "")
                              + '<name val="Calibri"/><family val="2"/></font>')
            font_id = len(self.fonts) - 1
        fill_id = 0
        if fill:
            self.fills.append(f'<fill><patternFill patternType="solid"><fgColor rgb="FF{_xml_text(fill)[-6:]}"/>'
                              "<bgColor indexed=\"64\"/></patternFill></fill>")
            fill_id = len(self.fills) - 1
        attributes = (f'numFmtId="{format_id}" fontId="{font_id}" fillId="{fill_id}" borderId="0" xfId="0"'
                      + (' applyNumberFormat="1"' if format_id else "") + (' applyFont="1"' if font_id else "")
                      + (' applyFill="1"' if fill_id else ""))
        if wrap:
            self.xfs.append(f'<xf {attributes} applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>')
        else:
            self.xfs.append(f"<xf {attributes}/>")
        self._index[key] = len(self.xfs) - 1
        return self._index[key]

    def xml(self) -> str:
        formats = "".join(f'<numFmt numFmtId="{i}" formatCode="{_xml_text(code)}"/>' for code, i in self.formats.items())
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + (f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if self.formats else "")
                + f'<fonts count="{len(self.fonts)}">{"".join(self.fonts)}</fonts>'
                + f'<fills count="{len(self.fills)}">{"".join(self.fills)}</fills>'
                '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                f'<cellXfs count="{len(self.xfs)}">{"".join(self.xfs)}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                "</styleSheet>")


class _SharedStrings:
    __slots__ = ("index", "items")

    def __init__(self):
        self.index: dict[str, int] = {}
        self.items: list[str] = []

    def add(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.items)
            self.items.append(text)
        return found

    def write(self, out) -> None:
        out.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   f'uniqueCount="{len(self.items)}">').encode())
        for start in range(0, len(self.items), 5000):
            out.write("".join(f'<si><t xml:space="preserve">{_xml_text(t)}</t></si>'
                              for t in self.items[start:start + 5000]).encode())
        out.write(b"</sst>")


def _write_sheet(out, sheet: Sheet, styles: _Styles, strings: _SharedStrings) -> None:
    """One worksheet part, streamed: header row (bold, frozen), then the data rows in chunks."""
    width_of = {}
    if sheet.default_width and sheet.header:
        width_of = dict.fromkeys(range(1, len(sheet.header) + 1), sheet.default_width)
    for letter, width in sheet.widths.items():
        from openpyxl.utils import column_index_from_string

        width_of[column_index_from_string(letter)] = width
    head = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">']
    if sheet.header is not None and sheet.freeze_header:
        head.append('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                    'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
                    'sqref="A2"/></sheetView></sheetViews>')
    else:
        head.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews>')
    head.append('<sheetFormatPr defaultRowHeight="15"/>')
    if width_of:
        head.append("<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                                       for i, w in sorted(width_of.items())) + "</cols>")
    head.append("<sheetData>")
    out.write("".join(head).encode())

    text_style = styles.xf(number_format="@") if sheet.text_format else 0
    date_style = styles.xf(number_format=_DATE_FORMAT)
    datetime_style = styles.xf(number_format=_DATETIME_FORMAT)
    formats = list(sheet.formats or ())
    columns: list[tuple[str, str, int, int]] = []  # (letter, ' s="n"' of the values, style of dates, date-times)

    def widen(count: int) -> None:
        while len(columns) < count:
            i = len(columns)
            fmt = formats[i] if i < len(formats) else None
            if fmt:
                style = styles.xf(number_format=fmt)
                columns.append((_column_letter(i + 1), f' s="{style}"', style, style))
            else:
                columns.append((_column_letter(i + 1), f' s="{text_style}"' if text_style else "", date_style,
                                datetime_style))

    number = 1
    if sheet.header is not None:
        header_style = styles.xf(bold=sheet.bold_header, color=sheet.header_color, fill=sheet.header_fill,
                                 wrap=sheet.header_wrap)
        header_columns = [(_column_letter(i), f' s="{header_style}"', header_style, header_style)
                          for i in range(1, len(sheet.header) + 1)]
        out.write(_row_xml(1, sheet.header, header_columns, strings).encode())
        number = 2
    chunk = []
    for row in sheet.rows:
        if len(row) > len(columns):
            widen(len(row))
        chunk.append(_row_xml(number, row, columns, strings))
        number += 1
        if len(chunk) >= 2000:
            out.write("".join(chunk).encode())
            chunk = []
    if chunk:
        out.write("".join(chunk).encode())
    out.write(b"</sheetData></worksheet>")


def _row_xml(number: int, values, columns, strings: _SharedStrings) -> str:
    """One <row>: text through the shared strings (formula-like text escaped), numbers and dates as values.
    A cell names its column (r="C7") only after an empty one: readers place the others one after another."""
    index, items = strings.index, strings.items
    cells = [f'<row r="{number}">']
    append = cells.append
    gap = False
    for (letter, style, date_style, datetime_style), value in zip(columns, values, strict=False):  # columns ≥ values
        if value is None:
            gap = True
            continue
        ref = f' r="{letter}{number}"' if gap else ""
        gap = False
        kind = type(value)
        if kind is str or kind is not bool and not isinstance(value, (int, float, Decimal, dt.date)):
            text = value if kind is str else str(value)
            if text.startswith(_FORMULA_STARTS):
                text = "'" + text
            found = index.get(text)
            if found is None:
                found = index[text] = len(items)
                items.append(text)
            append(f'<c{ref} t="s"{style}><v>{found}</v></c>')
        elif kind is int or kind is float and math.isfinite(value):
            append(f"<c{ref}{style}><v>{value}</v></c>")
        elif kind is bool:
            append(f'<c{ref} t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = value.replace(tzinfo=None)
            delta = value - dt.datetime(1899, 12, 30)
            serial = delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
            append(f'<c{ref} s="{datetime_style}"><v>{serial}</v></c>')
        elif isinstance(value, dt.date):
            append(f'<c{ref} s="{date_style}"><v>{(value - _EXCEL_EPOCH).days}</v></c>')
        elif math.isfinite(value):  # other numbers (Decimal, int and float subclasses)
            append(f"<c{ref}{style}><v>{value}</v></c>")
        else:  # NaN, infinity: no spreadsheet number, shown as text
            append(f'<c{ref} t="s"{style}><v>{strings.add(str(value))}</v></c>')
    append("</row>")
    return "".join(cells)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of the given sheets, streamed row by row (memory holds the zipped output and the distinct
    texts): bold (optionally filled, coloured, wrapped) header row, frozen unless ``freeze_header=False``,
    column widths, per-column number formats (``Sheet.formats``), dates as real dates shown dd/mm/yyyy, text
    escaped against formulas."""
    styles, strings = _Styles(), _SharedStrings()
    buffer = io.BytesIO()
    titles = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for number, sheet in enumerate(sheets, start=1):
            title = (sheet.title.translate(_SHEET_NAME_FORBIDDEN)[:31] or f"Sheet{number}")
            while title in titles:
                title = f"{title[:28]}{number:03d}"
            titles.append(title)
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                _write_sheet(part, sheet, styles, strings)
        with archive.open("xl/sharedStrings.xml", "w") as part:
            strings.write(part)
        archive.writestr("xl/styles.xml", styles.xml())
        count = len(titles)
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, count + 1))
            + '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>"))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"))
        archive.writestr("docProps/app.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>Microsoft Excel</Application></Properties>"))
        archive.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<bookViews><workbookView activeTab="0"/></bookViews><sheets>'
            + "".join(f'<sheet name="{_xml_text(t)}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, t in enumerate(titles, start=1))
            + "</sheets></workbook>"))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, count + 1))
            + f'<Relationship Id="rId{count + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{count + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"))
    return buffer.getvalue()
