"""Reads behind the trainers' "Kết quả khóa học" page: for each course the trainer may edit, enrolled /
completed / overdue and the quiz pass rate, and the quizzes of those courses with low pass rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from assessments.selectors import quiz_pass_rates
from courses.models import CoursePage, Enrolment
from courses.selectors import courses_editable_by

from . import coverage


@dataclass
class CourseStats:
    course: CoursePage
    enrolled: int = 0
    completed: int = 0
    overdue: int = 0
    quiz_graded: int = 0
    quiz_passed: int = 0

    @property
    def quiz_share(self) -> float | None:
        return self.quiz_passed / self.quiz_graded if self.quiz_graded else None

    @property
    def quiz_percent(self) -> float | None:
        share = self.quiz_share
        return None if share is None else round(share * 100, 1)

    @property
    def quiz_tone(self) -> str:
        return coverage.share_tone(self.quiz_share)


@dataclass
class TrainerCourses:
    courses: list[CourseStats]
    low_pass: list[coverage.LowPassQuiz]


def trainer_courses(*, user, on: dt.date) -> TrainerCourses:
    """Enrolments (withdrawn ones left out) and graded quiz attempts of every course the user may edit; overdue =
    active and due before `on`. Pass rate = passed ÷ graded attempts of the course's quizzes (all time). A fixed
    number of queries whatever the number of courses, enrolments and attempts."""
    courses = list(courses_editable_by(user=user))
    stats = {c.pk: CourseStats(course=c) for c in courses}
    if not courses:
        return TrainerCourses(courses=[], low_pass=[])
    for row in (Enrolment.objects.filter(course_id__in=stats).exclude(status=Enrolment.Status.WITHDRAWN)
                .order_by().values("course_id")
                .annotate(enrolled=Count("pk"),
                          completed=Count("pk", filter=Q(status=Enrolment.Status.COMPLETED)),
                          overdue=Count("pk", filter=Q(status=Enrolment.Status.ACTIVE, due_on__lt=on)))):
        entry = stats[row["course_id"]]
        entry.enrolled, entry.completed, entry.overdue = row["enrolled"], row["completed"], row["overdue"]
    paths = [c.path for c in courses]
    by_path = sorted(courses, key=lambda c: -len(c.path))
    for rate in quiz_pass_rates(quiz_paths=paths):
        course = next((c for c in by_path if rate.path.startswith(c.path)), None)
        if course is not None:
            stats[course.pk].quiz_graded += rate.graded
            stats[course.pk].quiz_passed += rate.passed
    return TrainerCourses(courses=list(stats.values()),
                          low_pass=coverage.low_pass_quizzes(unit_path=None, on=on, quiz_paths=paths))
