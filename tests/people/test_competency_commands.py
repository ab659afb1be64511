"""manage.py import_attainments and competency_status: the import guarantees and the CSV contract."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from people.attainment_import import AttainmentImportError, attainments_import, template_csv, template_xlsx
from people.competency import STATUS_CSV_HEADERS
from people.models import Attainment
from tests.people.factories import (
    AttainmentFactory,
    CompetencyFactory,
    DeskRoleFactory,
    OfficerFactory,
    RoleAssignmentFactory,
    RoleRequirementFactory,
)

HEADER = "Mã cán bộ,Mã năng lực,Mức,Ngày đạt,Hiệu lực đến,Căn cứ\n"


@pytest.fixture
def people(unit_tree):
    a = OfficerFactory(employee_code="GD003", full_name="Lê Thị Ngọc Ánh", unit=unit_tree["centre_a"])
    b = OfficerFactory(employee_code="BQ005", full_name="Thái Thị Mỹ Duyên", unit=unit_tree["centre_b"])
    nv04, gt02 = CompetencyFactory(code="NV04"), CompetencyFactory(code="GT02")
    return {"a": a, "b": b, "nv04": nv04, "gt02": gt02}


def csv_bytes(*lines, header=HEADER, bom=True):
    text = header + "".join(line + "\n" for line in lines)
    return (("\ufeff" if bom else "") + text).encode("utf-8")


# --- Import ---------------------------------------------------------------------------------------------------


def test_import_creates_prior_learning_and_reimport_adds_nothing(people):
    data = csv_bytes(
        "gd003,nv04,2,15/03/2024,15/03/2026,Quyết định 125/QĐ-UBND",
        "BQ005,GT02,3,46023,,Chứng chỉ bồi dưỡng số 77",  # a spreadsheet serial date in a CSV
    )
    result = attainments_import(data=data, filename="lich-su.csv")
    assert (result.rows, result.created, result.unchanged) == (2, 2, 0)
    first = Attainment.objects.get(officer=people["a"])
    assert (first.kind, first.level, first.achieved_on, first.expires_on, first.evidence_reference) == (
        Attainment.Kind.PRIOR_LEARNING, 2, dt.date(2024, 3, 15), dt.date(2026, 3, 15), "Quyết định 125/QĐ-UBND")
    assert Attainment.objects.get(officer=people["b"]).achieved_on == dt.date(2026, 1, 1)
    again = attainments_import(data=data, filename="lich-su.csv")
    assert (again.created, again.unchanged) == (0, 2)
    assert Attainment.objects.count() == 2


def test_reimport_with_decomposed_text_is_the_same_evidence(people):
    import unicodedata

    line = "GD003,NV04,2,15/03/2024,,Quyết định 125/QĐ-UBND"
    attainments_import(data=csv_bytes(line), filename="a.csv")
    decomposed = unicodedata.normalize("NFD", HEADER + line + "\n").encode("utf-8")
    assert attainments_import(data=decomposed, filename="a.csv").created == 0


def test_any_error_imports_nothing_and_reports_row_column_reason(people):
    data = csv_bytes(
        "GD003,NV04,2,15/03/2024,,QĐ 1",           # fine
        "XX999,NV04,2,15/03/2024,,QĐ 2",           # unknown officer
        "GD003,ZZ01,4,31/02/2024,01/01/2020,",     # unknown competency, bad level, bad date, no basis
        "GD003,NV04,2,01/01/2024,31/12/2023,QĐ 3",  # end before start
        "GD003,NV04,2,15/03/2024,,QĐ 1",           # repeats row 2
        f"GD003,NV04,1,{(timezone.localdate() + dt.timedelta(days=1)):%d/%m/%Y},,QĐ 4",  # future
    )
    with pytest.raises(AttainmentImportError) as caught:
        attainments_import(data=data, filename="x.csv")
    found = {(p.row, p.column, p.kind) for p in caught.value.problems}
    assert found == {
        (3, "Mã cán bộ", "unknown_officer"),
        (4, "Mã năng lực", "unknown_competency"), (4, "Mức", "bad_level"), (4, "Ngày đạt", "bad_date"),
        (4, "Căn cứ", "missing"),
        (5, "Hiệu lực đến", "date_order"),
        (6, "Mã cán bộ", "duplicate_row"),
        (7, "Ngày đạt", "future_date"),
    }
    assert str(caught.value.problems[0]).startswith("Dòng 3, cột «Mã cán bộ»:")
    assert Attainment.objects.count() == 0


def test_problems_are_capped_like_the_officer_import(people):
    data = csv_bytes(*[f"XX{n:03d},NV04,2,15/03/2024,,QĐ {n}" for n in range(250)])
    with pytest.raises(AttainmentImportError) as caught:
        attainments_import(data=data, filename="x.csv")
    error = caught.value
    assert (len(error.problems), error.total, error.more) == (200, 250, 50)
    assert len(error.lines()) == 201 and "50" in error.lines()[-1]
    assert Attainment.objects.count() == 0


def test_missing_columns_and_wrong_file(people):
    with pytest.raises(AttainmentImportError) as caught:
        attainments_import(data=csv_bytes("GD003,NV04,2", header="Mã cán bộ,Mã năng lực,Mức\n"), filename="a.csv")
    assert {p.column for p in caught.value.problems} == {"Ngày đạt", "Căn cứ"}
    with pytest.raises(AttainmentImportError):
        attainments_import(data=b"%PDF-1.4", filename="a.pdf")
    with pytest.raises(AttainmentImportError):
        attainments_import(data=csv_bytes(), filename="a.csv")


def test_xlsx_with_real_dates_and_the_templates(people):
    from openpyxl import Workbook, load_workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Căn cứ", "Mức", "Mã năng lực", "Mã cán bộ", "Ngày đạt"])  # any order, no optional column
    sheet.append(["QĐ 9/QĐ-UBND", 3, "GT02", "GD003", dt.datetime(2025, 5, 20)])
    out = io.BytesIO()
    workbook.save(out)
    result = attainments_import(data=out.getvalue(), filename="a.xlsx")
    assert result.created == 1
    attainment = Attainment.objects.get()
    assert (attainment.level, attainment.achieved_on, attainment.expires_on) == (3, dt.date(2025, 5, 20), None)
    assert template_csv().decode("utf-8-sig").splitlines()[0] == HEADER.strip()
    assert [c.value for c in next(load_workbook(io.BytesIO(template_xlsx())).active.iter_rows(max_row=1))] == \
        HEADER.strip().split(",")


def test_import_command_dry_run_and_errors(people, tmp_path, capsys):
    path = tmp_path / "lich-su.csv"
    path.write_bytes(csv_bytes("GD003,NV04,2,15/03/2024,,QĐ 1"))
    call_command("import_attainments", str(path), "--dry-run")
    assert Attainment.objects.count() == 0
    call_command("import_attainments", str(path))
    assert Attainment.objects.count() == 1
    bad = tmp_path / "sai.csv"
    bad.write_bytes(csv_bytes("GD003,NV04,9,15/03/2024,,QĐ 1"))
    with pytest.raises(CommandError):
        call_command("import_attainments", str(bad))
    assert "Dòng 2, cột «Mức»" in capsys.readouterr().err
    with pytest.raises(CommandError):
        call_command("import_attainments", str(tmp_path / "khong-co.csv"))


# --- competency_status CSV ---------------------------------------------------------------------------------------


@pytest.fixture
def report(unit_tree):
    tn, hd = DeskRoleFactory(code="TN"), DeskRoleFactory(code="HD")
    nv04, gt02 = CompetencyFactory(code="NV04"), CompetencyFactory(code="GT02")
    RoleRequirementFactory(role=tn, competency=nv04, level=2, validity_months=12)
    RoleRequirementFactory(role=hd, competency=nv04, level=1, validity_months=24)
    RoleRequirementFactory(role=hd, competency=gt02, level=1, validity_months=24)
    b = OfficerFactory(employee_code="GD010", full_name="Bùi Quốc Huy", unit=unit_tree["team_a"])
    a = OfficerFactory(employee_code="GD003", full_name="Lê Thị Ngọc Ánh", unit=unit_tree["centre_a"])
    c = OfficerFactory(employee_code="BQ001", full_name="Nguyễn Minh Tuấn", unit=unit_tree["centre_b"])
    for officer, roles in ((a, (tn, hd)), (b, (hd,)), (c, (tn,))):
        for role in roles:
            RoleAssignmentFactory(officer=officer, role=role, start_date=dt.date(2025, 7, 1))
    AttainmentFactory(officer=a, competency=nv04, level=2, achieved_on=dt.date(2026, 1, 10), expires_on=None)
    return {"a": a, "b": b, "c": c}


def run_status(*args):
    out = io.StringIO()
    call_command("competency_status", *args, stdout=out)
    return out.getvalue()


def test_csv_contract_headers_bom_sorting_and_values(report, tmp_path):
    path = tmp_path / "trang-thai.csv"
    call_command("competency_status", "--date", "15/06/2026", "--output", str(path))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == STATUS_CSV_HEADERS == ["Mã cán bộ", "Họ và tên", "Mã đơn vị", "Vị trí yêu cầu", "Mã năng lực",
                                             "Mức yêu cầu", "Mức đạt", "Trạng thái", "Hiệu lực đến"]
    assert rows[1:] == [
        ["BQ001", "Nguyễn Minh Tuấn", "WARDB-TT", "TN", "NV04", "2", "0", "chưa đạt", ""],
        ["GD003", "Lê Thị Ngọc Ánh", "WARDA-TT", "HD", "GT02", "1", "0", "chưa đạt", ""],
        ["GD003", "Lê Thị Ngọc Ánh", "WARDA-TT", "HD, TN", "NV04", "2", "2", "đạt", "10/01/2027"],
        ["GD010", "Bùi Quốc Huy", "WARDA-TT-1", "HD", "GT02", "1", "0", "chưa đạt", ""],
        ["GD010", "Bùi Quốc Huy", "WARDA-TT-1", "HD", "NV04", "1", "0", "chưa đạt", ""],
    ]


def test_csv_unit_subtree_date_and_stdout(report):
    text = run_status("--unit", "warda", "--date", "01/12/2026")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r[0] for r in rows[1:]} == {"GD003", "GD010"}
    assert [r[7] for r in rows[1:] if r[0] == "GD003" and r[4] == "NV04"] == ["sắp hết hạn"]
    rows = list(csv.reader(io.StringIO(run_status("--unit", "WARDA", "--date", "11/01/2027").lstrip("\ufeff"))))
    assert [r[7:] for r in rows[1:] if r[0] == "GD003" and r[4] == "NV04"] == [["hết hạn", "10/01/2027"]]


@pytest.mark.parametrize("args", [["--unit", "KHONGCO"], ["--date", "31/02/2026"], ["--date", "2026-06-15"],
                                  ["--unit", ""]])
def test_csv_bad_arguments_are_clear_errors(report, args):
    with pytest.raises(CommandError) as caught:
        run_status(*args)
    assert "không" in str(caught.value).lower() or "dd/mm/yyyy" in str(caught.value)
