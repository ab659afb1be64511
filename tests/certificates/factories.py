import datetime as dt

import factory
import wagtail_factories
from factory.django import DjangoModelFactory
from wagtail.models import Page

from certificates.models import Certificate, CertificateTemplate
from courses.models import CourseCompetency, CourseIndexPage, CoursePage, Enrolment
from tests.people.factories import CompetencyFactory, OfficerFactory


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "Khóa học"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Tiếp nhận hồ sơ theo Nghị định 118/2025/NĐ-CP — khóa {n}")
    validity_months = 24


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
    reason = Enrolment.Reason.ROLE
    status = Enrolment.Status.COMPLETED
    assigned_on = dt.date(2026, 1, 5)


class CertificateTemplateFactory(DjangoModelFactory):
    class Meta:
        model = CertificateTemplate

    name = factory.Sequence(lambda n: f"Mẫu {n}")
    signer_name = "Trần Thị Minh Châu"
    is_default = False


def course_index():
    """The course catalogue under Wagtail's root page (created once)."""
    existing = CourseIndexPage.objects.first()
    if existing:
        return existing
    return CourseIndexPageFactory(parent=Page.get_first_root_node())


def make_course(**kwargs) -> CoursePage:
    competencies = kwargs.pop("competencies", None)
    course = CoursePageFactory(parent=course_index(), **kwargs)
    for competency, level in competencies or []:
        CourseCompetencyFactory(page=course, competency=competency, level=level)
    return course


__all__ = ["Certificate", "CertificateTemplateFactory", "CompetencyFactory", "EnrolmentFactory", "make_course"]
