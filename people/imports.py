"""Import of officers and their desk-role assignments from CSV or XLSX, all rows or none.

The file has a header row with the Vietnamese column names below, in any order; one row per role assignment
(an officer with two roles has two rows). The whole file is validated first and every problem is reported as
an ``lms.imports.ImportProblem`` (row, column, message); only a clean file is written, in one transaction,
through people.services. Files are read with ``lms.spreadsheets`` (zip-bomb and row-cap safe) and dates with
``lms.imports.parse_date``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from lms.imports import DateError, ImportFailed, ImportProblem, Problems, format_date, parse_date
from lms.spreadsheets import (
    ZIP_MAGIC,
    Sheet,
    SpreadsheetError,
    csv_rows,
    unpacked_size,
    xlsx_bytes,
    xlsx_rows,
)

from . import services
from .models import DeskRole, Officer, Unit
from .text import normalize_text

__all__ = [
    "COLUMNS", "MAX_ROWS", "REQUIRED_COLUMNS", "DateError", "ImportProblem", "ImportResult", "ImportRow",
    "OfficerImportError", "officers_import", "officers_import_file", "parse_date", "read_table", "read_upload",
    "template_csv", "template_xlsx", "validate_rows",
]

COL_CODE = "Mã cán bộ"
COL_NAME = "Họ và tên"
COL_EMAIL = "Email"
COL_PHONE = "Số điện thoại"
COL_UNIT = "Mã đơn vị"
COL_ROLE = "Mã vị trí"
COL_START = "Ngày bắt đầu"
COL_END = "Ngày kết thúc"

#: The columns in the order the template uses; files may use any order.
COLUMNS = [COL_CODE, COL_NAME, COL_EMAIL, COL_PHONE, COL_UNIT, COL_ROLE, COL_START, COL_END]
REQUIRED_COLUMNS = [COL_CODE, COL_NAME, COL_UNIT, COL_ROLE, COL_START]

EXAMPLE_ROW = ["CB00001", "Nguyễn Thị Minh Anh", "minhanh@example.gov.vn", "0901234567", "GIADINH-TT", "TN",
               "01/07/2025", ""]

_PHONE = re.compile(r"^\+?[0-9 .()\-]{6,20}$")
#: More data rows than this are refused; every row of the sheet counts, empty ones too.
MAX_ROWS = 50_000
#: Columns read from an XLSX sheet (the template has 8; columns further right are not read, which keeps the
#: memory of a file at the row cap under 300 MB, see bench/imports.py); cells written in all, read or not.
MAX_COLUMNS = 12
MAX_CELLS = (MAX_ROWS + 1) * 20
#: The model's own limits, checked before the database sees the values.
_MAX_LENGTHS = {COL_CODE: Officer._meta.get_field("employee_code").max_length,
                COL_NAME: Officer._meta.get_field("full_name").max_length,
                COL_EMAIL: Officer._meta.get_field("email").max_length,
                COL_PHONE: Officer._meta.get_field("phone").max_length}
_PROGRESS_EVERY = 1_000
#: Officers written per batch inside the import's one transaction (bounds the memory of a large file).
WRITE_BATCH = 2_000


class OfficerImportError(ImportFailed):
    """The file was refused; nothing was written. ``problems`` lists the first 200 in row and column order,
    ``total`` counts every one found and ``more`` how many are not listed."""

    def __init__(self, problems: list[ImportProblem], *, total: int | None = None):
        ordered = sorted(problems, key=lambda p: (p.row or 0, COLUMNS.index(p.column)
                                                  if p.column in COLUMNS else 99))
        super().__init__(ordered, total=total)


@dataclass
class ImportRow:
    row: int
    employee_code: str
    full_name: str
    email: str
    phone: str
    unit: Unit | None
    role: DeskRole | None
    start_date: dt.date | None
    end_date: dt.date | None

    @property
    def unit_code(self) -> str:
        return self.unit.code if self.unit else ""

    @property
    def role_code(self) -> str:
        return self.role.code if self.role else ""

    @property
    def start(self) -> str:
        return format_date(self.start_date)

    @property
    def end(self) -> str:
        return format_date(self.end_date)

    def as_json(self) -> dict:
        """The row as the pages show it (codes and dd/mm/yyyy dates)."""
        return {"row": self.row, "employee_code": self.employee_code, "full_name": self.full_name,
                "email": self.email, "phone": self.phone, "unit_code": self.unit_code, "role_code": self.role_code,
                "start": self.start, "end": self.end}


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    rows: int = 0
    officers_created: int = 0
    officers_updated: int = 0
    officers_unchanged: int = 0
    assignments_created: int = 0
    assignments_updated: int = 0
    assignments_unchanged: int = 0
    dry_run: bool = False
    officer_ids: list[int] = field(default_factory=list)
    new_officer_ids: list[int] = field(default_factory=list)
    preview: list = field(default_factory=list)
    invited: int = 0

    @property
    def officers(self) -> int:
        return self.officers_created + self.officers_updated + self.officers_unchanged

    def as_json(self) -> dict:
        values = {k: v for k, v in self.__dict__.items() if k not in ("preview", "officer_ids", "new_officer_ids")}
        values["preview"] = [r.as_json() if isinstance(r, ImportRow) else r for r in self.preview]
        return values

    @classmethod
    def from_json(cls, values: dict) -> ImportResult:
        return cls(**values)


def _refused(message: str, kind: str) -> OfficerImportError:
    return OfficerImportError([ImportProblem(None, None, message, kind)])


# --- Reading the file -------------------------------------------------------------------------------------


def _header_key(value) -> str:
    return normalize_text("" if value is None else str(value)).casefold()


def read_table(*, data: bytes, filename: str) -> list[Sequence]:
    """The rows of the first sheet (XLSX, tuples) or of the CSV file (lists), as raw cell values.

    Every row counts toward MAX_ROWS (+ the header), empty ones included; reading stops at the cap.
    """
    suffix = Path(filename or "").suffix.lower()
    try:
        if suffix in (".csv", ".txt"):
            if data[:4] == ZIP_MAGIC:
                raise _refused(_("The file is named .csv but is an Excel workbook: rename it to .xlsx."), "file_type")
            return csv_rows(data, max_rows=MAX_ROWS + 1)
        if suffix == ".xlsx":
            return xlsx_rows(data, max_rows=MAX_ROWS + 1, max_columns=MAX_COLUMNS, max_cells=MAX_CELLS)
    except SpreadsheetError as error:
        raise _refused(error.message, error.kind) from None
    raise _refused(_(
        "Unsupported file type “%(name)s”: upload a .csv or .xlsx file (old .xls files must be saved as .xlsx)."
    ) % {"name": Path(filename or "").name[:100] or "?"}, "file_type")


# --- Cell values ------------------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as text, the same for CSV and XLSX: NFC, whole numbers without '.0', dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return normalize_text(str(value))


def _phone(value) -> str:
    text = cell_text(value)
    # A spreadsheet that stored 0901234567 as a number dropped the leading zero.
    if isinstance(value, int | float) and len(text) == 9 and text.isdigit():
        text = "0" + text
    return text


_fmt = format_date


# --- Validation -------------------------------------------------------------------------------------------


def _map_headers(header: list, problems: Problems) -> dict[str, int]:
    wanted = {_header_key(c): c for c in COLUMNS}
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        column = wanted.get(_header_key(value))
        if column is None:
            continue
        if column in positions:
            problems.add(1, column, _("this column appears more than once."), "duplicate_column")
            continue
        positions[column] = index
    for column in REQUIRED_COLUMNS:
        if column not in positions:
            problems.add(1, column, _("this required column is missing from the header row."), "missing_column")
    return positions


def _data_rows(table: list[list], problems: Problems) -> tuple[dict[str, int], list[tuple[int, list]]]:
    """Find the header row, map its columns and return the numbered non-empty rows below it."""
    while table and all(cell_text(v) == "" for v in table[-1]):
        table.pop()
    header_index = next((i for i, r in enumerate(table) if any(cell_text(v) for v in r)), None)
    if header_index is None:
        raise _refused(_("The file is empty."), "empty")
    positions = _map_headers(table[header_index], problems)
    problems.raise_if_any(OfficerImportError)
    if len(table) - header_index - 1 > MAX_ROWS:
        raise _refused(_(
            "The file has %(count)s rows; at most %(max)s can be imported at once: split it into several files."
        ) % {"count": len(table) - header_index - 1, "max": MAX_ROWS}, "too_large")
    data_rows = [(n, r) for n, r in enumerate(table[header_index + 1:], start=header_index + 2)
                 if any(cell_text(v) for v in r)]
    if not data_rows:
        raise _refused(_("The file has a header row but no officer rows."), "empty")
    return positions, data_rows


class _RowChecker:
    """Checks one data row at a time against the units and desk roles read once for the whole file."""

    def __init__(self, positions: dict[str, int], problems: Problems):
        self.positions = positions
        self.problems = problems
        self.units = {u.code: u for u in Unit.objects.all()}
        self.roles = {r.code: r for r in DeskRole.objects.all()}

    def cell(self, values, column):
        index = self.positions.get(column)
        return values[index] if index is not None and index < len(values) else None

    def check(self, number: int, values: list) -> ImportRow:
        self.number = number
        code = cell_text(self.cell(values, COL_CODE)).upper()
        name = cell_text(self.cell(values, COL_NAME))
        email = cell_text(self.cell(values, COL_EMAIL)).lower()
        phone = _phone(self.cell(values, COL_PHONE))
        self._identity(code, name, email, phone)
        unit = self._unit(cell_text(self.cell(values, COL_UNIT)).upper())
        role = self._role(cell_text(self.cell(values, COL_ROLE)).upper())
        start, end = self._dates(values)
        return ImportRow(number, code, name, email, phone, unit, role, start, end)

    def problem(self, column: str, message: str, kind: str) -> None:
        self.problems.add(self.number, column, message, kind)

    def _identity(self, code: str, name: str, email: str, phone: str) -> None:
        if not code:
            self.problem(COL_CODE, _("the employee code is missing."), "missing")
        if not name:
            self.problem(COL_NAME, _("the full name is missing."), "missing")
        for column, value in ((COL_CODE, code), (COL_NAME, name), (COL_EMAIL, email), (COL_PHONE, phone)):
            if len(value) > _MAX_LENGTHS[column]:
                self.problem(column, _("too long (at most %(max)s characters).") % {"max": _MAX_LENGTHS[column]},
                             "too_long")
        if email and len(email) <= _MAX_LENGTHS[COL_EMAIL]:
            try:
                validate_email(email)
            except ValidationError:
                self.problem(COL_EMAIL, _("“%(value)s” is not a valid e-mail address.") % {"value": email[:100]},
                             "email")
        if phone and len(phone) <= _MAX_LENGTHS[COL_PHONE] and not _PHONE.match(phone):
            self.problem(COL_PHONE, _("“%(value)s” is not a valid phone number.") % {"value": phone}, "phone")

    def _unit(self, unit_code: str) -> Unit | None:
        unit = self.units.get(unit_code)
        shown = unit_code[:60]
        if not unit_code:
            self.problem(COL_UNIT, _("the unit code is missing."), "missing")
        elif unit is None:
            self.problem(COL_UNIT, _("unit “%(code)s” was not found.") % {"code": shown}, "unknown_unit")
        elif not unit.is_active:
            self.problem(COL_UNIT, _("unit “%(code)s” is no longer active.") % {"code": shown}, "unknown_unit")
        return unit

    def _role(self, role_code: str) -> DeskRole | None:
        role = self.roles.get(role_code)
        shown = role_code[:60]
        if not role_code:
            self.problem(COL_ROLE, _("the desk-role code is missing."), "missing")
        elif role is None:
            self.problem(COL_ROLE, _("desk role “%(code)s” was not found.") % {"code": shown}, "unknown_role")
        elif not role.is_active:
            self.problem(COL_ROLE, _("desk role “%(code)s” is no longer in use.") % {"code": shown}, "unknown_role")
        return role

    def _dates(self, values) -> tuple[dt.date | None, dt.date | None]:
        dates = {}
        for column in (COL_START, COL_END):
            try:
                dates[column] = parse_date(self.cell(values, column))
            except DateError as error:
                dates[column] = None
                self.problem(column, error.message, "bad_date")
        start, end = dates[COL_START], dates[COL_END]
        if start is None and not cell_text(self.cell(values, COL_START)):
            self.problem(COL_START, _("the start date is missing."), "missing")
        if start and end and end < start:
            self.problem(COL_END, _("the end date %(end)s is before the start date %(start)s.") % {
                "end": _fmt(end), "start": _fmt(start)}, "date_order")
        return start, end


def validate_rows(table: list[list], *, progress: Callable[[int, int], None] | None = None) -> list[ImportRow]:
    """Check every row against the database's units and roles; raise OfficerImportError listing the problems.

    ``progress(done, total)`` is called every 1,000 rows (the background job shows it).
    """
    problems = Problems(columns=COLUMNS)
    positions, data_rows = _data_rows(table, problems)
    checker = _RowChecker(positions, problems)
    rows: list[ImportRow] = []
    for done, (number, values) in enumerate(data_rows, start=1):
        rows.append(checker.check(number, values))
        if progress and done % _PROGRESS_EVERY == 0:
            progress(done, len(data_rows))
    _check_duplicates(rows, problems)
    _check_logins(rows, problems)
    problems.raise_if_any(OfficerImportError)
    return rows


def _check_duplicates(rows: list[ImportRow], problems: Problems) -> None:
    first_by_code: dict[str, ImportRow] = {}
    seen_assignments: dict[tuple, int] = {}
    for row in rows:
        if not row.employee_code:
            continue
        first = first_by_code.setdefault(row.employee_code, row)
        if first is not row:
            for column, mine, theirs in (
                (COL_NAME, row.full_name, first.full_name),
                (COL_UNIT, row.unit and row.unit.code, first.unit and first.unit.code),
                (COL_EMAIL, row.email, first.email),
                (COL_PHONE, row.phone, first.phone),
            ):
                if mine and theirs and mine != theirs:
                    problems.add(row.row, COL_CODE, _(
                        "employee code “%(code)s” is repeated with a different “%(column)s” than on row %(other)s."
                    ) % {"code": row.employee_code[:60], "column": column, "other": first.row}, "duplicate_code")
                    break
        if row.role and row.unit and row.start_date:
            key = (row.employee_code, row.role.pk, row.unit.pk, row.start_date)
            if key in seen_assignments:
                problems.add(row.row, COL_CODE, _(
                    "this row repeats row %(other)s (same officer, desk role, unit and start date)."
                ) % {"other": seen_assignments[key]}, "duplicate_row")
            else:
                seen_assignments[key] = row.row


def _check_logins(rows: list[ImportRow], problems: Problems) -> None:
    """A new officer's login is named after the code: refuse when another officer already holds that login."""
    from django.contrib.auth import get_user_model

    codes = sorted({r.employee_code for r in rows if r.employee_code})
    existing = set()
    for start in range(0, len(codes), 500):
        existing.update(Officer.objects.filter(employee_code__in=codes[start:start + 500])
                        .values_list("employee_code", flat=True))
    new = [c for c in codes if c not in existing]
    taken = {}
    for start in range(0, len(new), 500):
        usernames = [c.lower() for c in new[start:start + 500]]
        taken.update(get_user_model().objects.filter(username__in=usernames, officer__isnull=False)
                     .values_list("username", "officer__employee_code"))
    if not taken:
        return
    reported = set()
    for row in rows:
        username = row.employee_code.lower()
        if username in taken and username not in reported:
            reported.add(username)
            problems.add(row.row, COL_CODE, _(
                "the login “%(username)s” already belongs to officer %(code)s."
            ) % {"username": username, "code": taken[username]}, "duplicate_code")


