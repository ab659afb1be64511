"""`manage.py import_procedures FILE [--dry-run]`: the procedure catalogue from CSV or XLSX, all rows or none.

One header row with the Vietnamese column names below (any order; matched after NFC normalisation, trimming and
ignoring case), then one procedure per row. The whole file is checked first and every problem is reported as
(row, column, reason) in Vietnamese (lms.imports); only a clean file is written, in one transaction. A row is
identified by its national code: importing the same file again changes nothing, a changed row updates the
procedure. Reading the file (size limit, CSV/XLSX through lms.spreadsheets) is the officer import's.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from lms.imports import DateError, ImportFailed, Problems, parse_date, single
from people.imports import OfficerImportError, cell_text, read_table, read_upload
from people.text import fold

from .models import LegalDocument, Procedure, Status

COL_CODE = "Mã TTHC"
COL_NAME = "Tên thủ tục"
COL_FIELD = "Lĩnh vực"
COL_LEVEL = "Cấp thực hiện"
COL_DAYS = "Thời hạn (ngày làm việc)"
COL_DAYS_NOTE = "Thời hạn theo công bố"
COL_FEE = "Phí, lệ phí"
COL_FEE_AMOUNT = "Mức phí (đồng)"
COL_ONLINE = "Dịch vụ công trực tuyến"
COL_BOUNDARY = "Phi địa giới"
COL_BASIS = "Căn cứ pháp lý"
COL_DOCUMENTS = "Số hiệu văn bản"
COL_STATUS = "Tình trạng"
COL_SINCE = "Từ ngày"
COL_UNCONFIRMED = "Chưa xác minh"
COL_SOURCE = "Nguồn"

COLUMNS = [COL_CODE, COL_NAME, COL_FIELD, COL_LEVEL, COL_DAYS, COL_DAYS_NOTE, COL_FEE, COL_FEE_AMOUNT, COL_ONLINE,
           COL_BOUNDARY, COL_BASIS, COL_DOCUMENTS, COL_STATUS, COL_SINCE, COL_UNCONFIRMED, COL_SOURCE]
REQUIRED_COLUMNS = [COL_CODE, COL_NAME, COL_FIELD]
MAX_ROWS = 10_000

#: Accepted spellings (folded: no diacritics, lower case) of each choice.
FIELDS = {
    "ho tich": Procedure.Field.CIVIL_STATUS, "chung thuc": Procedure.Field.CERTIFICATION,
    "cu tru": Procedure.Field.RESIDENCE, "dang ky cu tru": Procedure.Field.RESIDENCE,
    "dat dai": Procedure.Field.LAND, "xay dung": Procedure.Field.CONSTRUCTION,
    "ho kinh doanh": Procedure.Field.HOUSEHOLD_BUSINESS, "dang ky kinh doanh": Procedure.Field.HOUSEHOLD_BUSINESS,
    "lao dong - thuong binh va xa hoi": Procedure.Field.SOCIAL, "lao dong thuong binh xa hoi": Procedure.Field.SOCIAL,
    "bao tro xa hoi": Procedure.Field.SOCIAL, "xa hoi": Procedure.Field.SOCIAL,
    "bao hiem": Procedure.Field.HEALTH_INSURANCE, "bao hiem xa hoi, bao hiem y te": Procedure.Field.HEALTH_INSURANCE,
    "khac": Procedure.Field.OTHER,
    **{value: value for value in Procedure.Field.values},
}
LEVELS = {"xa": Procedure.Level.COMMUNE, "cap xa": Procedure.Level.COMMUNE,
          "tinh": Procedure.Level.PROVINCE, "cap tinh": Procedure.Level.PROVINCE}
ONLINE = {"toan trinh": Procedure.Online.FULL, "mot phan": Procedure.Online.PARTIAL,
          "khong": Procedure.Online.NONE, "": Procedure.Online.PARTIAL}
BOOLEANS = {"co": True, "x": True, "1": True, "khong": False, "0": False, "": False}
STATUSES = {"con hieu luc": Status.IN_FORCE, "": Status.IN_FORCE, "duoc sua doi": Status.AMENDED,
            "da sua doi": Status.AMENDED, "sua doi": Status.AMENDED, "bai bo": Status.REPEALED,
            "het hieu luc": Status.REPEALED, "bi thay the": Status.REPEALED}

_MAX = {COL_CODE: 20, COL_NAME: 500, COL_DAYS_NOTE: 500, COL_FEE: 500, COL_BASIS: 1000, COL_UNCONFIRMED: 500,
        COL_SOURCE: 500}
_WRITTEN = ("name", "field", "level", "processing_days", "processing_note", "fee", "fee_amount", "online",
            "boundary_free", "legal_basis", "status", "status_since", "unconfirmed", "source")


class ProcedureImportError(ImportFailed):
    """The file was refused; nothing was written."""


@dataclass
class ProcedureRow:
    row: int
    code: str
    values: dict
    documents: list[LegalDocument]


@dataclass
class ProcedureImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    codes: list[str] = field(default_factory=list)


def _choice(raw: str, accepted: dict, problems: Problems, number: int, column: str, words: str):
    value = accepted.get(fold(raw))
    if value is None:
        problems.add(number, column, _("“%(value)s” is not accepted: write %(words)s.") % {
            "value": raw[:60], "words": words}, "bad_choice")
    return value


def _decimal(raw: str) -> decimal.Decimal:
    return decimal.Decimal(raw.replace(",", "."))


def validate_rows(table: list, problems: Problems) -> list[ProcedureRow]:
    while table and all(cell_text(v) == "" for v in table[-1]):
        table.pop()
    header_index = next((i for i, r in enumerate(table) if any(cell_text(v) for v in r)), None)
    if header_index is None:
        raise single(_("The file is empty."), "empty", error_class=ProcedureImportError)
    wanted = {fold(c): c for c in COLUMNS}
    positions: dict[str, int] = {}
    for index, value in enumerate(table[header_index]):
        column = wanted.get(fold(cell_text(value)))
        if column is None:
            continue
        if column in positions:
            problems.add(header_index + 1, column, _("this column appears more than once."), "duplicate_column")
            continue
        positions[column] = index
    for column in REQUIRED_COLUMNS:
        if column not in positions:
            problems.add(header_index + 1, column, _("this required column is missing from the header row."),
                         "missing_column")
    problems.raise_if_any(ProcedureImportError)
    data_rows = [(n, r) for n, r in enumerate(table[header_index + 1:], start=header_index + 2)
                 if any(cell_text(v) for v in r)]
    if not data_rows:
        raise single(_("The file has a header row but no procedure rows."), "empty",
                     error_class=ProcedureImportError)
    if len(data_rows) > MAX_ROWS:
        raise single(_("The file has %(count)s rows; at most %(max)s can be imported at once: split it into "
                       "several files.") % {"count": len(data_rows), "max": MAX_ROWS}, "too_large",
                     error_class=ProcedureImportError)

    def cell(values, column):
        index = positions.get(column)
        return cell_text(values[index]) if index is not None and index < len(values) else ""

    numbers = {n.strip() for _n, v in data_rows for n in cell(v, COL_DOCUMENTS).split(";") if n.strip()}
    documents = {d.number.casefold(): d for d in LegalDocument.objects.filter(number__in=sorted(numbers))}
    if len(documents) < len(numbers):  # numbers typed in another case
        documents.update({d.number.casefold(): d for d in LegalDocument.objects.all()
                          if d.number.casefold() in {n.casefold() for n in numbers}})
    rows: list[ProcedureRow] = []
    seen: dict[str, int] = {}
    for number, values in data_rows:
        start = problems.total
        text = {column: cell(values, column) for column in COLUMNS}
        for column, limit in _MAX.items():
            if len(text[column]) > limit:
                problems.add(number, column, _("too long (at most %(max)s characters).") % {"max": limit},
                             "too_long")
        code = text[COL_CODE]
        if not code:
            problems.add(number, COL_CODE, _("the national code is missing."), "missing")
        elif code.casefold() in seen:
            problems.add(number, COL_CODE, _("code “%(code)s” already appears in row %(other)s.") % {
                "code": code, "other": seen[code.casefold()]}, "duplicate_row")
        else:
            seen[code.casefold()] = number
        if not text[COL_NAME]:
            problems.add(number, COL_NAME, _("the name of the procedure is missing."), "missing")
        field_value = _choice(text[COL_FIELD], FIELDS, problems, number, COL_FIELD,
                              _("hộ tịch, chứng thực, cư trú, đất đai, xây dựng, hộ kinh doanh, "
                                "lao động - thương binh và xã hội, bảo hiểm or khác"))
        level = _choice(text[COL_LEVEL] or "xã", LEVELS, problems, number, COL_LEVEL, _("cấp xã or cấp tỉnh"))
        online = _choice(text[COL_ONLINE], ONLINE, problems, number, COL_ONLINE, _("toàn trình, một phần or không"))
        boundary = _choice(text[COL_BOUNDARY], BOOLEANS, problems, number, COL_BOUNDARY, _("có or không"))
        status = _choice(text[COL_STATUS], STATUSES, problems, number, COL_STATUS,
                         _("còn hiệu lực, được sửa đổi or bãi bỏ"))
        days = None
        if text[COL_DAYS]:
            try:
                days = _decimal(text[COL_DAYS])
                if not (0 <= days <= 365) or days != days.quantize(decimal.Decimal("0.1")):
                    raise decimal.InvalidOperation
            except decimal.InvalidOperation:
                days = None
                problems.add(number, COL_DAYS, _("“%(value)s” is not a number of working days between 0 and 365 "
                                                 "(0 = the same day).") % {"value": text[COL_DAYS][:40]},
                             "bad_number")
        amount = None
        if text[COL_FEE_AMOUNT]:
            raw = text[COL_FEE_AMOUNT].replace(".", "").replace(" ", "")
            if raw.isdigit() and int(raw) <= 1_000_000_000:
                amount = int(raw)
            else:
                problems.add(number, COL_FEE_AMOUNT, _("“%(value)s” is not an amount in đồng (digits only, e.g. "
                                                       "10.000).") % {"value": text[COL_FEE_AMOUNT][:40]},
                             "bad_number")
        since = None
        try:
            since = parse_date(text[COL_SINCE])
        except DateError as error:
            problems.add(number, COL_SINCE, error.message, "bad_date")
        linked = []
        for document_number in (n.strip() for n in text[COL_DOCUMENTS].split(";")):
            if not document_number:
                continue
            document = documents.get(document_number.casefold())
            if document is None:
                problems.add(number, COL_DOCUMENTS, _("legal document “%(number)s” is not in the list of legal "
                                                      "documents: add it first.") % {"number": document_number[:60]},
                             "unknown_document")
            else:
                linked.append(document)
        if problems.total > start:
            continue
        rows.append(ProcedureRow(number, code, {
            "name": text[COL_NAME], "field": field_value, "level": level, "processing_days": days,
            "processing_note": text[COL_DAYS_NOTE], "fee": text[COL_FEE], "fee_amount": amount, "online": online,
            "boundary_free": boundary, "legal_basis": text[COL_BASIS], "status": status, "status_since": since,
            "unconfirmed": text[COL_UNCONFIRMED], "source": text[COL_SOURCE],
        }, linked))
    problems.raise_if_any(ProcedureImportError)
    return rows


def _same(procedure: Procedure, row: ProcedureRow) -> bool:
    for name in _WRITTEN:
        current, new = getattr(procedure, name), row.values[name]
        if name == "processing_days" and current is not None and new is not None:
            if decimal.Decimal(current) != new:
                return False
        elif current != new:
            return False
    return {d.pk for d in procedure.legal_documents.all()} == {d.pk for d in row.documents}


def procedures_import(*, data: bytes, filename: str, dry_run: bool = False) -> ProcedureImportResult:
    """Check the whole file, then create or update every procedure (by national code) in one transaction."""
    try:
        table = read_table(data=data, filename=filename)
    except OfficerImportError as error:
        raise ProcedureImportError(error.problems, total=error.total) from None
    problems = Problems(columns=COLUMNS)
    rows = validate_rows(list(table), problems)
    result = ProcedureImportResult(rows=len(rows), dry_run=dry_run, codes=[r.code for r in rows])
    with transaction.atomic():
        existing = {p.code.casefold(): p for p in Procedure.objects.filter(
            code__in=[r.code for r in rows]).prefetch_related("legal_documents")}
        for row in rows:
            procedure = existing.get(row.code.casefold())
            if procedure is None:
                result.created += 1
                if not dry_run:
                    procedure = Procedure(code=row.code, **row.values)
                    procedure.full_clean()
                    procedure.save()
                    procedure.legal_documents.set(row.documents)
            elif _same(procedure, row):
                result.unchanged += 1
            else:
                result.updated += 1
                if not dry_run:
                    for name, value in row.values.items():
                        setattr(procedure, name, value)
                    procedure.save()
                    procedure.legal_documents.set(row.documents)
    return result


def procedures_import_file(*, file, dry_run: bool = False) -> ProcedureImportResult:
    """procedures_import() for an uploaded or opened file (the size limit is checked before reading it all)."""
    try:
        data, name = read_upload(file)
    except OfficerImportError as error:
        raise ProcedureImportError(error.problems, total=error.total) from None
    return procedures_import(data=data, filename=name, dry_run=dry_run)
