"""Fault during load: Redis (cache and broker) is down for 10 s as the exam room submits; nothing is lost.

    .venv/bin/python bench/load/faults/redis_down.py                      # 30 officers, 60 s, Redis down at 48 s
    .venv/bin/python bench/load/faults/redis_down.py --officers 50 --duration 90 --out report.md

Runs the exam-room scenario of bench/load/run.py (a fresh database of its own, `lms_fault_redis`, gunicorn + a
Celery worker with production settings) against a Redis of the run's own (`redis-server --port 6391`, no
persistence; the machine's Redis on 6379 is never stopped), seeded with `--certificates`: every officer is
enrolled and the pass mark is 0, so every submit completes the course and issues a certificate whose PDF the
worker renders.
At `--down-at` seconds (by default 12 s before the end: the last autosaves and every submit, which the client
sends in the run's last 7 s, fall in the outage) that Redis is stopped (SIGTERM to the process this script
started), stays down `--down-for` seconds (10), and is started again, empty: whatever was queued in it is gone.

While Redis is down the cache fails open (lms/cache.py: misses, skipped writes, sessions from the database) and a
task that cannot be sent is recorded in the database (lms.models.DeferredTask). After the client ends, the
sweepers beat would run are run twice each (`send_deferred_tasks`, `requeue_pending_certificates --older-than 0`).
Then it checks, and exits 1 with the reason otherwise:

- gunicorn answered no 500 and the client ended with zero errors (logins, autosaves and submits went on);
- every answer the client saw saved is in the database with that value, every attempt is graded;
- the outage was seen (gunicorn logged the cache or the broker unreachable), else nothing was tested;
- every passed attempt has exactly one certificate, READY with its PDF, rendered once.
"""

from __future__ import annotations

import argparse
import json
import os
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

DB = "lms_fault_redis"
CACHE_REDIS_DB, BROKER_REDIS_DB = 0, 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=30)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--down-at", type=float, default=None, help="seconds into the run (default: --down-for + 2 s before its end: the officers "
                             "submit in the last 7 s)")
    parser.add_argument("--down-for", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--out", help="write the report (Markdown) to this file too")
    args = parser.parse_args()
    if not 1 <= args.officers <= 500:
        parser.error("--officers must be between 1 and 500 (a fault test, not a capacity test)")
    if not 20 <= args.duration <= 300:
        parser.error("--duration must be between 20 and 300 seconds")
    down_at = args.duration - args.down_for - 2 if args.down_at is None else args.down_at
    if not 5 <= down_at <= args.duration - 5:
        parser.error("--down-at must leave 5 s before it and after it")

    run = load_run_module()
    pg = load("postgres_restart")
    tmp = Path(tempfile.mkdtemp(prefix="lms-fault-redis-"))
    redis_server = RedisServer(args.redis_port, tmp / "redis.log")
    redis_server.start()
    try:
        env = run.env_for(tmp, args.port, db=DB, cache_db=CACHE_REDIS_DB, broker_db=BROKER_REDIS_DB,
                          redis_port=args.redis_port)
        env["DJANGO_LOG_LEVEL"] = "WARNING"
        print(f"database {DB}, Redis of its own on {args.redis_port}; logs in {tmp}")
        seed_file = run.prepare(tmp, env, args.officers, db=DB, seed_args=("--certificates",))
        seed = json.loads(seed_file.read_text(encoding="utf-8"))
        client_report, client_state = tmp / "client.md", tmp / "client.json"
        load_before = os.getloadavg()
        with run.servers(tmp, env, args.port):
            command = run.client_command(args.port, seed_file, args.officers, args.duration,
                                         "--out", str(client_report), "--saved-out", str(client_state))
            client_started = time.time()
            client = subprocess.Popen(command, cwd=run.ROOT, env=env)
            try:
                time.sleep(max(0.0, client_started + down_at - time.time()))
                if client.poll() is not None:
                    raise SystemExit(f"the load client ended (exit {client.returncode}) before Redis went down")
                print(f"--- {down_at:.0f} s into the run: stopping Redis on {args.redis_port}", flush=True)
                down_started = time.time()
                redis_server.stop()
                time.sleep(args.down_for)
                redis_server.start()
                up_again = time.time()
                print(f"--- Redis answers again after {up_again - down_started:.1f} s (empty)", flush=True)
                client_code = client.wait(timeout=args.duration + 120)
            finally:
                if client.poll() is None:
                    client.terminate()
                    client.wait(timeout=10)
            django_setup(env)
            from lms.models import DeferredTask

            deferred = DeferredTask.objects.count()
            deferred_names = sorted(set(DeferredTask.objects.values_list("name", flat=True)))
            swept = sweep(env)
            users = seed["usernames"][:args.officers]
            cert_state, waited = wait_certificates(users, timeout=180)
            load_after = os.getloadavg()
    finally:
        redis_server.stop()

    log = (tmp / "gunicorn.log").read_text(errors="replace")
    statuses = pg.access_log_statuses(tmp / "gunicorn.log")
    cache_warnings = sum(1 for line in log.splitlines() if "Redis cache" in line and "unreachable" in line)
    deferred_warnings = sum(1 for line in log.splitlines() if "deferred to the database" in line)
    state = json.loads(client_state.read_text(encoding="utf-8"))
    state["officers_expected"] = args.officers
    failures, counts = pg.check_database(env, seed, state)
    errors = sum(state["errors"].values())
    if client_code != 0 or errors:
        failures.append(f"the client ended with {errors} errors (exit {client_code}): "
                        + "; ".join(state["error_samples"][:5]))
    if statuses.get(500):
        failures.append(f"gunicorn answered {statuses[500]} requests with 500")
    if not cache_warnings and not deferred_warnings:
        failures.append("gunicorn never saw Redis down (no 'unreachable' warning): nothing was tested")
    failures += certificate_failures(cert_state)
    saved = state["saved"].values()
    during = sum(1 for s in saved if down_started <= s["at"] < up_again)

    lines = [f"## Redis down mid-run ({time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC)", "",
             f"{args.officers} officers, {args.duration} s; the run's Redis (cache and broker, port "
             f"{args.redis_port}, no persistence) stopped at {down_at:.0f} s for {args.down_for:g} s and started "
             f"again empty. Load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min; "
             f"{os.cpu_count()} cores).", "",
             client_report.read_text(encoding="utf-8").strip(), "",
             "- Server side (gunicorn's access log): "
             + ", ".join(f"{n} × {code}" for code, n in sorted(statuses.items()))
             + f"; {cache_warnings} 'Redis cache … unreachable' warnings (one per process and outage), "
             f"{deferred_warnings} sends deferred to the database.",
             f"- Answers the client saw saved: {counts['saved']} ({during} while Redis was down); in the database "
             f"with that value: {counts['in_database']}. Attempts graded: {counts['graded']} of {counts['officers']}.",
             f"- Tasks recorded in the database while the broker was down: {deferred} "
             f"({', '.join(n.rsplit('.', 1)[-1] for n in deferred_names) or 'none'}); the sweepers, run twice each: "
             + " / ".join(m.rstrip(".") for m in swept) + ".",
             certificate_line(cert_state, waited), ""]
    lines.append("**FAILED**: " + "; ".join(failures) if failures else
                 "**PASSED**: no 500, nothing saved was lost, every attempt graded, every passed attempt has exactly "
                 "one certificate with its PDF, rendered once.")
    text = "\n".join(lines)
    print("\n" + text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(f"\nlogs: {tmp}/gunicorn.log, {tmp}/worker.log, {tmp}/redis.log")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
