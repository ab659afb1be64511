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
