"""Reads behind the trainers' "Kết quả khóa học" page: for each course the trainer may edit, enrolled /
completed / overdue and the quiz pass rate, and the quizzes of those courses with low pass rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from assessments.selectors import quiz_pass_rates
from courses.models import CoursePage, Enrolment
from courses.selectors import courses_editable_by

from . import coverage


@dataclass
class CourseStats(coverage.QuizRate):
    course: CoursePage
    enrolled: int = 0
    completed: int = 0
    overdue: int = 0
    quiz_graded: int = 0
    quiz_passed: int = 0


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


# --- One course: its learners (issue 14, item 5) ---------------------------------------------------------------

IN_PROGRESS, COMPLETED, OVERDUE, WITHDRAWN = "in_progress", "completed", "overdue", "withdrawn"
#: The filter values of the learners' status, in display order.
LEARNER_STATUSES = (IN_PROGRESS, OVERDUE, COMPLETED, WITHDRAWN)
#: ``?sort=`` values: officer name, unit, progress (highest first), last activity (newest first), due date.
LEARNER_SORTS = ("name", "unit", "progress", "activity", "due")


@dataclass
class QuizCell:
    attempts: int = 0
    best: Decimal | None = None  # best graded percentage, 0–100

    @property
    def best_share(self) -> float | None:
        return None if self.best is None else float(self.best) / 100


@dataclass
class LearnerRow:
    enrolment: Enrolment
    status: str
    done: int
    total: int
    last_activity: dt.datetime | None
    quizzes: list[QuizCell]

    @property
    def officer(self):
        return self.enrolment.officer

    @property
    def progress_share(self) -> float:
        if self.enrolment.status == Enrolment.Status.COMPLETED:
            return 1.0
        return min(1.0, self.done / self.total) if self.total else 0.0

    @property
    def progress_percent(self) -> int:
        return round(self.progress_share * 100)


@dataclass
class CourseLearners:
    course: CoursePage
    quizzes: list
    rows: list[LearnerRow]
    counts: dict[str, int]  # per status, every enrolment of the course (whatever the filters)
    units: list  # the units of the course's enrolled officers, for the filter

    @property
    def enrolled(self) -> int:
        """As on the courses' list: withdrawn enrolments are not counted."""
        return sum(n for key, n in self.counts.items() if key != WITHDRAWN)


def learner_status(enrolment: Enrolment, on: dt.date) -> str:
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        return WITHDRAWN
    if enrolment.status == Enrolment.Status.COMPLETED:
        return COMPLETED
    return OVERDUE if enrolment.due_on and enrolment.due_on < on else IN_PROGRESS


def _status_q(status: str, on: dt.date) -> Q:
    active = Q(status=Enrolment.Status.ACTIVE)
    return {
        IN_PROGRESS: active & (Q(due_on__isnull=True) | Q(due_on__gte=on)),
        OVERDUE: active & Q(due_on__lt=on),
        COMPLETED: Q(status=Enrolment.Status.COMPLETED),
        WITHDRAWN: Q(status=Enrolment.Status.WITHDRAWN),
    }[status]


def _latest(*values):
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _sort_key(sort: str):
    far = dt.datetime.min.replace(tzinfo=dt.UTC)
    name = lambda r: (r.officer.sort_name, r.officer.employee_code)  # noqa: E731
    return {
        "name": name,
        "unit": lambda r: (r.officer.unit.name, *name(r)),
        "progress": lambda r: (-r.progress_share, *name(r)),
        "activity": lambda r: (-(r.last_activity or far).timestamp(), *name(r)),
        "due": lambda r: (r.enrolment.due_on or dt.date.max, *name(r)),
    }[sort]


def course_learners(*, course: CoursePage, on: dt.date, status: str = "", unit_id: int | None = None,
                    query: str = "", sort: str = "name") -> CourseLearners:
    """Every enrolment of one course (withdrawn ones too) matching the filters, with the officer and unit, the
    status on `on` (in progress / overdue / completed / withdrawn), progress (`courses.selectors
    .progress_for_enrolments`, a completed enrolment is 100 %), last activity (latest lesson view, quiz attempt,
    start or completion) and, per quiz of the course, the attempts and the best graded percentage of that
    enrolment. `query` matches the name without diacritics or the employee code. The page and its exports call
    this; a fixed number of queries whatever the number of enrolments."""
    from django.db.models import Max

    from assessments.models import Attempt, QuizPage
    from courses.models import LessonProgress
    from courses.selectors import progress_for_enrolments
    from people.models import Unit
    from people.text import fold

    base = Enrolment.objects.filter(course=course)
    counts = dict.fromkeys(LEARNER_STATUSES, 0)
    grouped = base.order_by().aggregate(**{key: Count("pk", filter=_status_q(key, on)) for key in LEARNER_STATUSES})
    counts.update(grouped)
    units = list(Unit.objects.filter(pk__in=base.values("officer__unit_id")).order_by("path"))
    quizzes = list(QuizPage.objects.filter(path__startswith=course.path)
                   .filter(Q(live=True) | Q(pk__in=Attempt.objects.filter(enrolment__course=course).values("quiz_id")))
                   .order_by("path"))

    enrolments = base
    if status in LEARNER_STATUSES:
        enrolments = enrolments.filter(_status_q(status, on))
    if unit_id is not None:
        enrolments = enrolments.filter(officer__unit_id=unit_id)
    query = query.strip()
    if query:
        enrolments = enrolments.filter(Q(officer__search_name__contains=fold(query))
                                       | Q(officer__employee_code__icontains=query))
    items = list(enrolments.select_related("officer__unit", "course").order_by())
    if not items:
        return CourseLearners(course=course, quizzes=quizzes, rows=[], counts=counts, units=units)
    ids = [e.pk for e in items]
    progress = progress_for_enrolments(enrolments=items)
    viewed = dict(LessonProgress.objects.filter(enrolment_id__in=ids).order_by().values("enrolment_id")
                  .annotate(last=Max("last_viewed_at")).values_list("enrolment_id", "last"))
    cells: dict[tuple[int, int], QuizCell] = {}
    attempted: dict[int, dt.datetime] = {}
    for row in (Attempt.objects.filter(enrolment_id__in=ids).order_by().values("enrolment_id", "quiz_id")
                .annotate(n=Count("pk"), best=Max("percent", filter=Q(status=Attempt.Status.GRADED)),
                          started=Max("started_at"), submitted=Max("submitted_at"))):
        cells[(row["enrolment_id"], row["quiz_id"])] = QuizCell(attempts=row["n"], best=row["best"])
        attempted[row["enrolment_id"]] = _latest(attempted.get(row["enrolment_id"]), row["started"],
                                                 row["submitted"])
    rows = []
    for e in items:
        done, total = progress.get(e.pk, (0, 0))
        rows.append(LearnerRow(
            enrolment=e, status=learner_status(e, on), done=done, total=total,
            last_activity=_latest(viewed.get(e.pk), attempted.get(e.pk), e.started_at, e.completed_at),
            quizzes=[cells.get((e.pk, q.pk), QuizCell()) for q in quizzes]))
    rows.sort(key=_sort_key(sort if sort in LEARNER_SORTS else "name"))
    return CourseLearners(course=course, quizzes=quizzes, rows=rows, counts=counts, units=units)
