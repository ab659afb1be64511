"""Bounded queries: "Học tập của tôi" and the course page do not grow with enrolments or lessons."""

import pytest
from django.urls import reverse

from courses.models import Enrolment, LessonPage
from courses.services import lesson_complete
from tests.courses.factories import CoursePageFactory, EnrolmentFactory, LessonPageFactory, ModulePageFactory

pytestmark = pytest.mark.django_db

MY_LEARNING_MAX = 20
COURSE_PAGE_MAX = 30
LESSON_PAGE_MAX = 36  # + the notification bell's unread count


def _course(lessons: int, modules: int = 5):
    course = CoursePageFactory(title=f"Khóa {lessons}")
    per_module = max(1, lessons // modules)
    for m in range(modules):
        module = ModulePageFactory(parent=course, title=f"Học phần {m}")
        for n in range(per_module):
            LessonPageFactory(parent=module, title=f"Bài {m}.{n}")
    return course


def _enrol(officer, n):
    for i in range(n):
        course = CoursePageFactory(title=f"Khóa {i}")
        LessonPageFactory(parent=ModulePageFactory(parent=course))
        EnrolmentFactory(officer=officer, course=course,
                         reason=Enrolment.Reason.ROLE if i % 2 else Enrolment.Reason.SELF)


@pytest.mark.parametrize("n", [1, 50])
def test_my_learning_queries_do_not_grow(client, officer, n, django_assert_max_num_queries):
    _enrol(officer, n)
    client.force_login(officer.user)
    with django_assert_max_num_queries(MY_LEARNING_MAX):
        response = client.get(reverse("courses:my-learning"))
    assert response.status_code == 200
    assert response.content.decode().count('class="card enrolment') == n


@pytest.mark.parametrize("lessons", [5, 100])
def test_course_page_queries_do_not_grow(client, officer, lessons, django_assert_max_num_queries):
    course = _course(lessons)
    EnrolmentFactory(officer=officer, course=course)
    lesson_complete(lesson=LessonPage.objects.descendant_of(course).first(), user=officer.user)
    client.force_login(officer.user)
    with django_assert_max_num_queries(COURSE_PAGE_MAX):
        response = client.get(course.url)
    assert response.status_code == 200
    assert response.content.decode().count('class="course-tree__status"') == lessons


@pytest.mark.parametrize("lessons", [5, 100])
def test_lesson_page_queries_do_not_grow(client, officer, lessons, django_assert_max_num_queries):
    course = _course(lessons)
    EnrolmentFactory(officer=officer, course=course)
    lesson = LessonPage.objects.descendant_of(course).order_by("path")[2]
    client.force_login(officer.user)
    with django_assert_max_num_queries(LESSON_PAGE_MAX):
        response = client.get(lesson.url)
    assert response.status_code == 200
