"""Import of officers and their desk-role assignments from CSV or XLSX, all rows or none.

The file has a header row with the Vietnamese column names below, in any order; one row per role assignment
(an officer with two roles has two rows). The whole file is validated first and every problem is reported as
(row, column, reason); only a clean file is written, in one transaction, through people.services.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import services
from .models import DeskRole, Officer, Unit
from .text import normalize_text

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

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_PHONE = re.compile(r"^\+?[0-9 .()\-]{6,20}$")
#: More data rows than this are refused (a spreadsheet can claim a million empty rows in a small file).
MAX_ROWS = 50_000
_MAX_LENGTHS = {COL_CODE: 40, COL_NAME: 150, COL_EMAIL: 254, COL_PHONE: 20}


@dataclass(frozen=True)
class ImportProblem:
    """One problem found in an import file. `row` is the spreadsheet row number (the header is row 1)."""

    row: int | None
    column: str | None
    reason: str
    kind: str = ""

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Row %(row)s, column «%(column)s»: %(reason)s") % {
                "row": self.row, "column": self.column, "reason": self.reason}
        if self.row:
            return _("Row %(row)s: %(reason)s") % {"row": self.row, "reason": self.reason}
        if self.column:
            return _("Column «%(column)s»: %(reason)s") % {"column": self.column, "reason": self.reason}
        return self.reason


class OfficerImportError(Exception):
    """The file was refused; nothing was written. `problems` lists every reason found."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = sorted(problems, key=lambda p: (p.row or 0, COLUMNS.index(p.column)
                                                        if p.column in COLUMNS else 99))
        super().__init__("\n".join(str(p) for p in self.problems))


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
    preview: list[ImportRow] = field(default_factory=list)

    @property
    def officers(self) -> int:
        return self.officers_created + self.officers_updated + self.officers_unchanged


# --- Reading the file -------------------------------------------------------------------------------------


def _header_key(value) -> str:
    return normalize_text("" if value is None else str(value)).casefold()


def _read_csv(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OfficerImportError([ImportProblem(None, None, _(
            "The CSV file is not UTF-8 encoded. In Excel choose “Save as” → “CSV UTF-8 (comma delimited)”."
        ), "encoding")]) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _read_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise OfficerImportError([ImportProblem(None, None, _(
            "The file is not a valid Excel workbook (.xlsx)."), "file_type")]) from None
    try:
        sheet = workbook.worksheets[0]
        rows: list = []
        filled = 0
        for values in sheet.iter_rows(values_only=True):
            if any(v is not None and v != "" for v in values):
                rows.append(list(values))
                filled += 1
                if filled > MAX_ROWS + 1:
                    break  # enough to report "too many rows" without holding the rest in memory
            else:
                rows.append(())  # keeps row numbers right; empty rows are skipped later
        return rows
    finally:
        workbook.close()


def read_table(*, data: bytes, filename: str) -> list[list]:
    """The rows of the first sheet (XLSX) or of the CSV file, as lists of raw cell values."""
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".csv", ".txt"):
        if data[:4] == b"PK\x03\x04":
            raise OfficerImportError([ImportProblem(None, None, _(
                "The file is named .csv but is an Excel workbook: rename it to .xlsx."), "file_type")])
        return _read_csv(data)
    if suffix == ".xlsx":
        if data[:4] != b"PK\x03\x04":
            raise OfficerImportError([ImportProblem(None, None, _(
                "The file is not a valid Excel workbook (.xlsx)."), "file_type")])
        return _read_xlsx(data)
    raise OfficerImportError([ImportProblem(None, None, _(
        "Unsupported file type “%(name)s”: upload a .csv or .xlsx file (old .xls files must be saved as .xlsx)."
    ) % {"name": Path(filename or "").name or "?"}, "file_type")])


# --- Cell values ------------------------------------------------------------------------------------------


def _text(value) -> str:
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
    text = _text(value)
    # A spreadsheet that stored 0901234567 as a number dropped the leading zero.
    if isinstance(value, int | float) and len(text) == 9 and text.isdigit():
        text = "0" + text
    return text


