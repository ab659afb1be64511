"""Background work: render certificate PDFs, build unit archives, and the daily expiry/renewal jobs."""

from celery import shared_task

from lms.tasks import Task


class CertificateRenderTask(Task):
    """Marks the certificate FAILED once retries are exhausted, so the admin can "render again"."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from . import services

        certificate_id = kwargs.get("certificate_id", args[0] if args else None)
        if certificate_id is not None:
            services.certificate_mark_failed(certificate_id=int(certificate_id), error=f"{type(exc).__name__}: {exc}")
        super().on_failure(exc, task_id, args, kwargs, einfo)


@shared_task(
    bind=True,
    base=CertificateRenderTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def certificate_render_pdf_task(self, certificate_id: int):
    """Render and store one certificate's PDF. Takes an id; redelivery (acks_late after a killed worker) or a
    duplicate run is harmless: the service locks the row and skips a certificate that is already READY."""
    from . import services

    certificate = services.certificate_render(certificate_id=int(certificate_id))
    return certificate.status if certificate is not None else None


@shared_task(bind=True, base=Task, acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,),
             retry_backoff=2, retry_backoff_max=300, retry_jitter=True, max_retries=5)
def certificate_issue_task(self, enrolment_id: int):
    """Issue the certificate of a completed enrolment (queued when the course is completed, after commit).
    Idempotent: a redelivered or duplicated run finds the certificate the first one issued."""
    from . import services

    certificate = services.certificate_issue_for_enrolment(enrolment_id=int(enrolment_id))
    return certificate.pk if certificate is not None else None


class UnitArchiveTask(Task):
    """Shows the leader a failed archive instead of a progress bar that never ends."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from . import services

        archive_id = kwargs.get("archive_id", args[0] if args else None)
        if archive_id is not None:
            services.unit_archive_mark_failed(archive_id=int(archive_id), error=f"{type(exc).__name__}: {exc}")
        super().on_failure(exc, task_id, args, kwargs, einfo)


@shared_task(bind=True, base=UnitArchiveTask, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(OSError,), retry_backoff=2, max_retries=3)
def unit_archive_build_task(self, archive_id: int):
    """Build the ZIP of a unit's certificates, saving progress as it goes so the page can poll it."""
    from . import services

    return services.unit_archive_build(archive_id=int(archive_id))


@shared_task(acks_late=True)
def certificates_renewal_enrol_task():
    """Daily: enrol officers for renewal N days (site setting) before their certificate expires."""
    from . import services

    return services.certificates_renewal_enrol()


@shared_task(acks_late=True)
def certificates_pending_requeue_task():
    """Every LMS_PENDING_RENDER_AFTER seconds (beat): queue again the renders of long-pending certificates."""
    from . import services

    return services.certificates_pending_requeue()


@shared_task(acks_late=True)
def certificates_expire_task():
    """Daily: end the attainments of expired certificates on their last valid day."""
    from . import services

    return services.certificates_expire()
