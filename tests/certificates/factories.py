import datetime as dt

import factory
from factory.django import DjangoModelFactory

from certificates.models import Certificate, CertificateTemplate
from courses.models import CoursePage, Enrolment
from tests.courses import factories as courses_factories
from tests.people.factories import CompetencyFactory


class CoursePageFactory(courses_factories.CoursePageFactory):
    title = factory.Sequence(lambda n: f"Tiếp nhận hồ sơ theo Nghị định 118/2025/NĐ-CP — khóa {n}")
    validity_months = 24


class EnrolmentFactory(courses_factories.EnrolmentFactory):
    """A completed, role-required enrolment: what a certificate is issued for."""

    reason = Enrolment.Reason.ROLE
    status = Enrolment.Status.COMPLETED
    assigned_on = dt.date(2026, 1, 5)


class CertificateTemplateFactory(DjangoModelFactory):
    class Meta:
        model = CertificateTemplate

    name = factory.Sequence(lambda n: f"Mẫu {n}")
    signer_name = "Trần Thị Minh Châu"
    is_default = False


def make_course(**kwargs) -> CoursePage:
    competencies = kwargs.pop("competencies", None)
    course = CoursePageFactory(**kwargs)
    for competency, level in competencies or []:
        courses_factories.CourseCompetencyFactory(page=course, competency=competency, level=level)
    return course


__all__ = ["Certificate", "CertificateTemplateFactory", "CompetencyFactory", "EnrolmentFactory", "make_course"]
