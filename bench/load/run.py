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
            broker_db: int = BROKER_REDIS_DB) -> dict:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "lms.settings.base",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "CACHE_URL": f"redis://127.0.0.1:6379/{cache_db}?key_prefix={db}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{broker_db}",
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


def prepare(tmp: Path, env: dict, officers: int, *, db: str = DB) -> Path:
    """A fresh, migrated, seeded database and the static files; returns the seed file for the client."""
    seed_file = tmp / "seed.json"
    fresh_database(db)
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "bench/load/seed.py", "--officers", str(officers), "--out", str(seed_file)],
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


@contextlib.contextmanager
def servers(tmp: Path, env: dict, port: int):
    """gunicorn (gunicorn.conf.py) and one Celery worker, answering on `port`; both stopped on exit."""
    web = worker = None
    try:
        with open(tmp / "gunicorn.log", "w") as web_log, open(tmp / "worker.log", "w") as worker_log:
            web = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "lms.wsgi:application"], cwd=ROOT,
                                   env=env, stdout=web_log, stderr=subprocess.STDOUT)
            worker = subprocess.Popen([str(ROOT / ".venv" / "bin" / "celery"), "-A", "lms", "worker", "-l",
                                       "warning", "--concurrency", "1", "--without-gossip", "--without-mingle"],
                                      cwd=ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT)
            wait_ready(f"http://127.0.0.1:{port}/accounts/login/", web)
            yield
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
    with servers(tmp, env, args.port):
        command = client_command(args.port, seed_file, args.officers, args.duration, *rest)
        if args.out:
            command += ["--out", args.out]
        code = subprocess.run(command, cwd=ROOT, env=env).returncode
    print(f"gunicorn and worker logs: {tmp}/gunicorn.log, {tmp}/worker.log")
    return code


if __name__ == "__main__":
    sys.exit(main())
