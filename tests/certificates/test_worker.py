"""Certificates through real PostgreSQL connections and real `celery worker` processes (CI's services stage).

Skipped without DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://… (failed instead when CI=true).
"""

import threading
from collections import Counter

import pytest
from django.db import close_old_connections, connection

from certificates import services
from certificates.models import Certificate, SerialCounter
from certificates.storage import private_root
from tests.certificates.factories import CertificateTemplateFactory, EnrolmentFactory, make_course
from tests.people.factories import CompetencyFactory, OfficerFactory, UnitFactory
from tests.worker import start_worker, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def setup_data(db):
    CertificateTemplateFactory(name="Mặc định", is_default=True)
    unit = UnitFactory(code="CERT-TT", name="Trung tâm PVHCC phường Tân Định")
    competency = CompetencyFactory(code="NV09", name_vi="Số hóa hồ sơ")
    course = make_course(title="Số hóa hồ sơ, kết quả giải quyết TTHC", competencies=[(competency, 2)])
    return unit, course


def _pdf_files():
    root = private_root()
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.pdf")) if root.exists() else []


def _run_in_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


def _count_renders(monkeypatch) -> list:
    """Stand in for the PDF renderer (outside I/O) and record which certificates the render task rendered."""
    from certificates import pdf

    rendered = []

    def render(*, certificate):
        rendered.append(certificate.pk)
        return b"%PDF-1.4 stub"

    monkeypatch.setattr(pdf, "render_certificate_pdf", render)
    return rendered


def test_concurrent_completion_issues_one_certificate(setup_data, monkeypatch):
    unit, course = setup_data
    assert connection.vendor == "postgresql"
    sent = _count_renders(monkeypatch)
    officer = OfficerFactory(unit=unit, full_name="Đặng Thị Ngọc Ánh")
    enrolment = EnrolmentFactory(officer=officer, course=course)
    other_enrolment = EnrolmentFactory(officer=officer, course=course)

    def issue():
        which = enrolment if threading.get_ident() % 2 else other_enrolment
        return services.certificate_issue(officer=officer, course=course, enrolment=which).pk

    results, errors = _run_in_threads(8, issue)
    assert errors == []
    assert len(set(results)) == 1
    assert Certificate.objects.filter(officer=officer, course=course).count() == 1
    assert SerialCounter.objects.get().last_number == 1
    assert len(sent) == 1


def test_concurrent_issues_for_different_officers_get_gap_free_serials(setup_data, monkeypatch):
    unit, course = setup_data
    rendered = _count_renders(monkeypatch)
    officers = [OfficerFactory(unit=unit) for _ in range(8)]
    iterator = iter(officers)
    lock = threading.Lock()

    def issue():
        with lock:
            officer = next(iterator)
        return services.certificate_issue(officer=officer, course=course).serial

    serials, errors = _run_in_threads(8, issue)
    assert errors == []
    year = Certificate.objects.first().issued_on.year
    assert sorted(serials) == [f"OSA-{year}-{n:06d}" for n in range(1, 9)]
    assert sorted(rendered) == sorted(Certificate.objects.values_list("pk", flat=True))


def test_certificates_are_rendered_by_a_real_worker(setup_data, celery_worker_process):
    unit, course = setup_data
    officer = OfficerFactory(unit=unit, full_name="Huỳnh Thanh Tâm")
    certificate = services.certificate_issue(officer=officer, course=course)  # committed: on_commit -> .delay
    wait_until(lambda: Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.READY, timeout=90,
               message="the worker to render the PDF")
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as fh:
        assert fh.read(4) == b"%PDF"
    assert "certificate_render_pdf_task" in celery_worker_process.log()
    assert _pdf_files() == [f"certificates/{certificate.issued_on.year}/{certificate.serial}.pdf"]


def test_killed_worker_mid_batch_every_certificate_ends_ready_once(setup_data, services_celery, tmp_path):
    """SIGKILL the worker while it holds renders, start another: every certificate READY once, one file each,
    nothing rendered twice. Every wait is on a condition (a gate the render task waits at, the database), with
    generous deadlines that only a broken run reaches; kombu sweeps the unacked jobs every second here
    (tests/worker_settings.py), not every 100 s, which is what once made this test time out at 180 s."""
    unit, course = setup_data
    officers = [OfficerFactory(unit=unit) for _ in range(24)]
    gate = tmp_path / "gate"
    gate.mkdir()
    (gate / "open").touch()
    ready = Certificate.objects.filter(status="ready")

    def blocked() -> list[int]:
        """Certificates whose render a worker holds at the closed gate (so not rendered, not acknowledged)."""
        ids = {int(p.name.split("-")[1]) for p in gate.glob("blocked-*")}
        return sorted(ids - set(ready.filter(pk__in=ids).values_list("pk", flat=True)))

    with start_worker(services_celery, pool="prefork", concurrency=2, visibility_timeout=5,
                      extra_env={"LMS_TEST_RENDER_GATE": str(gate)}) as worker:
        ids = [services.certificate_issue(officer=o, course=course).pk for o in officers]
        wait_until(lambda: ready.filter(pk__in=ids).count() >= 3, timeout=300, interval=0.05,
                   message="a few certificates rendered before the kill")
        (gate / "open").unlink()
        held = wait_until(blocked, timeout=300, interval=0.05, message="a render held at the closed gate")
        worker.kill()
        done_at_kill = ready.filter(pk__in=ids).count()
        assert done_at_kill < len(ids)
        assert not ready.filter(pk__in=held).exists()  # killed mid-batch, with renders in hand
        (gate / "open").touch()
        worker.restart()
        wait_until(lambda: ready.filter(pk__in=ids).count() == len(ids), timeout=600,
                   message="every certificate READY after the restart (held jobs come back after 5 s)")
    certificates = list(Certificate.objects.filter(pk__in=ids))
    assert Counter(c.status for c in certificates) == {"ready": len(ids)}
    assert Certificate.objects.count() == len(ids)
    # Rendered exactly once each: a render killed half-way rolled back its attempt count with its transaction,
    # and a redelivered job of a READY certificate renders nothing.
    assert Counter(c.render_attempts for c in certificates) == {1: len(ids)}
    files = _pdf_files()
    assert len(files) == len(ids) == len(set(files))
    assert sorted(files) == sorted(f"certificates/{c.issued_on.year}/{c.serial}.pdf" for c in certificates)
