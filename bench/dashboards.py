"""Benchmark: the leaders' pages at 10x a real city.

    .venv/bin/python bench/dashboards.py                    # "Đơn vị của tôi" pages -> bench/results-ui.md
    .venv/bin/python bench/dashboards.py --postgres         # fresh PostgreSQL database lms_bench_dashboards
    .venv/bin/python bench/dashboards.py --wards 168 --per-ward 40 --runs 20
    .venv/bin/python bench/dashboards.py --coverage [--postgres] [--officers 10000 --units 200 --seed 2026]
        # competency coverage on seed_scale data vs a hand-written aggregate SQL floor -> bench/results-coverage.md

TP.HCM has 168 commune-level units since 01/7/2025; the default seeds all 168 wards, each with its public-service
centre and two counters (673 units), 40 officers per ward (6,720 officers, about 10x the staff of the real
one-stop desks) and one or two current desk roles each. Pages are requested through Django's test client with a
logged-in session (full middleware, templates); the median of --runs requests after 3 warm-up requests is
reported with the number of SQL queries of one request.
"""

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.setup_db import fresh_database  # noqa: E402

PG_NAME = "lms_bench_dashboards"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quốc", "Thị Thu", "Hữu", "Thị Kim", "Đức"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hạnh", "Hùng", "Khoa", "Lan", "Linh", "Mai", "Nam", "Phúc", "Quyên",
         "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]


