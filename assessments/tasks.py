"""Periodic work of assessments/ (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task


@shared_task(acks_late=True)
def attempts_submit_expired_task() -> int:
    """Submit and grade attempts whose time ran out while the officer was away (closed tab, lost network).

    Safe to retry and to run on several workers: attempt_submit grades each attempt exactly once.
    """
    from .services import attempts_submit_expired

    return attempts_submit_expired()