def parse_date(value) -> dt.date | None:
    """dd/mm/yyyy text (also d/m/yyyy, with - or .), ISO yyyy-mm-dd, a spreadsheet date or an Excel serial."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        if 1 <= value < 2958466:
            converted = from_excel(value)
            return converted.date() if isinstance(converted, dt.datetime) else converted
        raise ValueError(value)
    text = normalize_text(str(value))
    if not text:
        return None
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    raise ValueError(text)


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- Validation -------------------------------------------------------------------------------------------


def _map_headers(header: list, problems: list[ImportProblem]) -> dict[str, int]:
    wanted = {_header_key(c): c for c in COLUMNS}
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        column = wanted.get(_header_key(value))
        if column is None:
            continue
        if column in positions:
            problems.append(ImportProblem(1, column, _("this column appears more than once."), "duplicate_column"))
            continue
        positions[column] = index
    for column in REQUIRED_COLUMNS:
        if column not in positions:
            problems.append(ImportProblem(1, column, _("this required column is missing from the header row."),
                                          "missing_column"))
    return positions


def validate_rows(table: list[list]) -> list[ImportRow]:
    """Check every row against the database's units and roles; raise OfficerImportError listing all problems."""
    problems: list[ImportProblem] = []
    while table and all(_text(v) == "" for v in table[-1]):
        table.pop()
    header_index = next((i for i, r in enumerate(table) if any(_text(v) for v in r)), None)
    if header_index is None:
        raise OfficerImportError([ImportProblem(None, None, _("The file is empty."), "empty")])
    positions = _map_headers(table[header_index], problems)
    if problems:
        raise OfficerImportError(problems)
    data_rows = [(n, r) for n, r in enumerate(table[header_index + 1:], start=header_index + 2)
                 if any(_text(v) for v in r)]
    if not data_rows:
        raise OfficerImportError([ImportProblem(None, None, _(
            "The file has a header row but no officer rows."), "empty")])
    if len(data_rows) > MAX_ROWS:
        raise OfficerImportError([ImportProblem(None, None, _(
            "The file has %(count)s rows; at most %(max)s can be imported at once: split it into several files."
        ) % {"count": len(data_rows), "max": MAX_ROWS}, "too_large")])

    units = {u.code: u for u in Unit.objects.all()}
    roles = {r.code: r for r in DeskRole.objects.all()}

    def cell(values, column):
        index = positions.get(column)
        return values[index] if index is not None and index < len(values) else None

    rows: list[ImportRow] = []
    for number, values in data_rows:
        def problem(column, reason, kind, number=number):
            problems.append(ImportProblem(number, column, reason, kind))

        code = _text(cell(values, COL_CODE)).upper()
        name = _text(cell(values, COL_NAME))
        email = _text(cell(values, COL_EMAIL)).lower()
        phone = _phone(cell(values, COL_PHONE))
        unit_code = _text(cell(values, COL_UNIT)).upper()
        role_code = _text(cell(values, COL_ROLE)).upper()
        if not code:
            problem(COL_CODE, _("the employee code is missing."), "missing")
        if not name:
            problem(COL_NAME, _("the full name is missing."), "missing")
        for column, value in ((COL_CODE, code), (COL_NAME, name), (COL_EMAIL, email), (COL_PHONE, phone)):
            if len(value) > _MAX_LENGTHS[column]:
                problem(column, _("too long (at most %(max)s characters).") % {"max": _MAX_LENGTHS[column]},
                        "too_long")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problem(COL_EMAIL, _("“%(value)s” is not a valid e-mail address.") % {"value": email}, "email")
        if phone and not _PHONE.match(phone):
            problem(COL_PHONE, _("“%(value)s” is not a valid phone number.") % {"value": phone}, "phone")
        unit = units.get(unit_code)
        if not unit_code:
            problem(COL_UNIT, _("the unit code is missing."), "missing")
        elif unit is None:
            problem(COL_UNIT, _("unit “%(code)s” was not found.") % {"code": unit_code}, "unknown_unit")
        elif not unit.is_active:
            problem(COL_UNIT, _("unit “%(code)s” is no longer active.") % {"code": unit_code}, "unknown_unit")
        role = roles.get(role_code)
        if not role_code:
            problem(COL_ROLE, _("the desk-role code is missing."), "missing")
        elif role is None:
            problem(COL_ROLE, _("desk role “%(code)s” was not found.") % {"code": role_code}, "unknown_role")
        elif not role.is_active:
            problem(COL_ROLE, _("desk role “%(code)s” is no longer in use.") % {"code": role_code}, "unknown_role")
        dates = {}
        for column in (COL_START, COL_END):
            raw = cell(values, column)
            try:
                dates[column] = parse_date(raw)
            except (ValueError, OverflowError):
                dates[column] = None
                problem(column, _("“%(value)s” is not a valid date (use dd/mm/yyyy).") % {"value": _text(raw)},
                        "bad_date")
                continue
        start, end = dates[COL_START], dates[COL_END]
        if start is None and not _text(cell(values, COL_START)):
            problem(COL_START, _("the start date is missing."), "missing")
        if start and end and end < start:
            problem(COL_END, _("the end date %(end)s is before the start date %(start)s.") % {
                "end": _fmt(end), "start": _fmt(start)}, "date_order")
        rows.append(ImportRow(number, code, name, email, phone, unit, role, start, end))

    _check_duplicates(rows, problems)
    _check_logins(rows, problems)
    if problems:
        raise OfficerImportError(problems)
    return rows


