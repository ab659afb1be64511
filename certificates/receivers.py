"""The one upward event: a completed course issues its certificate (connected in CertificatesConfig.ready)."""

from courses.models import Enrolment
from courses.signals import course_completed


def on_course_completed(sender, enrolment, **kwargs):
    """Queued for the worker, not issued in the request: the exam room's submits all complete their course within
    the same half minute, and issuing (about 20 statements) would double each submit's cost. The result page
    already says "being prepared" until the certificate exists (notifications' course_outcome); without a broker
    (local runs, tests) the task runs at once, as before. A lost task is found again by the pending sweeper
    (services.certificates_pending_requeue: completed enrolments without their certificate)."""
    from .tasks import certificate_issue_task

    certificate_issue_task.delay_on_commit(enrolment.pk)


def connect() -> None:
    course_completed.connect(on_course_completed, sender=Enrolment, dispatch_uid="certificates.issue_on_completion")
