import datetime as dt
import io
import unicodedata

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from people import signals
from people.imports import (
    COLUMNS,
    OfficerImportError,
    officers_import,
    officers_import_file,
    parse_date,
    template_csv,
    template_xlsx,
)
from people.models import Officer, RoleAssignment
from tests.people.factories import DeskRoleFactory, OfficerFactory, UnitFactory, UserFactory

HEADER = "Mã cán bộ,Họ và tên,Email,Số điện thoại,Mã đơn vị,Mã vị trí,Ngày bắt đầu,Ngày kết thúc"


@pytest.fixture
def roles(db):
    return {code: DeskRoleFactory(code=code, name_vi=name) for code, name in
            [("TN", "Công chức tiếp nhận và trả kết quả"), ("HD", "Người hướng dẫn / hỗ trợ")]}


def csv_bytes(*lines, header=HEADER, bom=False, delimiter=","):
    text = "\n".join([header, *lines]) + "\n"
    if delimiter != ",":
        text = text.replace(",", delimiter)
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def xlsx_bytes(rows, header=COLUMNS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD = [
    "CB001,Nguyễn Thị Lan,lan@example.vn,0901234567,WARDA-TT,TN,01/07/2025,",
    "CB001,Nguyễn Thị Lan,lan@example.vn,0901234567,WARDA-TT,HD,15/08/2025,31/12/2026",
    "CB002,Trần Văn Hùng,,,WARDB-TT,TN,1/7/2025,",
]


def problems_of(excinfo):
    return [(p.row, p.column, p.kind) for p in excinfo.value.problems]


def test_good_csv_creates_officers_logins_and_assignments(unit_tree, roles):
    result = officers_import(data=csv_bytes(*GOOD), filename="can-bo.csv")
    assert (result.officers_created, result.officers_updated, result.assignments_created) == (2, 0, 3)
    lan = Officer.objects.get(employee_code="CB001")
    assert lan.full_name == "Nguyễn Thị Lan" and lan.unit == unit_tree["centre_a"]
    assert lan.sort_name.startswith("lan ") and lan.search_name == "nguyen thi lan"
    assert lan.user.username == "cb001" and not lan.user.has_usable_password()
    assert lan.user.groups.filter(name="Officer").exists()
    assert lan.user.first_name == "Lan" and lan.user.last_name == "Nguyễn Thị"
    ended = RoleAssignment.objects.get(officer=lan, role=roles["HD"])
    assert (ended.start_date, ended.end_date) == (dt.date(2025, 8, 15), dt.date(2026, 12, 31))
    assert RoleAssignment.objects.get(officer__employee_code="CB002").start_date == dt.date(2025, 7, 1)


def test_good_xlsx_with_spreadsheet_dates_numbers_and_any_column_order(unit_tree, roles):
    header = ["Mã vị trí", " mã đơn vị ", "HỌ VÀ TÊN", "Mã cán bộ", "Ngày bắt đầu", "Số điện thoại"]
    rows = [["TN", "WARDA-TT", "Lê Thị Thu Hà", 12345, dt.datetime(2025, 7, 1), 901234567],
            ["HD", "WARDA-TT", "Lê Thị Thu Hà", 12345, 45839, 901234567]]
    result = officers_import(data=xlsx_bytes(rows, header=header), filename="Can bo.XLSX")
    assert (result.officers_created, result.assignments_created) == (1, 2)
    officer = Officer.objects.get(employee_code="12345")
    assert officer.phone == "0901234567"
    assert set(officer.assignments.values_list("start_date", flat=True)) == {dt.date(2025, 7, 1)}


def test_csv_with_bom_and_semicolons(unit_tree, roles):
    result = officers_import(data=csv_bytes(*GOOD, bom=True, delimiter=";"), filename="x.csv")
    assert result.officers_created == 2


def test_decomposed_vietnamese_is_stored_nfc(unit_tree, roles):
    decomposed = unicodedata.normalize("NFD", "Đặng Thị Ngọc Ánh")
    assert decomposed != "Đặng Thị Ngọc Ánh"
    officers_import(data=csv_bytes(f"CB009,{decomposed},,,WARDA-TT,TN,01/07/2025,"), filename="x.csv")
    officer = Officer.objects.get(employee_code="CB009")
    assert officer.full_name == "Đặng Thị Ngọc Ánh"
    assert unicodedata.is_normalized("NFC", officer.full_name)
    assert officer.search_name == "dang thi ngoc anh"


def test_decomposed_headers_are_matched(unit_tree, roles):
    header = unicodedata.normalize("NFD", HEADER)
    assert officers_import(data=csv_bytes(*GOOD, header=header), filename="x.csv").officers_created == 2


def test_reimport_updates_instead_of_duplicating(unit_tree, roles):
    officers_import(data=csv_bytes(*GOOD), filename="x.csv")
    again = officers_import(data=csv_bytes(*GOOD), filename="x.csv")
    assert (again.officers_created, again.officers_updated, again.officers_unchanged) == (0, 0, 2)
    assert (again.assignments_created, again.assignments_updated, again.assignments_unchanged) == (0, 0, 3)
    changed = [GOOD[0].replace("0901234567", "0907654321"), GOOD[1].replace("0901234567", "0907654321")
               .replace("31/12/2026", "30/06/2027"), GOOD[2]]
    third = officers_import(data=csv_bytes(*changed), filename="x.csv")
    assert (third.officers_created, third.officers_updated, third.assignments_updated) == (0, 1, 1)
    assert Officer.objects.count() == 2 and RoleAssignment.objects.count() == 3
    assert Officer.objects.get(employee_code="CB001").phone == "0907654321"


def test_reimport_matches_an_officer_created_elsewhere(unit_tree, roles, officer):
    line = f"{officer.employee_code},Nguyễn Thị Lan Anh,,,WARDA-TT,TN,01/07/2025,"
    result = officers_import(data=csv_bytes(line), filename="x.csv")
    assert (result.officers_created, result.officers_updated) == (0, 1)
    officer.refresh_from_db()
    assert officer.full_name == "Nguyễn Thị Lan Anh" and officer.unit == unit_tree["centre_a"]


def test_one_notification_with_all_officers(unit_tree, roles, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, officer_ids, **kwargs):
        received.append(officer_ids)

    signals.role_assignments_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = officers_import(data=csv_bytes(*GOOD), filename="x.csv")
    finally:
        signals.role_assignments_changed.disconnect(receiver)
    assert received == [result.officer_ids] and len(result.officer_ids) == 2


def test_dry_run_writes_nothing_and_notifies_nobody(unit_tree, roles, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = officers_import(data=csv_bytes(*GOOD), filename="x.csv", dry_run=True)
    assert result.officers_created == 2 and result.assignments_created == 3
    assert not Officer.objects.exists() and not callbacks


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("CB001,Nguyễn Thị Lan,,,KHONGCO,TN,01/07/2025,", (2, "Mã đơn vị", "unknown_unit")),
        ("CB001,Nguyễn Thị Lan,,,WARDA-TT,XX,01/07/2025,", (2, "Mã vị trí", "unknown_role")),
        ("CB001,Nguyễn Thị Lan,,,WARDA-TT,TN,31/02/2025,", (2, "Ngày bắt đầu", "bad_date")),
        ("CB001,Nguyễn Thị Lan,,,WARDA-TT,TN,hôm qua,", (2, "Ngày bắt đầu", "bad_date")),
        ("CB001,Nguyễn Thị Lan,,,WARDA-TT,TN,01/07/2025,30/06/2025", (2, "Ngày kết thúc", "date_order")),
        ("CB001,Nguyễn Thị Lan,,,WARDA-TT,TN,,", (2, "Ngày bắt đầu", "missing")),
        ("CB001,,,,WARDA-TT,TN,01/07/2025,", (2, "Họ và tên", "missing")),
        (",Nguyễn Thị Lan,,,WARDA-TT,TN,01/07/2025,", (2, "Mã cán bộ", "missing")),
        ("CB001,Nguyễn Thị Lan,lan@@example,,WARDA-TT,TN,01/07/2025,", (2, "Email", "email")),
        ("CB001,Nguyễn Thị Lan,,abc,WARDA-TT,TN,01/07/2025,", (2, "Số điện thoại", "phone")),
    ],
)
def test_each_bad_cell_is_reported_with_row_and_column(unit_tree, roles, line, expected):
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import(data=csv_bytes(GOOD[2], line), filename="x.csv")
    row, column, kind = expected
    assert problems_of(excinfo) == [(row + 1, column, kind)]
    assert not Officer.objects.exists()