def _check_duplicates(rows: list[ImportRow], problems: list[ImportProblem]) -> None:
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
                    problems.append(ImportProblem(row.row, COL_CODE, _(
                        "employee code “%(code)s” is repeated with a different “%(column)s” than on row %(other)s."
                    ) % {"code": row.employee_code, "column": column, "other": first.row}, "duplicate_code"))
                    break
        if row.role and row.unit and row.start_date:
            key = (row.employee_code, row.role.pk, row.unit.pk, row.start_date)
            if key in seen_assignments:
                problems.append(ImportProblem(row.row, COL_CODE, _(
                    "this row repeats row %(other)s (same officer, desk role, unit and start date)."
                ) % {"other": seen_assignments[key]}, "duplicate_row"))
            else:
                seen_assignments[key] = row.row


def _check_logins(rows: list[ImportRow], problems: list[ImportProblem]) -> None:
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
            problems.append(ImportProblem(row.row, COL_CODE, _(
                "the login “%(username)s” already belongs to officer %(code)s."
            ) % {"username": username, "code": taken[username]}, "duplicate_code"))


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


def officers_import(*, data: bytes, filename: str, dry_run: bool = False, preview_rows: int = 50) -> ImportResult:
    """Validate the whole file, then write every officer and role assignment in one transaction (or nothing).

    With dry_run the same writes run inside a savepoint that is rolled back, so the counts are exact and no
    notification is sent. Raises OfficerImportError with every problem found.
    """
    if len(data) > settings.LMS_IMPORT_MAX_BYTES:
        raise OfficerImportError([_too_large(len(data), settings.LMS_IMPORT_MAX_BYTES)])
    if not data.strip():
        raise OfficerImportError([ImportProblem(None, None, _("The file is empty."), "empty")])
    rows = validate_rows(read_table(data=data, filename=filename))
    result = ImportResult(rows=len(rows), dry_run=dry_run, preview=rows[:preview_rows])
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
    with transaction.atomic():
        existing_before = set()
        codes = list(officer_records)
        for start in range(0, len(codes), 500):
            existing_before.update(Officer.objects.filter(employee_code__in=codes[start:start + 500])
                                   .values_list("employee_code", flat=True))
        try:
            officers, officer_result = services.officer_bulk_upsert(records=list(officer_records.values()))
        except ValidationError as error:
            raise OfficerImportError([ImportProblem(None, None, " ".join(error.messages), "conflict")]) from None
        assignment_result = services.role_assignment_bulk_upsert(records=assignment_records, officers=officers)
        result.officers_created = officer_result.created
        result.officers_updated = officer_result.updated
        result.officers_unchanged = officer_result.unchanged
        result.assignments_created = assignment_result.created
        result.assignments_updated = assignment_result.updated
        result.assignments_unchanged = assignment_result.unchanged
        result.officer_ids = sorted(o.pk for o in officers.values())
        result.new_officer_ids = sorted(o.pk for c, o in officers.items() if c not in existing_before)
        if dry_run:
            transaction.set_rollback(True)
    return result


def officers_import_file(*, file, dry_run: bool = False) -> ImportResult:
    """officers_import() for an uploaded or opened file (the size limit is checked before reading it all)."""
    data, name = read_upload(file)
    return officers_import(data=data, filename=name, dry_run=dry_run)


# --- Templates --------------------------------------------------------------------------------------------


def template_xlsx() -> bytes:
    """The downloadable workbook: headers and an example row, then the valid unit and desk-role codes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Cán bộ"
    sheet.append(COLUMNS)
    sheet.append(EXAMPLE_ROW)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        header = sheet.cell(row=1, column=index)
        header.font = bold
        header.fill = fill
        sheet.column_dimensions[get_column_letter(index)].width = max(16, len(column) + 4)
        sheet.cell(row=2, column=index).number_format = "@"
    sheet.column_dimensions["B"].width = 28
    sheet.column_dimensions["C"].width = 28
    sheet.freeze_panes = "A2"

    codes = workbook.create_sheet("Mã hợp lệ")
    codes.append(["Mã đơn vị", "Tên đơn vị", "", "Mã vị trí", "Tên vị trí"])
    units = list(Unit.objects.filter(is_active=True).order_by("path").values_list("code", "name"))
    roles = list(DeskRole.objects.filter(is_active=True).values_list("code", "name_vi"))
    for index in range(max(len(units), len(roles))):
        unit = units[index] if index < len(units) else ("", "")
        role = roles[index] if index < len(roles) else ("", "")
        codes.append([unit[0], unit[1], "", role[0], role[1]])
    for index in range(1, 6):
        codes.cell(row=1, column=index).font = bold
    codes.column_dimensions["A"].width = 20
    codes.column_dimensions["B"].width = 60
    codes.column_dimensions["D"].width = 12
    codes.column_dimensions["E"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv() -> bytes:
    """The CSV template: UTF-8 with a BOM so that Excel shows the Vietnamese headers correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(EXAMPLE_ROW)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
