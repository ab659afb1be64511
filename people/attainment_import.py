"""Import of past training records (recognised prior learning) from CSV or XLSX, all rows or none.

One header row with the Vietnamese column names below (any order, matched after NFC normalisation, trimming and
ignoring case), then one row per evidence. The whole file is validated first and every problem is reported as
(row, column, reason) in Vietnamese; only a clean file is written, in one transaction. Re-importing the same
file adds nothing: an evidence row is identified by officer × competency × level × date achieved × basis.

Reading the file (CSV/XLSX, size limit, dates) reuses the officer import's public functions in people/imports.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.imports import ImportFailed

from .competency import bump_data_version
from .imports import (
    MAX_ROWS,
    ImportProblem,
    OfficerImportError,
    cell_text,
    parse_date,
    read_table,
    read_upload,
)
from .models import Attainment, Competency, Officer
from .text import normalize_text

COL_CODE = "Mã cán bộ"
COL_COMPETENCY = "Mã năng lực"
COL_LEVEL = "Mức"
COL_ACHIEVED = "Ngày đạt"
COL_EXPIRES = "Hiệu lực đến"
COL_BASIS = "Căn cứ"

#: The columns in the order the template uses; files may use any order.
COLUMNS = [COL_CODE, COL_COMPETENCY, COL_LEVEL, COL_ACHIEVED, COL_EXPIRES, COL_BASIS]
REQUIRED_COLUMNS = [COL_CODE, COL_COMPETENCY, COL_LEVEL, COL_ACHIEVED, COL_BASIS]
EXAMPLE_ROW = ["GD003", "NV04", 2, "15/03/2024", "15/03/2026", "Quyết định số 125/QĐ-UBND ngày 15/03/2024"]
_BASIS_MAX = 255


class AttainmentImportError(OfficerImportError):
    """The file was refused; nothing was written. Like the officer import: the first 200 problems in row and
    column order, `total` counts every one found and `more` how many are not listed."""

    def __init__(self, problems: list[ImportProblem], *, total: int | None = None):
        ordered = sorted(problems, key=lambda p: (p.row or 0, COLUMNS.index(p.column)
                                                  if p.column in COLUMNS else 99))
        ImportFailed.__init__(self, ordered, total=total)


@dataclass
class AttainmentRow:
    row: int
    employee_code: str
    officer: Officer | None
    competency: Competency | None
    level: int | None
    achieved_on: dt.date | None
    expires_on: dt.date | None
    basis: str

    @property
    def key(self) -> tuple:
        return (self.officer.pk if self.officer else None, self.competency.pk if self.competency else None,
                self.level, self.achieved_on, self.basis)


@dataclass
class AttainmentImportResult:
    """What an import did (or, for a dry run, would do)."""

    rows: int = 0
    created: int = 0
    unchanged: int = 0
    dry_run: bool = False
    officer_ids: list[int] = field(default_factory=list)
    preview: list[AttainmentRow] = field(default_factory=list)


def _key(value) -> str:
    return normalize_text("" if value is None else str(value)).casefold()


def _date(value) -> dt.date | None:
    """dd/mm/yyyy (and the officer import's other forms), a spreadsheet date, or a serial — also as CSV text."""
    if isinstance(value, str) and normalize_text(value).isdigit() and len(normalize_text(value)) <= 7:
        value = int(normalize_text(value))
    return parse_date(value)


def _level(value) -> int | None:
    text = cell_text(value)
    if text in ("1", "2", "3"):
        return int(text)
    return None


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def validate_attainment_rows(table: list[list], *, today: dt.date | None = None) -> list[AttainmentRow]:
    """Check every row against the officers and competencies; raise AttainmentImportError listing all problems."""
    today = today or timezone.localdate()
    problems: list[ImportProblem] = []
    while table and all(cell_text(v) == "" for v in table[-1]):
        table.pop()
    header_index = next((i for i, r in enumerate(table) if any(cell_text(v) for v in r)), None)
    if header_index is None:
        raise AttainmentImportError([ImportProblem(None, None, _("The file is empty."), "empty")])
    wanted = {_key(c): c for c in COLUMNS}
    positions: dict[str, int] = {}
    for index, value in enumerate(table[header_index]):
        column = wanted.get(_key(value))
        if column is None:
            continue
        if column in positions:
            problems.append(ImportProblem(header_index + 1, column, _("this column appears more than once."),
                                          "duplicate_column"))
            continue
        positions[column] = index
    for column in REQUIRED_COLUMNS:
        if column not in positions:
            problems.append(ImportProblem(header_index + 1, column, _(
                "this required column is missing from the header row."), "missing_column"))
    if problems:
        raise AttainmentImportError(problems)
    data_rows = [(n, r) for n, r in enumerate(table[header_index + 1:], start=header_index + 2)
                 if any(cell_text(v) for v in r)]
    if not data_rows:
        raise AttainmentImportError([ImportProblem(None, None, _(
            "The file has a header row but no evidence rows."), "empty")])
    if len(data_rows) > MAX_ROWS:
        raise AttainmentImportError([ImportProblem(None, None, _(
            "The file has %(count)s rows; at most %(max)s can be imported at once: split it into several files."
        ) % {"count": len(data_rows), "max": MAX_ROWS}, "too_large")])

    def cell(values, column):
        index = positions.get(column)
        return values[index] if index is not None and index < len(values) else None

    codes = {cell_text(cell(v, COL_CODE)).upper() for _n, v in data_rows}
    competency_codes = {cell_text(cell(v, COL_COMPETENCY)).upper() for _n, v in data_rows}
    officers: dict[str, Officer] = {}
    code_list = sorted(c for c in codes if c)
    for start in range(0, len(code_list), 500):
        officers.update({o.employee_code: o for o in Officer.objects.filter(
            employee_code__in=code_list[start:start + 500]).only("id", "employee_code", "full_name")})
    competencies = {c.code: c for c in Competency.objects.filter(code__in=[c for c in competency_codes if c])}

    rows: list[AttainmentRow] = []
    seen: dict[tuple, int] = {}
    for number, values in data_rows:
        def problem(column, reason, kind, number=number):
            problems.append(ImportProblem(number, column, reason, kind))

        code = cell_text(cell(values, COL_CODE)).upper()
        officer = officers.get(code)
        if not code:
            problem(COL_CODE, _("the employee code is missing."), "missing")
        elif officer is None:
            problem(COL_CODE, _("officer “%(code)s” was not found.") % {"code": code}, "unknown_officer")
        competency_code = cell_text(cell(values, COL_COMPETENCY)).upper()
        competency = competencies.get(competency_code)
        if not competency_code:
            problem(COL_COMPETENCY, _("the competency code is missing."), "missing")
        elif competency is None:
            problem(COL_COMPETENCY, _("competency “%(code)s” was not found.") % {"code": competency_code},
                    "unknown_competency")
        raw_level = cell(values, COL_LEVEL)
        level = _level(raw_level)
        if not cell_text(raw_level):
            problem(COL_LEVEL, _("the level is missing."), "missing")
        elif level is None:
            problem(COL_LEVEL, _("“%(value)s” is not a level: use 1, 2 or 3.") % {"value": cell_text(raw_level)},
                    "bad_level")
        dates = {}
        for column in (COL_ACHIEVED, COL_EXPIRES):
            raw = cell(values, column)
            try:
                dates[column] = _date(raw)
            except (ValueError, OverflowError):
                dates[column] = None
                problem(column, _("“%(value)s” is not a valid date (use dd/mm/yyyy).") % {"value": cell_text(raw)},
                        "bad_date")
        achieved, expires = dates[COL_ACHIEVED], dates[COL_EXPIRES]
        if achieved is None and not cell_text(cell(values, COL_ACHIEVED)):
            problem(COL_ACHIEVED, _("the date achieved is missing."), "missing")
        if achieved and achieved > today:
            problem(COL_ACHIEVED, _("the date achieved %(date)s is in the future.") % {"date": _fmt(achieved)},
                    "future_date")
        if achieved and expires and expires < achieved:
            problem(COL_EXPIRES, _("the end of validity %(end)s is before the date achieved %(start)s.") % {
                "end": _fmt(expires), "start": _fmt(achieved)}, "date_order")
        basis = cell_text(cell(values, COL_BASIS))
        if not basis:
            problem(COL_BASIS, _("the basis (document or decision) is missing."), "missing")
        elif len(basis) > _BASIS_MAX:
            problem(COL_BASIS, _("too long (at most %(max)s characters).") % {"max": _BASIS_MAX}, "too_long")
        row = AttainmentRow(number, code, officer, competency, level, achieved, expires, basis)
        if None not in row.key and row.basis:
            if row.key in seen:
                problem(COL_CODE, _(
                    "this row repeats row %(other)s (same officer, competency, level, date and basis)."
                ) % {"other": seen[row.key]}, "duplicate_row")
            else:
                seen[row.key] = number
        rows.append(row)
    if problems:
        raise AttainmentImportError(problems)
    return rows


def _existing_keys(rows: list[AttainmentRow]) -> set[tuple]:
    """Keys already recorded (any kind, revoked included: a re-import never brings evidence back)."""
    officer_ids = sorted({r.officer.pk for r in rows})
    competency_ids = sorted({r.competency.pk for r in rows})
    keys: set[tuple] = set()
    for start in range(0, len(officer_ids), 500):
        for officer_id, competency_id, level, achieved_on, basis in Attainment.objects.filter(
            officer_id__in=officer_ids[start:start + 500], competency_id__in=competency_ids
        ).values_list("officer_id", "competency_id", "level", "achieved_on", "evidence_reference"):
            keys.add((officer_id, competency_id, level, achieved_on, normalize_text(basis)))
    return keys


def attainments_import(*, data: bytes, filename: str, dry_run: bool = False, recorded_by=None,
                       preview_rows: int = 50) -> AttainmentImportResult:
    """Validate the whole file, then record every new evidence row (kind prior_learning) in one transaction.

    Rows already recorded (same officer × competency × level × date × basis) are counted as unchanged and never
    overwritten. With dry_run nothing is written. Raises AttainmentImportError with every problem found.
    """
    from django.conf import settings
    from django.template.defaultfilters import filesizeformat

    limit = settings.LMS_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise AttainmentImportError([ImportProblem(None, None, _(
            "The file is too large (%(size)s); the limit is %(limit)s.") % {
            "size": filesizeformat(len(data)), "limit": filesizeformat(limit)}, "too_large")])
    if not data.strip():
        raise AttainmentImportError([ImportProblem(None, None, _("The file is empty."), "empty")])
    try:
        table = read_table(data=data, filename=filename)
    except OfficerImportError as error:
        raise AttainmentImportError(error.problems) from None
    rows = validate_attainment_rows(table)
    result = AttainmentImportResult(rows=len(rows), dry_run=dry_run, preview=rows[:preview_rows],
                                    officer_ids=sorted({r.officer.pk for r in rows}))
    with transaction.atomic():
        existing = _existing_keys(rows)
        new = [r for r in rows if r.key not in existing]
        result.created, result.unchanged = len(new), len(rows) - len(new)
        if not dry_run and new:
            records = [
                Attainment(officer=r.officer, competency=r.competency, level=r.level, achieved_on=r.achieved_on,
                           expires_on=r.expires_on, kind=Attainment.Kind.PRIOR_LEARNING, evidence_reference=r.basis,
                           recorded_by=recorded_by)
                for r in new
            ]
            Attainment.objects.bulk_create(records, batch_size=500)
            bump_data_version()  # bulk writes send no post_save
    return result


def attainments_import_file(*, file, dry_run: bool = False, recorded_by=None) -> AttainmentImportResult:
    """attainments_import() for an uploaded or opened file (the size limit is checked before reading it all)."""
    try:
        data, name = read_upload(file)
    except OfficerImportError as error:
        raise AttainmentImportError(error.problems) from None
    return attainments_import(data=data, filename=name, dry_run=dry_run, recorded_by=recorded_by)


def template_csv() -> bytes:
    """The CSV template (UTF-8 with BOM so that Excel opens the Vietnamese headers right): headers + example."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(EXAMPLE_ROW)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The Excel template: the headers and an example row."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kết quả đạt năng lực"
    sheet.append(COLUMNS)
    sheet.append(EXAMPLE_ROW)
    for column, width in zip("ABCDEF", (14, 14, 8, 14, 14, 50), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
