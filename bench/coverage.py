"""The competency coverage part of bench/dashboards.py (``--coverage``): seed_scale data, the city overview, a
centre's officer matrix and the XLSX of the city's officer matrix, against a hand-written aggregate SQL query
that computes the same status counts (the floor). Results -> bench/results-coverage.md.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import platform
import resource
import statistics
import time
import tracemalloc
from pathlib import Path

from bench.setup_db import fresh_database

PG_NAME = "lms_dash"

#: Status counts of every (active officer of the city × required competency) pair on a day, in one statement:
#: the requirement (highest level, shortest validity over the current roles), then per pair the latest end of
#: the satisfying evidence (NULL end = open-ended), then the status. {add_months} is the dialect's month add.
FLOOR_SQL = """
WITH req AS (
    SELECT ra.officer_id, rr.competency_id, MAX(rr.level) AS level, MIN(rr.validity_months) AS months
    FROM people_roleassignment ra
    JOIN people_officer o ON o.id = ra.officer_id AND o.is_active = {true}
    JOIN people_unit u ON u.id = o.unit_id
    JOIN people_rolerequirement rr ON rr.role_id = ra.role_id
    WHERE u.path LIKE %s AND ra.start_date <= %s AND (ra.end_date IS NULL OR ra.end_date >= %s)
    GROUP BY ra.officer_id, rr.competency_id
), ev AS (
    SELECT req.officer_id, req.competency_id, a.id AS attainment_id,
           CASE WHEN a.expires_on IS NOT NULL AND a.expires_on < {add_months} THEN a.expires_on
                ELSE {add_months} END AS until
    FROM req
    JOIN people_attainment a ON a.officer_id = req.officer_id AND a.competency_id = req.competency_id
         AND a.level >= req.level AND a.achieved_on <= %s AND a.revoked_at IS NULL
), pair AS (
    SELECT req.officer_id, req.competency_id,
           MAX(CASE WHEN ev.until >= %s THEN ev.until END) AS sat_until,
           MAX(CASE WHEN ev.until < %s THEN 1 ELSE 0 END) AS earlier
    FROM req LEFT JOIN ev ON ev.officer_id = req.officer_id AND ev.competency_id = req.competency_id
    GROUP BY req.officer_id, req.competency_id
)
SELECT CASE WHEN sat_until > %s THEN 'đạt' WHEN sat_until IS NOT NULL THEN 'sắp hết hạn'
            WHEN earlier = 1 THEN 'hết hạn' ELSE 'chưa đạt' END AS status, COUNT(*)
