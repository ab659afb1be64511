"""Every write to certificates/ goes through these services."""

import datetime as dt
import logging
import secrets

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import CoursePage, Enrolment
from lms.slugs import ascii_filename
from lms.tasks import send_on_commit
from people import services as people_services
from people.models import Attainment, Officer

from .exceptions import CertificateError
from .models import Certificate, CertificateSettings, CertificateTemplate, SerialCounter, UnitArchive
from .selectors import issuer_for, issuer_lines
from .signals import certificate_ready

logger = logging.getLogger(__name__)

SERIAL_PREFIX = "OSA"


def certificate_valid_until(*, issued_on: dt.date, validity_months: int) -> dt.date | None:
    """Last day of validity: the day before the same date `validity_months` later (None when it never expires)."""
    if not validity_months:
        return None
    # relativedelta clamps to the month's end: 31/01 + 1 month = 28/02 (29/02 in a leap year).
    return issued_on + relativedelta(months=validity_months) - dt.timedelta(days=1)


def template_for_course(*, course: CoursePage) -> CertificateTemplate | None:
    """The template that lists the course, else the default template, else None (the PDF uses built-in wording)."""
    template = CertificateTemplate.objects.filter(courses=course).order_by("-updated_at").first()
    return template or CertificateTemplate.objects.filter(is_default=True).first()


def serial_next(*, year: int) -> str:
    """Take the next serial of a year. Must run inside the transaction that saves the certificate, so a
    rollback returns the number and the sequence stays gap-free."""
    if not SerialCounter.objects.filter(year=year).exists():
        try:
            with transaction.atomic():
                SerialCounter.objects.create(year=year, last_number=0)
        except IntegrityError:
            pass  # another transaction created the year's row first
    counter = SerialCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{SERIAL_PREFIX}-{year}-{counter.last_number:06d}"


def _competency_snapshot(course: CoursePage) -> list[dict]:
    rows = course.granted_competencies.select_related("competency").order_by("sort_order", "pk")
    return [
        {"code": row.competency.code, "name": row.competency.name_vi, "name_en": row.competency.name_en,
         "level": row.level, "competency_id": row.competency_id}
        for row in rows
    ]


def _live_certificate(*, officer: Officer, course: CoursePage) -> Certificate | None:
    return Certificate.objects.filter(officer=officer, course=course, status__in=Certificate.LIVE_STATUSES).first()


def _renewal_due(certificate: Certificate, today: dt.date) -> bool:
    if certificate.expires_on is None:
        return False
    lead = CertificateSettings.load().renewal_lead_days
    return certificate.expires_on - dt.timedelta(days=lead) <= today


def _record_attainments(certificate: Certificate, *, recorded_by=None) -> None:
    from people.models import Competency

    kind = (Attainment.Kind.PRIOR_LEARNING if certificate.basis == Certificate.Basis.PRIOR_LEARNING
            else Attainment.Kind.CERTIFICATE)
    ids = [item["competency_id"] for item in certificate.competencies]
    by_id = Competency.objects.in_bulk(ids)
    for item in certificate.competencies:
        people_services.evidence_record(
            officer=certificate.officer, competency=by_id[item["competency_id"]], level=item["level"],
            achieved_on=certificate.issued_on, expires_on=certificate.expires_on, kind=kind,
            basis=certificate.serial, certificate_serial=certificate.serial, recorded_by=recorded_by,
        )


def _attainments_of(certificate: Certificate):
    """The evidence a certificate recorded (revoked ones included)."""
    return Attainment.objects.filter(officer_id=certificate.officer_id, certificate_serial=certificate.serial)


def _queue_render(certificate_id: int) -> None:
    from .tasks import certificate_render_pdf_task

    certificate_render_pdf_task.delay_on_commit(certificate_id)


