"""The one way to start background work after a transaction: `task.delay_on_commit(...)`, `send_on_commit(...)`.

A send the broker refuses (Redis down) is never raised into the request nor lost: it is recorded in the database
(`lms.models.DeferredTask`) and sent by the sweeper once the broker is back (`deferred_tasks_send`, beat every
minute; docs/operations.md, "Redis down").

Every task of the project is a `lms.tasks.Task` (lms/celery.py makes it the app's `task_cls`, and task bases
derive from it). Services never write `transaction.on_commit(lambda: task.delay(...))` by hand and never look
at eager mode: that is decided here, once.
"""

import functools
import json
import logging
import threading
import time

from billiard.einfo import ExceptionInfo
from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

#: What a send raises when the broker cannot be reached (kombu wraps most connection errors in OperationalError).
BROKER_ERRORS = (OperationalError, RedisError, OSError, TimeoutError)


class _BrokerBreaker:
    """After a failed send, the next sends of this process go straight to the database for a few seconds
    (`LMS_BROKER_CIRCUIT_SECONDS`) instead of each waiting for the broker's connection timeout."""

    def __init__(self):
        self.open_until = 0.0
        self.lock = threading.Lock()

    def allow(self) -> bool:
        return time.monotonic() >= self.open_until

    def failed(self) -> None:
        with self.lock:
            self.open_until = time.monotonic() + getattr(settings, "LMS_BROKER_CIRCUIT_SECONDS", 5)

    def succeeded(self) -> None:
        self.open_until = 0.0


broker_breaker = _BrokerBreaker()


def _jsonable(value) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def task_defer(name: str, args, kwargs, options, error: BaseException | str) -> bool:
    """Record a task that could not be sent (lms.models.DeferredTask); the sweeper sends it later. False when
    even the database refused it (then the failure is logged as an error: the caller's own record, such as a
    PENDING certificate, is the last trace)."""
    from .models import DeferredTask

    options = {k: v for k, v in (options or {}).items() if _jsonable(v)}
    try:
        DeferredTask.objects.create(name=name, args=list(args or ()), kwargs=dict(kwargs or {}), options=options,
                                    error=f"{type(error).__name__}: {error}"[:2000]
                                    if isinstance(error, BaseException) else str(error)[:2000])
    except Exception:  # noqa: BLE001 - the database is down as well: log, never raise into the request
        logger.exception("Task %s could not be sent nor recorded (args %r)", name, args)
        return False
    return True


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
            self.send_or_defer(args, kwargs, **options)
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

    def send_or_defer(self, args=None, kwargs=None, **options):
        """Send the task; when the broker is unreachable (within the bounded publish retry of the settings),
        record it in the database for the sweeper instead of raising. Returns the AsyncResult, or None when
        deferred."""
        if broker_breaker.allow():
            try:
                result = self.apply_async(args, kwargs, **options)
            except BROKER_ERRORS as exc:
                broker_breaker.failed()
                logger.warning("Broker unreachable, task %s deferred to the database: %s", self.name, exc)
                task_defer(self.name, args, kwargs, options, exc)
                return None
            broker_breaker.succeeded()
            return result
        task_defer(self.name, args, kwargs, options, "broker unreachable a moment ago (circuit open)")
        return None


def _task_named(app, name: str):
    """The registered task `name`, importing its module first (a management command's process has not run the
    worker's autodiscovery); None when there is no such task."""
    import importlib

    if name not in app.tasks:
        app.loader.import_default_modules()
    if name not in app.tasks:
        try:
            importlib.import_module(name.rsplit(".", 1)[0])
        except ImportError:
            return None
    return app.tasks.get(name)


def deferred_tasks_send(*, limit: int = 500) -> dict:
    """Send the deferred tasks, oldest first, each row locked (SKIP LOCKED: two sweepers never send the same row)
    and deleted in the transaction that sent it. Stops at the first send that fails (the broker is still down).
    A task sent twice (a crash between the send and the commit) is harmless: every task is idempotent. A row
    naming no known task is kept (with the error) for someone to look at, never dropped."""
    from celery import current_app

    from .models import DeferredTask

    sent, unknown = 0, []
    while sent + len(unknown) < limit:
        with transaction.atomic():
            row = (DeferredTask.objects.select_for_update(skip_locked=True).exclude(pk__in=unknown)
                   .order_by("pk").first())
            if row is None:
                break
            task = _task_named(current_app, row.name)
            if task is None:
                logger.error("Deferred task %s is unknown; kept (row %s, args %r)", row.name, row.pk, row.args)
                DeferredTask.objects.filter(pk=row.pk).update(error=f"unknown task {row.name}")
                unknown.append(row.pk)
                continue
            try:
                task.apply_async(row.args, row.kwargs, **row.options)
            except BROKER_ERRORS as exc:
                DeferredTask.objects.filter(pk=row.pk).update(attempts=row.attempts + 1,
                                                               error=f"{type(exc).__name__}: {exc}"[:2000])
                return {"sent": sent, "left": DeferredTask.objects.count(), "error": str(exc)}
            row.delete()
            sent += 1
    broker_breaker.succeeded()
    if sent:
        logger.warning("%d deferred tasks sent now that the broker answers again", sent)
    return {"sent": sent, "left": DeferredTask.objects.count(), "error": ""}


@shared_task(acks_late=True)
def deferred_tasks_send_task():
    """Every minute (beat): send what could not be sent while the broker was down."""
    return deferred_tasks_send()


def send_on_commit(signal, *, sender, **kwargs) -> None:
    """Send a signal once the current transaction commits, so receivers in other apps see committed rows."""
    transaction.on_commit(functools.partial(signal.send, sender=sender, **kwargs))
