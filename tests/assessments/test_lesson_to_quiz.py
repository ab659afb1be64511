""""Đã học xong" on the last lesson of a module leads to that module's quiz (issue 13, item 4)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from courses.models import CoursePage, Enrolment, LessonPage
from tests.assessments.factories import QuizPageFactory
from tests.courses.factories import CoursePageFactory, EnrolmentFactory, LessonPageFactory, ModulePageFactory

pytestmark = pytest.mark.django_db


def _course(**kwargs):
    """Module 1: two lessons then its quiz; module 2: one lesson, no quiz."""
    course = CoursePageFactory(title="Tiếp nhận hồ sơ", **kwargs)
    first_module = ModulePageFactory(parent=course, title="Học phần 1")
    a = LessonPageFactory(parent=first_module, title="Bài 1.1")
    b = LessonPageFactory(parent=first_module, title="Bài 1.2")
    quiz = QuizPageFactory(parent=first_module, title="Kiểm tra học phần 1")
    second_module = ModulePageFactory(parent=course, title="Học phần 2")
    c = LessonPageFactory(parent=second_module, title="Bài 2.1")
    return course, a, b, quiz, c


def _complete(client, lesson):
    response = client.post(reverse("courses:lesson-complete", args=[lesson.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 302
    return response


def test_last_lesson_of_a_module_leads_to_its_quiz(client, officer):
    course, a, b, quiz, c = _course()
    EnrolmentFactory(officer=officer, course=course)
    client.force_login(officer.user)
    # Not the module's last lesson: the next lesson, as before.
    assert _complete(client, a)["Location"] == b.url
    response = _complete(client, b)
    assert response["Location"] == quiz.url
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        "Đã ghi nhận bạn học xong bài này. Tiếp theo: bài kiểm tra của học phần “Kiểm tra học phần 1”.")
    # A module without a quiz: its last lesson goes on as today (no next lesson: the course page).
    assert _complete(client, c)["Location"] == course.url
    assert Enrolment.objects.get(officer=officer).status == Enrolment.Status.ACTIVE  # the quiz is still required


def test_last_lesson_page_links_to_the_module_quiz(client, officer):
    course, a, b, quiz, c = _course()
    EnrolmentFactory(officer=officer, course=course)
    client.force_login(officer.user)
    html = client.get(b.url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert f'href="{quiz.url}" rel="next"' in html and "Bài kiểm tra của học phần" in html
    assert f'href="{c.url}" rel="next"' not in html
    # The first lesson links to the next lesson, not to the quiz.
    html = client.get(a.url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert f'href="{b.url}" rel="next"' in html and f'href="{quiz.url}" rel="next"' not in html


def test_a_quiz_before_the_lessons_still_counts_as_the_module_quiz(client, officer):
    course = CoursePageFactory(title="Chứng thực")
    module = ModulePageFactory(parent=course, title="Học phần 1")
    quiz = QuizPageFactory(parent=module, title="Kiểm tra đầu vào")
    lesson = LessonPageFactory(parent=module, title="Bài 1.1")
    LessonPageFactory(parent=ModulePageFactory(parent=course, title="Học phần 2"), title="Bài 2.1")
    EnrolmentFactory(officer=officer, course=course)
    client.force_login(officer.user)
    assert _complete(client, lesson)["Location"] == quiz.url


def test_an_unpublished_quiz_is_skipped(client, officer):
    course, a, b, quiz, c = _course()
    quiz.unpublish()
    EnrolmentFactory(officer=officer, course=course)
    client.force_login(officer.user)
    assert _complete(client, b)["Location"] == c.url


def test_a_completed_course_goes_to_the_course_page(client, officer):
    """The quiz is not required (the course does not ask for a pass mark): the last lesson completes the course,
    and the congratulation on the course page wins over the optional quiz."""
    course, a, b, quiz, c = _course(pass_mark_required=False)
    enrolment = EnrolmentFactory(officer=officer, course=course)
    client.force_login(officer.user)
    for lesson in (a, c):
        _complete(client, lesson)
    response = _complete(client, b)
    assert response["Location"] == CoursePage.objects.get(pk=course.pk).url
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert LessonPage.objects.descendant_of(course).count() == 3
