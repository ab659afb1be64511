"""Fault during load: the Celery worker is SIGKILLed while it renders a certificate PDF; each is still made once.

    .venv/bin/python bench/load/faults/worker_kill.py                     # 30 officers, 60 s
    .venv/bin/python bench/load/faults/worker_kill.py --officers 50 --duration 90 --out report.md

Runs the exam-room scenario of bench/load/run.py (a fresh database of its own, `lms_fault_worker`, gunicorn + a
Celery worker with production settings, a Redis of the run's own on `--redis-port`, 6392) seeded with
`--certificates` (every submit issues a certificate whose PDF the worker renders). From `--kill-after` seconds it
watches the database and, once 3 certificates are READY, the moment a render is in progress (a PENDING
certificate whose row the render task holds locked: `SELECT … FOR UPDATE SKIP LOCKED` skips it), SIGKILLs the
worker's whole process group (main process and pool child: a crash, the OOM killer), then starts a new worker.
No fixed sleep decides when.

The job the killed worker held stays unacknowledged in Redis until the broker's visibility timeout (an hour);
the sweeper beat runs every LMS_PENDING_RENDER_AFTER seconds queues long-pending certificates again, here run at
once (twice). Then it checks, and exits 1 with the reason otherwise:

- the kill landed mid-render (the certificate it was rendering was still PENDING after the kill);
- gunicorn answered no 500, the client ended with zero errors, every saved answer kept, every attempt graded;
- every passed attempt has exactly one certificate, READY with its PDF, rendered exactly once (the killed
  render's transaction was rolled back, its attempt count with it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import (  # noqa: E402
    RedisServer,
    certificate_failures,
    certificate_line,
    django_setup,
    load,
    load_run_module,
    sweep,
    wait_certificates,
)

DB = "lms_fault_worker"
MIN_READY_BEFORE = 3  # certificates rendered before the kill: it lands mid-batch, not before the first
CACHE_REDIS_DB, BROKER_REDIS_DB = 0, 1


def rendering_now() -> list[int]:
    """PENDING certificates whose row is locked right now: the render task holds them (SELECT … FOR UPDATE)."""
    from django.db import transaction

    from certificates.models import Certificate

    pending = Certificate.objects.filter(status=Certificate.Status.PENDING)
    with transaction.atomic():
        every = set(pending.values_list("pk", flat=True))
        if not every:
            return []
        free = set(pending.select_for_update(skip_locked=True).values_list("pk", flat=True))
        transaction.set_rollback(True)  # the rows locked here are let go at once
    return sorted(every - free)


def kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=30)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--kill-after", type=float, default=None,
                        help="watch for a render from this many seconds into the run (default: 30 %% of it)")
    parser.add_argument("--port", type=int, default=8768)
    parser.add_argument("--redis-port", type=int, default=6392)
    parser.add_argument("--out", help="write the report (Markdown) to this file too")
    args = parser.parse_args()
    if not 1 <= args.officers <= 500:
        parser.error("--officers must be between 1 and 500 (a fault test, not a capacity test)")
    if not 20 <= args.duration <= 300:
        parser.error("--duration must be between 20 and 300 seconds")
    kill_after = args.duration * 0.3 if args.kill_after is None else args.kill_after

    run = load_run_module()
    pg = load("postgres_restart")
    tmp = Path(tempfile.mkdtemp(prefix="lms-fault-worker-"))
    redis_server = RedisServer(args.redis_port, tmp / "redis.log")
    redis_server.start()
    failures: list[str] = []
    new_worker = None
    try:
        env = run.env_for(tmp, args.port, db=DB, cache_db=CACHE_REDIS_DB, broker_db=BROKER_REDIS_DB,
                          redis_port=args.redis_port)
        print(f"database {DB}, Redis of its own on {args.redis_port}; logs in {tmp}")
        seed_file = run.prepare(tmp, env, args.officers, db=DB, seed_args=("--certificates",))
        seed = json.loads(seed_file.read_text(encoding="utf-8"))
        django_setup(env)
        from certificates.models import Certificate

        client_report, client_state = tmp / "client.md", tmp / "client.json"
        load_before = os.getloadavg()
        with run.servers(tmp, env, args.port, worker_loglevel="info") as (_web, worker):
            command = run.client_command(args.port, seed_file, args.officers, args.duration,
                                         "--out", str(client_report), "--saved-out", str(client_state))
            client_started = time.time()
            client = subprocess.Popen(command, cwd=run.ROOT, env=env)
            held: list[int] = []
            try:
                time.sleep(max(0.0, client_started + kill_after - time.time()))
                deadline = client_started + args.duration + 60
                ready = Certificate.objects.filter(status=Certificate.Status.READY)
                while not held:  # a condition, polled every 20 ms: a render in progress, a few done before it
                    held = rendering_now() if ready.count() >= MIN_READY_BEFORE else []
                    if held:
                        break
                    if time.time() > deadline:
                        raise SystemExit("no certificate render was seen in progress: nothing to kill")
                    time.sleep(0.02)
                killed_at = time.time()
                kill_group(worker)
                ready_before = Certificate.objects.filter(status=Certificate.Status.READY).count()
                mid_render = Certificate.objects.filter(pk__in=held, status=Certificate.Status.PENDING).count()
                print(f"--- {killed_at - client_started:.1f} s into the run: SIGKILLed the worker while it rendered "
                      f"certificate {held} ({ready_before} READY before)", flush=True)
                new_worker = run.start_worker(env, tmp / "worker.log", loglevel="info")
                client_code = client.wait(timeout=args.duration + 120)
            finally:
                if client.poll() is None:
                    client.terminate()
                    client.wait(timeout=10)
            swept = sweep(env)
            users = seed["usernames"][:args.officers]
            cert_state, waited = wait_certificates(users, timeout=180)
            load_after = os.getloadavg()
            run.stop(new_worker, "celery worker (restarted)")
    finally:
        if new_worker is not None and new_worker.poll() is None:
            run.stop(new_worker, "celery worker (restarted)")
        redis_server.stop()

    statuses = pg.access_log_statuses(tmp / "gunicorn.log")
    state = json.loads(client_state.read_text(encoding="utf-8"))
    state["officers_expected"] = args.officers
    db_failures, counts = pg.check_database(env, seed, state)
    failures += db_failures
    errors = sum(state["errors"].values())
    if client_code != 0 or errors:
        failures.append(f"the client ended with {errors} errors (exit {client_code}): "
                        + "; ".join(state["error_samples"][:5]))
    if statuses.get(500):
        failures.append(f"gunicorn answered {statuses[500]} requests with 500")
    if not mid_render:
        failures.append("the render seen in progress had finished before the kill: not a mid-render kill")
    failures += certificate_failures(cert_state)

    lines = [f"## Celery worker killed mid-render ({time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC)", "",
             f"{args.officers} officers, {args.duration} s; the worker SIGKILLed (process group) "
             f"{killed_at - client_started:.1f} s into the run while it rendered certificate "
             f"{', '.join(map(str, held))} ({ready_before} certificates READY before; still PENDING after the kill: "
             f"{mid_render}), a new worker started at once. Load average before {load_before[0]:.2f}, after "
             f"{load_after[0]:.2f} (1 min; {os.cpu_count()} cores).", "",
             client_report.read_text(encoding="utf-8").strip(), "",
             "- Server side (gunicorn's access log): "
             + ", ".join(f"{n} × {code}" for code, n in sorted(statuses.items())) + ".",
             f"- Answers the client saw saved: {counts['saved']}; in the database with that value: "
             f"{counts['in_database']}. Attempts graded: {counts['graded']} of {counts['officers']}.",
             "- The sweepers, run twice each (beat would): " + " / ".join(m.rstrip(".") for m in swept) + ".",
             certificate_line(cert_state, waited), ""]
    lines.append("**FAILED**: " + "; ".join(failures) if failures else
                 "**PASSED**: killed mid-render, and every passed attempt has exactly one certificate with its PDF, "
                 "rendered exactly once; no 500, nothing saved lost.")
    text = "\n".join(lines)
    print("\n" + text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(f"\nlogs: {tmp}/gunicorn.log, {tmp}/worker.log, {tmp}/redis.log")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
