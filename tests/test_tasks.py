"""lms.tasks: the one way to start work after a transaction commits."""

import pytest
from celery.local import maybe_evaluate
from django.dispatch import Signal

from lms.celery import app
from lms.tasks import Task, send_on_commit

runs: list = []
failures: list = []


class RecordingTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        failures.append((type(exc).__name__, args, kwargs))


@app.task(base=RecordingTask)
def sample_task(value, fail=False):
    if fail:
        raise ValueError("broken")
    runs.append(value)
    return value


@pytest.fixture(autouse=True)
def _clear():
    runs.clear()
    failures.clear()


def test_every_task_of_the_project_can_queue_after_commit():
    from certificates.tasks import certificate_render_pdf_task
    from people.tasks import officer_invite_task

    for task in (sample_task, certificate_render_pdf_task, officer_invite_task):
        assert isinstance(maybe_evaluate(task), Task)


@pytest.mark.django_db
def test_delay_on_commit_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sample_task.delay_on_commit(1)
    assert runs == [] and len(callbacks) == 1
    callbacks[0]()
    assert runs == [1]


@pytest.mark.django_db
def test_an_eager_failure_is_recorded_by_on_failure_and_not_raised_into_the_caller(
    django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        sample_task.delay_on_commit(2, fail=True)
    assert runs == []
    assert failures == [("ValueError", (2,), {"fail": True})]
    assert "sample_task failed" in caplog.text


@pytest.mark.django_db
def test_send_on_commit_sends_once_committed(django_capture_on_commit_callbacks):
    signal, received = Signal(), []
    signal.connect(lambda sender, **kwargs: received.append(kwargs["ids"]), weak=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_on_commit(signal, sender=Task, ids=[3])
    assert received == []
    callbacks[0]()
    assert received == [[3]]