@transaction.atomic
def certificate_issue(
    *,
    officer: Officer,
    course: CoursePage,
    enrolment: Enrolment | None = None,
    issued_on: dt.date | None = None,
    basis: str = Certificate.Basis.COMPLETION,
    issued_by=None,
    note: str = "",
) -> Certificate:
    """Issue the certificate for a completed course (or recognised prior learning), idempotently.

    One valid certificate per officer × course × validity period: a second call for the same enrolment, or
    while the current certificate is not yet due for renewal, returns the existing one. When the current
    certificate is due for renewal (or expired) the new one supersedes it, keeping the chain. The officer row
    is locked so that concurrent completions queue up; the partial unique constraints catch anything else.
    The PDF is rendered by a Celery task queued after commit.
    """
    # The officer row locked and read with its unit in one query (SQLite: no row locks, the write lock serialises).
    officer = Officer.objects.select_for_update(of=("self",)).select_related("unit").get(pk=officer.pk)
    today = timezone.localdate()
    issued_on = issued_on or today
    if enrolment is not None:
        existing = Certificate.objects.filter(enrolment=enrolment).first()
        if existing is not None:
            return existing
    current = _live_certificate(officer=officer, course=course)
    if current is not None and not _renewal_due(current, max(issued_on, today)):
        return current

    template = template_for_course(course=course)
    issuer = issuer_for(template=template, unit=officer.unit)  # the real body of the officer's unit
    try:
        with transaction.atomic():
            if current is not None:
                current.status = Certificate.Status.SUPERSEDED
                current.superseded_at = timezone.now()
                current.save(update_fields=["status", "superseded_at"])
            certificate = Certificate(
                officer=officer, course=course, enrolment=enrolment, template=template, basis=basis,
                serial=serial_next(year=issued_on.year), code=secrets.token_urlsafe(24),
                status=Certificate.Status.PENDING,
                officer_name=officer.full_name, officer_code=officer.employee_code, unit_name=officer.unit.name,
                course_title=course.title, competencies=_competency_snapshot(course), issued_on=issued_on,
                expires_on=certificate_valid_until(issued_on=issued_on, validity_months=course.validity_months),
                issuing_place=(issuer.issuing_place if issuer is not None and issuer.issuing_place
                               else CertificateSettings.load().issuing_place),
                issuer=issuer, **issuer_lines(template=template, issuer=issuer),
                issued_by=issued_by, note=note,
            )
            # Every related row was just read (officer, course, enrolment, template, issuer): their existence is
            # not checked again; serial and code are unique by the counter and 24 random bytes, and the
            # database's unique constraints still answer for them (IntegrityError below).
            certificate.full_clean(exclude=["officer", "course", "enrolment", "template", "issuer", "issued_by"],
                                   validate_unique=False, validate_constraints=False)
            certificate.save()
            if current is not None:
                current.superseded_by = certificate
                current.save(update_fields=["superseded_by"])
    except IntegrityError:
        # A concurrent call for the same officer × course won the race: its certificate is the one.
        found = (Certificate.objects.filter(enrolment=enrolment).first() if enrolment is not None else None) \
            or _live_certificate(officer=officer, course=course)
        if found is None:
            raise
        return found
    _record_attainments(certificate, recorded_by=issued_by)
    _queue_render(certificate.pk)
    return certificate


def certificate_issue_prior_learning(
    *, officer: Officer, course: CoursePage, issued_by, issued_on: dt.date | None = None, note: str = ""
) -> Certificate:
    """An administrator recognises prior learning: the same certificate, marked as such, with its evidence note."""
    if not note.strip():
        raise CertificateError("A note describing the prior learning is required.")
    return certificate_issue(officer=officer, course=course, issued_on=issued_on, issued_by=issued_by,
                             basis=Certificate.Basis.PRIOR_LEARNING, note=note.strip())


def certificate_pdf_store(*, certificate: Certificate, data: bytes, notify: bool = True) -> Certificate:
    """Store the rendered PDF under the certificate's deterministic name (overwriting) and mark it ready
    unless it was revoked or superseded meanwhile (those keep their status; only the file is refreshed).
    When it first becomes ready, `certificates.signals.certificate_ready` is sent after commit (the notification
    centre, to the right, tells the officer once, in the centre and by e-mail)."""
    if not data.startswith(b"%PDF"):
        raise CertificateError("The renderer did not return a PDF.")
    certificate.pdf.save("certificate.pdf", ContentFile(data), save=False)
    certificate.rendered_at = timezone.now()
    certificate.failure_message = ""
    fields = ["pdf", "rendered_at", "failure_message"]
    became_ready = certificate.status in (Certificate.Status.PENDING, Certificate.Status.FAILED)
    if became_ready:
        certificate.status = Certificate.Status.READY
        fields.append("status")
    certificate.save(update_fields=fields)
    if became_ready and notify:
        send_on_commit(certificate_ready, sender=Certificate, certificate=certificate)
    return certificate


def certificate_mark_failed(*, certificate_id: int, error: str) -> None:
    """Record that rendering gave up after its retries, so the admin shows it with a "render again" action."""
    Certificate.objects.filter(pk=certificate_id, status=Certificate.Status.PENDING).update(
        status=Certificate.Status.FAILED, failure_message=error[:2000]
    )
    Certificate.objects.filter(pk=certificate_id).exclude(status=Certificate.Status.PENDING).update(
        failure_message=error[:2000]
    )


