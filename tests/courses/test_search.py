"""Catalogue search ignores Vietnamese diacritics and đ, and filters by area, role and competency."""

import pytest
from django.urls import reverse

from courses.selectors import courses_search
from tests.courses.factories import (
    CourseCompetencyFactory,
    LessonPageFactory,
    ModulePageFactory,
    build_course,
)
from tests.people.factories import CompetencyAreaFactory, CompetencyFactory, DeskRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def courses():
    comm = CompetencyAreaFactory(code="communication", name_vi="Giao tiếp", name_en="Communication")
    civil = build_course(title="Đăng ký hộ tịch tại cấp xã", modules=0)
    module = ModulePageFactory(parent=civil, title="Khai sinh")
    lesson = LessonPageFactory(parent=module, title="Chứng thực bản sao từ bản chính")
    lesson.save_revision().publish()  # publishing a lesson refreshes its course's search text
    civil.refresh_from_db()
    conduct = build_course(title="Văn hóa ứng xử \"3 biết\"", area=comm)
    conduct.target_roles.add(DeskRoleFactory(code="HD"))
    conduct.save()
    CourseCompetencyFactory(page=conduct, competency=CompetencyFactory(code="GT02", area=comm), level=2)
    return {"civil": civil, "conduct": conduct}


@pytest.mark.parametrize("query", ["hộ tịch", "ho tich", "HO TICH", "Hộ Tịch", "dang ky", "đăng ký"])
def test_search_with_and_without_diacritics(courses, query):
    assert list(courses_search(query=query)) == [courses["civil"]]


def test_search_finds_lesson_titles_after_publishing(courses):
    assert list(courses_search(query="chung thuc ban sao")) == [courses["civil"]]


def test_filters_by_area_role_and_competency(courses):
    assert list(courses_search(area="communication")) == [courses["conduct"]]
    assert list(courses_search(role="HD")) == [courses["conduct"]]
    assert list(courses_search(competency="GT02")) == [courses["conduct"]]
    assert list(courses_search(query="3 biet", role="HD")) == [courses["conduct"]]
    assert list(courses_search(query="ho tich", role="HD")) == []


def test_catalogue_page_filters(client, officer, courses):
    client.force_login(officer.user)
    url = courses["civil"].get_parent().url
    html = client.get(url, {"q": "ho tich"}).content.decode()
    assert "Đăng ký hộ tịch tại cấp xã" in html and "Văn hóa ứng xử" not in html
    redirect = client.get(reverse("courses:catalogue"), {"q": "ho tich"})
    assert redirect.status_code == 302 and redirect["Location"].endswith("?q=ho+tich")
