"""Rules kept on the course models."""

import pytest
from wagtail.models import Page

from courses.models import course_path_prefix
from tests.assessments.factories import QuizPageFactory
from tests.courses.factories import CoursePageFactory, LessonPageFactory, ModulePageFactory

pytestmark = pytest.mark.django_db


def test_course_path_prefix_is_the_course_of_every_page_below_it():
    course = CoursePageFactory()
    module = ModulePageFactory(parent=course)
    lesson = LessonPageFactory(parent=module)
    quiz = QuizPageFactory(parent=module)
    other = CoursePageFactory()
    for page in (course, module, lesson, quiz, Page.objects.get(pk=quiz.pk)):
        assert course_path_prefix(page) == course.path
    assert course_path_prefix(LessonPageFactory(parent=ModulePageFactory(parent=other))) == other.path
