"""Benchmark: quiz autosave and attempt start (30 questions drawn from a 500-question bank), in-process.

    .venv/bin/python bench/quiz.py                      # fresh SQLite file, writes bench/results-quiz.md
    .venv/bin/python bench/quiz.py --postgres postgres://postgres@127.0.0.1:5432/postgres

Both go through Django's test client (session + CSRF-exempt client, full middleware stack, ATOMIC_REQUESTS), so
the numbers include URL routing, the session and user lookups and the transaction. Queries are counted without
transaction control statements (BEGIN/COMMIT/SAVEPOINT). Targets: autosave <= 20 ms and <= 6 queries,
start <= 150 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0)


def build(n_questions: int, draw: int):
    """A course → module → quiz drawing `draw` of `n_questions` single-choice questions, and one officer."""
    from django.contrib.auth.models import Group, User

    from assessments.models import Choice, Question, QuestionCategory, QuizPage, QuizRandomRule
    from courses.models import CourseIndexPage, CoursePage, ModulePage
    from people.models import Officer, Unit

    category = QuestionCategory.objects.create(name="Bench", path="Bench")
    Question.objects.bulk_create([
        Question(category=category, kind="single", title=f"Câu {i}",
                 stem=f"<p>Câu hỏi số {i} về tiếp nhận hồ sơ theo NĐ 118/2025/NĐ-CP?</p>")
        for i in range(n_questions)
    ])
    Choice.objects.bulk_create([
        Choice(question=q, sort_order=j, text=f"Phương án {j + 1}", is_correct=j == 0)
        for q in Question.objects.filter(category=category) for j in range(4)
    ])
    index = CourseIndexPage.objects.first()
    course = index.add_child(instance=CoursePage(title="Khóa đo hiệu năng", slug="khoa-do-hieu-nang"))
    module = course.add_child(instance=ModulePage(title="Học phần", slug="hoc-phan"))
    quiz = module.add_child(instance=QuizPage(title="Bài đo", slug="bai-do", time_limit_minutes=30,
                                              attempts_allowed=0, shuffle_questions=True, shuffle_choices=True))
    QuizRandomRule.objects.create(page=quiz, category=category, count=draw)
    unit = Unit.objects.create(code="BENCH", name="Đơn vị đo", kind="ward")
    user = User.objects.create_user("bench-officer", password="x")
    user.groups.add(Group.objects.get_or_create(name="Officer")[0])
    officer = Officer.objects.create(user=user, full_name="Nguyễn Văn Đo", employee_code="BENCH1", unit=unit)
    return quiz, officer


def timed(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        result = fn()
        elapsed = (time.perf_counter() - t0) * 1000
    queries = [q for q in ctx.captured_queries if not q["sql"].upper().startswith(TRANSACTION_CONTROL)]
    return elapsed, len(queries), result


def run(database_url: str, label: str, starts: int, saves: int) -> dict:
    setup(database_url)
    from django.test import Client
    from django.urls import reverse

    from assessments import services
    from assessments.models import Attempt
    from assessments.tokens import choice_token

    quiz, officer = build(500, 30)
    client = Client()
    client.force_login(officer.user)
    url = quiz.url

    start_ms, start_q, cold = [], [], None
    for i in range(starts):
        ms, n, resp = timed(lambda: client.post(url, {"action": "start"}))
        assert resp.status_code == 302, resp.status_code
        attempt = Attempt.objects.get(officer=officer, status="in_progress")
        assert attempt.responses.count() == 30
        if i == 0:
            cold = (ms, n)
        else:
            start_ms.append(ms)
            start_q.append(n)
        if i < starts - 1:
            services.attempt_submit(attempt=attempt)

    responses = list(attempt.responses.select_related("version").prefetch_related("version__choices"))
    save_ms, save_q = [], []
    revisions = {}  # what the page would carry: the revision the last save returned
    for i in range(saves):
        r = responses[i % len(responses)]
        choice = list(r.version.choices.all())[i % 4]
        save_url = reverse("assessments:save-response", args=[r.pk])
        value = choice_token(response_id=r.pk, choice_id=choice.pk)  # what the page shows for the option
        data = {"kind": "single", f"q{r.pk}": value, f"q{r.pk}_rev": revisions.get(r.pk, 0)}
        ms, n, resp = timed(lambda: client.post(save_url, data))  # noqa: B023
        assert resp.status_code == 200, resp.content
        revisions[r.pk] = resp.json()["revision"]
        save_ms.append(ms)
        save_q.append(n)
    return {
        "label": label,
        "start_cold": cold,
        "start_median": statistics.median(start_ms), "start_p95": sorted(start_ms)[int(len(start_ms) * 0.95) - 1],
        "start_queries": max(start_q),
        "save_median": statistics.median(save_ms), "save_p95": sorted(save_ms)[int(len(save_ms) * 0.95) - 1],
        "save_queries": max(save_q),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="server URL; a fresh database osa_bench_quiz is created on it")
    parser.add_argument("--starts", type=int, default=31)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results-quiz.md"))
    args = parser.parse_args()
    if args.postgres:
        import psycopg

        base = args.postgres.rsplit("/", 1)[0]
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS osa_bench_quiz")
            conn.execute("CREATE DATABASE osa_bench_quiz")
        url, label = f"{base}/osa_bench_quiz", "PostgreSQL"
    else:
        url, label = f"sqlite:///{tempfile.mkdtemp(prefix='osa-bench-quiz-')}/bench.sqlite3", "SQLite (file)"
    r = run(url, label, args.starts, args.saves)
    cold_ms, cold_q = r["start_cold"]
    table = (
        f"| database | measure | median (ms) | p95 (ms) | queries | target |\n"
        f"|---|---|---:|---:|---:|---|\n"
        f"| {label} | autosave one answer (POST, {args.saves} runs) | {r['save_median']:.1f} | {r['save_p95']:.1f} "
        f"| {r['save_queries']} | ≤ 20 ms, ≤ 6 queries |\n"
        f"| {label} | start attempt: draw 30 of 500 (POST, {args.starts - 1} runs) | {r['start_median']:.1f} "
        f"| {r['start_p95']:.1f} | {r['start_queries']} | ≤ 150 ms |\n"
        f"| {label} | first start (snapshots 30 question versions) | {cold_ms:.1f} | — | {cold_q} | — |\n"
    )
    print(table)
    out = Path(args.output)
    header = "" if out.exists() and out.read_text().strip() else (
        "# Quiz benchmark (bench/quiz.py)\n\n"
        "In-process through Django's test client (full middleware, session, ATOMIC_REQUESTS); queries counted "
        "without BEGIN/COMMIT/SAVEPOINT.\n\n")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    machine = f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPU(s), load {load}"
    with out.open("a", encoding="utf-8") as fh:
        fh.write(f"{header}### {label} — {time.strftime('%Y-%m-%d')} — {machine}\n\n{table}\n")


if __name__ == "__main__":
    main()