@transaction.atomic
def certificate_render(*, certificate_id: int, force: bool = False, notify: bool = True) -> Certificate | None:
    """Render and store one certificate's PDF under a row lock: safe to run twice or concurrently.

    Without `force` a certificate that is already READY with its file is left alone (a redelivered task is a
    no-op). With `force` (the rerender command) the file is rewritten in place; no data changes.
    """
    from .pdf import render_certificate_pdf

    certificate = (Certificate.objects.select_for_update().filter(pk=certificate_id).first())
    if certificate is None:
        return None
    if not force and certificate.status != Certificate.Status.PENDING and certificate.status != \
            Certificate.Status.FAILED and certificate.pdf and certificate.pdf.storage.exists(certificate.pdf.name):
        return certificate
    Certificate.objects.filter(pk=certificate_id).update(render_attempts=certificate.render_attempts + 1)
    data = render_certificate_pdf(certificate=certificate)
    return certificate_pdf_store(certificate=certificate, data=data, notify=notify)


def certificate_render_again(*, certificate: Certificate) -> None:
    """Put a failed certificate back to pending and queue its render (the admin's "render again")."""
    if certificate.status == Certificate.Status.FAILED:
        Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.PENDING, failure_message="")
        certificate.status = Certificate.Status.PENDING
    _queue_render(certificate.pk)


def certificate_issue_for_enrolment(*, enrolment_id: int) -> Certificate | None:
    """The certificate of a completed enrolment (issued now, or the one already issued); None when the enrolment
    is gone or no longer completed (withdrawn, reset) by the time the worker gets to it."""
    enrolment = Enrolment.objects.select_related("officer", "course").filter(pk=enrolment_id).first()
    if enrolment is None or enrolment.status != Enrolment.Status.COMPLETED:
        return None
    return certificate_issue(officer=enrolment.officer, course=enrolment.course, enrolment=enrolment)


MISSING_ISSUE_WINDOW_DAYS = 7  # how far back the sweeper looks for completions whose certificate was never issued


def certificates_missing_requeue(*, older_than: int, limit: int = 5000) -> int:
    """Queue the issue of every course completed `older_than` seconds ago (within the last week) that has no
    certificate: its task was lost (a Redis restarted empty). A completion that found a live certificate of the
    same course (not yet due for renewal) is not missing anything."""
    from django.db.models import Exists, OuterRef

    from .tasks import certificate_issue_task

    now = timezone.now()
    missing = (Enrolment.objects.filter(
        status=Enrolment.Status.COMPLETED, completed_at__lte=now - dt.timedelta(seconds=older_than),
        completed_at__gte=now - dt.timedelta(days=MISSING_ISSUE_WINDOW_DAYS))
        .exclude(Exists(Certificate.objects.filter(enrolment=OuterRef("pk"))))
        .exclude(Exists(Certificate.objects.filter(officer=OuterRef("officer_id"), course=OuterRef("course_id"),
                                                   status__in=Certificate.LIVE_STATUSES))))
    ids = list(missing.order_by("pk").values_list("pk", flat=True)[:limit])
    for pk in ids:
        certificate_issue_task.send_or_defer((pk,))
    if ids:
        logger.warning("%d certificates never issued queued again", len(ids))
    return len(ids)


