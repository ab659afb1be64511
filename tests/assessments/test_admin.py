import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, Question, QuestionKind
from assessments.selectors import item_statistics_for_quiz
from tests.assessments.factories import (
    QuestionCategoryFactory,
    QuizPageFactory,
    add_fixed,
    make_question,
    token,
)
from tests.people.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def test_question_bank_screens_for_trainers_only(client, trainer, officer, category):
    q = make_question(QuestionKind.MATCHING, category=category)
    urls = [
        reverse("wagtailsnippets_assessments_question:list"),
        reverse("wagtailsnippets_assessments_question:edit", args=[q.pk]),
        reverse("wagtailsnippets_assessments_question:add"),
        reverse("wagtailsnippets_assessments_questioncategory:list"),
        reverse("assessments_transfer:import"),
        reverse("assessments_marking:queue"),
        reverse("assessments_analysis:index"),
    ]
    client.force_login(trainer)
    for url in urls:
        assert client.get(url).status_code == 200, url
    client.force_login(officer.user)
    for url in urls:
        assert client.get(url).status_code in (302, 403), url


def test_preview_shows_the_question_as_an_officer_sees_it(client, trainer, category):
    q = make_question(QuestionKind.SINGLE, category=category, explanation="GIAI-THICH")
    client.force_login(trainer)
    edit = client.get(reverse("wagtailsnippets_assessments_question:edit", args=[q.pk]))
    assert b"preview" in edit.content
    from django.template.loader import render_to_string

    from assessments.selectors import question_preview_data

    html = render_to_string("assessments/question_preview.html", {"item": question_preview_data(question=q)})
    assert "Trung tâm Phục vụ hành chính công cấp xã" in html and "GIAI-THICH" not in html


def test_duplicate_is_post_only(client, trainer, category):
    q = make_question(QuestionKind.MULTIPLE, category=category)
    url = reverse("wagtailsnippets_assessments_question:duplicate", args=[q.pk])
    client.force_login(trainer)
    assert client.get(url).status_code == 200 and Question.objects.count() == 1
    resp = client.post(url)
    copy = Question.objects.exclude(pk=q.pk).get()
    assert resp["Location"] == reverse("wagtailsnippets_assessments_question:edit", args=[copy.pk])
    assert copy.choices.count() == 4


