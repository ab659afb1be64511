import os
from io import StringIO

import pytest
from django.core.management import call_command

from certificates import services
from certificates.models import Certificate
from certificates.storage import private_root
from certificates.tasks import certificate_render_pdf_task

pytestmark = pytest.mark.django_db


def _files():
    root = private_root()
    return sorted(p.relative_to(root) for p in root.rglob("*.pdf")) if root.exists() else []


def test_task_options():
    task = certificate_render_pdf_task
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert task.autoretry_for == (OSError,)
    assert task.max_retries == 5
    assert task.retry_backoff and task.retry_jitter


def test_running_twice_gives_one_file_and_no_second_certificate(officer, course):
    certificate = services.certificate_issue(officer=officer, course=course)  # not committed: not yet rendered
    assert certificate.status == Certificate.Status.PENDING
    certificate_render_pdf_task.apply(args=[certificate.pk]).get()
    certificate.refresh_from_db()
    first_mtime = os.path.getmtime(certificate.pdf.path)
    certificate_render_pdf_task.apply(args=[certificate.pk]).get()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.READY
    assert certificate.render_attempts == 1  # the second run saw READY and did nothing
    assert os.path.getmtime(certificate.pdf.path) == first_mtime
    assert _files() == [os.path.join("certificates", str(certificate.issued_on.year), f"{certificate.serial}.pdf")] \
        or [str(p) for p in _files()] == [f"certificates/{certificate.issued_on.year}/{certificate.serial}.pdf"]
    assert Certificate.objects.count() == 1


def test_failure_marks_failed_and_render_again_recovers(officer, course, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    from certificates import pdf

    def broken(**kwargs):
        raise ValueError("font missing")

    monkeypatch.setattr(pdf, "render_certificate_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):  # the failure does not escape into the caller
        services.certificate_issue(officer=officer, course=course)
    certificate = Certificate.objects.get()
    assert certificate.status == Certificate.Status.FAILED
    assert "font missing" in certificate.failure_message

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_render_again(certificate=certificate)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.READY and certificate.failure_message == ""


def test_transient_os_error_is_retried(officer, course, monkeypatch):
    from certificates import pdf

    real = pdf.render_certificate_pdf
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) < 3:
            raise OSError("disk busy")
        return real(**kwargs)

    monkeypatch.setattr(pdf, "render_certificate_pdf", flaky)
    monkeypatch.setitem(certificate_render_pdf_task.app.conf, "task_eager_propagates", False)
    certificate = services.certificate_issue(officer=officer, course=course)
    certificate_render_pdf_task.apply(args=[certificate.pk], throw=False)
    certificate.refresh_from_db()
    assert len(calls) == 3
    assert certificate.status == Certificate.Status.READY


def test_rerender_command_rewrites_files_without_changing_data(officer, course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(officer=officer, course=course)
    certificate.refresh_from_db()
    before = Certificate.objects.filter(pk=certificate.pk).values(
        "serial", "code", "status", "officer_name", "issued_on", "expires_on", "pdf").get()
    out = StringIO()
    call_command("rerender_certificates", stdout=out)
    after = Certificate.objects.filter(pk=certificate.pk).values(*before).get()
    assert after == before
    assert Certificate.objects.get(pk=certificate.pk).render_attempts == 2
    assert len(_files()) == 1
    assert "1" in out.getvalue()
