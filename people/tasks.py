"""Background jobs of people/: e-mail that must not hold up a request or an import."""

import logging
import smtplib

from celery import shared_task

logger = logging.getLogger(__name__)

# Transient failures of the mail server or the network; anything else is a bug or bad data and is not retried.
TRANSIENT_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPDataError,
                    smtplib.SMTPHeloError, smtplib.SMTPResponseException, OSError)
# Refused addresses will be refused again: retrying only delays the report.
PERMANENT_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError)

RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 30 * 60


def retry_countdown(retries: int) -> int:
    """Exponential backoff: 30 s, 60 s, 120 s … capped at 30 minutes."""
    return min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2**retries)


@shared_task(bind=True, acks_late=True, max_retries=5, ignore_result=True)
def officer_invite_task(self, officer_id: int, force: bool = False) -> str:
    """Send an officer the "set your password" invitation outside the request.

    Takes an id (the row is re-read, so a late or repeated run sees the current data). Safe to run twice:
    the service sends nothing once ``invited_at`` is set unless ``force``. acks_late means a worker killed
    mid-send gets the job redone. Returns "sent", "skipped", "missing" or "failed" for logs and tests.
    """
    from .models import Officer
    from .services import InvitationError, officer_invite

    officer = Officer.objects.filter(pk=officer_id).first()
    if officer is None:
        logger.warning("officer_invite_task: officer %s no longer exists", officer_id)
        return "missing"
    try:
        sent = officer_invite(officer=officer, force=force)
    except InvitationError as exc:
        logger.warning("officer_invite_task: officer %s not invited: %s", officer_id, exc)
        return "failed"
    except PERMANENT_ERRORS as exc:
        logger.error("officer_invite_task: mail server refused the invitation of officer %s: %s", officer_id, exc)
        return "failed"
    except TRANSIENT_ERRORS as exc:
        logger.warning("officer_invite_task: officer %s, attempt %s failed: %s", officer_id, self.request.retries + 1, exc)
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc
    return "sent" if sent else "skipped"


#: A file at the row cap takes about a minute on two idle cores; a loaded worker may need several.
IMPORT_TIME_LIMIT = 20 * 60


@shared_task(bind=True, acks_late=True, ignore_result=True, time_limit=IMPORT_TIME_LIMIT,
             soft_time_limit=IMPORT_TIME_LIMIT - 60)
def officer_import_job_task(self, job_id: int) -> str:
    """Import a large officer file outside the request (the progress page polls the job row).

    An unexpected error marks the job failed (the page says so) and is logged; it is not retried, since the
    same file would fail the same way.
    """
    from lms.imports import import_job_run

    from .imports import officer_import_job_run
    from .models import OfficerImportJob

    return import_job_run(job_model=OfficerImportJob, job_id=job_id, run=officer_import_job_run)