FROM pair GROUP BY 1
"""


def floor_sql(vendor: str) -> str:
    if vendor == "postgresql":
        return FLOOR_SQL.format(true="TRUE", add_months="(a.achieved_on + req.months * INTERVAL '1 month')::date")
    return FLOOR_SQL.format(true="1", add_months="date(a.achieved_on, '+' || req.months || ' months')")


def floor_counts(city_path: str, on: dt.date) -> dict[str, int]:
    from django.db import connection

    horizon = on + dt.timedelta(days=60)
    params = [f"{city_path}%", on, on, on, on, on, horizon]
    if connection.vendor != "postgresql":
        params = [p.isoformat() if isinstance(p, dt.date) else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(floor_sql(connection.vendor), params)
        return dict(cursor.fetchall())


def _median_ms(fn, runs: int, before=None) -> float:
    """Median wall time of `fn` over `runs` calls after a warm-up; `before` (untimed) runs before each call."""
    fn()
    timings = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _page(client, url: str, runs: int, before=None) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200, url
    connection.queries_log.clear()
    if before is not None:
        before()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return _median_ms(lambda: client.get(url), runs, before), len(ctx.captured_queries)


def run(args) -> None:
    reuse = getattr(args, "reuse", False)
    engine = fresh_database(name=getattr(args, "db_name", PG_NAME), postgres=args.postgres, reuse=reuse)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from dashboards import coverage
    from dashboards.management.commands.seed_scale import PREFIX as SCALE_PREFIX
    from people.competency import bump_data_version
    from people.models import Competency, Officer, Unit

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seeded = reuse and Officer.objects.filter(employee_code__startswith=SCALE_PREFIX).exists()
    if not seeded:
        call_command("seed_demo", stdout=io.StringIO())
        call_command("seed_scale", officers=args.officers, units=args.units, seed=args.seed, stdout=io.StringIO())
    seed_seconds = time.perf_counter() - started
    from django.db import connection

    if connection.vendor == "postgresql":
        # Fresh bulk-loaded tables have no planner statistics until autovacuum gets to them; a real database has.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    today = timezone.localdate()
    city = Unit.objects.get(code="HCM")
    centre = (Unit.objects.filter(kind=Unit.Kind.SERVICE_CENTRE, code__startswith="SC-")
              .annotate(n=Count("officers")).order_by("-n").first())
    admin, _created = get_user_model().objects.get_or_create(username="bench-admin",
                                                            defaults={"is_superuser": True, "is_staff": True})
    client = Client()
    client.force_login(admin)
    officers, units = Officer.objects.filter(is_active=True).count(), Unit.objects.count()
    competencies = Competency.objects.count()
    runs = args.runs

    overview_url = reverse("dashboards:coverage-unit", args=[city.pk])
    # Computed: a new competency data version before each request (as after any write), so nothing is cached.
    overview_ms, overview_q = _page(client, overview_url, runs, before=bump_data_version)
    # Cached: the status counts served from the cache (no write since the last request).
    cached_ms, cached_q = _page(client, overview_url, runs)
    # After one officer's evidence changed (a certificate issued, a revocation): that officer's unit is recounted,
    # every other unit's counts come from the cache. A real save through the model, so the receivers run.
    from people.models import Attainment

    sample = (Attainment.objects.filter(officer__unit__path__startswith=city.path, revoked_at__isnull=True)
              .select_related("officer").order_by("pk").first())

    def touch_one_officer():
        sample.evidence_reference = f"bench {time.time_ns()}"[:80]
        sample.save(update_fields=["evidence_reference"])

    one_ms, one_q = _page(client, overview_url, runs, before=touch_one_officer)
    matrix_ms, matrix_q = _page(client, reverse("dashboards:coverage-officers", args=[centre.pk]), runs)
    engine_ms = _median_ms(lambda: coverage.unit_rows(city, today), runs)
    floor_ms = _median_ms(lambda: floor_counts(city.path, today), runs)

    rows = coverage.unit_rows(city, today)
    page_counts = coverage.Counts()
    for row in rows:
        page_counts.add(row.status)
    floor = floor_counts(city.path, today)
    agree = (floor.get("đạt", 0), floor.get("sắp hết hạn", 0), floor.get("hết hạn", 0), floor.get("chưa đạt", 0)) \
        == (page_counts.met, page_counts.expiring, page_counts.expired, page_counts.missing)

    xlsx_url = reverse("dashboards:coverage-officers", args=[city.pk]) + "?format=xlsx"
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    response = client.get(xlsx_url)
    xlsx_s = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()  # a second request, traced (tracing slows it down several times)
    client.get(xlsx_url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 200
    xlsx_mb = len(response.content) / 1024 / 1024

    ratio = overview_ms / floor_ms if floor_ms else float("inf")
    load = os.getloadavg()
    lines = [
        f"## Competency coverage on seed_scale data — {engine}",
        "",
        f"`bench/dashboards.py --coverage{' --postgres' if args.postgres else ''} --officers {args.officers} "
        f"--units {args.units} --seed {args.seed} --runs {runs}`, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {load[0]:.1f}/{load[1]:.1f}: {officers:,} active officers, "
        f"{units:,} units, {competencies} competencies, {len(rows):,} required pairs (demo + seed_scale, seeded in "
        f"{seed_seconds:.0f} s). Medians of {runs} requests through Django's test client after a warm-up "
        "(full middleware and templates, administrator session).",
        "",
        "| measurement | median | SQL queries | target |",
        "|---|---:|---:|---|",
        f"| city overview `/quan-ly/nang-luc/{city.pk}/`, every unit recounted (after a write every unit depends on: "
        f"a requirement, a bulk import) | {overview_ms:.0f} ms | {overview_q} | ≤ 15 queries, ≤ 3× floor |",
        f"| city overview after one officer's evidence changed (a certificate issued: their unit recounted, "
        f"{units - 1:,} units from the cache) | {one_ms:.0f} ms | {one_q} | ≤ 300 ms (PostgreSQL) |",
        f"| city overview, status counts from the cache (no write since the last request; "
        f"`COMPETENCY_CACHE_SECONDS`) | {cached_ms:.0f} ms | {cached_q} | ≤ 300 ms (PostgreSQL) |",
        f"| engine rows of the city alone (`unit_subtree_rows`) | {engine_ms:.0f} ms | 5 | — |",
        f"| hand-written aggregate SQL (the floor, same status counts: {'agree' if agree else 'DISAGREE'}) | "
        f"{floor_ms:.0f} ms | 1 | — |",
        f"| overview ÷ floor | {ratio:.1f}× | | ≤ 3× |",
        f"| officer matrix of the largest centre ({centre.name}, {centre.n} officers) | {matrix_ms:.0f} ms | "
        f"{matrix_q} | bounded |",
        f"| XLSX of the city's officer matrix ({len(rows):,} rows, {xlsx_mb:.1f} MB) | {xlsx_s:.1f} s | | ≤ 10 s |",
        f"| … its peak Python allocations (tracemalloc) / process peak RSS before → after | {peak / 1024 / 1024:.0f} MB"
        f" / {rss_before:.0f} → {rss_after:.0f} MB | | ≤ 300 MB |",
        "",
    ]
    out = Path(args.out)
    previous = out.read_text(encoding="utf-8") if out.exists() else "# Competency coverage benchmark\n\n"
    marker = f"## Competency coverage on seed_scale data — {engine}"
    while marker in previous:  # every earlier section of this database goes (the newest run replaces them)
        head, _sep, tail = previous.partition(marker)
        rest = tail.split("\n## ", 1)
        previous = head + (("## " + rest[1]) if len(rest) > 1 else "")
    out.write_text(previous.rstrip() + "\n\n" + "\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    print(f"-> {out}")