def test_inactive_unit_is_refused(unit_tree, roles):
    unit_tree["centre_b"].is_active = False
    unit_tree["centre_b"].save()
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import(data=csv_bytes(GOOD[2]), filename="x.csv")
    assert problems_of(excinfo) == [(2, "Mã đơn vị", "unknown_unit")]


def test_duplicate_code_with_other_name_or_unit(unit_tree, roles):
    lines = [GOOD[0], "CB001,Nguyễn Thị Lành,,,WARDA-TT,HD,01/07/2025,", "CB001,Nguyễn Thị Lan,,,WARDB-TT,HD,01/07/2026,",
             GOOD[0]]
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import(data=csv_bytes(*lines), filename="x.csv")
    assert problems_of(excinfo) == [(3, "Mã cán bộ", "duplicate_code"), (4, "Mã cán bộ", "duplicate_code"),
                                    (5, "Mã cán bộ", "duplicate_row")]
    assert "2" in excinfo.value.problems[0].reason


def test_code_whose_login_belongs_to_another_officer(unit_tree, roles):
    OfficerFactory(employee_code="OTHER1", unit=unit_tree["centre_a"], user=UserFactory(username="cb001"))
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import(data=csv_bytes(GOOD[0]), filename="x.csv")
    assert problems_of(excinfo) == [(2, "Mã cán bộ", "duplicate_code")]


