"""`make load`: seed a PostgreSQL database of its own (lms_load), start gunicorn and a Celery worker with
production settings (DEBUG off, Redis cache and broker), run bench/load/exam_room.py against them, stop both.

    .venv/bin/python bench/load/run.py --officers 20 --duration 30      # what `make load` runs

Needs PostgreSQL at 127.0.0.1:5432 (trust auth, as in .ci/run) and Redis at 127.0.0.1:6379. The database
`lms_load` is dropped and re-created on every run; Redis databases 11 (cache, keys prefixed "lms_load") and 12
(broker) are used. Plain http on loopback: DJANGO_SECURE_COOKIES=false and DJANGO_SECURE_SSL_REDIRECT=false, as
docs/operations.md describes for a local production-like run — never in production. Logs of gunicorn and the
worker go to the run's temporary folder (printed at the end).

The pieces are importable (bench/load/faults/ runs the same scenario with a fault in the middle): `env_for`,
`prepare` (fresh database, migrate, collectstatic, seed), `servers` (gunicorn + worker, stopped on exit) and
`client_command`; `env_for` takes the database name and the Redis database numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
DB = "lms_load"
CACHE_REDIS_DB, BROKER_REDIS_DB = 11, 12


def env_for(tmp: Path, port: int, *, db: str = DB, cache_db: int = CACHE_REDIS_DB,
            broker_db: int = BROKER_REDIS_DB, redis_port: int = 6379) -> dict:
    """The production-like environment of a run. `redis_port`: a Redis of the run's own (bench/load/faults/
    redis_down.py stops it mid-run; the shared 6379 is never stopped)."""
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "lms.settings.base",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/{cache_db}?key_prefix={db}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/{broker_db}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "load-test-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "CERTIFICATES_PRIVATE_ROOT": str(tmp / "private"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        # One machine for everything, as docs/operations.md advises then: the PDFs wait for idle CPU.
        "LMS_WORKER_NICE": os.environ.get("LMS_WORKER_NICE", "10"),
        "GUNICORN_WORKERS": os.environ.get("GUNICORN_WORKERS", str(os.cpu_count() or 2)),
    })
    return env


def fresh_database(db: str = DB) -> None:
    import psycopg

    if not db.startswith(("lms_load", "lms_fault_")):
        raise SystemExit(f"{db}: only a load-test database (lms_load…, lms_fault_…) is dropped and re-created")
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')


def prepare(tmp: Path, env: dict, officers: int, *, db: str = DB, seed_args: tuple[str, ...] = ()) -> Path:
    """A fresh, migrated, seeded database and the static files; returns the seed file for the client.
    `seed_args`: more options of bench/load/seed.py (`--certificates`)."""
    seed_file = tmp / "seed.json"
    fresh_database(db)
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "bench/load/seed.py", "--officers", str(officers), "--out", str(seed_file), *seed_args],
                   cwd=ROOT, env=env, check=True)
    return seed_file


def wait_ready(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def stop(proc: subprocess.Popen | None, name: str) -> None:
    """Stop one process this script started (by its own pid), politely first."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        print(f"{name} did not stop in 20 s: killing it", file=sys.stderr)
        proc.kill()
        proc.wait(timeout=10)


TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, str, float] | None:
    """(parent pid, command name, CPU seconds of the process and its reaped children) from /proc, or None."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1:raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2:].split()
    # fields[0] is the state (stat field 3): ppid is field 4, utime/stime/cutime/cstime fields 14-17.
    return int(fields[1]), name, sum(int(x) for x in fields[11:15]) / TICKS


def _processes() -> dict[int, tuple[int, str, float]]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            info = _stat(int(entry.name))
            if info is not None:
                found[int(entry.name)] = info
    return found


def _database_processes(procs: dict) -> dict[int, float]:
    """CPU seconds of this run's PostgreSQL processes: the backends connected to the load database and the
    server's own processes (checkpointer, WAL writer, autovacuum…), not other databases' backends."""
    found = {}
    for pid, (_ppid, name, cpu) in procs.items():
        if name != "postgres":
            continue
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        words = title.split()
        # A backend's title is "postgres: 15/main: <user> <database> <client> <state>".
        backend = len(words) >= 5 and words[0] == "postgres:" and "(" in words[4]
        if not backend or words[3] == DB:
            found[pid] = cpu
    return found


class DatabaseCpu:
    """Samples the load database's PostgreSQL processes every second: a backend that exits during the run (a
    recycled gunicorn worker's connection) keeps the CPU it had at its last sample."""

    def __init__(self):
        import threading

        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def sample(self) -> float:
        for pid, cpu in _database_processes(_processes()).items():
            self.seen[pid] = max(cpu, self.seen.get(pid, 0.0))
        return sum(self.seen.values())

    def _loop(self):
        while not self._stop.wait(1.0):
            self.sample()

    def start(self) -> float:
        value = self.sample()
        self._thread.start()
        return value

    def stop(self) -> float:
        self._stop.set()
        self._thread.join(timeout=5)
        return self.sample()


