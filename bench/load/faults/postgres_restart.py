"""Fault during load: PostgreSQL is restarted in the middle of the exam room, and nothing saved is lost.

    sudo .venv/bin/python bench/load/faults/postgres_restart.py                # 30 officers, 60 s, one restart
    sudo .venv/bin/python bench/load/faults/postgres_restart.py --officers 50 --duration 90 --out report.md

Runs the exam-room scenario of `make load` (bench/load/run.py: a fresh database of its own, `lms_fault_pg`,
gunicorn + a Celery worker with production settings, Redis databases 6 (cache) and 7 (broker), both emptied
first; then bench/load/exam_room.py) and, at `--restart-at` seconds (the middle of the run by default), restarts
PostgreSQL for real, once: `pg_ctlcluster --skip-systemctl-redirect <version> main stop`, 5 s down, then
`start` (the newest cluster in /etc/postgresql, as .ci/run starts it). Needs root, as CI runs; it then waits until PostgreSQL answers again.

While PostgreSQL is down the site answers 503 "Đang kết nối lại…" with Retry-After (lms.middleware), and the
client sends the request again (bounded: 30 s, then it is an error). Afterwards it checks, and exits 1 with the
reason otherwise:

- every answer the client recorded as saved (an autosave answered 200, before, during or after the restart) is in
  the database with that value, in that officer's attempt;
- every officer's attempt ended graded (submitted), and the client saw its result page;
- the client saw the restart (at least one 503 or connection error, each retried) but ended with zero errors;
- gunicorn answered no 500 (its access log), i.e. every failure was the 503 the clients retry.

It prints a short report (the client's table with its "retries" column, the restart's timing, the load average)
and writes it to `--out` too. PostgreSQL is shared by everything on the machine: one restart per run, never in a
loop; the restart takes a few seconds.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
DB = "lms_fault_pg"
CACHE_REDIS_DB, BROKER_REDIS_DB = 6, 7
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


def load_run_module():
    """bench/load/run.py, imported by path (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_load_run", HERE.parent / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cluster_version() -> str:
    root = Path("/etc/postgresql")
    versions = sorted((p.name for p in root.iterdir() if (p / "main").is_dir()),
                      key=lambda v: [int(x) if x.isdigit() else 0 for x in v.split(".")]) if root.is_dir() else []
    if not versions:
        raise SystemExit("no PostgreSQL cluster in /etc/postgresql/<version>/main: is PostgreSQL installed here?")
    return versions[-1]


def postgres_answers(timeout: float = 2.0) -> bool:
    import psycopg

    try:
        with psycopg.connect(ADMIN_DSN, connect_timeout=max(1, int(timeout))) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


#: Seconds PostgreSQL stays stopped during the restart.
DOWN_FOR = 5.0


def restart_postgres(version: str, down_for: float = DOWN_FOR) -> dict:
    """One restart: stop (fast mode: sessions are cut), stay down `down_for` seconds — long enough that requests
    of the running scenario reach it while it is down, whatever the machine's speed (a bare `restart` can be so
    quick that no request falls in it) — start, then wait until PostgreSQL answers; the timings, wall clock."""
    def cluster(action: str):
        done = subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise SystemExit(f"pg_ctlcluster {version} main {action} failed ({done.returncode}): "
                             f"{(done.stderr or done.stdout).strip()}")

    started = time.time()
    try:
        cluster("stop")
        time.sleep(down_for)
    finally:
        cluster("start")
    returned = time.time()
    while not postgres_answers():
        if time.time() - started > 120:
            raise SystemExit("PostgreSQL did not answer within 120 s of its restart")
        time.sleep(0.2)
    return {"started": started, "command_returned": returned, "answering": time.time()}


def empty_redis(*numbers: int) -> None:
    import redis

    for n in numbers:
        redis.Redis(host="127.0.0.1", port=6379, db=n).flushdb()


def check_database(env: dict, seed: dict, client: dict) -> tuple[list[str], dict]:
    """What the client believes against what PostgreSQL holds; returns (failures, counts)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from assessments.models import Attempt, ResponseChoice
    from assessments.tokens import choice_token

    failures: list[str] = []
    saved = {int(k): v for k, v in client["saved"].items()}
    stored: dict[int, set[str]] = {}
    owners = {}
    for rc in ResponseChoice.objects.filter(response_id__in=saved).select_related("response"):
        stored.setdefault(rc.response_id, set()).add(choice_token(response_id=rc.response_id, choice_id=rc.choice_id))
        owners[rc.response_id] = rc.response.attempt_id
    lost = [rid for rid, s in saved.items() if stored.get(rid) != {s["answer"]}]
    wrong_attempt = [rid for rid, s in saved.items() if rid in owners and owners[rid] != s["attempt"]]
    if lost:
        failures.append(f"{len(lost)} of {len(saved)} answers the client saw saved are not in the database with "
                        f"that value (responses {lost[:10]})")
    if wrong_attempt:
        failures.append(f"{len(wrong_attempt)} saved answers belong to another attempt (responses {wrong_attempt[:10]})")
    users = seed["usernames"][:client["officers_expected"]]
    attempts = list(Attempt.objects.filter(officer__user__username__in=users)
                    .values_list("officer__user__username", "status", "submitted_at"))
    graded = {u for u, status, at in attempts if status == Attempt.Status.GRADED and at is not None}
    per_user: dict[str, int] = {}
    for u, _status, _at in attempts:
        per_user[u] = per_user.get(u, 0) + 1
    missing = [u for u in users if u not in graded]
    if missing:
        failures.append(f"{len(missing)} of {len(users)} officers have no graded attempt ({missing[:10]})")
    doubles = [u for u, n in per_user.items() if n > 1]
    if doubles:
        failures.append(f"{len(doubles)} officers have more than one attempt ({doubles[:10]})")
    not_seen = [u for u in users if not client["officers"].get(u, {}).get("submitted")]
    if not_seen:
        failures.append(f"{len(not_seen)} officers did not reach their result page ({not_seen[:10]})")
    return failures, {"saved": len(saved), "in_database": len(saved) - len(lost), "graded": len(graded),
                      "officers": len(users)}


def access_log_statuses(log: Path) -> dict[int, int]:
    counts: dict[int, int] = {}
    pattern = re.compile(r'" (\d{3}) ')
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        m = pattern.search(line)
        if m:
            counts[int(m.group(1))] = counts.get(int(m.group(1)), 0) + 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=30)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--restart-at", type=float, default=None, help="seconds into the run (default: the middle)")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--out", help="write the report (Markdown) to this file too")
    parser.add_argument("--no-restart", action="store_true",
                        help="the same run and checks without restarting anything (not root): tries the harness")
    args = parser.parse_args()
    if not 1 <= args.officers <= 500:
        parser.error("--officers must be between 1 and 500 (a fault test, not a capacity test)")
    if not 20 <= args.duration <= 300:
        parser.error("--duration must be between 20 and 300 seconds")
    restart_at = args.duration / 2 if args.restart_at is None else args.restart_at
    if not 5 <= restart_at <= args.duration - 10:
        parser.error("--restart-at must leave 5 s before and 10 s after it")
    if os.geteuid() != 0 and not args.no_restart:
        raise SystemExit("postgres_restart.py restarts PostgreSQL (pg_ctlcluster … restart) and must run as root, "
                         "as CI does: sudo .venv/bin/python bench/load/faults/postgres_restart.py")
    if shutil.which("pg_ctlcluster") is None:
        raise SystemExit("pg_ctlcluster not found (Debian's postgresql-common): cannot restart PostgreSQL")
    version = cluster_version()
    if not postgres_answers():
        raise SystemExit("PostgreSQL does not answer on 127.0.0.1:5432 before the run (start it first)")

    run = load_run_module()
    tmp = Path(tempfile.mkdtemp(prefix="lms-fault-pg-"))
    env = run.env_for(tmp, args.port, db=DB, cache_db=CACHE_REDIS_DB, broker_db=BROKER_REDIS_DB)
    print(f"database {DB}, Redis {CACHE_REDIS_DB} and {BROKER_REDIS_DB}, PostgreSQL {version}; logs in {tmp}")
    empty_redis(CACHE_REDIS_DB, BROKER_REDIS_DB)
    seed_file = run.prepare(tmp, env, args.officers, db=DB)
    seed = json.loads(seed_file.read_text(encoding="utf-8"))
    client_report, client_state = tmp / "client.md", tmp / "client.json"
    load_before = os.getloadavg()
    with run.servers(tmp, env, args.port):
        command = run.client_command(args.port, seed_file, args.officers, args.duration,
                                     "--out", str(client_report), "--saved-out", str(client_state))
        client_started = time.time()
        client = subprocess.Popen(command, cwd=run.ROOT, env=env)
        try:
            time.sleep(max(0.0, client_started + restart_at - time.time()))
            if client.poll() is not None:
                raise SystemExit(f"the load client ended (exit {client.returncode}) before the restart")
            if args.no_restart:
                now = time.time()
                restart = {"started": now, "command_returned": now, "answering": now}
                print(f"--- {restart_at:.0f} s into the run: no restart (--no-restart)", flush=True)
            else:
                print(f"--- {restart_at:.0f} s into the run: restarting PostgreSQL {version}", flush=True)
                restart = restart_postgres(version)
                print(f"--- PostgreSQL answers again after {restart['answering'] - restart['started']:.1f} s",
                      flush=True)
            client_code = client.wait(timeout=args.duration + 120)
        finally:
            if client.poll() is None:
                client.terminate()
                client.wait(timeout=10)
        load_after = os.getloadavg()
    statuses = access_log_statuses(tmp / "gunicorn.log")
    warnings = sum(1 for line in (tmp / "gunicorn.log").read_text(errors="replace").splitlines()
                   if "database unavailable, answered 503" in line)

    state = json.loads(client_state.read_text(encoding="utf-8"))
    state["officers_expected"] = args.officers
    failures, counts = check_database(env, seed, state)
    errors = sum(state["errors"].values())
    retries = sum(state["retries"].values())
    unavailable, disconnects = sum(state["unavailable"].values()), sum(state["disconnects"].values())
    if client_code != 0 or errors:
        failures.append(f"the client ended with {errors} errors (exit {client_code}): "
                        + "; ".join(state["error_samples"][:5]))
    if unavailable + disconnects == 0 and not args.no_restart:
        failures.append("the client never saw the restart (no 503, no connection error): nothing was tested")
    if statuses.get(500):
        failures.append(f"gunicorn answered {statuses[500]} requests with 500 (expected 503 while PostgreSQL was down)")
    t0 = restart["started"]
    saved = state["saved"].values()
    before = sum(1 for s in saved if s["at"] < t0)
    after = sum(1 for s in saved if s["at"] >= restart["answering"])
    retried_saves = sum(1 for s in saved if s["retries"])
    seen = [t - t0 for t in state["retry_times"]]

    what = "not restarted (--no-restart)" if args.no_restart else "restarted mid-run"
    lines = [f"## PostgreSQL {what} ({time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC)", "",
             f"{args.officers} officers, {args.duration} s; PostgreSQL {version} "
             + ("not restarted" if args.no_restart else
                f"restarted at {restart_at:.0f} s (`pg_ctlcluster {version} main stop`, {DOWN_FOR:g} s down, `start`: "
                f"{restart['command_returned'] - t0:.1f} s, answering again after {restart['answering'] - t0:.1f} s)")
             + f". Load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min; {os.cpu_count()} "
             "cores).", "",
             client_report.read_text(encoding="utf-8").strip(), "",
             f"- Failed tries seen by the client: {unavailable} answers 503 and {disconnects} connection errors, "
             + (f"from {min(seen):+.1f} s to {max(seen):+.1f} s around the restart; " if seen else "")
             + f"{retries} retries in all; {errors} requests ended in an error.",
             "- Server side (gunicorn's access log): "
             + ", ".join(f"{n} × {code}" for code, n in sorted(statuses.items()))
             + f"; {warnings} WARNING lines 'database unavailable'.",
             f"- Answers the client saw saved: {counts['saved']} ({before} before the restart, "
             f"{counts['saved'] - before - after} during it, {after} after; {retried_saves} needed a retry); "
             f"in the database with that value: {counts['in_database']}.",
             f"- Attempts graded: {counts['graded']} of {counts['officers']}.", ""]
    lines.append("**FAILED**: " + "; ".join(failures) if failures else
                 "**PASSED**: nothing saved was lost, every attempt was graded, every failed try was retried (no 500).")
    text = "\n".join(lines)
    print("\n" + text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(f"\nlogs: {tmp}/gunicorn.log, {tmp}/worker.log")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