# --- Entry point ------------------------------------------------------------------------------------------


def read_upload(file) -> tuple[bytes, str]:
    """Read an uploaded or opened file, refusing it without reading further when it is over the size limit."""
    limit = settings.LMS_IMPORT_MAX_BYTES
    name = getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise OfficerImportError([_too_large(size, limit)])
    data = file.read(limit + 1)
    if len(data) > limit:
        raise OfficerImportError([_too_large(size or len(data), limit)])
    return data, name


def _too_large(size: int, limit: int) -> ImportProblem:
    return ImportProblem(None, None, _("The file is too large (%(size)s); the limit is %(limit)s.") % {
        "size": filesizeformat(size), "limit": filesizeformat(limit)}, "too_large")


def _records(rows: list[ImportRow]) -> tuple[list[services.OfficerRecord], list[services.AssignmentRecord]]:
    """One officer record per employee code (the first row wins; duplicates were checked) and one assignment
    record per row."""
    officer_records: dict[str, services.OfficerRecord] = {}
    for row in rows:
        officer_records.setdefault(row.employee_code, services.OfficerRecord(
            employee_code=row.employee_code, full_name=row.full_name, unit=row.unit, email=row.email,
            phone=row.phone))
    assignment_records = [
        services.AssignmentRecord(employee_code=row.employee_code, role=row.role, unit=row.unit,
                                  start_date=row.start_date, end_date=row.end_date)
        for row in rows
    ]
    return list(officer_records.values()), assignment_records


