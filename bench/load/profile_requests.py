"""Where the time of the exam room goes: CPU ms and SQL queries per request of the scenario, in one process.

    .venv/bin/python bench/load/profile_requests.py [--officers 30] [--cprofile start] [--reuse]

Seeds a PostgreSQL database of its own (`lms_load_profile`, dropped and re-created unless `--reuse`) with the
load test's quiz (bench/load/seed.py: 30 questions drawn from 5 × 100), then, with the production settings of
`make load` (DEBUG off, Redis cache in database 9), drives each officer through the scenario with Django's test
client, one request after the other: login page, login, quiz landing, start, attempt page, autosave (×5), submit,
result page. For every request type it prints the application's CPU time (this process's `time.process_time`:
Python, templates, the database driver — not PostgreSQL's own work), the wall time and the number of SQL queries,
as medians over the officers. The first officer warms the caches and the code paths and is left out.
`--cprofile TYPE` prints the 30 most expensive functions (cumulative) of that request type.

What it leaves out compared with `make load`: gunicorn, HTTP parsing and the network (the test client calls the
WSGI handler directly) and concurrency. CSRF is checked as in production (the client posts the form's token).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "load"))

from exam_room import (  # noqa: E402 — what the load client reads off the pages, read the same way here
    ATTEMPT_RE,
    CSRF_RE,
    FIELDSET_RE,
    LABELLED_OPTION_RE,
    OPTION_RE,
    REV_RE,
    SAVE_URL_RE,
)
from run import cpu_yardstick, env_for, prepare  # noqa: E402

DB = "lms_load_profile"
CACHE_DB, BROKER_DB = 9, 10
ORDER = ["login page", "login", "quiz landing", "start", "attempt page", "attempt page (reload)", "autosave", "submit",
         "result page"]


def pick(question: dict) -> str:
    """80 % right, as the issue's officers (most pass, so the submit issues a certificate)."""
    if question["right"] and random.random() < 0.8:
        return question["right"][0]
    return random.choice(question["options"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=30)
    parser.add_argument("--autosaves", type=int, default=5)
    parser.add_argument("--cprofile", choices=ORDER, help="print the costliest functions of this request type")
    parser.add_argument("--sql", choices=ORDER, help="print the SQL of the last request of this type")
    parser.add_argument("--explain", choices=ORDER,
                        help="EXPLAIN ANALYZE every SELECT of the last request of this type (rolled back)")
    parser.add_argument("--reuse", action="store_true", help=f"keep {DB} (seeded by an earlier run)")
    parser.add_argument("--out", help="also write the table (markdown) to this file")
    args = parser.parse_args()
    if not 2 <= args.officers <= 500:
        parser.error("--officers must be between 2 and 500")
    tmp = ROOT / "artifacts" / "profile"  # static files and the seed file, kept for --reuse
    tmp.mkdir(parents=True, exist_ok=True)
    env = env_for(tmp, 0, db=DB, cache_db=CACHE_DB, broker_db=BROKER_DB)
    env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    seed_file = tmp / "seed.json"
    if not (args.reuse and seed_file.exists()):
        prepare(tmp, env, args.officers, db=DB)
    seed = json.loads(seed_file.read_text(encoding="utf-8"))
    os.environ.update(env)
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=CACHE_DB).flushdb()
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessments.models import Attempt
    from certificates.models import Certificate
    from courses.models import Enrolment

    # --reuse: every officer starts afresh (and self-enrols in the course at the start, as in the load test)
    Certificate.objects.all().delete()
    Attempt.objects.all().delete()
    Enrolment.objects.all().delete()
    cpu = defaultdict(list)
    wall = defaultdict(list)
    queries = defaultdict(list)
    profiler = cProfile.Profile(time.process_time) if args.cprofile else None  # CPU, not waiting
    last_sql: list[str] = []

    def call(kind: str, record: bool, fn, *a, **kw):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            if profiler and kind == args.cprofile and record:
                profiler.enable()
            c0, w0 = time.process_time(), time.perf_counter()
            response = fn(*a, **kw)
            c1, w1 = time.process_time(), time.perf_counter()
            if profiler and kind == args.cprofile and record:
                profiler.disable()
        if record:
            cpu[kind].append((c1 - c0) * 1000)
            wall[kind].append((w1 - w0) * 1000)
            queries[kind].append(len(ctx.captured_queries))
            if kind in (args.sql, args.explain):
                last_sql[:] = [q["sql"] for q in ctx.captured_queries]
        return response

    from http.cookies import SimpleCookie

    usernames = seed["usernames"][: args.officers]
    # One client, so the middleware is loaded once as in a gunicorn worker (WhiteNoise scans the static files
    # when it is made); each officer starts with no cookies.
    client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    for n, username in enumerate(usernames):
        record = n > 0
        client.cookies = SimpleCookie()
        page = call("login page", record, client.get, "/accounts/login/").content.decode()
        call("login", record, client.post, "/accounts/login/", {
            "csrfmiddlewaretoken": CSRF_RE.search(page).group(1), "username": username,
            "password": seed["password"]})
        landing = call("quiz landing", record, client.get, seed["quiz_url"]).content.decode()
        csrf = CSRF_RE.search(landing).group(1)
        r = call("start", record, client.post, seed["quiz_url"], {"csrfmiddlewaretoken": csrf, "action": "start"})
        assert r.status_code == 302, r.status_code
        attempt_page = call("attempt page", record, client.get, seed["quiz_url"]).content.decode()
        # The same page again: what it costs once the bank's versions and stems are in the shared cache (the
        # first officers of a quiz put them there; the first load of each officer here may still miss them).
        call("attempt page (reload)", record, client.get, seed["quiz_url"])
        attempt = ATTEMPT_RE.search(attempt_page).group(1)
        save_url = SAVE_URL_RE.search(attempt_page).group(1)
        csrf = CSRF_RE.search(attempt_page).group(1)
        questions = []
        for rid, kind, body in FIELDSET_RE.findall(attempt_page):
            rev = REV_RE.search(body)
            right = [v for v, label in LABELLED_OPTION_RE.findall(body) if label.strip() == seed["correct_text"]]
            questions.append({"id": rid, "kind": kind, "options": OPTION_RE.findall(body), "right": right,
                              "rev": int(rev.group(1)) if rev else 0, "answer": None})
        for q in questions[: args.autosaves]:
            q["answer"] = pick(q)
            r = call("autosave", record, client.post, save_url.replace("{id}", q["id"]), {
                "kind": q["kind"], f"q{q['id']}": q["answer"], f"q{q['id']}_rev": str(q["rev"])},
                HTTP_X_CSRFTOKEN=csrf, HTTP_X_REQUESTED_WITH="fetch")
            assert r.status_code == 200, r.content
            q["rev"] = r.json().get("revision", q["rev"])
        for q in questions[args.autosaves:]:
            q["answer"] = pick(q)  # typed but not yet autosaved when Submit is pressed
        form = {"csrfmiddlewaretoken": csrf, "attempt": attempt, "action": "submit",
                "shown": [q["id"] for q in questions]}
        for q in questions:
            form[f"q{q['id']}_rev"] = str(q["rev"])
            form[f"q{q['id']}"] = q["answer"]
        r = call("submit", record, client.post, seed["quiz_url"], form)
        assert r.status_code == 302 and "/ket-qua/" in r["Location"], (r.status_code, r.get("Location"))
        call("result page", record, client.get, r["Location"])

    lines = [f"Per request, medians over {len(usernames) - 1} officers (the first warms up), PostgreSQL, "
             f"DEBUG off, Redis cache; load average {os.getloadavg()[0]:.2f}; CPU yardstick (PBKDF2 1M "
             f"iterations, bench/load/run.py) {cpu_yardstick():.0f} ms.", "",
             "| request | app CPU ms | wall ms | SQL queries |", "|---|---:|---:|---:|"]
    for kind in ORDER:
        lines.append(f"| {kind} | {statistics.median(cpu[kind]):.1f} | {statistics.median(wall[kind]):.1f} | "
                     f"{statistics.median(queries[kind]):g} |")
    per_officer = sum(statistics.median(cpu[k]) * (args.autosaves if k == "autosave" else 1) for k in ORDER
                      if k != "attempt page")
    start_trio = sum(statistics.median(cpu[k]) for k in ("quiz landing", "start", "attempt page (reload)"))
    lines += ["", f"Landing + start + attempt page (warm): {start_trio:.1f} ms CPU per officer; the whole scenario "
              f"({args.autosaves} autosaves): {per_officer:.1f} ms."]
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    if args.explain:
        from django.db import transaction

        print(f"EXPLAIN ANALYZE of the {args.explain} request's reads (planning + execution ms, first plan line):")
        for i, sql in enumerate(last_sql, start=1):
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                        plan = [row[0] for row in cursor.fetchall()]
                    transaction.set_rollback(True)
            except Exception as exc:  # a read that needs the request's own state: say so, go on
                print(f"{i:3}. not explained ({type(exc).__name__})")
                continue
            timing = {line.split(":")[0].strip(): line.split(":")[1].strip()
                      for line in plan if line.startswith(("Planning Time", "Execution Time"))}
            print(f"{i:3}. {timing.get('Planning Time', '?')} + {timing.get('Execution Time', '?')}: "
                  f"{plan[0].strip()[:110]}")
    elif args.sql:
        for i, sql in enumerate(last_sql, start=1):
            print(f"{i:3}. {sql[:400]}")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(int(os.environ.get("PROFILE_LINES", "30")))
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
