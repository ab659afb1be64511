"""A certificate whose PDF is owed stays PENDING in the database until it is rendered: that row is the record.

While the broker is down the render is deferred (lms.models.DeferredTask) and sent by the sweeper once it is
back; a certificate still pending long after issue (its queued task lost with a Redis that restarted empty) is
queued again by `certificates_pending_requeue`. Every path is idempotent: one certificate, one render, one file.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from lms.models import DeferredTask

pytestmark = pytest.mark.django_db(transaction=True)

RENDER = "certificates.tasks.certificate_render_pdf_task"


def age(certificate, seconds):
    Certificate.objects.filter(pk=certificate.pk).update(created_at=timezone.now() - dt.timedelta(seconds=seconds))


def test_issue_with_the_broker_down_is_pending_and_deferred_then_sent_once(officer, course, broker_down):
    certificate = services.certificate_issue(officer=officer, course=course)
    again = services.certificate_issue(officer=officer, course=course)  # a retried completion
    assert again.pk == certificate.pk and Certificate.objects.count() == 1
    assert Certificate.objects.get().status == Certificate.Status.PENDING
    assert list(DeferredTask.objects.values_list("name", "args")) == [(RENDER, [certificate.pk])]

    sent = broker_down()
    call_command("send_deferred_tasks")
    call_command("send_deferred_tasks")  # the beat sweeper and an operator at the same time: nothing twice
    assert sent == [(RENDER, (certificate.pk,))]
    assert not DeferredTask.objects.exists()


def test_long_pending_certificates_are_queued_again_and_only_they(officer, other_unit_officer, course, broker_down,
                                                                 settings):
    settings.LMS_PENDING_RENDER_AFTER = 600
    old = services.certificate_issue(officer=officer, course=course)
    young = services.certificate_issue(officer=other_unit_officer, course=course)
    age(old, 3600)
    DeferredTask.objects.all().delete()  # as if the sends had worked and the queue was then lost
    sent = broker_down()

    assert services.certificates_pending_requeue() == 1
    assert sent == [(RENDER, (old.pk,))]
    services.certificate_render(certificate_id=old.pk)  # what the worker runs
    assert services.certificates_pending_requeue() == 0  # READY now: never queued again
    call_command("requeue_pending_certificates", "--older-than", "0")
    assert [item for item in sent if item[0] == RENDER] == [(RENDER, (old.pk,)), (RENDER, (young.pk,))]


def test_a_duplicate_render_renders_nothing_twice(officer, course, monkeypatch):
    from certificates import pdf

    rendered = []

    def render(*, certificate):
        rendered.append(certificate.pk)
        return b"%PDF-1.4 stub"

    monkeypatch.setattr(pdf, "render_certificate_pdf", render)
    certificate = services.certificate_issue(officer=officer, course=course)  # eager: rendered once
    for _ in range(3):  # the deferred send, the pending sweep and a redelivery all run it again
        services.certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert rendered == [certificate.pk]
    assert certificate.status == Certificate.Status.READY and certificate.render_attempts == 1


def test_the_sweepers_run_by_beat():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"lms.tasks.deferred_tasks_send_task", "certificates.tasks.certificates_pending_requeue_task"} <= tasks


def test_a_deferred_task_of_an_unknown_name_is_kept_not_dropped(broker_down):
    from lms.tasks import deferred_tasks_send

    DeferredTask.objects.create(name="nowhere.tasks.gone_task", args=[1])
    broker_down()
    assert deferred_tasks_send() == {"sent": 0, "left": 1, "error": ""}
    assert DeferredTask.objects.get().error == "unknown task nowhere.tasks.gone_task"


def test_the_sweeper_finds_tasks_a_fresh_process_has_not_imported():
    """manage.py send_deferred_tasks runs without the worker's autodiscovery: the task's module is imported (a first
    run dropped every deferred render as "unknown" here; the pending sweep saved the certificates)."""
    import os
    import subprocess
    import sys

    code = ("import django; django.setup(); from celery import current_app; from lms.tasks import _task_named; "
            "assert 'certificates.tasks.certificate_render_pdf_task' not in current_app.tasks; "
            "print(_task_named(current_app, 'certificates.tasks.certificate_render_pdf_task').name)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"})
    assert out.stdout.strip() == "certificates.tasks.certificate_render_pdf_task", out.stderr[-2000:]


def test_two_sweepers_at_once_send_each_task_once(broker_down):
    """Beat's sweep and an operator's `send_deferred_tasks` at the same moment (SKIP LOCKED on PostgreSQL)."""
    import threading

    from django.db import connection

    from lms.tasks import deferred_tasks_send

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite has one writer at a time anyway)")
    DeferredTask.objects.bulk_create([DeferredTask(name=RENDER, args=[n]) for n in range(40)])
    sent = broker_down()
    barrier = threading.Barrier(2)

    def sweep():
        barrier.wait(timeout=10)
        try:
            deferred_tasks_send()
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(args for _name, args in sent) == [(n,) for n in range(40)]
    assert not DeferredTask.objects.exists()


ISSUE = "certificates.tasks.certificate_issue_task"


def test_a_completion_whose_issue_was_lost_is_issued_by_the_sweeper(officer, other_unit_officer, course,
                                                                    broker_down, settings):
    """The issue is a task (certificates.receivers): if Redis lost it, the pending sweeper finds the completed
    enrolment without its certificate and queues it again; nothing is queued for a completion that has one."""
    from courses.models import Enrolment

    settings.LMS_PENDING_RENDER_AFTER = 600
    lost = Enrolment.objects.create(officer=officer, course=course, status=Enrolment.Status.COMPLETED,
                                    assigned_on=timezone.localdate(),
                                    completed_at=timezone.now() - dt.timedelta(hours=1))
    recent = Enrolment.objects.create(officer=other_unit_officer, course=course, status=Enrolment.Status.COMPLETED,
                                      assigned_on=timezone.localdate(),
                                      completed_at=timezone.now())
    DeferredTask.objects.all().delete()
    sent = broker_down()
    assert services.certificates_pending_requeue() == 1  # the recent one may still be in the worker's queue
    assert sent == [(ISSUE, (lost.pk,))]
    certificate = services.certificate_issue_for_enrolment(enrolment_id=lost.pk)  # what the worker runs
    assert certificate.enrolment_id == lost.pk
    assert services.certificate_issue_for_enrolment(enrolment_id=lost.pk).pk == certificate.pk  # redelivered
    sent.clear()
    assert services.certificates_missing_requeue(older_than=600) == 0  # issued: never queued again
    assert services.certificates_missing_requeue(older_than=0) == 1 and sent == [(ISSUE, (recent.pk,))]
    Enrolment.objects.filter(pk=recent.pk).update(status=Enrolment.Status.ACTIVE)  # reset before the worker ran
    assert services.certificate_issue_for_enrolment(enrolment_id=recent.pk) is None
    assert Certificate.objects.count() == 1
