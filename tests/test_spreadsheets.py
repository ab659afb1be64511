"""lms.spreadsheets: hostile uploads are refused before they are read, and no export holds a live formula."""

import io
import tracemalloc

import pytest
from openpyxl import load_workbook

from lms.spreadsheets import Sheet, SpreadsheetError, csv_rows, safe_value, xlsx_bytes, xlsx_rows
from tests import hostile_files


@pytest.fixture
def openpyxl_opens(monkeypatch):
    """How many times openpyxl opened a workbook: a refused upload must be refused before that."""
    import openpyxl

    calls = []
    original = openpyxl.load_workbook

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counting)
    return calls


def refused(data, **limits):
    limits = {"max_rows": 50_001, "max_columns": 10, **limits}
    with pytest.raises(SpreadsheetError) as excinfo:
        xlsx_rows(data, **limits)
    return excinfo.value


def test_zip_bomb_is_refused_from_the_zip_directory_without_memory(openpyxl_opens):
    bomb = hostile_files.zip_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    tracemalloc.start()
    error = refused(bomb)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert error.kind == "zip_bomb" and error.message
    assert peak < 20 * 1024 * 1024 and not openpyxl_opens


def test_200000_rows_stop_at_the_cap_before_openpyxl_reads(openpyxl_opens):
    data = hostile_files.many_rows(200_000)
    assert len(data) < 300 * 1024
    tracemalloc.start()
    error = refused(data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert error.kind == "too_large" and "50.000" in error.message
    assert peak < 20 * 1024 * 1024 and not openpyxl_opens


def test_rows_of_empty_strings_count_toward_the_cap():
    data = hostile_files.empty_string_rows(["a", "b"], [["1", "2"]], empty=20)
    assert refused(data, max_rows=10).kind == "too_large"
    rows = xlsx_rows(data, max_rows=100, max_columns=2)
    assert rows == [("a", "b"), ("1", "2")]  # trailing empty rows are dropped after counting


def test_declared_dimension_over_the_cap_is_refused_before_reading(openpyxl_opens):
    assert refused(hostile_files.declared_dimension(2_000_000)).kind == "too_large"
    assert not openpyxl_opens
    assert xlsx_rows(hostile_files.declared_dimension(5), max_rows=10, max_columns=1) == [("a",), ("b",)]


def test_a_row_numbered_far_away_is_refused_without_filling_the_gap(openpyxl_opens):
    assert refused(hostile_files.far_row(1_000_000)).kind == "too_large" and not openpyxl_opens


def test_a_row_with_too_many_cells_and_too_many_cells_in_all_are_refused(openpyxl_opens):
    assert refused(hostile_files.wide_row(5_000)).kind == "too_large"
    assert refused(hostile_files.wide_row(500), max_rows=10, max_columns=10).kind == "too_large"
    assert not openpyxl_opens


def test_a_second_sheet_is_scanned_too(openpyxl_opens):
    import zipfile

    base = hostile_files.many_rows(60_000)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/worksheets/sheet2.xml", src.read("xl/worksheets/sheet1.xml"))
    assert refused(out.getvalue()).kind == "too_large" and not openpyxl_opens


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04 broken", hostile_files.with_sheet_xml([b"<x"])])
def test_not_a_workbook(data):
    assert refused(data).kind == "file_type"


def test_csv_counts_every_line_and_refuses_bad_input():
    with pytest.raises(SpreadsheetError) as excinfo:
        csv_rows(b"a,b\n" + b",\n" * 20, max_rows=10)
    assert excinfo.value.kind == "too_large"
    with pytest.raises(SpreadsheetError) as excinfo:
        csv_rows(b'"' + b"x" * 200_000, max_rows=10)
    assert excinfo.value.kind == "file_type"
    with pytest.raises(SpreadsheetError) as excinfo:
        csv_rows("Tên".encode("utf-16"), max_rows=10)
    assert excinfo.value.kind == "encoding"
    assert csv_rows("\ufeffa;b\n1;2\n".encode(), max_rows=10) == [["a", "b"], ["1", "2"]]


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_escaped_and_read_back_unchanged(text):
    assert safe_value(text) == "'" + text
    data = xlsx_bytes([Sheet("A", header=["h"], rows=[[text], [-5], ["bình thường"]])])
    cell = load_workbook(io.BytesIO(data)).active["A2"]
    expected = text.replace("\r", "\n")  # XML itself turns a carriage return into a line feed
    assert cell.data_type == "s" and cell.value == "'" + expected
    assert xlsx_rows(data, max_rows=10, max_columns=1)[1:] == [(expected,), (-5,), ("bình thường",)]
