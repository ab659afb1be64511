"""Real `celery -A lms worker` processes for tests marked ``services`` (PostgreSQL + Redis stage of .ci/run).

This module is a pytest plugin (loaded by ``-p tests.worker`` in pyproject.toml), so its fixtures are available
everywhere without imports.

Writing a test that goes through a real worker::

    import pytest
    from tests.worker import wait_until

    pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

    def test_pdf_is_rendered_by_the_worker(celery_worker_process):
        cert = ...                                   # data must be committed: transaction=True
        certificate_render_pdf_task.delay(cert.pk)   # eager mode is off inside the fixture
        wait_until(lambda: Certificate.objects.get(pk=cert.pk).status == "ready", timeout=60)

``celery_worker_process`` (function scope) starts one worker (``--pool=solo``) and yields a ``WorkerProcess``:

* ``worker.kill()``    — SIGKILL the worker and its pool children, like a crash or the OOM killer;
* ``worker.restart()`` — start it again (queue not purged: jobs a killed worker held come back, acks_late);
* ``worker.stop()``    — warm shutdown (SIGTERM); the fixture does this (then SIGKILL) at the end anyway;
* ``worker.log()``     — everything the worker printed so far (console e-mail backend output included);
* ``worker.pid``, ``worker.queue``.

For another pool, concurrency or a short Redis visibility timeout (needed for the kill test: a job a killed
worker held is redelivered after ``visibility_timeout`` seconds), use ``start_worker`` instead of the fixture::

    def test_kill_mid_batch(services_celery):            # services_celery: eager off, routed to a fresh queue
        with start_worker(services_celery, pool="prefork", concurrency=2, visibility_timeout=5) as worker:
            ...; worker.kill(); worker.restart(); ...

The worker runs with DJANGO_SETTINGS_MODULE=tests.worker_settings (production settings + its own queue) and
the environment of the test: DATABASE_URL pointing at the *test* database, CELERY_BROKER_URL, MEDIA_ROOT,
CERTIFICATES_PRIVATE_ROOT (when set) and WAGTAILADMIN_BASE_URL of the test's settings.

Gating: a test marked ``services`` needs DATABASE_URL on PostgreSQL (a worker cannot share SQLite's in-memory
test database) and a reachable Redis in CELERY_BROKER_URL. When they are missing the test is skipped, except
with CI=true, where it fails.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 60
_services_status: tuple[bool, str] | None = None


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip locally; in CI a missing service or tool is an error, never a silent skip."""
    if in_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def services_status() -> tuple[bool, str]:
    """Whether PostgreSQL (as the test database) and Redis (as the broker) are usable; cached per session."""
    global _services_status
    if _services_status is not None:
        return _services_status
    from django.conf import settings
    from django.db import connection

    broker = settings.CELERY_BROKER_URL or ""
    if connection.vendor != "postgresql":
        _services_status = (False, "services tests need DATABASE_URL=postgres://… (a worker cannot share SQLite)")
    elif not broker.startswith(("redis://", "rediss://")):
        _services_status = (False, "services tests need CELERY_BROKER_URL=redis://…")
    else:
        try:
            import redis

            redis.Redis.from_url(broker, socket_connect_timeout=3, socket_timeout=3).ping()
            _services_status = (True, "")
        except Exception as exc:  # noqa: BLE001 - any failure means "no broker"
            _services_status = (False, f"Redis at {broker} does not answer: {exc}")
    return _services_status


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Make every transactional test restore the migration data (serialized_rollback).

    A transactional test ends with a flush. Without serialized_rollback the flush re-creates content types and
    permissions under new ids and drops what data migrations made (groups, the Wagtail root page, the course
    catalogue), and the next test that does use serialized_rollback then fails to reload its snapshot
    (duplicate content types). With it everywhere, each transactional test starts from the migrated database.
    """
    for item in items:
        if not _is_transactional(item):
            continue
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker is not None else {}
        if marker is not None and marker.args:
            kwargs.setdefault("transaction", marker.args[0])
        if kwargs.get("serialized_rollback"):
            continue
        kwargs.update(transaction=True, serialized_rollback=True)
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


def pytest_runtest_setup(item):
    if item.get_closest_marker("services"):
        ok, reason = services_status()
        if not ok:
            skip_or_fail(reason)


def wait_until(predicate: Callable[[], object], *, timeout: float = 60, interval: float = 0.2,
               message: str = "condition") -> object:
    """Poll ``predicate`` until it returns something truthy; fail with ``message`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def database_url() -> str:
    """URL of the database this test process uses (pytest-django's test database, e.g. test_lms)."""
    from django.db import connection

    s = connection.settings_dict
    auth = quote(s.get("USER") or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{s['NAME']}"


class ServicesCelery:
    """The test process's Celery app with eager mode off and tasks routed to a queue of this test's own."""

    def __init__(self, app, queue: str):
        self.app = app
        self.queue = queue


def _reset_routing(app) -> None:
    # Celery caches the queue table and router on first send; drop them so the new default queue applies.
    for name in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(name, None)
    app.amqp._rtable = None


@pytest.fixture
def services_celery(settings) -> Iterator[ServicesCelery]:
    """Eager mode off for this test; tasks sent by the code under test go to a fresh Redis queue."""
    from lms.celery import app

    queue = f"lms-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    _reset_routing(app)
    try:
        yield ServicesCelery(app, queue)
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        _reset_routing(app)
        with contextlib.suppress(Exception):
            import redis

            client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=3)
            client.delete(queue)


class WorkerProcess:
    """One `celery -A lms worker` subprocess (in its own process group) consuming the test's queue."""

    def __init__(self, *, queue: str, pool: str = "solo", concurrency: int = 1, visibility_timeout: int | None = None,
                 loglevel: str = "info", extra_env: dict[str, str] | None = None):
        from django.conf import settings

        self.queue = queue
        self.pool = pool
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self._log_dir = Path(tempfile.mkdtemp(prefix="lms-worker-"))
        self.log_path = self._log_dir / "worker.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "WAGTAILADMIN_BASE_URL": settings.WAGTAILADMIN_BASE_URL,
            "LMS_TEST_QUEUE": queue,
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("DJANGO_SECRET_KEY", "DJANGO_DEBUG", "CELERY_RESULT_BACKEND", "EMAIL_URL",
                     "CERTIFICATES_PRIVATE_ROOT"):
            self.env.pop(name, None)
        # Files the worker writes must land where this test process reads them.
        if getattr(settings, "CERTIFICATES_PRIVATE_ROOT", None):
            self.env["CERTIFICATES_PRIVATE_ROOT"] = str(settings.CERTIFICATES_PRIVATE_ROOT)
        if visibility_timeout is not None:
            self.env["LMS_TEST_VISIBILITY_TIMEOUT"] = str(visibility_timeout)
        self.env.update(extra_env or {})
        self.loglevel = loglevel

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "celery", "-A", "lms", "worker",
            f"--pool={self.pool}", f"--concurrency={self.concurrency}", "-l", self.loglevel,
            "-Q", self.queue, "-n", f"{self.queue}-{self.starts}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]

    def start(self, timeout: float = READY_TIMEOUT) -> WorkerProcess:
        """Start the worker and wait for its "ready" line."""
        if self.process and self.process.poll() is None:
            raise RuntimeError("worker already running")
        self.starts += 1
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child, closed below
        try:
            self.process = subprocess.Popen(self.command(), cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log(offset):
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited with {self.process.returncode}:\n{self.log(offset)}")
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"celery worker not ready after {timeout}s:\n{self.log(offset)}")

    def kill(self) -> None:
        """SIGKILL the worker's whole process group (main process and pool children), as a crash would."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self, timeout: float = 20) -> None:
        """Warm shutdown (finish the running job), then SIGKILL if it takes longer than ``timeout``."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self, timeout: float = READY_TIMEOUT) -> WorkerProcess:
        """Start again after kill() or stop(); the queue is kept, so unacknowledged jobs are delivered again."""
        self.kill()
        return self.start(timeout=timeout)

    def log(self, offset: int = 0) -> str:
        if not self.log_path.exists():
            return ""
        with open(self.log_path, "rb") as fh:
            fh.seek(offset)
            return fh.read().decode("utf-8", "replace")


@contextlib.contextmanager
def start_worker(services: ServicesCelery, **options) -> Iterator[WorkerProcess]:
    """Run a worker for the ``services_celery`` queue for the duration of the block; always killed at the end."""
    worker = WorkerProcess(queue=services.queue, **options)
    try:
        yield worker.start()
    finally:
        worker.stop(timeout=10)
        worker.kill()


@pytest.fixture
def celery_worker_process(services_celery) -> Iterator[WorkerProcess]:
    """A ready `celery -A lms worker --pool=solo` consuming this test's queue; stopped after the test."""
    with start_worker(services_celery) as worker:
        yield worker


@pytest.fixture
def broker_down(settings):
    """Eager mode off and the broker at a closed port (connection refused): every send fails as with Redis down.

    Yields a callable that "brings the broker back": sends are then recorded in the returned list instead of
    going anywhere (no worker runs; tests call the service the task would run)."""
    import socket

    from celery.app.task import Task as CeleryTask

    from lms import tasks as lms_tasks
    from lms.celery import app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    previous = (app.conf.task_always_eager, app.conf.get("broker_write_url"))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_write_url = f"redis://127.0.0.1:{port}/0"  # sends use it (broker_url set by Django wins)
    app._pool = None
    app.amqp._producer_pool = None
    lms_tasks.broker_breaker.succeeded()
    sent: list[tuple[str, tuple]] = []

    class Back:
        sent_tasks = sent

        def __call__(self):
            def apply_async(task, args=None, kwargs=None, **options):
                sent.append((task.name, tuple(args or ()) or tuple((kwargs or {}).values())))

            self._patch = pytest.MonkeyPatch()
            self._patch.setattr(CeleryTask, "apply_async", apply_async)
            lms_tasks.broker_breaker.succeeded()
            return sent

    back = Back()
    try:
        yield back
    finally:
        if getattr(back, "_patch", None):
            back._patch.undo()
        app.conf.task_always_eager, app.conf.broker_write_url = previous
        app._pool = None
        app.amqp._producer_pool = None
        lms_tasks.broker_breaker.succeeded()
