"""Aiken export: single-choice questions only, from the export screen and export_questions; the others are listed."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from assessments.exports import aiken_skipped_note, export_aiken, questions_for_export
from assessments.imports import parse_aiken
from assessments.models import QuestionKind
from tests.assessments.factories import QuestionCategoryFactory, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    cat = QuestionCategoryFactory(name="Aiken")
    single = make_question(QuestionKind.SINGLE, category=cat, title="Một cửa cấp xã",
                           stem="<p>Từ 01/7/2025, bộ phận một cửa cấp xã là <b>đơn vị</b> nào?</p><p>Chọn một.</p>",
                           choices=[("Trung tâm Phục vụ hành chính công", False), ("Phòng Tư pháp &amp; hộ tịch", True),
                                    ("UBND\nhuyện", False)])
    multi = make_question(QuestionKind.MULTIPLE, category=cat, title="Kênh nộp hồ sơ")
    essay = make_question(QuestionKind.ESSAY, category=cat, title="Tình huống")
    return cat, single, multi, essay


def test_aiken_text_and_re_import(bank):
    cat, single, _multi, _essay = bank
    aiken = export_aiken(questions_for_export(category=cat))
    assert aiken.text == (
        "Từ 01/7/2025, bộ phận một cửa cấp xã là đơn vị nào? Chọn một.\n"
        "A. Trung tâm Phục vụ hành chính công\n"
        "B. Phòng Tư pháp & hộ tịch\n"
        "C. UBND huyện\n"
        "ANSWER: B\n")
    assert aiken.exported == 1
    assert [q.title for q in aiken.skipped] == ["Kênh nộp hồ sơ", "Tình huống"]
    (parsed,) = parse_aiken(aiken.text)
    assert parsed.data.kind == QuestionKind.SINGLE
    assert [(c["text"], c["is_correct"]) for c in parsed.data.choices] == [
        ("Trung tâm Phục vụ hành chính công", False), ("Phòng Tư pháp & hộ tịch", True), ("UBND huyện", False)]


def test_the_skipped_note_is_vietnamese_and_lists_the_questions(bank):
    cat, *_ = bank
    aiken = export_aiken(questions_for_export(category=cat))
    with translation.override("vi"):
        note = aiken_skipped_note(aiken.skipped)
    assert note.startswith("Aiken chỉ chứa câu hỏi một đáp án: 2 câu hỏi không được xuất:")
    assert "“Kênh nộp hồ sơ” (Nhiều đáp án" in note and "“Tình huống” (Tự luận" in note


def test_export_screen_lists_skipped_questions_then_downloads(client, trainer, bank):
    cat, single, multi, essay = bank
    client.force_login(trainer)
    url = reverse("assessments_transfer:export")
    with translation.override("vi"):
        page = client.get(url, {"category": cat.pk, "format": "aiken"}, HTTP_ACCEPT_LANGUAGE="vi")
    html = page.content.decode()
    assert page.status_code == 200
    assert "2 câu hỏi không được xuất" in html and "Kênh nộp hồ sơ" in html and "Tình huống" in html
    assert reverse("wagtailsnippets_assessments_question:edit", args=[multi.pk]) in html
    assert "xac-nhan=1" in html
    download = client.get(url, {"category": cat.pk, "format": "aiken", "xac-nhan": "1"})
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('.aiken"')
    assert download.content.decode().endswith("ANSWER: B\n")


def test_export_screen_downloads_at_once_when_nothing_is_skipped(client, trainer):
    cat = QuestionCategoryFactory(name="Chỉ một đáp án")
    make_question(QuestionKind.SINGLE, category=cat)
    client.force_login(trainer)
    resp = client.get(reverse("assessments_transfer:export"), {"category": cat.pk, "format": "aiken"})
    assert resp.status_code == 200 and "attachment" in resp["Content-Disposition"]
    assert b"ANSWER: A" in resp.content


def test_export_screen_without_single_choice_offers_no_download(client, trainer):
    cat = QuestionCategoryFactory(name="Không có")
    make_question(QuestionKind.ESSAY, category=cat)
    client.force_login(trainer)
    resp = client.get(reverse("assessments_transfer:export"), {"category": cat.pk, "format": "aiken"},
                      HTTP_ACCEPT_LANGUAGE="vi")
    assert resp.status_code == 200 and "attachment" not in resp.get("Content-Disposition", "")
    assert "xac-nhan" not in resp.content.decode()


def test_officers_cannot_export(client, officer, bank):
    cat, *_ = bank
    client.force_login(officer.user)
    resp = client.get(reverse("assessments_transfer:export"), {"category": cat.pk, "format": "aiken"})
    assert resp.status_code in (302, 403)


def test_export_questions_command_writes_aiken_and_reports_skipped(tmp_path, bank, capsys):
    out = tmp_path / "bo-de.aiken"
    call_command("export_questions", "--category", "Aiken", "--format", "aiken", "-o", str(out))
    assert out.read_text(encoding="utf-8").endswith("ANSWER: B\n")
    captured = capsys.readouterr()
    assert "Kênh nộp hồ sơ" in captured.err and "Tình huống" in captured.err
    assert "1" in captured.out