def _parse():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wards", type=int, default=168)
    parser.add_argument("--per-ward", type=int, default=40)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL at 127.0.0.1:5432")
    parser.add_argument("--out", default=None)
    parser.add_argument("--coverage", action="store_true", help="the competency coverage pages (seed_scale data)")
    parser.add_argument("--officers", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db-name", default="lms_dash", help="--coverage: the database (or /tmp SQLite file) name")
    parser.add_argument("--reuse", action="store_true",
                        help="--coverage: measure the database --db-name as seeded by an earlier run (no re-seed)")
    args = parser.parse_args()
    if args.out is None:
        args.out = str(ROOT / "bench" / ("results-coverage.md" if args.coverage else "results-ui.md"))
    return args


def _seed(args):
    """Bulk-load the tree, officers and assignments (the services are exercised by the tests; here we need volume)."""
    import io

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from people import demo
    from people.models import DeskRole, Officer, RoleAssignment, Unit
    from people.text import fold, given_name

    demo._roles(io.StringIO())
    roles = {r.code: r for r in DeskRole.objects.all()}
    city = Unit.objects.create(code="HCM", name="Thành phố Hồ Chí Minh", kind=Unit.Kind.CITY)
    wards = []
    for w in range(args.wards):
        code = f"W{w:03d}"
        wards.append(Unit(code=code, name=f"UBND phường số {w + 1}", kind=Unit.Kind.WARD, parent=city,
                          path=f"{city.path}{code}/", depth=city.depth + 1))
    Unit.objects.bulk_create(wards, batch_size=500)
    wards = list(Unit.objects.filter(parent=city).order_by("code"))
    Unit.objects.bulk_create([
        Unit(code=f"{w.code}-TT", name=f"Trung tâm Phục vụ hành chính công {w.name[5:]}", kind=Unit.Kind.SERVICE_CENTRE,
             parent=w, path=f"{w.path}{w.code}-TT/", depth=w.depth + 1) for w in wards
    ], batch_size=500)
    centres = list(Unit.objects.filter(parent__in=wards).order_by("code"))
    Unit.objects.bulk_create([
        Unit(code=f"{c.code}-{t}", name=f"Quầy tiếp nhận số {t}", kind=Unit.Kind.TEAM, parent=c,
             path=f"{c.path}{c.code}-{t}/", depth=c.depth + 1) for c in centres for t in (1, 2)
    ], batch_size=500)
    by_code = {u.code: u for u in Unit.objects.all()}
    units = [(w, by_code[f"{w.code}-TT"], [by_code[f"{w.code}-TT-1"], by_code[f"{w.code}-TT-2"]]) for w in wards]

    User = get_user_model()
    users, officers = [], []
    n = 0
    for ward, centre, teams in units:
        places = [ward, centre, *teams]
        for i in range(args.per_ward):
            n += 1
            code = f"CB{n:06d}"
            full = f"{FAMILY[n % len(FAMILY)]} {MIDDLE[(n // 3) % len(MIDDLE)]} {GIVEN[(n // 7) % len(GIVEN)]}"
            users.append(User(username=code.lower(), password="!"))
            officers.append(Officer(full_name=full, employee_code=code, unit=places[i % len(places)],
                                    sort_name=f"{fold(given_name(full))} {fold(full)}", search_name=fold(full)))
    User.objects.bulk_create(users, batch_size=1000)
    ids = dict(User.objects.values_list("username", "pk"))
    for officer in officers:
        officer.user_id = ids[officer.employee_code.lower()]
    Officer.objects.bulk_create(officers, batch_size=1000)
    start = dt.date(2025, 7, 1)
    cycle = ["TN", "TN", "TN", "HD", "TL", "QL", "LD", "IT"]
    assignments = []
    for k, officer in enumerate(Officer.objects.only("pk", "unit_id")):
        assignments.append(RoleAssignment(officer_id=officer.pk, unit_id=officer.unit_id,
                                          role=roles[cycle[k % len(cycle)]], start_date=start))
        if k % 5 == 0:
            assignments.append(RoleAssignment(officer_id=officer.pk, unit_id=officer.unit_id, role=roles["TN"],
                                              start_date=dt.date(2024, 7, 1), end_date=dt.date(2025, 6, 30)))
    RoleAssignment.objects.bulk_create(assignments, batch_size=2000)

    leader = Officer.objects.filter(unit=by_code["W000"]).first()
    leader.user.groups.add(Group.objects.get_or_create(name="Leader")[0])
    leader.led_units.add(by_code["W000"])
    admin = User.objects.create(username="bench-admin", is_superuser=True, is_staff=True)
    return leader.user, admin, by_code


def _measure(client, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    connection.queries_log.clear()  # a full log (DEBUG during seeding) would make the capture count 0
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(timings), len(ctx.captured_queries)


def main():
    args = _parse()
    if args.coverage:
        from bench.coverage import run

        return run(args)
    engine = fresh_database(name=PG_NAME, postgres=args.postgres)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from people.models import Officer, Unit

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    leader, admin, by_code = _seed(args)
    seed_seconds = time.perf_counter() - started
    units, officers = Unit.objects.count(), Officer.objects.count()

    leader_client, admin_client = Client(), Client()
    leader_client.force_login(leader)
    admin_client.force_login(admin)
    city, ward = by_code["HCM"], by_code["W000"]
    rows = [
        ("Leader of one ward: My units (`dashboards:units`)", leader_client, reverse("dashboards:units")),
        ("Leader: officers of the ward, page 1", leader_client, reverse("dashboards:unit", args=[ward.pk])),
        ("Leader: search without diacritics (`?q=nguyen van`)", leader_client,
         reverse("dashboards:unit", args=[ward.pk]) + "?q=nguyen%20van"),
        (f"Administrator: My units, whole city ({units:,} units)", admin_client, reverse("dashboards:units")),
        (f"Administrator: officers of the city ({officers:,}), page 1", admin_client,
         reverse("dashboards:unit", args=[city.pk])),
        ("Administrator: city, role TN, search `?q=thi`, page 5", admin_client,
         reverse("dashboards:unit", args=[city.pk]) + "?role=TN&q=thi&page=5"),
    ]
    lines = [
        "## Đơn vị của tôi (leaders' unit pages) at 10x a real city",
        "",
        f"`bench/dashboards.py --wards {args.wards} --per-ward {args.per_ward} --runs {args.runs}` on {engine}, "
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs: {units:,} units, "
        f"{officers:,} officers (seeded in {seed_seconds:.0f} s). Median of {args.runs} requests through Django's "
        "test client (full middleware and templates) after 3 warm-up requests.",
        "",
        "| page | median (ms) | SQL queries |",
        "|---|---:|---:|",
    ]
    for label, client, url in rows:
        median, queries = _measure(client, url, args.runs)
        lines.append(f"| {label} | {median:.1f} | {queries} |")
        print(f"{label}: {median:.1f} ms, {queries} queries")
    lines += [
        "",
        "Query counts do not grow with the number of officers (head-counts are two aggregate queries; the officer "
        "list is paginated with one prefetch for current roles): `tests/dashboards/test_views.py` checks it under a "
        "fixed ceiling. The whole-city table renders every unit, so its time grows with the number of units, "
        "not of officers.",
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()