def test_admin_import_all_or_nothing_and_export(client, trainer):
    client.force_login(trainer)
    url = reverse("assessments_transfer:import")
    bad = SimpleUploadedFile("hong.gift", "Câu tốt {=a ~b}\n\nCâu hỏng {~a ~b}\n".encode())
    resp = client.post(url, {"file": bad, "category": "Một cửa/Nhập"})
    assert resp.status_code == 200 and any(w in resp.content.decode() for w in ("Line 3:", "Dòng 3:"))
    assert Question.objects.count() == 0
    good = SimpleUploadedFile("tot.gift", "Câu tốt {=a ~b}\n\nCâu hai {T}\n".encode())
    assert client.post(url, {"file": good, "category": "Một cửa/Nhập"}).status_code == 302
    assert Question.objects.count() == 2
    from assessments.models import QuestionCategory

    cat = QuestionCategory.objects.get(path="Một cửa")
    gift = client.get(reverse("assessments_transfer:export"), {"category": cat.pk, "format": "gift"})
    assert gift.status_code == 200 and b"{\n=a" in gift.content
    xlsx = client.get(reverse("assessments_transfer:export"), {"category": cat.pk, "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    assert client.get(reverse("assessments_transfer:template")).content[:2] == b"PK"


def test_marking_queue_filters_and_marking(client, trainer, officer, other_unit_officer, module_page, unit_tree):
    cat = QuestionCategoryFactory(name="Tự luận")
    quiz = QuizPageFactory(parent=module_page, title="Bài tự luận")
    add_fixed(quiz, make_question(QuestionKind.ESSAY, category=cat, rubric="Nêu đủ 3 bước"))
    waiting = []
    for o in (officer, other_unit_officer):
        attempt = services.attempt_start(quiz=quiz, officer=o)
        r = attempt.responses.get()
        services.response_save(response_id=r.pk, user=o.user, text=f"Bài làm của {o.full_name}")
        waiting.append(services.attempt_submit(attempt=attempt))
    client.force_login(trainer)
    queue = client.get(reverse("assessments_marking:queue"))
    assert officer.full_name.encode() in queue.content and other_unit_officer.full_name.encode() in queue.content
    by_unit = client.get(reverse("assessments_marking:queue"), {"unit": unit_tree["ward_a"].pk})
    assert officer.full_name.encode() in by_unit.content
    assert other_unit_officer.full_name.encode() not in by_unit.content
    course = module_page.get_parent()
    assert officer.full_name.encode() in client.get(reverse("assessments_marking:queue"),
                                                    {"course": course.pk, "quiz": quiz.pk}).content
    response = waiting[0].responses.get()
    mark_url = reverse("assessments_marking:mark", args=[response.pk])
    page = client.get(mark_url)
    assert "Nêu đủ 3 bước".encode() in page.content and "Bài làm của".encode() in page.content
    assert client.post(mark_url, {"score": "5", "comment": ""}).status_code == 200  # above the mark
    assert client.post(mark_url, {"score": "0,75", "comment": "Thiếu bước số hóa."}).status_code == 302
    waiting[0].refresh_from_db()
    assert waiting[0].status == Attempt.Status.GRADED and waiting[0].percent == Decimal("75.00")
    assert officer.full_name.encode() not in client.get(reverse("assessments_marking:queue")).content


def test_item_statistics_on_a_known_data_set(module_page, unit_tree):
    """Ten officers, two questions. Q1 is answered right by the best four only; Q2 by everyone but the best.

    Ranked by grade: 4 attempts at 50% (Q1 right, Q2 wrong… see below) — computed by hand:
    officers 0–3 answer Q1 right and Q2 right except officer 0 (Q2 wrong); officers 4–9 answer Q1 wrong, Q2 right.
    Grades: officer 0 = 50, 1–3 = 100, 4–9 = 50. Upper 27% (3 attempts) = officers 1–3; lower 27% = the three
    lowest by (grade, id) = officers 0, 4, 5.
    Q1 facility = 4/10 = 0.4; discrimination = 1.0 − 1/3 = 0.667.
    Q2 facility = 9/10 = 0.9; discrimination = 1.0 − 2/3 = 0.333.
    """
    cat = QuestionCategoryFactory(name="Thống kê")
    q1 = make_question(QuestionKind.SINGLE, category=cat, title="Q1")
    q2 = make_question(QuestionKind.TRUE_FALSE, category=cat, title="Q2")
    quiz = QuizPageFactory(parent=module_page)
    add_fixed(quiz, q1, q2)
    now = timezone.now()
    for i in range(10):
        o = OfficerFactory(unit=unit_tree["team_a"])
        attempt = services.attempt_start(quiz=quiz, officer=o, now=now)
        r1, r2 = attempt.responses.select_related("version").order_by("position")
        q1_right, q2_right = i <= 3, i != 0
        services.response_save(response_id=r1.pk, user=o.user, now=now, choices=[
            token(r1, r1.version.choices.filter(is_correct=q1_right).first())])
        services.response_save(response_id=r2.pk, user=o.user, now=now, choices=[
            token(r2, r2.version.choices.filter(is_correct=q2_right).first())])
        services.attempt_submit(attempt=attempt, now=now)
    stats = item_statistics_for_quiz(quiz=quiz)
    assert stats.attempts == 10 and stats.mean == pytest.approx(65.0)
    by_label = {s.label: s for s in stats.items}
    assert by_label["Q1"].facility == pytest.approx(0.4)
    assert by_label["Q1"].discrimination == pytest.approx(2 / 3)
    assert by_label["Q2"].facility == pytest.approx(0.9)
    assert by_label["Q2"].discrimination == pytest.approx(1 / 3)
    q1_choices = {c.text: c.count for c in by_label["Q1"].choices}
    assert q1_choices == {"Trung tâm Phục vụ hành chính công cấp xã": 4, "Phòng Tư pháp quận": 6,
                          "Văn phòng HĐND và UBND huyện": 0}
    assert [c for _label, c, _s in stats.distribution] == [0, 0, 0, 0, 0, 7, 0, 0, 0, 3]


def test_item_analysis_pages_and_xlsx(client, trainer, quiz, officer):
    services.attempt_submit(attempt=services.attempt_start(quiz=quiz, officer=officer))
    client.force_login(trainer)
    page = client.get(reverse("assessments_analysis:detail", args=[quiz.pk]))
    assert page.status_code == 200 and b'role="img"' in page.content
    xlsx = client.get(reverse("assessments_analysis:xlsx", args=[quiz.pk]))
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["Câu hỏi", "Phương án", "Phân bố điểm"]
    assert wb["Câu hỏi"].max_row == 3


def test_admin_form_refuses_answers_that_do_not_fit_the_type(client, trainer, category):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    client.force_login(trainer)
    url = reverse("wagtailsnippets_assessments_question:add")

    def post(choices):
        return client.post(url, nested_form_data({
            "category": category.pk, "kind": "single", "title": "Thử", "stem": rich_text("<p>Câu hỏi?</p>"),
            "choices": inline_formset(choices), "default_mark": "1", "partial_credit": "on", "is_active": "on",
            "tags": "", "explanation": "", "legal_reference": "", "rubric": "", "valid_from": "", "valid_until": "",
            "image": "",
        }))

    bad = post([{"text": "A", "match_text": "", "is_correct": "", "feedback": ""},
                {"text": "B", "match_text": "", "is_correct": "", "feedback": ""}])
    assert bad.status_code == 200 and not Question.objects.exists()
    good = post([{"text": "A", "match_text": "", "is_correct": "on", "feedback": ""},
                 {"text": "B", "match_text": "", "is_correct": "", "feedback": ""}])
    assert good.status_code == 302, good.content[:500]
    assert Question.objects.get().choices.filter(is_correct=True).count() == 1


def test_the_quiz_editor_opens(client, quiz, module_page):
    from tests.people.factories import UserFactory

    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    add = client.get(reverse("wagtailadmin_pages:add", args=["assessments", "quizpage", module_page.pk]))
    assert add.status_code == 200
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk]))
    assert edit.status_code == 200 and b"random_rules" in edit.content


def test_override_from_the_admin_records_the_trainer(client, trainer, quiz, officer):
    from assessments.models import QuizOverride

    client.force_login(trainer)
    resp = client.post(reverse("wagtailsnippets_assessments_quizoverride:add"), {
        "quiz": quiz.pk, "officer": officer.pk, "extra_minutes": "15", "extra_attempts": "1", "reason": "Ốm"})
    assert resp.status_code == 302, resp.content[:300]
    override = QuizOverride.objects.get()
    assert (override.granted_by, override.extra_minutes) == (trainer, 15)
