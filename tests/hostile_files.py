"""Builders of hostile spreadsheets for the import tests and the benchmark (small files, big consequences)."""

import io
import zipfile

from openpyxl import Workbook

_NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def workbook_bytes(rows, header=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet_xml(chunks, *, header=("a",)) -> bytes:
    """A real workbook whose first sheet's XML is replaced by the streamed ``chunks`` (bytes)."""
    base = workbook_bytes([], header=list(header))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with dst.open(item.filename, "w") as sheet:
                    for chunk in chunks:
                        sheet.write(chunk)
            else:
                dst.writestr(item, src.read(item.filename))
    return out.getvalue()


def _rows(count: int, cell: bytes, start: int = 1):
    batch = 10_000
    yield _NS + b"<sheetData>"
    done = 0
    while done < count:
        n = min(batch, count - done)
        yield b"".join(b"<row>" + cell + b"</row>" for _ in range(n))
        done += n
    yield b"</sheetData></worksheet>"


def zip_bomb(rows: int = 2_000_000) -> bytes:
    """< 1 MB on disk, ≈ 75 MB of sheet XML: 2 million rows of an empty inline string."""
    return with_sheet_xml(_rows(rows, b'<c t="inlineStr"><is><t></t></is></c>'))


def many_rows(rows: int = 200_000) -> bytes:
    """A small file (tens of KB) of 200,000 rows, each one cell holding "x"."""
    return with_sheet_xml(_rows(rows, b'<c t="inlineStr"><is><t>x</t></is></c>'))


def empty_string_rows(header, data_rows, empty: int) -> bytes:
    """The header, the data rows, then ``empty`` rows whose cells are all empty strings."""
    return with_sheet_xml(_sheet_with(header, data_rows, empty))


def _inline(value: str) -> bytes:
    text = value.replace("&", "&amp;").replace("<", "&lt;").encode()
    return b'<c t="inlineStr"><is><t>' + text + b"</t></is></c>"


def _sheet_with(header, data_rows, empty):
    yield _NS + b"<sheetData>"
    for row in [header, *data_rows]:
        yield b"<row>" + b"".join(_inline(str(v)) for v in row) + b"</row>"
    blank = b"<row>" + _inline("") * len(header) + b"</row>"
    for _ in range(empty):
        yield blank
    yield b"</sheetData></worksheet>"


def declared_dimension(bottom_row: int) -> bytes:
    """Two real rows, but a dimension element that claims ``bottom_row`` rows."""
    return with_sheet_xml([_NS, f'<dimension ref="A1:H{bottom_row}"/>'.encode(), b"<sheetData>",
                           b"<row>" + _inline("a") + b"</row><row>" + _inline("b") + b"</row>",
                           b"</sheetData></worksheet>"])


def far_row(number: int) -> bytes:
    """One row numbered ``number``: openpyxl would fill every row before it."""
    return with_sheet_xml([_NS, b"<sheetData>", b"<row r='1'>" + _inline("a") + b"</row>",
                           f"<row r='{number}'>".encode() + _inline("b") + b"</row>", b"</sheetData></worksheet>"])


def wide_row(cells: int) -> bytes:
    return with_sheet_xml([_NS, b"<sheetData><row>", b"<c><v>1</v></c>" * cells, b"</row></sheetData></worksheet>"])