def test_existing_login_without_officer_is_linked(unit_tree, roles):
    user = UserFactory(username="cb002")
    officers_import(data=csv_bytes(GOOD[2]), filename="x.csv")
    assert Officer.objects.get(employee_code="CB002").user == user
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Hùng", "Trần Văn")
    assert user.groups.filter(name="Officer").exists()


def test_too_many_rows(unit_tree, roles, monkeypatch):
    from people import imports

    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import(data=csv_bytes(*GOOD), filename="x.csv")
    assert [p.kind for p in excinfo.value.problems] == ["too_large"]


def test_every_problem_is_collected(unit_tree, roles):
    lines = ["CB001,,,,KHONGCO,XX,99/99/2025,", "CB002,Trần Văn Hùng,,,WARDB-TT,TN,01/07/2025,x"]
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import(data=csv_bytes(*lines), filename="x.csv")
    assert problems_of(excinfo) == [
        (2, "Họ và tên", "missing"), (2, "Mã đơn vị", "unknown_unit"), (2, "Mã vị trí", "unknown_role"),
        (2, "Ngày bắt đầu", "bad_date"), (3, "Ngày kết thúc", "bad_date"),
    ]


def test_one_bad_row_imports_nothing(unit_tree, roles):
    lines = [*GOOD, "CB003,Phạm Minh Tuấn,,,KHONGCO,TN,01/07/2025,"]
    with pytest.raises(OfficerImportError):
        officers_import(data=csv_bytes(*lines), filename="x.csv")
    assert not Officer.objects.exists() and not RoleAssignment.objects.exists()


def test_failure_while_writing_rolls_everything_back(unit_tree, roles, monkeypatch):
    from people import services

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "role_assignment_bulk_upsert", boom)
    with pytest.raises(RuntimeError):
        officers_import(data=csv_bytes(*GOOD), filename="x.csv")
    assert not Officer.objects.exists()


def test_missing_required_column(unit_tree, roles):
    header = "Mã cán bộ,Email,Mã đơn vị,Ngày bắt đầu"
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import(data=csv_bytes("CB001,,WARDA-TT,01/07/2025", header=header), filename="x.csv")
    assert problems_of(excinfo) == [(1, "Họ và tên", "missing_column"), (1, "Mã vị trí", "missing_column")]


