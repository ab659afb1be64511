"""import_procedures: all rows or none, row + column + Vietnamese reason, idempotent by national code."""

import io
import shutil
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from procedures import services
from procedures.imports import COLUMNS, ProcedureImportError, procedures_import
from procedures.models import LegalDocument, Procedure, Status

pytestmark = pytest.mark.django_db

HEADER = ",".join(f'"{c}"' for c in COLUMNS)


def _csv(*rows: str) -> bytes:
    return ("\ufeff" + "\n".join([HEADER, *rows]) + "\n").encode("utf-8")


ROW_OK = ('2.000815,Chứng thực bản sao từ bản chính,chứng thực,cấp xã,0,Trong ngày,"2.000 đồng/trang",2000,'
          'một phần,có,NĐ 23/2015,23/2015/NĐ-CP,còn hiệu lực,,,')
ROW_OK_2 = '1.001193,Đăng ký khai sinh,Hộ tịch,xã,,,,0,toàn trình,không,,,,,Mã chưa xác minh,'


@pytest.fixture
def decree():
    return LegalDocument.objects.create(number="23/2015/NĐ-CP", kind="Nghị định", title="Về chứng thực")


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def test_a_clean_file_creates_every_procedure_with_its_values(decree):
    result = procedures_import(data=_csv(ROW_OK, ROW_OK_2), filename="thu-tuc.csv")
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 2, 0, 0)
    copy = Procedure.objects.get(code="2.000815")
    assert copy.field == Procedure.Field.CERTIFICATION and copy.level == Procedure.Level.COMMUNE
    assert copy.processing_days == Decimal("0") and copy.fee_amount == 2000 and copy.boundary_free
    assert copy.online == Procedure.Online.PARTIAL and copy.status == Status.IN_FORCE
    assert list(copy.legal_documents.all()) == [decree]
    birth = Procedure.objects.get(code="1.001193")
    assert birth.processing_days is None and birth.fee_amount == 0 and birth.online == Procedure.Online.FULL
    assert birth.unconfirmed == "Mã chưa xác minh"
    assert birth.search_text == "1.001193 dang ky khai sinh"


def test_importing_again_changes_nothing_and_a_changed_row_updates(decree):
    procedures_import(data=_csv(ROW_OK, ROW_OK_2), filename="a.csv")
    again = procedures_import(data=_csv(ROW_OK, ROW_OK_2), filename="a.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = procedures_import(data=_csv(ROW_OK.replace(",2000,", ",3000,"), ROW_OK_2), filename="a.csv")
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Procedure.objects.get(code="2.000815").fee_amount == 3000
    assert Procedure.objects.count() == 2


def test_one_bad_row_refuses_the_whole_file_with_row_column_and_reason(decree):
    bad = ('9.999,Thủ tục sai,thiên văn,cấp huyện,ba ngày,,,12a,trực tiếp,có,,99/2099/NĐ-CP,còn hiệu lực,'
           '31/02/2026,,')
    with pytest.raises(ProcedureImportError) as caught:
        procedures_import(data=_csv(ROW_OK, bad, ROW_OK.replace("Chứng thực bản sao", "Trùng")), filename="a.csv")
    problems = {(p.row, p.column): p.message for p in caught.value.problems}
    assert "không được chấp nhận" in problems[(3, "Lĩnh vực")]
    assert "cấp xã hoặc cấp tỉnh" in problems[(3, "Cấp thực hiện")]
    assert "ngày làm việc" in problems[(3, "Thời hạn (ngày làm việc)")]
    assert (3, "Mức phí (đồng)") in problems and (3, "Dịch vụ công trực tuyến") in problems
    assert "99/2099/NĐ-CP" in problems[(3, "Số hiệu văn bản")]
    assert (3, "Từ ngày") in problems
    assert "dòng 2" in problems[(4, "Mã TTHC")]
    assert Procedure.objects.count() == 0


def test_a_missing_required_column_and_an_empty_file_are_refused():
    with pytest.raises(ProcedureImportError) as caught:
        procedures_import(data="Mã TTHC,Tên thủ tục\n1.1,X\n".encode(), filename="a.csv")
    assert [(p.row, p.column) for p in caught.value.problems] == [(1, "Lĩnh vực")]
    with pytest.raises(ProcedureImportError):
        procedures_import(data=HEADER.encode() + b"\n", filename="a.csv")
    with pytest.raises(ProcedureImportError) as caught:
        procedures_import(data=b"x", filename="a.pdf")
    assert ".xlsx" in caught.value.problems[0].message


def test_an_xlsx_file_is_read_like_the_csv(decree):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    sheet.append(["2.000884", "Chứng thực chữ ký", "chứng thực", "cấp xã", 0, "", "10.000 đồng", 10000,
                  "một phần", "có", "", "23/2015/NĐ-CP", "", "", "", ""])
    out = io.BytesIO()
    workbook.save(out)
    result = procedures_import(data=out.getvalue(), filename="thu-tuc.xlsx")
    assert result.created == 1 and Procedure.objects.get(code="2.000884").fee_amount == 10000


def test_the_command_dry_run_writes_nothing_and_a_bad_file_fails(tmp_path, decree):
    good = tmp_path / "thu-tuc.csv"
    good.write_bytes(_csv(ROW_OK))
    out = io.StringIO()
    call_command("import_procedures", str(good), "--dry-run", stdout=out)
    assert Procedure.objects.count() == 0 and "1" in out.getvalue()
    call_command("import_procedures", str(good), stdout=io.StringIO())
    assert Procedure.objects.count() == 1
    bad = tmp_path / "sai.csv"
    bad.write_bytes(_csv(ROW_OK.replace("chứng thực,", "xyz,", 1)))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_procedures", str(bad), stderr=err)
    assert "Dòng 2" in err.getvalue() and "Lĩnh vực" in err.getvalue()


def test_the_starter_catalogue_and_legal_documents_load_cleanly_and_idempotently(tmp_path):
    created, updated = services.legal_documents_load()
    assert created >= 12 and updated == 0
    assert services.legal_documents_load() == (0, 0)
    nd118 = LegalDocument.objects.get(number="118/2025/NĐ-CP")
    assert {d.number for d in nd118.replaces.all()} == {"61/2018/NĐ-CP", "107/2021/NĐ-CP"}
    assert LegalDocument.objects.get(number="61/2018/NĐ-CP").status == Status.REPEALED
    assert LegalDocument.objects.get(number="69/2024/NĐ-CP").replaces.get().number == "59/2022/NĐ-CP"
    assert not LegalDocument.objects.get(number="367/2025/NĐ-CP").is_confirmed
    result = services.catalogue_load()
    assert result.created == Procedure.objects.count() >= 10
    names = " ".join(Procedure.objects.values_list("search_text", flat=True))
    for word in ("khai sinh", "ket hon", "khai tu", "chung thuc ban sao", "chung thuc chu ky", "thuong tru",
                 "ho kinh doanh", "tro cap xa hoi", "bao hiem y te", "mai tang"):
        assert word in names, word
    assert services.catalogue_load().unchanged == result.created
    # The command reads the same file.
    copy = tmp_path / "procedures.csv"
    shutil.copy(services.PROCEDURES_FILE, copy)
    call_command("import_procedures", str(copy), stdout=io.StringIO())
    assert Procedure.objects.count() == result.created
