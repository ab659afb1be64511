"""Benchmark: the competency rows of a unit subtree with 10,000 officers -> results-competency.md

    .venv/bin/python bench/competency.py                 # fresh SQLite file database in /tmp
    .venv/bin/python bench/competency.py --postgres      # fresh PostgreSQL database lms_compeng
    .venv/bin/python bench/competency.py --officers 10000 --runs 7

The demo's units, six desk roles, 29 competencies and 110 role requirements, plus --officers generated officers
spread over the five ward centres: every officer holds one desk role, every third a second one, and has about
four pieces of evidence (certificates, observations, prior learning; some expired, some revoked). The timed call
is `people.competency.unit_subtree_rows(city)` — every (officer × required competency) row of the whole city
with its status — and the same for one ward. Median of --runs calls after one warm-up call, with the number of
SQL queries of one call. The CPU time of the benchmark process (Python, the driver; not the database server) is
reported beside the wall time because a shared machine's load stretches wall times.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.setup_db import fresh_database  # noqa: E402

PG_NAME = "lms_compeng"


def _parse():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--officers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL at 127.0.0.1:5432")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results-competency.md"))
    return parser.parse_args()


def _seed(n: int) -> dict:
    import datetime as dt
    import io

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from people import demo
    from people.models import Attainment, Competency, DeskRole, Officer, RoleAssignment, Unit

    demo.seed(stdout=io.StringIO())
    rng = random.Random(2026)
    today = timezone.localdate()
    centres = list(Unit.objects.filter(kind=Unit.Kind.SERVICE_CENTRE).order_by("code"))
    roles = list(DeskRole.objects.all())
    competencies = list(Competency.objects.all())
    User = get_user_model()
    User.objects.bulk_create([User(username=f"bench{i:05d}") for i in range(n)], batch_size=1000)
    users = list(User.objects.filter(username__startswith="bench").order_by("username"))
    Officer.objects.bulk_create([
        Officer(user=u, full_name=f"Cán bộ thử {i}", sort_name=f"{i:05d}", search_name=f"can bo thu {i}",
                employee_code=f"BENCH{i:05d}", unit=centres[i % len(centres)])
        for i, u in enumerate(users)], batch_size=1000)
    officers = list(Officer.objects.filter(employee_code__startswith="BENCH").only("id", "unit_id"))
    assignments = []
    for i, officer in enumerate(officers):
        picked = [roles[i % len(roles)]] + ([roles[(i + 2) % len(roles)]] if i % 3 == 0 else [])
        for role in picked:
            assignments.append(RoleAssignment(officer_id=officer.pk, role=role, unit_id=officer.unit_id,
                                              start_date=dt.date(2025, 7, 1)))
    RoleAssignment.objects.bulk_create(assignments, batch_size=1000)
    kinds = [Attainment.Kind.CERTIFICATE, Attainment.Kind.OBSERVATION, Attainment.Kind.PRIOR_LEARNING]
    evidence = []
    now = timezone.now()
    for i, officer in enumerate(officers):
        for j, competency in enumerate(rng.sample(competencies, 4)):
            achieved = today - dt.timedelta(days=rng.randint(5, 900))
            expires = achieved + dt.timedelta(days=rng.choice([365, 730, 730, 1000])) if j % 4 else None
            revoked = rng.random() < 0.03
            evidence.append(Attainment(
                officer_id=officer.pk, competency=competency, level=rng.randint(1, 3), achieved_on=achieved,
                expires_on=expires, kind=kinds[j % 3], evidence_reference=f"BENCH-{i}-{j}",
                revoked_at=now if revoked else None, revoked_reason="thử" if revoked else ""))
    Attainment.objects.bulk_create(evidence, batch_size=1000)
    return {"officers": Officer.objects.filter(is_active=True).count(), "assignments": RoleAssignment.objects.count(),
            "evidence": Attainment.objects.count()}


def _measure(unit, runs: int):
    from django.db import connection

    from people.competency import unit_subtree_rows

    unit_subtree_rows(unit)  # warm-up
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        rows = unit_subtree_rows(unit)
    timings, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        unit_subtree_rows(unit)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(timings), statistics.median(cpu), len(executed), rows


def main():
    args = _parse()
    engine = fresh_database(name=PG_NAME, postgres=args.postgres)
    import django

    django.setup()
    from django.core.management import call_command

    from people.competency import status_counts
    from people.models import Unit

    call_command("migrate", verbosity=0)
    sizes = _seed(args.officers)
    city = Unit.objects.get(parent__isnull=True)
    ward = Unit.objects.get(code="GIADINH")
    lines = [
        f"## Competency rows of a unit subtree ({engine})",
        "",
        f"`bench/competency.py --officers {args.officers} --runs {args.runs}` on {engine}, Python "
        f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}. {sizes['officers']:,} active officers, {sizes['assignments']:,} role "
        f"assignments, {sizes['evidence']:,} pieces of evidence; median of {args.runs} calls after one warm-up."
        .replace(",", "."),
        "",
        "| call | rows | statuses (đạt / sắp hết hạn / hết hạn / chưa đạt) | median wall time | median CPU time "
        "of this process | SQL queries |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for label, unit in (("`unit_subtree_rows(city)`", city), ("`unit_subtree_rows(GIADINH ward)`", ward)):
        median, cpu, queries, rows = _measure(unit, args.runs)
        counts = " / ".join(str(v) for v in status_counts(rows).values())
        lines.append(f"| {label} | {len(rows):,} | {counts} | {median * 1000:.0f} ms | {cpu * 1000:.0f} ms | "
                     f"{queries} |".replace(",", "."))
        print(f"{label}: {len(rows)} rows, {median * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU, {queries} queries")
    out = Path(args.out)
    previous = out.read_text(encoding="utf-8") if out.exists() else "# Benchmark: competency engine\n"
    # Replace this engine's section (from its heading to the next one), keep the other engine's.
    sections = previous.split("\n## ")
    kept = [sections[0].rstrip()] + ["## " + s.rstrip() for s in sections[1:] if not s.startswith(lines[0][3:])]
    out.write_text("\n\n".join([*kept, "\n".join(lines)]) + "\n", encoding="utf-8")
    print(f"Results written to {out}")


if __name__ == "__main__":
    main()
