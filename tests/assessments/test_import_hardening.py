"""Question import and export hardening: formula escaping, marks, lengths, dates, limits, problem cap, jobs."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessments.imports import ImportFailed, parse_gift, parse_xlsx, questions_import
from assessments.models import Question, QuestionImportJob
from tests import hostile_files
from tests.assessments.test_imports import _row, _xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_reasons():
    from django.utils import translation

    with translation.override("en"):
        yield


def _all_cells(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _no_formula(data: bytes):
    cells = _all_cells(data)
    assert cells
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    return cells


def test_question_export_has_no_live_formula_and_round_trips():
    from assessments.exports import export_xlsx, questions_for_export
    from assessments.imports import questions_import
    from assessments.models import Choice
    from tests.assessments.factories import QuestionCategoryFactory, make_question

    category = QuestionCategoryFactory(name="Công thức")
    question = make_question("single", category=category, title='=HYPERLINK("http://evil","bấm")',
                             legal_reference="+84 NĐ 118")
    Choice.objects.filter(question=question, sort_order=0).update(text="-5 ngày", feedback="@xem")
    data = export_xlsx(list(questions_for_export(category=category)))
    cells = _no_formula(data)
    assert "'=HYPERLINK(\"http://evil\",\"bấm\")" in [c.value for c in cells]
    copy = questions_import(content=data, fmt="xlsx", category_path="Bản sao")[0]
    assert copy.title == question.title and copy.legal_reference == "+84 NĐ 118"
    assert copy.choices.get(sort_order=0).text == "-5 ngày"


def test_every_other_xlsx_the_app_writes_goes_through_the_helper(client, trainer, quiz, officer):
    from django.urls import reverse

    from assessments import services
    from people.imports import template_xlsx

    _no_formula(template_xlsx())
    services.attempt_submit(attempt=services.attempt_start(quiz=quiz, officer=officer))
    client.force_login(trainer)
    for url in (reverse("assessments_transfer:template"), reverse("assessments_analysis:xlsx", args=[quiz.pk])):
        _no_formula(client.get(url).content)


@pytest.mark.parametrize("mark", ["NaN", "nan", "Infinity", "-Infinity", "sNaN", "1e999999999", "9" * 400, "0",
                                  "-1", "100.01", "1.005", "1e-9"])
def test_bad_marks_are_problems_not_decimal_errors(mark):
    with pytest.raises(ImportFailed) as excinfo:
        parse_gift(f"// osa-mark: {mark}\nCâu {{=a ~b}}\n")
    assert [p.kind for p in excinfo.value.problems] == ["bad_mark"]
    with pytest.raises(ImportFailed) as excinfo:
        parse_xlsx(_xlsx([_row("single", "Câu", ["a", "b"], "1", mark=mark)]))
    assert [(p.row, p.column, p.kind) for p in excinfo.value.problems] == [(2, "Điểm", "bad_mark")]


def test_float_marks_from_a_spreadsheet():
    assert parse_xlsx(_xlsx([_row("single", "Câu", ["a", "b"], "1", mark=2.5)]))[0].data.default_mark == 2.5
    from assessments.imports import parse_mark

    for value in (float("nan"), float("inf"), 1e300):
        with pytest.raises(ValueError):
            parse_mark(str(value))


@pytest.mark.parametrize(("field", "text"), [
    ("tags", "t" * 101), ("title", "t" * 256), ("legal_reference", "l" * 256), ("feedback_1", "f" * 501),
    ("answer_3", "a" * 501),
])
def test_over_long_texts_are_refused_before_the_database(field, text):
    with pytest.raises(ImportFailed) as excinfo:
        questions_import(content=_xlsx([_row("single", "Câu", ["a", "b"], "1", **{field: text})]), fmt="xlsx",
                         category_path="Dài")
    assert [p.kind for p in excinfo.value.problems] == ["too_long"]
    assert Question.objects.count() == 0


def test_over_long_gift_tag_and_feedback():
    text = f"// osa-tags: {'x' * 101}\nCâu {{=a#{'f' * 501} ~b}}\n"
    with pytest.raises(ImportFailed) as excinfo:
        parse_gift(text)
    assert sorted(p.kind for p in excinfo.value.problems) == ["too_long", "too_long"]


def test_over_long_category_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        questions_import(content=b"C\xc3\xa2u {=a ~b}\n", fmt="gift", category_path="x" * 121)


def test_spreadsheet_dates_serials_and_out_of_range_years():
    rows = [_row("single", "Câu 1", ["a", "b"], "1", valid_from=dt.datetime(2025, 7, 1), valid_until=46387),  # serial 46387 = 31/12/2026
            _row("single", "Câu 2", ["a", "b"], "1", valid_from="1/7/2025", valid_until="2026-12-31")]
    parsed = parse_xlsx(_xlsx(rows))
    assert (parsed[0].data.valid_from, parsed[0].data.valid_until) == (dt.date(2025, 7, 1), dt.date(2026, 12, 31))
    assert (parsed[1].data.valid_from, parsed[1].data.valid_until) == (dt.date(2025, 7, 1), dt.date(2026, 12, 31))
    with pytest.raises(ImportFailed) as excinfo:
        parse_xlsx(_xlsx([_row("single", "Câu", ["a", "b"], "1", valid_from="01/07/20255"),
                          _row("single", "Câu", ["a", "b"], "1", valid_until="01/07/1800")]))
    assert [(p.row, p.column, p.kind) for p in excinfo.value.problems] == [
        (2, "Hiệu lực từ", "bad_date"), (3, "Hiệu lực đến", "bad_date")]
    with pytest.raises(ImportFailed) as excinfo:
        parse_gift("// osa-valid: 2025-07-01..9999-01-01\nCâu {=a ~b}\n")
    assert "2100" in excinfo.value.problems[0].message


def test_hostile_workbooks_are_refused_with_one_problem():
    for data in (hostile_files.zip_bomb(), hostile_files.many_rows(200_000)):
        with pytest.raises(ImportFailed) as excinfo:
            questions_import(content=data, fmt="xlsx", category_path="Bom")
        assert len(excinfo.value.problems) == 1 and excinfo.value.problems[0].kind in ("zip_bomb", "too_large")


def test_at_most_200_problems_are_reported_then_a_count():
    text = "\n\n".join(f"Câu {i} {{~a ~b}}" for i in range(300))
    with pytest.raises(ImportFailed) as excinfo:
        parse_gift(text)
    error = excinfo.value
    assert (len(error.problems), error.total, error.more) == (200, 300, 100)
    assert error.problems[0].row == 1 and str(error).endswith("… and 100 more problems.")


def test_the_import_page_shows_200_problems_and_the_rest_as_a_count(client, trainer):
    client.force_login(trainer)
    text = "\n\n".join(f"Câu {i} {{~a ~b}}" for i in range(300)).encode()
    response = client.post(reverse("assessments_transfer:import"),
                           {"file": SimpleUploadedFile("hong.gift", text), "category": "Một cửa"})
    content = response.content.decode()
    assert content.count("<li>Line ") + content.count("<li>Dòng ") == 200
    assert "100" in content and len(content) < 200_000


def test_a_large_file_is_imported_by_the_task_with_a_progress_page(client, trainer, settings,
                                                                   django_capture_on_commit_callbacks):
    settings.LMS_IMPORT_BACKGROUND_BYTES = 10
    client.force_login(trainer)
    upload = SimpleUploadedFile("tot.gift", "Câu tốt {=a ~b}\n\nCâu hai {T}\n".encode())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("assessments_transfer:import"), {"file": upload, "category": "Nền"})
    job = QuestionImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assessments_transfer:job", args=[job.pk])
    waiting = client.get(response["Location"])
    assert b'http-equiv="refresh"' in waiting.content and Question.objects.count() == 0
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == "done" and job.result["created"] == 2 and job.data == b""
    done = client.get(response["Location"])
    assert b'http-equiv="refresh"' not in done.content and Question.objects.count() == 2
    assert reverse("wagtailsnippets_assessments_question:list").encode() in done.content


def test_a_refused_background_file_shows_its_problems(client, trainer, settings, django_capture_on_commit_callbacks):
    settings.LMS_IMPORT_BACKGROUND_BYTES = 10
    client.force_login(trainer)
    upload = SimpleUploadedFile("hong.gift", "Câu tốt {=a ~b}\n\nCâu hỏng {~a ~b}\n".encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments_transfer:import"), {"file": upload, "category": "Nền"})
    job = QuestionImportJob.objects.get()
    assert job.status == "refused" and job.problems_total == 1
    page = client.get(response["Location"]).content.decode()
    assert "Line 3:" in page or "Dòng 3:" in page
    assert Question.objects.count() == 0


def test_only_the_uploader_sees_a_job(client, trainer, settings):
    from tests.people.factories import UserFactory

    job = QuestionImportJob.objects.create(created_by=trainer, filename="a.gift", options={})
    other = UserFactory(username="trainer2", groups=["Trainer"])
    client.force_login(other)
    assert client.get(reverse("assessments_transfer:job", args=[job.pk])).status_code == 404
    client.force_login(trainer)
    assert client.get(reverse("assessments_transfer:job", args=[job.pk])).status_code == 200


def test_a_failing_task_marks_the_job_failed(trainer, monkeypatch):
    from assessments import imports
    from assessments.tasks import question_import_job_task

    job = QuestionImportJob.objects.create(created_by=trainer, filename="a.gift", data=b"x",
                                           options={"format": "gift", "category": "X"})

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "questions_import", boom)
    assert question_import_job_task(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and job.error and job.data == b""
    assert question_import_job_task(job_id=job.pk) == "failed"  # a finished job is left alone
