"""The one way to start background work after a transaction: `task.delay_on_commit(...)`, `send_on_commit(...)`.

Every task of the project is a `lms.tasks.Task` (lms/celery.py makes it the app's `task_cls`, and task bases
derive from it). Services never write `transaction.on_commit(lambda: task.delay(...))` by hand and never look
at eager mode: that is decided here, once.
"""

import functools
import logging

from billiard.einfo import ExceptionInfo
from celery.contrib.django.task import DjangoTask
from django.db import transaction

logger = logging.getLogger(__name__)


class Task(DjangoTask):
    """Celery's Django task (pretix's TransactionAwareTask, built in since Celery 5.4) with one addition.

    `delay_on_commit(*args, **kwargs)` queues the task once the current transaction commits, so the worker reads
    committed rows (outside a transaction it queues at once). With a broker, a worker runs the task and records
    its failures through the task's `on_failure`; the request that queued it never sees them. Without a broker
    (`CELERY_TASK_ALWAYS_EAGER`: local runs and tests) the task runs inside that request: its failure is
    recorded the same way (`on_failure` runs in eager mode too) and logged, but not raised into a request whose
    transaction has already committed.
    """

    def delay_on_commit(self, *args, **kwargs) -> None:
        transaction.on_commit(functools.partial(self._send_after_commit, args, kwargs, {}))

    def apply_async_on_commit(self, args=None, kwargs=None, **options) -> None:
        transaction.on_commit(functools.partial(self._send_after_commit, args, kwargs, options))

    def _send_after_commit(self, args, kwargs, options) -> None:
        if not self.app.conf.task_always_eager:
            self.apply_async(args, kwargs, **options)
            return
        args, kwargs = tuple(args or ()), dict(kwargs or {})
        try:
            result = self.apply(args, kwargs, throw=False, **options)
        except Exception as exc:  # noqa: BLE001 - an eager retry re-raises; the failure is still recorded
            logger.exception("Task %s failed while running eagerly", self.name)
            self.on_failure(exc, None, args, kwargs, ExceptionInfo())
            return
        if result.failed():
            logger.error("Task %s failed while running eagerly: %r", self.name, result.result)


def send_on_commit(signal, *, sender, **kwargs) -> None:
    """Send a signal once the current transaction commits, so receivers in other apps see committed rows."""
    transaction.on_commit(functools.partial(signal.send, sender=sender, **kwargs))
