"""The one upward event: a completed course issues its certificate (connected in CertificatesConfig.ready)."""

from courses.models import Enrolment
from courses.signals import course_completed

from . import services


def on_course_completed(sender, enrolment, **kwargs):
    services.certificate_issue(officer=enrolment.officer, course=enrolment.course, enrolment=enrolment)


def connect() -> None:
    course_completed.connect(on_course_completed, sender=Enrolment, dispatch_uid="certificates.issue_on_completion")
