"""The e-mail of a notification (after commit, retried with backoff) and the scheduled jobs (beat)."""

from celery import shared_task

from lms.tasks import Task

from .exceptions import NotificationSendError


@shared_task(bind=True, base=Task, acks_late=True, ignore_result=True,
             autoretry_for=(NotificationSendError,),
             retry_backoff=60, retry_backoff_max=3600, retry_jitter=True, max_retries=5)
def notification_send_task(self, notification_id: int):
    """Send one notification's e-mail. A failure is recorded on the row before the retry; a row already sent is
    left alone, so a redelivered or duplicated task never sends twice."""
    from . import services

    return services.notification_send(notification_id=int(notification_id))


@shared_task(acks_late=True)
def notifications_job_task(name: str):
    """Run one scheduled job (due, overdue, lapsing, retraining, marking, digest) for today."""
    from . import services

    return services.run_job(name).summary()


@shared_task(acks_late=True, ignore_result=True)
def notification_new_course_task(course_id: int):
    """Tell every officer about a course published for the first time."""
    from . import services

    result = services.new_course(course_id=int(course_id))
    return result.created if result else 0


@shared_task(acks_late=True)
def notifications_retry_failed_task():
    """Queue the failed e-mails again."""
    from . import services

    return services.notifications_retry_failed()
