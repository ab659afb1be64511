"""Events from the apps on the left (connected in NotificationsConfig.ready)."""

import logging

from certificates.models import Certificate
from certificates.signals import certificate_ready

from . import services

logger = logging.getLogger(__name__)


def on_certificate_ready(sender, certificate, **kwargs):
    # Sent after the certificate's commit: a failure here must not break the request or task that stored it.
    try:
        services.certificate_ready(certificate=certificate)
    except Exception:
        logger.exception("Could not record the 'certificate ready' notification of certificate %s", certificate.pk)


def on_page_published(sender, instance, **kwargs):
    from .tasks import notification_new_course_task

    notification_new_course_task.delay_on_commit(instance.pk)


def on_course_review_decided(sender, review, **kwargs):
    # Sent after the decision's commit: a failure here must not undo or break the decision.
    try:
        services.course_review_decided(review=review)
    except Exception:
        logger.exception("Could not record the decision notification of course review %s", review.pk)


def connect() -> None:
    from wagtail.signals import page_published

    from courses.models import CoursePage, CourseReview
    from courses.signals import course_review_decided

    page_published.connect(on_page_published, sender=CoursePage, dispatch_uid="notifications.new_course")
    certificate_ready.connect(on_certificate_ready, sender=Certificate, dispatch_uid="notifications.certificate_ready")
    course_review_decided.connect(on_course_review_decided, sender=CourseReview,
                                  dispatch_uid="notifications.course_review_decided")