@pytest.mark.parametrize(
    ("data", "filename", "kind"),
    [
        (b"", "x.csv", "empty"),
        (b"\xef\xbb\xbf\r\n\r\n", "x.csv", "empty"),
        (HEADER.encode() + b"\n,,,,,,,\n", "x.csv", "empty"),
        (b"%PDF-1.7 something", "x.pdf", "file_type"),
        (b"\xd0\xcf\x11\xe0 old excel", "x.xls", "file_type"),
        (b"not a zip at all", "x.xlsx", "file_type"),
        (b"PK\x03\x04 broken zip", "x.xlsx", "file_type"),
        (xlsx_bytes([]), "x.csv", "file_type"),
        ("Họ và tên;Số điện thoại".encode("latin-1", "replace") + b"\xe0\xe1", "x.csv", "encoding"),
    ],
)
def test_file_level_problems(db, data, filename, kind):
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import(data=data, filename=filename)
    assert [p.kind for p in excinfo.value.problems] == [kind]
    assert str(excinfo.value.problems[0])


def test_empty_xlsx(db):
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import(data=xlsx_bytes([], header=[]), filename="x.xlsx")
    assert [p.kind for p in excinfo.value.problems] == ["empty"]


def test_file_too_large(db, settings):
    settings.LMS_IMPORT_MAX_BYTES = 100
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import_file(file=io.BytesIO(csv_bytes(*GOOD)))
    assert [p.kind for p in excinfo.value.problems] == ["too_large"]
    with pytest.raises(OfficerImportError):
        officers_import(data=csv_bytes(*GOOD), filename="x.csv")


def test_problem_text_names_row_and_column(unit_tree, roles):
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import(data=csv_bytes("CB001,Lan,,,ABC,TN,01/07/2025,"), filename="x.csv")
    text = str(excinfo.value.problems[0])
    assert "2" in text and "«Mã đơn vị»" in text and "ABC" in text


def test_parse_date_forms():
    assert parse_date("01/07/2025") == dt.date(2025, 7, 1)
    assert parse_date("1.7.2025") == dt.date(2025, 7, 1)
    assert parse_date("2025-07-01") == dt.date(2025, 7, 1)
    assert parse_date(dt.datetime(2025, 7, 1, 0, 0)) == dt.date(2025, 7, 1)
    assert parse_date(45839) == dt.date(2025, 7, 1)
    assert parse_date("") is None
    for bad in ("32/01/2025", "07/2025", "abc"):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_templates_round_trip(unit_tree, roles):
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    main, codes = workbook.worksheets
    assert [c.value for c in main[1]] == COLUMNS
    code_values = {row[0] for row in codes.iter_rows(min_row=2, values_only=True)}
    assert {"HCM", "WARDA-TT", "WARDB-TT"} <= code_values
    assert {row[3] for row in codes.iter_rows(min_row=2, values_only=True)} >= {"TN", "HD"}
    csv_template = template_csv()
    assert csv_template.startswith("\ufeff".encode()) and COLUMNS[0] in csv_template.decode("utf-8-sig")


def test_example_row_of_the_template_imports(db, roles):
    UnitFactory(code="GIADINH-TT", name="Trung tâm Phục vụ hành chính công phường Gia Định")
    assert officers_import(data=template_xlsx(), filename="mau.xlsx").officers_created == 1
    assert officers_import(data=template_csv(), filename="mau.csv").officers_unchanged == 1


def test_command_imports_and_exits_non_zero_on_errors(unit_tree, roles, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(*GOOD))
    call_command("import_officers", str(good), "--dry-run")
    assert "2" in capsys.readouterr().out and not Officer.objects.exists()
    call_command("import_officers", str(good))
    assert Officer.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes("CB005,,,,KHONGCO,TN,01/07/2025,"))
    with pytest.raises(CommandError):
        call_command("import_officers", str(bad))
    err = capsys.readouterr().err
    assert "«Họ và tên»" in err and "«Mã đơn vị»" in err
    with pytest.raises(CommandError):
        call_command("import_officers", str(tmp_path / "missing.csv"))


def test_xlsx_with_empty_rows_keeps_spreadsheet_row_numbers(unit_tree, roles):
    rows = [["CB001", "Nguyễn Thị Lan", None, None, "WARDA-TT", "TN", "01/07/2025", None], [None] * 8,
            ["CB002", "Trần Văn Hùng", None, None, "KHONGCO", "TN", "01/07/2025", None], [None] * 8]
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import(data=xlsx_bytes(rows), filename="x.xlsx")
    assert problems_of(excinfo) == [(4, "Mã đơn vị", "unknown_unit")]
