"""Periodic work of assessments/ (scheduled in CELERY_BEAT_SCHEDULE)."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def attempts_submit_expired_task() -> int:
    """Submit and grade attempts whose time ran out while the officer was away (closed tab, lost network), once
    the offline grace has passed too (answers given before the deadline may still be replayed until then).

    Safe to retry and to run on several workers: attempt_submit grades each attempt exactly once.
    """
    from .services import attempts_submit_expired

    return attempts_submit_expired()


@shared_task(acks_late=True, ignore_result=True, time_limit=20 * 60, soft_time_limit=19 * 60)
def question_import_job_task(job_id: int) -> str:
    """Import a large question file outside the request (the progress page polls the job row). An unexpected
    error marks the job failed and is logged; it is not retried (the same file would fail the same way)."""
    from lms.imports import import_job_run

    from .imports import question_import_job_run
    from .models import QuestionImportJob

    return import_job_run(job_model=QuestionImportJob, job_id=job_id, run=question_import_job_run)


@shared_task(acks_late=True, ignore_result=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def quiz_versions_prepare_task(quiz_id: int) -> int:
    """Snapshot the question versions a just-published quiz can draw, so that its first starts (a whole exam
    room at 8:00) find them instead of making them. Safe to run twice: versions are made only when missing."""
    from .models import QuizPage
    from .services import quiz_versions_prepare

    quiz = QuizPage.objects.filter(pk=quiz_id).first()
    return quiz_versions_prepare(quiz=quiz) if quiz is not None else 0