def cpu_snapshot(web_pid: int, worker_pid: int) -> dict[str, float]:
    """CPU seconds so far of gunicorn (master and workers) and the Celery worker (and its pool), each including
    children that already exited (a recycled gunicorn worker counts in its master's)."""
    procs = _processes()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _name, _cpu) in procs.items():
        children.setdefault(ppid, []).append(pid)

    def tree(root: int) -> float:
        total, stack = 0.0, [root]
        while stack:
            pid = stack.pop()
            if pid in procs:
                total += procs[pid][2]
            stack.extend(children.get(pid, []))
        return total

    return {"app": tree(web_pid), "worker": tree(worker_pid)}


def cpu_yardstick() -> float:
    """The machine's speed at the moment of the run: CPU ms of one PBKDF2-SHA256 of 1,000,000 iterations (what
    Django's password hasher does at each login), best of three. This shared VM's cores have been seen to vary
    1.3–1.7× between hours (231 ms to 400 ms), so every result is written with it."""
    import hashlib

    best = float("inf")
    for _ in range(3):
        t = time.process_time()
        hashlib.pbkdf2_hmac("sha256", b"load-test", b"yardstick-salt", 1_000_000)
        best = min(best, time.process_time() - t)
    return best * 1000


def cpu_report(before: dict[str, float], after: dict[str, float], client: float, elapsed: float,
               load_before: tuple, load_after: tuple) -> str:
    used = {k: after[k] - before[k] for k in before} | {"client": client}
    parts = ", ".join(f"{name} {seconds:.1f} s ({seconds / elapsed:.2f} cores)" for name, seconds in used.items())
    return (f"CPU during the run ({elapsed:.0f} s, {os.cpu_count()} cores): {parts}; total "
            f"{sum(used.values()) / elapsed:.2f} cores. Load average before {load_before[0]:.2f}/"
            f"{load_before[1]:.2f}, after {load_after[0]:.2f}/{load_after[1]:.2f} (1/5 min). CPU yardstick "
            f"(PBKDF2 1M iterations): {cpu_yardstick():.0f} ms.")


def start_worker(env: dict, log: Path, *, loglevel: str = "warning") -> subprocess.Popen:
    """One Celery worker (concurrency 1) in a session of its own (a fault run can SIGKILL its whole group),
    appending to `log`."""
    with open(log, "a") as worker_log:
        return subprocess.Popen([str(ROOT / ".venv" / "bin" / "celery"), "-A", "lms", "worker", "-l", loglevel,
                                 "--concurrency", "1", "--without-gossip", "--without-mingle"],
                                cwd=ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT,
                                start_new_session=True)


@contextlib.contextmanager
def servers(tmp: Path, env: dict, port: int, *, worker_loglevel: str = "warning"):
    """gunicorn (gunicorn.conf.py) and one Celery worker, answering on `port`; both stopped on exit."""
    web = worker = None
    try:
        with open(tmp / "gunicorn.log", "w") as web_log:
            web = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "lms.wsgi:application"], cwd=ROOT,
                                   env=env, stdout=web_log, stderr=subprocess.STDOUT)
            worker = start_worker(env, tmp / "worker.log", loglevel=worker_loglevel)
            wait_ready(f"http://127.0.0.1:{port}/accounts/login/", web)
            yield web, worker
    finally:
        stop(web, "gunicorn")
        stop(worker, "celery worker")


def client_command(port: int, seed_file: Path, officers: int, duration: int, *extra: str) -> list[str]:
    return [PY, "bench/load/exam_room.py", "--base", f"http://127.0.0.1:{port}", "--seed", str(seed_file),
            "--officers", str(officers), "--duration", str(duration), *extra]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", help="write the report (Markdown) to this file too")
    args, rest = parser.parse_known_args()
    tmp = Path(tempfile.mkdtemp(prefix="lms-load-"))
    env = env_for(tmp, args.port)
    print(f"database {DB}, logs and static files in {tmp}")
    seed_file = prepare(tmp, env, args.officers)
    # Redis 11 (cache) is emptied too: entries keyed by ids of the previous lms_load database would be stale.
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=CACHE_REDIS_DB).flushdb()
    with servers(tmp, env, args.port) as (web, worker):
        command = client_command(args.port, seed_file, args.officers, args.duration, *rest)
        if args.out:
            command += ["--out", args.out]
        load_before = os.getloadavg()
        before = cpu_snapshot(web.pid, worker.pid)
        database = DatabaseCpu()
        before["database"] = database.start()
        client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        code = subprocess.run(command, cwd=ROOT, env=env).returncode
        elapsed = time.monotonic() - started
        client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        client = (client_after.ru_utime + client_after.ru_stime
                  - client_before.ru_utime - client_before.ru_stime)
        after = cpu_snapshot(web.pid, worker.pid) | {"database": database.stop()}
        text = cpu_report(before, after, client, elapsed, load_before, os.getloadavg())
        print(text)
        if args.out:
            with open(args.out, "a", encoding="utf-8") as fh:
                fh.write("\n" + text + "\n")
    print(f"gunicorn and worker logs: {tmp}/gunicorn.log, {tmp}/worker.log")
    return code


if __name__ == "__main__":
    sys.exit(main())
