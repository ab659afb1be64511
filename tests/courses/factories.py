"""Builders for course pages and training records (wagtail-factories for the page tree)."""

import datetime as dt

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from courses.models import CourseCompetency, CourseIndexPage, CoursePage, Enrolment, LessonPage, ModulePage
from tests.people.factories import CompetencyFactory, OfficerFactory


def catalogue() -> CourseIndexPage:
    """The catalogue page created by the courses data migration (the default site's root)."""
    return CourseIndexPage.objects.get()


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Khóa học {n}")
    summary = "Bồi dưỡng nghiệp vụ cho cán bộ Trung tâm Phục vụ hành chính công."
    parent = factory.LazyFunction(catalogue)


class ModulePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ModulePage

    title = factory.Sequence(lambda n: f"Học phần {n}")
    parent = factory.SubFactory(CoursePageFactory)


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Bài học {n}")
    parent = factory.SubFactory(ModulePageFactory)


class CourseCompetencyFactory(DjangoModelFactory):
    class Meta:
        model = CourseCompetency

    page = factory.SubFactory(CoursePageFactory)
    competency = factory.SubFactory(CompetencyFactory)
    level = 2


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    officer = factory.SubFactory(OfficerFactory)
    course = factory.SubFactory(CoursePageFactory)
    course_title = factory.SelfAttribute("course.title")
    reason = Enrolment.Reason.SELF
    assigned_on = factory.LazyFunction(dt.date.today)


def build_course(*, modules: int = 1, lessons: int = 3, title: str = "Tiếp nhận hồ sơ", **kwargs) -> CoursePage:
    """A published course with `modules` modules of `lessons` lessons each."""
    course = CoursePageFactory(title=title, **kwargs)
    for m in range(modules):
        module = ModulePageFactory(parent=course, title=f"Học phần {m + 1}")
        for n in range(lessons):
            LessonPageFactory(parent=module, title=f"Bài {m + 1}.{n + 1}")
    return course
