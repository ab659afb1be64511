"""Background jobs of courses/."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def enrolments_sync_required_task() -> int:
    """Daily safety net for automatic enrolment.

    Role assignments that start in the future send their signal when they are recorded, before they are in force,
    and a course can start granting a competency without being re-published. Re-running the sync for every
    officer with a current role enrols whoever is now due; it never enrols anyone twice, so it is safe to repeat.
    Then re-training: officers whose required competency is "sắp hết hạn", "hết hạn" or lost its only evidence to
    a revocation are enrolled for renewal (once per lapse, see courses.services.enrolments_retrain).
    """
    from .services import enrolments_retrain, enrolments_sync_required

    return enrolments_sync_required() + enrolments_retrain()
