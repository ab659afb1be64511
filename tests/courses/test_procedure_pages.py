"""The procedure catalogue pages and "Thủ tục liên quan" on courses and lessons (issue 12)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from courses.models import LessonPage
from procedures.models import Procedure, Status
from tests.courses.factories import build_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def _procedure(code, name, field="chung_thuc", **kwargs):
    return Procedure.objects.create(code=code, name=name, field=field, **kwargs)


@pytest.fixture
def linked():
    copy = _procedure("2.000815", "Chứng thực bản sao từ bản chính", processing_days=Decimal("0"),
                      fee="2.000 đồng/trang", fee_amount=2000)
    birth = _procedure("1.001193", "Đăng ký khai sinh", field="ho_tich", processing_days=Decimal("3"), fee_amount=0)
    course = build_course(title="Tiếp nhận hồ sơ chứng thực")
    course.procedures.add(copy)
    course.save_revision().publish()
    lesson = LessonPage.objects.descendant_of(course).first()
    lesson.procedures.add(birth)
    lesson.save_revision().publish()
    return {"copy": copy, "birth": birth, "course": course, "lesson": lesson}


def test_course_and_lesson_pages_show_related_procedures_with_code_time_and_fee(client, officer, linked):
    client.force_login(officer.user)
    page = client.get(linked["course"].url).content.decode()
    assert "Thủ tục liên quan" in page and "2.000815" in page and "trong ngày làm việc" in page
    assert "2.000 đồng/trang" in page
    lesson = client.get(linked["lesson"].url).content.decode()
    assert "Thủ tục liên quan" in lesson and "1.001193" in lesson and "3 ngày làm việc" in lesson
    assert "miễn phí" in lesson


def test_catalogue_lists_training_in_a_fixed_number_of_queries(client, officer, linked,
                                                              django_assert_max_num_queries):
    for n in range(30):
        procedure = _procedure(f"9.{n:06d}", f"Thủ tục thử {n}")
        course = build_course(title=f"Khóa {n}", lessons=1)
        course.procedures.add(procedure)
        course.save_revision().publish()
    client.force_login(officer.user)
    client.get(reverse("courses:procedures"))  # warm the session and site caches
    with django_assert_max_num_queries(14):
        response = client.get(reverse("courses:procedures"))
    page = response.content.decode()
    assert response.status_code == 200 and "Danh mục thủ tục hành chính" in page
    assert "Tìm thấy 32 thủ tục" in page


def test_catalogue_search_ignores_diacritics_and_filters_by_field_and_hides_repealed(client, officer, linked):
    _procedure("1.000001", "Thủ tục cũ đã bãi bỏ", status=Status.REPEALED)
    client.force_login(officer.user)
    page = client.get(reverse("courses:procedures"), {"q": "chung thuc"}).content.decode()
    assert "Chứng thực bản sao" in page and "Đăng ký khai sinh" not in page
    assert "Tiếp nhận hồ sơ chứng thực" in page  # the training about it
    page = client.get(reverse("courses:procedures"), {"linh-vuc": "ho_tich"}).content.decode()
    assert "Đăng ký khai sinh" in page and "Chứng thực bản sao" not in page
    assert "1 bài học" in page
    assert "bãi bỏ" not in client.get(reverse("courses:procedures")).content.decode()
    # An unknown field is ignored, not an error.
    assert client.get(reverse("courses:procedures"), {"linh-vuc": "<script>"}).status_code == 200


def test_procedure_detail_lists_its_courses_and_lessons(client, officer, linked):
    client.force_login(officer.user)
    page = client.get(reverse("courses:procedure", args=[linked["birth"].pk])).content.decode()
    assert "Bồi dưỡng về thủ tục này" in page
    assert linked["lesson"].title in page and linked["course"].title in page
    page = client.get(reverse("courses:procedure", args=[linked["copy"].pk])).content.decode()
    assert linked["course"].title in page
    assert client.get(reverse("courses:procedure", args=[999999])).status_code == 404
