"""Periodic work of assessments/ (scheduled in CELERY_BEAT_SCHEDULE)."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def attempts_submit_expired_task() -> int:
    """Submit and grade attempts whose time ran out while the officer was away (closed tab, lost network).

    Safe to retry and to run on several workers: attempt_submit grades each attempt exactly once.
    """
    from .services import attempts_submit_expired

    return attempts_submit_expired()


@shared_task(acks_late=True, ignore_result=True)
def question_import_job_task(job_id: int) -> str:
    """Import a large question file outside the request (the progress page polls the job row). An unexpected
    error marks the job failed and is logged; it is not retried (the same file would fail the same way)."""
    from .imports import question_import_job_run
    from .models import QuestionImportJob

    try:
        return question_import_job_run(job_id=job_id)
    except Exception:
        logger.exception("question_import_job_task: job %s failed", job_id)
        job = QuestionImportJob.objects.filter(pk=job_id).first()
        if job is not None:
            from django.utils.translation import gettext

            job.mark_failed(gettext("The import stopped because of an error in the application; nothing was "
                                    "written. The error was logged for the administrators."))
        return "failed"
