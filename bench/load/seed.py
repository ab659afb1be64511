"""Seed the exam-room load test's database: N officers, one course with a 30-question quiz drawn from 5 × 100.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_load .venv/bin/python bench/load/seed.py --officers 20 \
        --out /tmp/lms_load.json

Run by `make load` (bench/load/run.py) after `migrate` on a fresh database. Writes a JSON file with the quiz URL,
the officers' usernames and their shared password, read by bench/load/exam_room.py. Never against a real database:
it creates logins with a known password.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "ThiThu@2026"  # load-test logins only
QUESTIONS_PER_CATEGORY = 100
CATEGORIES = 5
DRAW_PER_CATEGORY = 6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--out", required=True)
    parser.add_argument("--certificates", action="store_true",
                        help="every officer enrolled and the pass mark 0: each submit completes the course and "
                             "issues a certificate whose PDF the worker renders (bench/load/faults/)")
    args = parser.parse_args()
    if not 1 <= args.officers <= 5000:
        parser.error("--officers must be between 1 and 5000")
    database = os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1].split("?")[0]
    if not database.startswith(("lms_load", "lms_fault_")):
        parser.error("DATABASE_URL must name a load-test database (lms_load, or lms_fault_… for bench/load/faults)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User
    from django.db import transaction

    from assessments.models import Choice, Question, QuestionCategory, QuizPage, QuizRandomRule
    from courses.models import CourseIndexPage, CoursePage, ModulePage
    from people.models import Officer, Unit

    with transaction.atomic():
        index = CourseIndexPage.objects.first()
        course = index.add_child(instance=CoursePage(title="Kỳ thi thử tải", slug="ky-thi-thu-tai"))
        module = course.add_child(instance=ModulePage(title="Học phần thi", slug="hoc-phan-thi"))
        quiz = module.add_child(instance=QuizPage(
            title="Bài thi 8 giờ", slug="bai-thi-8-gio", layout="all", time_limit_minutes=45, attempts_allowed=0,
            shuffle_questions=True, shuffle_choices=True, **({"pass_mark": 0} if args.certificates else {})))
        for c in range(CATEGORIES):
            category = QuestionCategory.objects.create(name=f"Thi thử {c + 1}")
            Question.objects.bulk_create([
                Question(category=category, kind="single", title=f"Câu {c + 1}.{i + 1}",
                         stem=f"<p>Câu hỏi {c + 1}.{i + 1} về tiếp nhận hồ sơ theo NĐ 118/2025/NĐ-CP?</p>")
                for i in range(QUESTIONS_PER_CATEGORY)
            ])
            Choice.objects.bulk_create([
                Choice(question=q, sort_order=j, text=f"Phương án {j + 1}", is_correct=j == 0)
                for q in Question.objects.filter(category=category) for j in range(4)
            ])
            QuizRandomRule.objects.create(page=quiz, category=category, count=DRAW_PER_CATEGORY, sort_order=c)
        # What publishing the quiz does (assessments.receivers, after commit, in Celery): the versions of every
        # question it can draw are made now, so that the starts at 8:00 only look them up.
        from assessments.services import quiz_versions_prepare

        quiz_versions_prepare(quiz=quiz)
        unit = Unit.objects.create(code="THI-TAI", name="Phường Thử Tải", kind="ward")
        group = Group.objects.get_or_create(name="Officer")[0]
        password = make_password(PASSWORD)  # one hash for every login: seeding stays fast
        users = User.objects.bulk_create([User(username=f"thi{i:05d}", password=password)
                                          for i in range(args.officers)])
        group.user_set.add(*users)
        for i, user in enumerate(users):
            officer = Officer(user=user, full_name=f"Cán bộ Thử {i:05d}", employee_code=f"TT{i:05d}", unit=unit)
            officer.save()
            if args.certificates:
                from courses.models import Enrolment
                from courses.services import enrolment_create

                enrolment_create(officer=officer, course=course, reason=Enrolment.Reason.LEADER)
    Path(args.out).write_text(json.dumps({
        "quiz_url": quiz.url, "password": PASSWORD, "usernames": [u.username for u in users],
        "questions": CATEGORIES * DRAW_PER_CATEGORY, "correct_text": "Phương án 1",
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"seeded {args.officers} officers and {quiz.url} (30 of {CATEGORIES * QUESTIONS_PER_CATEGORY})")


if __name__ == "__main__":
    main()
