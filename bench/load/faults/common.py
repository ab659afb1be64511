"""Pieces the fault runs share: a Redis of the run's own, the sweepers beat would run, the certificate checks.

Imported by path (bench/ is not a package): `common = load("common")` in a fault script.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent


def load(name: str, path: Path | None = None):
    """A module of bench/load/faults/ (or bench/load/run.py) imported by path."""
    path = path or HERE / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"bench_fault_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_run_module():
    return load("run", HERE.parent / "run.py")


class RedisServer:
    """A redis-server of this run only, on its own port, without persistence; stopped (by its own pid) and
    started again to make Redis "go down". The machine's Redis on 6379 is never touched."""

    def __init__(self, port: int, log: Path):
        if port == 6379:
            raise SystemExit("the fault runs use a Redis of their own: never the shared one on 6379")
        if shutil.which("redis-server") is None:
            raise SystemExit("redis-server not found: the fault runs start a Redis of their own")
        self.port, self.log, self.process = port, log, None

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1,
                                    socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def start(self, timeout: float = 30) -> None:
        if self.answers():
            raise SystemExit(f"something already answers on 127.0.0.1:{self.port}: choose another --redis-port")
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"redis-server on {self.port} did not start (see {self.log})")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


def manage(env: dict, *args: str) -> str:
    """Run `manage.py <args>` with the run's environment; its output."""
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed ({done.returncode}): {done.stderr or done.stdout}")
    return done.stdout.strip()


def sweep(env: dict) -> list[str]:
    """What beat runs (every minute / every LMS_PENDING_RENDER_AFTER s), here at once and twice each: the second
    pass must find nothing to do twice (no duplicate certificate, nothing rendered again)."""
    return [manage(env, "send_deferred_tasks"), manage(env, "requeue_pending_certificates", "--older-than", "0"),
            manage(env, "send_deferred_tasks"), manage(env, "requeue_pending_certificates", "--older-than", "0")]


def django_setup(env: dict) -> None:
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def certificate_state(usernames: list[str]) -> dict:
    """Per passed officer of the run: their certificates (status, file on disk, render attempts)."""
    from assessments.models import Attempt
    from certificates.models import Certificate

    passed = set(Attempt.objects.filter(officer__user__username__in=usernames, passed=True)
                 .values_list("officer_id", flat=True))
    certificates = list(Certificate.objects.filter(officer_id__in=passed))
    per_officer: dict[int, list] = {pk: [] for pk in passed}
    for c in certificates:
        per_officer[c.officer_id].append(c)
    ready = [c for c in certificates if c.status == Certificate.Status.READY and c.pdf
             and c.pdf.storage.exists(c.pdf.name)]
    return {
        "passed": len(passed),
        "certificates": len(certificates),
        "missing": [pk for pk, cs in per_officer.items() if not cs],
        "doubles": [pk for pk, cs in per_officer.items() if len(cs) > 1],
        "ready_with_pdf": len(ready),
        "pending": sum(1 for c in certificates if c.status == Certificate.Status.PENDING),
        "attempts": sorted({c.render_attempts for c in certificates}),
        "rendered_twice": [c.serial for c in certificates if c.render_attempts > 1],
    }


def wait_certificates(usernames: list[str], timeout: float) -> tuple[dict, float]:
    """Poll until every passed officer has a READY certificate with its PDF (or `timeout`); (state, seconds)."""
    started = time.monotonic()
    while True:
        state = certificate_state(usernames)
        if state["ready_with_pdf"] == state["passed"] and not state["missing"]:
            return state, time.monotonic() - started
        if time.monotonic() - started > timeout:
            return state, time.monotonic() - started
        time.sleep(0.5)


def certificate_failures(state: dict) -> list[str]:
    failures = []
    if state["passed"] == 0:
        failures.append("no attempt passed: no certificate was tested")
    if state["missing"]:
        failures.append(f"{len(state['missing'])} passed officers have no certificate")
    if state["doubles"]:
        failures.append(f"{len(state['doubles'])} officers have more than one certificate")
    if state["ready_with_pdf"] != state["certificates"]:
        failures.append(f"{state['certificates'] - state['ready_with_pdf']} certificates are not READY with their "
                        f"PDF ({state['pending']} still pending)")
    if state["rendered_twice"]:
        failures.append(f"{len(state['rendered_twice'])} certificates were rendered more than once "
                        f"({state['rendered_twice'][:5]})")
    return failures


def certificate_line(state: dict, waited: float) -> str:
    return (f"- Certificates: {state['passed']} attempts passed, {state['certificates']} certificates "
            f"({len(state['doubles'])} officers with two), {state['ready_with_pdf']} READY with their PDF "
            f"{waited:.1f} s after the sweep; render attempts per certificate: "
            f"{', '.join(map(str, state['attempts'])) or '–'}.")
