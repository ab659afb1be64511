"""The notification jobs over seed_scale data: run time and SQL queries of each daily job and of the Monday digest.

    .venv/bin/python bench/notifications.py [--postgres] [--officers 10000 --units 200 --seed 2026]

Each job runs three times on the same day: a dry run (selection only), the real run (selection + the inserts of
the log; the e-mail tasks it queues are counted, not sent — sending is one task per message, after commit), and
the same run again (everything already sent: nothing inserted, nothing queued). Target: all daily jobs ≤ 60 s
for 10,000 officers, a query count that does not depend on the number of recipients.
Results -> bench/results-notifications.md (appended section per engine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.setup_db import fresh_database  # noqa: E402

OUT = Path(__file__).resolve().parent / "results-notifications.md"


def _parse():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--officers", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL at 127.0.0.1:5432")
    parser.add_argument("--db-name", default="lms_bench_notif")
    return parser.parse_args()


def main():
    args = _parse()
    engine = fresh_database(name=args.db_name, postgres=args.postgres)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.utils import timezone

    from notifications import services, tasks
    from notifications.models import Notification
    from people.models import Officer, Unit

    settings.DEBUG = True  # connection.queries
    queued = []
    tasks.notification_send_task.delay_on_commit = lambda pk: queued.append(pk)

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_scale", officers=args.officers, units=args.units, seed=args.seed, stdout=io.StringIO())
    seed_seconds = time.perf_counter() - started
    officers, units = Officer.objects.count(), Unit.objects.count()
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())

    def measure(name, day, dry_run):
        queued.clear()
        reset_queries()
        began = time.perf_counter()
        result = services.run_job(name, today=day, dry_run=dry_run)
        seconds = time.perf_counter() - began
        return seconds, len(connection.queries), (len(result.candidates) if dry_run else result.created), len(queued)

    rows, daily_total = [], 0.0
    for name in (*services.DAILY_JOBS, "digest"):
        day = monday if name == "digest" else today
        dry = measure(name, day, True)
        real = measure(name, day, False)
        again = measure(name, day, False)
        if name != "digest":
            daily_total += real[0]
        rows.append((name, dry, real, again))
        print(name, dry, real, again, flush=True)

    lines = [
        f"## {engine}: {officers:,} officers, {units:,} units",
        "",
        f"`bench/notifications.py --officers {args.officers} --units {args.units} --seed {args.seed}"
        f"{' --postgres' if args.postgres else ''}`, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the end; seed_demo + seed_scale in {seed_seconds:.0f} s; "
        f"today {today:%d/%m/%Y}, digest on Monday {monday:%d/%m/%Y}. Notifications in the log at the end: "
        f"{Notification.objects.count():,}.",
        "",
        "| job | dry run: s / queries / would send | run: s / queries / recorded / e-mails queued | "
        "run again: s / queries / recorded |",
        "|---|---|---|---|",
    ]
    for name, dry, real, again in rows:
        lines.append(f"| {name} | {dry[0]:.2f} / {dry[1]} / {dry[2]:,} | {real[0]:.2f} / {real[1]} / {real[2]:,} / "
                     f"{real[3]:,} | {again[0]:.2f} / {again[1]} / {again[2]} |")
    lines += ["", f"All daily jobs (real runs): {daily_total:.1f} s (target ≤ 60 s).", ""]
    with OUT.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"-> {OUT}")


if __name__ == "__main__":
    main()
