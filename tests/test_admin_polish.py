"""Admin polish for trainers: Vietnamese name order, translated login labels, one workflow "Duyệt khóa học",
page types by their verbose names, no "None" in the page search, the marking screen's "Câu trả lời", no English
column among desk roles, absolute dd/mm/yyyy validity dates, and the Help menu leading to our trainer guide."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from wagtail.admin.utils import get_user_display_name
from wagtail.models import Task, Workflow

from assessments import services as assessment_services
from assessments.models import QuestionKind
from tests.assessments.factories import QuestionCategoryFactory, QuizPageFactory, add_fixed, make_question
from tests.courses.factories import ModulePageFactory, build_course
from tests.people.factories import DeskRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style|svg|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def vi_trainer(client, trainer):
    trainer.first_name, trainer.last_name = "Ngọc", "Trần Thị Bích"
    trainer.save()
    client.force_login(trainer)
    return client


def test_names_in_vietnamese_order(trainer):
    trainer.first_name, trainer.last_name = "Ngọc", "Trần Thị Bích"
    assert trainer.get_full_name() == "Trần Thị Bích Ngọc"
    assert get_user_display_name(trainer) == "Trần Thị Bích Ngọc"
    assert UserFactory(username="x", first_name="", last_name="").get_full_name() == ""


def test_page_history_shows_the_vietnamese_name(vi_trainer, trainer):
    course = build_course(title="Tiếp nhận hồ sơ", lessons=0)
    course.save_revision(user=trainer, log_action=True)
    text = _text(vi_trainer.get(reverse("wagtailadmin_pages:history", args=[course.pk])))
    assert "Trần Thị Bích Ngọc" in text and "Ngọc Trần Thị Bích" not in text


def test_admin_login_labels(client):
    text = _text(client.get(reverse("wagtailadmin_login"), HTTP_ACCEPT_LANGUAGE="vi"))
    assert "Mật khẩu" in text and "Tên đăng nhập" in text
    assert not re.search(r"\b(Password|Username|Remember me)\b", text)


def test_one_workflow_named_duyet_khoa_hoc():
    assert list(Workflow.objects.filter(active=True).values_list("name", flat=True)) == ["Duyệt khóa học"]
    assert not Task.objects.filter(name="Moderators approval", active=True).exists()


def test_workflow_list_shows_only_ours(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    text = _text(client.get(reverse("wagtailadmin_workflows:index"), HTTP_ACCEPT_LANGUAGE="vi"))
    assert "Duyệt khóa học" in text and "Moderators" not in text


def test_page_types_by_verbose_name(vi_trainer):
    build_course(title="Tiếp nhận hồ sơ", lessons=1)
    text = _text(vi_trainer.get(reverse("wagtailadmin_reports:page_types_usage"), HTTP_ACCEPT_LANGUAGE="vi"))
    assert "courses.coursepage" not in text and "Khóa học" in text and "Khóa Học" not in text


def test_page_search_has_no_none(vi_trainer):
    build_course(title="Tiếp nhận hồ sơ", lessons=2)
    text = _text(vi_trainer.get(reverse("wagtailadmin_pages:search"), {"q": "Tiếp"}, HTTP_ACCEPT_LANGUAGE="vi"))
    assert "None" not in text and re.search(r"1-\d+ trong \d+ trang", text), text[:3000]


def test_marking_screen_labels_the_officers_answer(vi_trainer, officer):
    module = ModulePageFactory(parent=build_course(modules=0, lessons=0))
    quiz = QuizPageFactory(parent=module, title="Bài tự luận")
    add_fixed(quiz, make_question(QuestionKind.ESSAY, category=QuestionCategoryFactory(name="Tự luận")))
    attempt = assessment_services.attempt_start(quiz=quiz, officer=officer)
    response = attempt.responses.get()
    assessment_services.response_save(response_id=response.pk, user=officer.user, text="Bài làm")
    assessment_services.attempt_submit(attempt=attempt)
    html = vi_trainer.get(reverse("assessments_marking:mark", args=[response.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    html = html.content.decode()
    assert "<h2>Câu trả lời</h2>" in html and "<h2>Đáp án</h2>" not in html


def test_desk_roles_list_has_no_english_column(client, administrator):
    DeskRoleFactory(code="TN", name_vi="Tiếp nhận hồ sơ", name_en="Intake")
    client.force_login(administrator)
    text = _text(client.get(reverse("wagtailsnippets_people_deskrole:list"), HTTP_ACCEPT_LANGUAGE="vi"))
    assert "Tiếp nhận hồ sơ" in text and "Intake" not in text


def test_validity_dates_are_absolute(vi_trainer):
    make_question(QuestionKind.SINGLE, valid_until=dt.date(2025, 3, 15))
    text = _text(vi_trainer.get(reverse("wagtailsnippets_assessments_question:list"), HTTP_ACCEPT_LANGUAGE="vi"))
    assert "15/03/2025" in text and "trước" not in text.split("Hiệu lực đến")[-1][:200]


def test_help_menu_leads_to_our_trainer_guide(vi_trainer):
    html = vi_trainer.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    menu = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, flags=re.S)
    props = menu.group(1) if menu else html
    assert reverse("lms_trainer_guide") in props
    assert "guide.wagtail.org" not in props and "Editor Guide" not in props
    guide = vi_trainer.get(reverse("lms_trainer_guide"), HTTP_ACCEPT_LANGUAGE="vi")
    assert guide.status_code == 200 and "Hướng dẫn cho giảng viên" in guide.content.decode()
    assert "Gửi duyệt cả khóa học" in guide.content.decode()


def test_the_trainer_guide_is_for_admin_users_only(client, officer):
    url = reverse("lms_trainer_guide")
    assert client.get(url)["Location"].startswith(reverse("wagtailadmin_login"))
    client.force_login(officer.user)
    assert client.get(url).status_code in (302, 403)
