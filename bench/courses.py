"""Benchmark: "Học tập của tôi" and the course page with 50 enrolments and a 100-lesson course -> results-courses.md

    .venv/bin/python bench/courses.py                       # fresh SQLite file database in /tmp
    .venv/bin/python bench/courses.py --postgres            # fresh PostgreSQL database lms_bench_courses
    .venv/bin/python bench/courses.py --runs 50

The officer has 50 enrolments (required, self-chosen and completed, with progress); one of them is a course of
10 modules x 10 lessons, half studied. Each page is requested through Django's test client with a logged-in
session (full middleware, Wagtail routing and templates); the median of --runs requests after 3 warm-up requests
is reported with the number of SQL queries of one request.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.setup_db import fresh_database  # noqa: E402

PG_NAME = "lms_bench_courses"


def _parse():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL at 127.0.0.1:5432")
    parser.add_argument("--sync-officers", type=int, default=8000, help="officers for the auto-enrolment run")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results-courses.md"))
    return parser.parse_args()


def _seed():
    import datetime as dt

    from django.utils import timezone

    from courses.models import Enrolment, LessonPage
    from courses.services import lesson_complete
    from tests.courses.factories import (
        CoursePageFactory,
        EnrolmentFactory,
        LessonPageFactory,
        ModulePageFactory,
    )
    from tests.people.factories import OfficerFactory, UnitFactory, UserFactory

    officer = OfficerFactory(full_name="Lê Thị Ngọc Ánh", unit=UnitFactory(code="BENCH"),
                             user=UserFactory(username="bench-officer", groups=["Officer"]))
    big = CoursePageFactory(title="Khóa học 100 bài")
    for m in range(10):
        module = ModulePageFactory(parent=big, title=f"Học phần {m + 1}")
        for n in range(10):
            LessonPageFactory(parent=module, title=f"Bài {m + 1}.{n + 1}")
    EnrolmentFactory(officer=officer, course=big, reason=Enrolment.Reason.ROLE,
                     due_on=timezone.localdate() + dt.timedelta(days=20))
    for lesson in LessonPage.objects.descendant_of(big).order_by("path")[:50]:
        lesson_complete(lesson=lesson, user=officer.user)
    today = timezone.localdate()
    for i in range(49):
        course = CoursePageFactory(title=f"Khóa học {i + 1}")
        module = ModulePageFactory(parent=course)
        lessons = [LessonPageFactory(parent=module, title=f"Bài {i}.{n}") for n in range(3)]
        status = Enrolment.Status.COMPLETED if i % 7 == 0 else Enrolment.Status.ACTIVE
        EnrolmentFactory(
            officer=officer, course=course, status=status,
            reason=[Enrolment.Reason.ROLE, Enrolment.Reason.LEADER, Enrolment.Reason.SELF][i % 3],
            due_on=today + dt.timedelta(days=i - 10),
            completed_at=timezone.now() if status == Enrolment.Status.COMPLETED else None,
        )
        if status == Enrolment.Status.ACTIVE and i % 2:
            lesson_complete(lesson=lessons[0], user=officer.user)
    return officer, big


def _measure(client, url, runs):
    from django.db import connection

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(timings), len(executed)


def _sync_bench(n: int):
    """Auto-enrolment of n officers who were just given a role (as after an import): time and queries."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import connection

    from courses.models import CourseCompetency, Enrolment
    from courses.services import enrolments_sync_required
    from people.models import Officer, RoleAssignment
    from tests.courses.factories import CoursePageFactory
    from tests.people.factories import CompetencyFactory, DeskRoleFactory, RoleRequirementFactory, UnitFactory

    unit = UnitFactory(code="BENCH-SYNC")
    role = DeskRoleFactory(code="BTN")
    for i in range(3):
        competency = CompetencyFactory(code=f"BX{i}")
        RoleRequirementFactory(role=role, competency=competency, level=2)
        course = CoursePageFactory(title=f"Khóa bắt buộc {i}")
        CourseCompetency.objects.create(page=course, competency=competency, level=2)
    User = get_user_model()
    User.objects.bulk_create([User(username=f"sync{i:05d}") for i in range(n)], batch_size=1000)
    users = User.objects.filter(username__startswith="sync").order_by("username")
    Officer.objects.bulk_create(
        [Officer(user=u, full_name=f"Cán bộ {u.username}", employee_code=u.username.upper(), unit=unit) for u in users],
        batch_size=1000,
    )
    officers = list(Officer.objects.filter(unit=unit).values_list("pk", flat=True))
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(officer_id=o, role=role, unit=unit, start_date=dt.date(2025, 7, 1)) for o in officers],
        batch_size=1000,
    )
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    start = time.perf_counter()
    with connection.execute_wrapper(count):
        created = enrolments_sync_required(officer_ids=officers)
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    again = enrolments_sync_required(officer_ids=officers)
    elapsed_again = time.perf_counter() - start
    assert created == 3 * n and again == 0, (created, again)
    assert Enrolment.objects.filter(officer__unit=unit).count() == 3 * n
    return n, created, elapsed, len(executed), elapsed_again


def main():
    args = _parse()
    engine = fresh_database(name=PG_NAME, postgres=args.postgres)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    setup_test_environment()
    call_command("migrate", verbosity=0)
    officer, big = _seed()
    client = Client()
    client.force_login(officer.user)
    rows = [
        ("Học tập của tôi (`courses:my-learning`), 50 enrolments", reverse("courses:my-learning")),
        ("Course page, 100 lessons in 10 modules", big.url),
        ("Lesson page in that course (records the visit)",
         big.get_children().first().get_children().first().url),
        ("Catalogue (`/khoa-hoc/`), 50 courses", big.get_parent().url),
    ]
    lines = [
        "## Courses: pages with 50 enrolments and a 100-lesson course",
        "",
        f"`bench/courses.py --runs {args.runs}` on {engine}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs. Median of {args.runs} requests through Django's test "
        "client (full middleware, Wagtail routing, templates), after 3 warm-up requests.",
        "",
        "| page | median (ms) | SQL queries |",
        "|---|---:|---:|",
    ]
    for label, url in rows:
        median, queries = _measure(client, url, args.runs)
        lines.append(f"| {label} | {median:.1f} | {queries} |")
        print(f"{label}: {median:.1f} ms, {queries} queries")
    if args.sync_officers:
        n, created, elapsed, queries, again = _sync_bench(args.sync_officers)
        lines += [
            "",
            "| auto-enrolment (`enrolments_sync_required`) | time | SQL queries |",
            "|---|---:|---:|",
            f"| {n:,} officers given a role requiring 3 competencies -> {created:,} enrolments | "
            f"{elapsed:.2f} s | {queries} |".replace(",", "."),
            f"| the same officers again (nothing to do, never twice) | {again:.2f} s | — |",
        ]
        print(f"sync {n} officers: {created} enrolments in {elapsed:.2f} s, {queries} queries; again {again:.2f} s")
    lines += [
        "",
        "The query counts do not depend on the number of enrolments or lessons: the tests in "
        "`tests/courses/test_queries.py` check 1 vs 50 enrolments and 5 vs 100 lessons under the same ceiling.",
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()