def _existing_codes(codes: list[str]) -> set[str]:
    existing = set()
    for start in range(0, len(codes), 500):
        existing.update(Officer.objects.filter(employee_code__in=codes[start:start + 500])
                        .values_list("employee_code", flat=True))
    return existing


def _write_batch(officer_records, assignment_records, result: ImportResult) -> None:
    existing_before = _existing_codes([r.employee_code for r in officer_records])
    try:
        officers, officer_result = services.officer_bulk_upsert(records=officer_records)
    except ValidationError as error:
        raise _refused(" ".join(error.messages), "conflict") from None
    assignment_result = services.role_assignment_bulk_upsert(records=assignment_records, officers=officers,
                                                              notify=False)
    result.officers_created += officer_result.created
    result.officers_updated += officer_result.updated
    result.officers_unchanged += officer_result.unchanged
    result.assignments_created += assignment_result.created
    result.assignments_updated += assignment_result.updated
    result.assignments_unchanged += assignment_result.unchanged
    result.officer_ids += [o.pk for o in officers.values()]
    result.new_officer_ids += [o.pk for c, o in officers.items() if c not in existing_before]


def _write(officer_records: list[services.OfficerRecord], assignment_records: list[services.AssignmentRecord],
           result: ImportResult) -> None:
    """Write every officer and assignment in one transaction (batches of WRITE_BATCH officers, so that a large
    file never holds all its model instances at once), then ONE role_assignments_changed notification after
    commit; with a dry run roll it back (exact counts, no notification)."""
    by_code: dict[str, list] = {}
    for record in assignment_records:
        by_code.setdefault(record.employee_code, []).append(record)
    with transaction.atomic():
        for start in range(0, len(officer_records), WRITE_BATCH):
            batch = officer_records[start:start + WRITE_BATCH]
            _write_batch(batch, [a for r in batch for a in by_code[r.employee_code]], result)
        result.officer_ids.sort()
        result.new_officer_ids.sort()
        if result.dry_run:
            transaction.set_rollback(True)
        else:
            services.role_assignments_changed_notify(officer_ids=result.officer_ids)


