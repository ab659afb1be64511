"""Issue 14, item 4: every place where a trainer or an administrator picks an officer or a competency (course
competencies, role requirements, attainments, quiz overrides, prior learning, question categories) opens a
chooser that searches without diacritics."""

import pytest
from django.urls import reverse
from wagtail.snippets.widgets import AdminSnippetChooser

from tests.people.factories import CompetencyAreaFactory, CompetencyFactory, DeskRoleFactory

pytestmark = pytest.mark.django_db


def results(client, model: str, q: str) -> str:
    response = client.get(reverse(f"wagtailsnippetchoosers_people_{model}:choose_results"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("q", ["nguyen", "Nguyễn", "NGUYEN lan", "lan nguyen", "nguyễn thi"])
def test_officer_chooser_finds_nguyen_without_diacritics(admin_client, officer, other_unit_officer, q):
    content = results(admin_client, "officer", q)
    assert "Nguyễn Thị Lan" in content and "Trần Văn Hùng" not in content


def test_officer_chooser_finds_by_employee_code(admin_client, officer, other_unit_officer):
    content = results(admin_client, "officer", other_unit_officer.employee_code.lower())
    assert "Trần Văn Hùng" in content and "Nguyễn Thị Lan" not in content


def test_competency_chooser_searches_code_and_names_without_diacritics(admin_client):
    CompetencyFactory(code="NV04", name_vi="Tiếp nhận hồ sơ theo Nghị định 118", name_en="Receiving dossiers")
    CompetencyFactory(code="GT02", name_vi="Giao tiếp với người dân", name_en="Communication")
    CompetencyFactory(code="ND01", name_vi="Người dùng Nguyễn Văn A", name_en="")
    for q, found, absent in [("tiep nhan", "NV04", "GT02"), ("Tiếp nhận", "NV04", "GT02"), ("gt02", "GT02", "NV04"),
                             ("nguoi dan", "GT02", "NV04"), ("communication", "GT02", "NV04"),
                             ("nguyen", "ND01", "NV04"), ("ho so 118", "NV04", "GT02")]:
        content = results(admin_client, "competency", q)
        assert found in content and absent not in content, q
    assert "NV04" in results(admin_client, "competency", "")


def test_choosers_show_a_search_box(admin_client):
    CompetencyFactory(code="NV04")
    for model in ("officer", "competency", "competencyarea", "deskrole"):
        response = admin_client.get(reverse(f"wagtailsnippetchoosers_people_{model}:choose"))
        assert response.status_code == 200
        html = response.json()["html"]
        assert 'name="q"' in html, model
        assert ("Họ tên hoặc mã cán bộ" if model == "officer" else "Mã hoặc tên") in html, model


def test_desk_role_and_area_choosers_search_without_diacritics(admin_client):
    DeskRoleFactory(code="HD", name_vi="Hướng dẫn, hỗ trợ")
    DeskRoleFactory(code="TN", name_vi="Tiếp nhận và trả kết quả")
    content = results(admin_client, "deskrole", "huong dan")
    assert "Hướng dẫn" in content and "Tiếp nhận" not in content
    CompetencyAreaFactory(code="communication", name_vi="Giao tiếp, ứng xử", name_en="Communication")
    CompetencyAreaFactory(code="procedure")
    content = results(admin_client, "competencyarea", "ung xu")
    assert "Giao tiếp" in content and "Giải quyết" not in content


def test_trainer_searches_officers_in_the_quiz_override_chooser(client, trainer, officer, other_unit_officer):
    client.force_login(trainer)
    content = results(client, "officer", "nguyen")
    assert "Nguyễn Thị Lan" in content and "Trần Văn Hùng" not in content
    CompetencyFactory(code="NV04", name_vi="Tiếp nhận hồ sơ")
    assert "NV04" in results(client, "competency", "tiep nhan")


def _widget(form_class, name):
    return form_class.base_fields[name].widget


def test_every_officer_and_competency_field_of_the_admin_uses_the_searchable_chooser():
    from assessments.models import QuestionCategory, QuizOverride
    from courses.models import CoursePage
    from people.admin_competency import PriorLearningForm
    from people.models import Attainment, Competency, Officer, RoleRequirement

    def snippet_form(model):
        return model.snippet_viewset.get_edit_handler().get_form_class()

    course_form = CoursePage.get_edit_handler().get_form_class()
    fields = {
        "course competencies": (course_form.formsets["granted_competencies"].form, "competency", Competency),
        "role requirement": (snippet_form(RoleRequirement), "competency", Competency),
        "attainment competency": (snippet_form(Attainment), "competency", Competency),
        "attainment officer": (snippet_form(Attainment), "officer", Officer),
        "quiz override officer": (snippet_form(QuizOverride), "officer", Officer),
        "question category": (snippet_form(QuestionCategory), "competency", Competency),
        "prior learning competency": (PriorLearningForm, "competency", Competency),
        "prior learning officer": (PriorLearningForm, "officer", Officer),
    }
    for label, (form_class, name, model) in fields.items():
        widget = _widget(form_class, name)
        assert isinstance(widget, AdminSnippetChooser) and widget.model is model, label