def certificates_pending_requeue(*, older_than: int | None = None, limit: int = 5000) -> int:
    """Queue the render of every certificate still PENDING `older_than` seconds after issue (the sweeper).

    A certificate is PENDING from its issue until its PDF is stored; that row is the record that the PDF is owed.
    Normally the task queued at issue renders it within seconds; one still pending much later lost its task (a
    Redis that restarted empty, a send deferred and then dropped). Queuing again is always safe: the render
    locks the row and skips a certificate that is already READY, so a duplicate renders nothing twice.
    """
    from django.conf import settings

    from .tasks import certificate_render_pdf_task

    seconds = settings.LMS_PENDING_RENDER_AFTER if older_than is None else older_than
    cutoff = timezone.now() - dt.timedelta(seconds=seconds)
    ids = list(Certificate.objects.filter(status=Certificate.Status.PENDING, created_at__lte=cutoff)
               .order_by("pk").values_list("pk", flat=True)[:limit])
    for pk in ids:
        certificate_render_pdf_task.send_or_defer((pk,))
    if ids:
        logger.warning("%d pending certificate renders queued again", len(ids))
    return len(ids) + certificates_missing_requeue(older_than=seconds, limit=limit)


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, revoked_by) -> Certificate:
    """Revoke a certificate with a reason. Its evidence is revoked too (it never counts again, whatever the
    date; history stays), and after commit the officer is re-trained where that evidence was needed."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("A reason is required to revoke a certificate.")
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status in (Certificate.Status.REVOKED, Certificate.Status.SUPERSEDED):
        raise CertificateError("This certificate is no longer valid and cannot be revoked.")
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = revoked_by
    certificate.revoked_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoked_reason"])
    for attainment in _attainments_of(certificate).not_revoked():
        people_services.evidence_revoke(attainment=attainment, reason=reason, by=revoked_by)
    return certificate


def certificate_renew(*, certificate: Certificate, issued_on: dt.date | None = None, issued_by=None) -> Certificate:
    """Issue the renewal of a certificate due for renewal; the new one supersedes it (see certificate_issue)."""
    if certificate.status not in Certificate.LIVE_STATUSES:
        raise CertificateError("Only a valid certificate can be renewed.")
    renewed = certificate_issue(officer=certificate.officer, course=certificate.course, issued_on=issued_on,
                                issued_by=issued_by, basis=certificate.basis, note=certificate.note)
    if renewed.pk == certificate.pk:
        raise CertificateError("This certificate is not yet due for renewal.")
    return renewed


def certificates_renewal_enrol(*, today: dt.date | None = None) -> int:
    """Enrol officers again in a course when their certificate enters the renewal window (daily beat).

    Each certificate triggers one renewal enrolment (remembered in renewal_enrolled_at); an officer who
    already has an active enrolment in the course is not enrolled twice.
    """
    from courses import services as course_services

    today = today or timezone.localdate()
    lead = CertificateSettings.load().renewal_lead_days
    due = (
        Certificate.objects.filter(
            status__in=Certificate.LIVE_STATUSES, renewal_enrolled_at__isnull=True,
            expires_on__isnull=False, expires_on__lte=today + dt.timedelta(days=lead),
            officer__is_active=True,
        ).select_related("officer", "course")
    )
    count = 0
    for certificate in due.iterator():
        with transaction.atomic():
            locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
            if locked.renewal_enrolled_at is not None:
                continue
            active = Enrolment.objects.filter(officer_id=locked.officer_id, course_id=locked.course_id,
                                              status=Enrolment.Status.ACTIVE).exists()
            if not active:
                course_services.enrolment_create(
                    officer=certificate.officer, course=certificate.course, reason=Enrolment.Reason.RENEWAL,
                    due_on=max(locked.expires_on, today),
                )
                count += 1
            locked.renewal_enrolled_at = timezone.now()
            locked.save(update_fields=["renewal_enrolled_at"])
    return count


def certificates_expire(*, today: dt.date | None = None) -> int:
    """Daily: make sure the attainments of expired certificates end on the certificate's last valid day.

    Expiry itself needs no status change (a certificate is expired when today is past expires_on); this keeps
    coverage honest if an attainment was edited or recorded later than its certificate.
    """
    today = today or timezone.localdate()
    count = 0
    expired = Certificate.objects.filter(status=Certificate.Status.READY, expires_on__lt=today)
    for certificate in expired.iterator():
        for attainment in _attainments_of(certificate).not_revoked().exclude(expires_on__lte=certificate.expires_on):
            people_services.attainment_expire(attainment=attainment, on=certificate.expires_on)
            count += 1
    return count


def unit_archive_request(*, unit, requested_by) -> UnitArchive:
    """Ask for a ZIP of a unit's certificates; a Celery task builds it after commit."""
    from .tasks import unit_archive_build_task

    archive = UnitArchive(unit=unit, requested_by=requested_by)
    archive.full_clean()
    archive.save()
    unit_archive_build_task.delay_on_commit(archive.pk)
    return archive


def archive_entry_name(certificate: Certificate) -> str:
    """A certificate's file name in a unit ZIP: "<serial> - <officer name>.pdf", ASCII only (Vietnamese folded:
    every unzip tool and file system reads it), e.g. "OSA-2026-000001 - Tran Thi Bich Ngoc.pdf". Serials are
    unique, so names are too."""
    return f"{certificate.serial} - {ascii_filename(certificate.officer_name)}.pdf"


def unit_archive_build(*, archive_id: int) -> str:
    """Write the ZIP of the READY certificates of a unit and the units below it, one entry per certificate.

    Progress (done/total) is saved every few files outside any long transaction so the polling page sees it.
    Running it again rebuilds the same file name (overwrite), so a redelivered task leaves one file.
    """
    import tempfile
    import zipfile

    from django.core.files import File

    from .selectors import certificates_for_unit_archive

    archive = UnitArchive.objects.select_related("unit").get(pk=archive_id)
    if archive.is_ready:
        return archive.status
    certificates = list(certificates_for_unit_archive(unit=archive.unit))
    UnitArchive.mark_running(archive.pk, total=len(certificates))
    step = max(1, len(certificates) // 50)
    with tempfile.TemporaryFile() as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for index, certificate in enumerate(certificates, start=1):
                with certificate.pdf.open("rb") as fh:
                    zf.writestr(archive_entry_name(certificate), fh.read())
                if index % step == 0 or index == len(certificates):
                    UnitArchive.mark_progress(archive.pk, done=index)
        tmp.seek(0)
        archive.finish(name=f"{archive.unit.code}-{archive.pk}.zip", content=File(tmp), total=len(certificates))
    return archive.status


def unit_archive_mark_failed(*, archive_id: int, error: str) -> None:
    """Show the leader that the archive could not be built."""
    UnitArchive.mark_failed(archive_id, error=error)
