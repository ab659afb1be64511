"""Tasks through a real `celery -A lms worker` process on PostgreSQL + Redis (CI's services stage).

Skipped without DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://… (failed instead when CI=true).
"""

import pytest
from django.core import mail

from people.models import Officer
from people.tasks import officer_invite_task
from tests.people.factories import OfficerFactory, UnitFactory, UserFactory
from tests.worker import wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _uninvited_officer(code: str, email: str) -> Officer:
    user = UserFactory(username=code.lower(), groups=["Officer"])
    user.set_unusable_password()
    user.save()
    unit = UnitFactory(code="WORKER-TT", name="Trung tâm PVHCC phường Tân Định")
    return OfficerFactory(user=user, employee_code=code, full_name="Võ Quốc Bảo", email=email, unit=unit)


def test_invitation_is_sent_by_a_real_worker(celery_worker_process):
    officer = _uninvited_officer("CB07001", "bao.vo@example.vn")

    result = officer_invite_task.delay(officer.pk)

    wait_until(lambda: Officer.objects.filter(pk=officer.pk, invited_at__isnull=False).exists(),
               timeout=60, message="the worker to record the invitation")
    assert mail.outbox == []  # sent by the worker (console backend in its log), not by the test process
    log = wait_until(lambda: (text := celery_worker_process.log()) and "succeeded" in text and text,
                     timeout=30, message="the worker to log the finished task")
    assert "To: bao.vo@example.vn" in log
    assert "/accounts/reset/" in log
    assert f"officer_invite_task[{result.id}] succeeded" in log


def test_second_delivery_is_skipped_and_worker_survives_a_kill(celery_worker_process):
    officer = _uninvited_officer("CB07002", "tam.huynh@example.vn")
    officer_invite_task.delay(officer.pk)
    wait_until(lambda: Officer.objects.get(pk=officer.pk).invited_at, message="the first invitation")
    first = Officer.objects.get(pk=officer.pk).invited_at

    celery_worker_process.kill()
    assert celery_worker_process.process.poll() is not None
    again = officer_invite_task.delay(officer.pk)  # queued while no worker runs
    celery_worker_process.restart()

    wait_until(lambda: f"officer_invite_task[{again.id}] succeeded" in celery_worker_process.log(),
               message="the restarted worker to run the queued job")
    assert f"officer_invite_task[{again.id}] succeeded in" in celery_worker_process.log()
    assert "'skipped'" in celery_worker_process.log()
    assert Officer.objects.get(pk=officer.pk).invited_at == first
    assert celery_worker_process.log().count("To: tam.huynh@example.vn") == 1
