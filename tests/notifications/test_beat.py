"""Real `celery beat` + `celery worker` processes with a schedule of seconds: the scheduled jobs fire again and
again, their notifications are written once and e-mailed once (console backend in the worker). PostgreSQL +
Redis stage of .ci/run (marked services)."""

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from courses.models import Enrolment
from notifications.models import Kind, Notification
from tests.courses.factories import CoursePageFactory, EnrolmentFactory
from tests.worker import ROOT, WorkerProcess, start_worker, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@contextlib.contextmanager
def beat_process(worker: WorkerProcess, seconds: float):
    """`celery -A lms beat` with the worker's settings and queue, the notification jobs every `seconds`."""
    folder = Path(tempfile.mkdtemp(prefix="lms-beat-"))
    log_path = folder / "beat.log"
    env = {**worker.env, "LMS_TEST_BEAT_SECONDS": str(seconds)}
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "lms", "beat", "-l", "info",
             "--schedule", str(folder / "celerybeat-schedule"), "--max-interval", "1"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    try:
        yield process, log_path
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def test_beat_fires_the_jobs_and_each_notification_is_written_once(services_celery, officer, leader):
    today = timezone.localdate()
    course = CoursePageFactory(title="Tiếp nhận hồ sơ theo Nghị định 118/2025/NĐ-CP")
    soon = EnrolmentFactory(officer=officer, course=course, reason=Enrolment.Reason.ROLE,
                            due_on=today + dt.timedelta(days=7))
    late = EnrolmentFactory(officer=officer, course=CoursePageFactory(), reason=Enrolment.Reason.ROLE,
                            due_on=today - dt.timedelta(days=8))
    with start_worker(services_celery) as worker, beat_process(worker, seconds=2) as (beat, beat_log):
        wait_until(lambda: Notification.objects.filter(status="sent").count() >= 3, timeout=90,
                   message="the scheduled jobs' notifications to be sent")
        # Let beat fire both jobs several more times: nothing new may appear.
        wait_until(lambda: beat_log.read_text().count("notifications-due") >= 4, timeout=60,
                   message="beat to send the due job four times")
        wait_until(lambda: "notifications_job_task" in worker.log() and worker.log().count(" succeeded in ") >= 8,
                   timeout=60, message="the worker to run the jobs again")
        assert beat.poll() is None, beat_log.read_text()
    rows = list(Notification.objects.order_by("kind").values_list("kind", "recipient_id", "subject_id", "status"))
    assert rows == [(Kind.DUE_SOON, officer.user_id, soon.pk, "sent"),
                    (Kind.OVERDUE, officer.user_id, late.pk, "sent"),
                    (Kind.OVERDUE_LEADER, leader.user_id, late.pk, "sent")]
    assert worker.log().count("Subject:") == 3  # the console backend printed each e-mail once