def officers_import(*, data: bytes, filename: str, dry_run: bool = False, preview_rows: int = 50,
                    progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Validate the whole file, then write every officer and role assignment in one transaction (or nothing).

    With dry_run the same writes run inside a savepoint that is rolled back, so the counts are exact and no
    notification is sent. Raises OfficerImportError with the problems found (the first 200, and their count).
    """
    if len(data) > settings.LMS_IMPORT_MAX_BYTES:
        raise OfficerImportError([_too_large(len(data), settings.LMS_IMPORT_MAX_BYTES)])
    if not data.strip():
        raise _refused(_("The file is empty."), "empty")
    rows = validate_rows(read_table(data=data, filename=filename), progress=progress)
    result = ImportResult(rows=len(rows), dry_run=dry_run, preview=rows[:preview_rows])
    officer_records, assignment_records = _records(rows)
    del rows  # the checked rows are not needed while writing: the peak memory of a large file is lower
    _write(officer_records, assignment_records, result)
    return result


def officers_import_file(*, file, dry_run: bool = False) -> ImportResult:
    """officers_import() for an uploaded or opened file (the size limit is checked before reading it all)."""
    data, name = read_upload(file)
    return officers_import(data=data, filename=name, dry_run=dry_run)


# --- Background imports -----------------------------------------------------------------------------------


def runs_in_background(*, data: bytes) -> bool:
    """Large uploads (by their unpacked size) are imported by a Celery task with a progress page instead of
    inside the request."""
    return unpacked_size(data) > settings.LMS_IMPORT_BACKGROUND_BYTES


def officer_import_job_create(*, user, data: bytes, filename: str, dry_run: bool = False,
                              send_invitations: bool = False):
    """Keep the upload in an OfficerImportJob and queue officer_import_job_task after commit."""
    from .models import OfficerImportJob
    from .tasks import officer_import_job_task

    job = OfficerImportJob.objects.create(
        created_by=user, filename=Path(filename or "").name[:255], data=data,
        options={"dry_run": dry_run, "send_invitations": send_invitations})
    officer_import_job_task.delay_on_commit(job_id=job.pk)
    return job


def officer_import_job_run(*, job_id: int) -> str:
    """Run a queued officer import: progress while checking the rows, then the result or the problems.

    Safe to run again after a lost worker (the import is all-or-nothing and re-importing updates); a finished
    job is left alone. Returns the job's status.
    """
    from .models import OfficerImportJob

    job = OfficerImportJob.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job.status if job else "missing"
    job.mark_running()
    try:
        result = officers_import(data=bytes(job.data), filename=job.filename,
                                 dry_run=bool(job.options.get("dry_run")), progress=job.mark_progress)
    except OfficerImportError as error:
        job.mark_refused(error)
        return job.status
    if not result.dry_run and job.options.get("send_invitations"):
        result.invited = services.officers_invite_new(officer_ids=result.new_officer_ids)
    job.mark_done(result.as_json())
    return job.status


# --- Templates --------------------------------------------------------------------------------------------


def template_xlsx() -> bytes:
    """The downloadable workbook: headers and an example row, then the valid unit and desk-role codes."""
    units = list(Unit.objects.filter(is_active=True).order_by("path").values_list("code", "name"))
    roles = list(DeskRole.objects.filter(is_active=True).values_list("code", "name_vi"))
    code_rows = []
    for index in range(max(len(units), len(roles))):
        unit = units[index] if index < len(units) else ("", "")
        role = roles[index] if index < len(roles) else ("", "")
        code_rows.append([unit[0], unit[1], "", role[0], role[1]])
    widths = {letter: max(16, len(column) + 4) for letter, column in zip("ABCDEFGH", COLUMNS, strict=True)}
    return xlsx_bytes([
        Sheet("Cán bộ", header=COLUMNS, rows=[EXAMPLE_ROW], widths={**widths, "B": 28, "C": 28},
              header_fill="DDEBF7", text_format=True),
        Sheet("Mã hợp lệ", header=["Mã đơn vị", "Tên đơn vị", "", "Mã vị trí", "Tên vị trí"], rows=code_rows,
              widths={"A": 20, "B": 60, "D": 12, "E": 60}, freeze_header=False),
    ])


def template_csv() -> bytes:
    """The CSV template: UTF-8 with a BOM so that Excel shows the Vietnamese headers correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(EXAMPLE_ROW)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
