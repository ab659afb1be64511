"""Every write to courses/ (enrolments, lesson progress, completion) goes through these services."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import Attainment, Officer, RoleAssignment, RoleRequirement

from . import signals
from .models import CourseCompetency, CoursePage, Enrolment, LessonPage, LessonProgress, TrainingSettings
from .selectors import progress_for_enrolments

# A ping says how long the page was visible since the last one; never credit more than this per ping.
PING_MAX_SECONDS = 60
# Time on one lesson stops counting after this (a tab left open overnight is not study time).
LESSON_MAX_SECONDS = 4 * 60 * 60
# Officer ids per query when syncing enrolments (keeps SQLite below its bound-parameter limit).
_CHUNK = 900


def _due_days() -> int:
    try:
        return TrainingSettings.load().enrolment_due_days
    except Exception:  # noqa: BLE001 - a missing settings row must not stop enrolment
        return 30


def enrolment_default_due_on(*, on: dt.date | None = None) -> dt.date:
    """Due date of an automatic enrolment: today + TrainingSettings.enrolment_due_days (default 30)."""
    return (on or timezone.localdate()) + dt.timedelta(days=_due_days())


def enrolment_create(
    *,
    officer: Officer,
    course: CoursePage,
    reason: str,
    assigned_by=None,
    due_on: dt.date | None = None,
) -> Enrolment:
    """Enrol an officer in a course; idempotent: an existing active enrolment is returned unchanged.

    A leader's later, earlier due date tightens an existing enrolment's due date rather than creating a second one.
    """
    if reason not in Enrolment.Reason.values:
        raise ValidationError({"reason": _("Unknown enrolment reason.")})
    existing = Enrolment.objects.filter(officer=officer, course=course, status=Enrolment.Status.ACTIVE).first()
    if existing is not None:
        if due_on and (existing.due_on is None or due_on < existing.due_on):
            existing.due_on = due_on
            existing.save(update_fields=["due_on"])
        return existing
    enrolment = Enrolment(
        officer=officer,
        course=course,
        course_title=course.title,
        reason=reason,
        assigned_by=assigned_by,
        assigned_on=timezone.localdate(),
        due_on=due_on,
    )
    enrolment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        # A concurrent request enrolled the same officer first: theirs is the one active enrolment.
        return Enrolment.objects.get(officer=officer, course=course, status=Enrolment.Status.ACTIVE)
    return enrolment


def enrolment_self_enrol(*, officer: Officer, course: CoursePage) -> Enrolment:
    """An officer enrols themself in a published course (no due date)."""
    if not course.live:
        raise ValidationError(_("This course is not published."))
    return enrolment_create(officer=officer, course=course, reason=Enrolment.Reason.SELF)


@transaction.atomic
def enrolments_assign(
    *, officers: Iterable[Officer], course: CoursePage, assigned_by, due_on: dt.date | None
) -> tuple[int, int]:
    """A leader assigns a course to officers (already scoped by the caller). Returns (created, already enrolled).

    Officers already in the course keep their enrolment; a sooner due date replaces a later one.
    """
    if not course.live:
        raise ValidationError(_("This course is not published."))
    officers = list(officers)
    ids = [o.pk for o in officers]
    active = {
        e.officer_id: e
        for e in Enrolment.objects.filter(course=course, status=Enrolment.Status.ACTIVE, officer_id__in=ids)
    }
    today = timezone.localdate()
    new_rows = [
        Enrolment(
            officer=o, course=course, course_title=course.title, reason=Enrolment.Reason.LEADER,
            assigned_by=assigned_by, assigned_on=today, due_on=due_on,
        )
        for o in officers
        if o.pk not in active
    ]
    Enrolment.objects.bulk_create(new_rows, ignore_conflicts=True)
    if due_on:
        tighten = [e.pk for e in active.values() if e.due_on is None or e.due_on > due_on]
        if tighten:
            Enrolment.objects.filter(pk__in=tighten).update(due_on=due_on)
    return len(new_rows), len(active)


def _chunks(values, size=_CHUNK):
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]


@transaction.atomic
def enrolments_sync_required(
    *, officer_ids: Iterable[int] | None = None, role_ids: Iterable[int] | None = None
) -> int:
    """Enrol officers in what their CURRENT desk roles require; returns how many enrolments were created.

    For every required (competency, level) that the officer neither holds (valid attainment) nor is already
    studying or has completed (an active or completed enrolment in a live course granting it at that level or
    higher), the officer is enrolled in one live, non-legacy course that grants it, preferring the lowest
    sufficient level. Runs in a fixed number of queries per chunk, so an import of thousands of officers is cheap.
    Ending a role never withdraws or deletes anything.
    """
    today = timezone.localdate()
    assignments = RoleAssignment.objects.current(today).filter(officer__is_active=True)
    if role_ids is not None:
        assignments = assignments.filter(role_id__in=list(role_ids))
    if officer_ids is not None:
        officer_ids = list(officer_ids)
        if not officer_ids:
            return 0
    pairs: set[tuple[int, int]] = set()
    if officer_ids is None:
        pairs = set(assignments.values_list("officer_id", "role_id"))
    else:
        for chunk in _chunks(officer_ids):
            pairs |= set(assignments.filter(officer_id__in=chunk).values_list("officer_id", "role_id"))
    if not pairs:
        return 0

    requirements: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for role_id, competency_id, level in RoleRequirement.objects.filter(
        role_id__in={r for _o, r in pairs}
    ).values_list("role_id", "competency_id", "level"):
        requirements[role_id].append((competency_id, level))

    # Per officer: competency -> highest level any current role requires.
    needed: dict[int, dict[int, int]] = defaultdict(dict)
    for officer_id, role_id in pairs:
        for competency_id, level in requirements.get(role_id, ()):
            if needed[officer_id].get(competency_id, 0) < level:
                needed[officer_id][competency_id] = level
    needed = {k: v for k, v in needed.items() if v}
    if not needed:
        return 0
    competency_ids = {c for levels in needed.values() for c in levels}

    # Live, non-legacy courses granting these competencies: competency -> [(level, course)] by level then tree order.
    grants: dict[int, list[tuple[int, CoursePage]]] = defaultdict(list)
    courses: dict[int, CoursePage] = {}
    for grant in (
        CourseCompetency.objects.filter(
            competency_id__in=competency_ids, page__live=True, page__is_legacy=False, page__expired=False
        )
        .select_related("page")
        .order_by("level", "page__path")
    ):
        courses[grant.page_id] = grant.page
        grants[grant.competency_id].append((grant.level, grant.page))
    if not grants:
        return 0
    course_grants: dict[int, dict[int, int]] = defaultdict(dict)
    for competency_id, rows in grants.items():
        for level, course in rows:
            course_grants[course.pk][competency_id] = level

    officer_list = list(needed)
    held: dict[int, dict[int, int]] = defaultdict(dict)
    taken: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(officer_list):
        for officer_id, competency_id, level in (
            Attainment.objects.filter(officer_id__in=chunk, competency_id__in=competency_ids, achieved_on__lte=today)
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
            .values_list("officer_id", "competency_id", "level")
        ):
            if held[officer_id].get(competency_id, 0) < level:
                held[officer_id][competency_id] = level
        for officer_id, course_id in Enrolment.objects.filter(
            officer_id__in=chunk,
            course_id__in=list(courses),
            status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED],
        ).values_list("officer_id", "course_id"):
            taken[officer_id].add(course_id)

    due_on = enrolment_default_due_on(on=today)
    rows: list[Enrolment] = []
    for officer_id in officer_list:
        chosen: set[int] = set()
        for competency_id, level in sorted(needed[officer_id].items()):
            if held[officer_id].get(competency_id, 0) >= level:
                continue
            candidates = [course for grant_level, course in grants.get(competency_id, ()) if grant_level >= level]
            if not candidates:
                continue
            if any(c.pk in taken[officer_id] or c.pk in chosen for c in candidates):
                continue
            chosen.add(candidates[0].pk)
        for course_id in sorted(chosen):
            rows.append(
                Enrolment(
                    officer_id=officer_id, course=courses[course_id], course_title=courses[course_id].title,
                    reason=Enrolment.Reason.ROLE, assigned_on=today, due_on=due_on,
                )
            )
    Enrolment.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


def enrolments_sync_for_course(*, course: CoursePage) -> int:
    """A course was published: enrol officers whose roles require a competency it grants."""
    competency_ids = list(CourseCompetency.objects.filter(page=course).values_list("competency_id", flat=True))
    if not competency_ids:
        return 0
    role_ids = set(RoleRequirement.objects.filter(competency_id__in=competency_ids).values_list("role_id", flat=True))
    if not role_ids:
        return 0
    return enrolments_sync_required(role_ids=role_ids)


def _active_enrolment(*, lesson: LessonPage, user) -> Enrolment | None:
    officer = getattr(user, "officer", None) if getattr(user, "is_authenticated", False) else None
    if officer is None:
        return None
    course_path = lesson.path[: len(lesson.path) - 2 * lesson.steplen]
    return (
        Enrolment.objects.filter(officer=officer, status=Enrolment.Status.ACTIVE, course__path=course_path)
        .select_related("course")
        .first()
    )


def lesson_open(*, lesson: LessonPage, user) -> LessonProgress | None:
    """Remember that an enrolled officer opened a lesson (for "continue where you left off")."""
    enrolment = _active_enrolment(lesson=lesson, user=user)
    if enrolment is None:
        return None
    now = timezone.now()
    progress, created = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    if not created:
        LessonProgress.objects.filter(pk=progress.pk).update(last_viewed_at=now)
    Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson, started_at=enrolment.started_at or now)
    return progress


def lesson_time_record(*, lesson: LessonPage, user, seconds: int) -> LessonProgress | None:
    """Add visible time on a lesson page: capped per ping, per lesson, and by the wall-clock time since the last
    ping (or the lesson's opening), read and written under a row lock so that concurrent pings cannot both claim
    the same seconds. So the time credited on a lesson never exceeds the time it has been open."""
    enrolment = _active_enrolment(lesson=lesson, user=user)
    if enrolment is None:
        return None
    LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    with transaction.atomic():
        progress = LessonProgress.objects.select_for_update().get(enrolment=enrolment, lesson=lesson)
        now = timezone.now()
        elapsed = max(0, int((now - progress.last_viewed_at).total_seconds()))
        credit = max(0, min(int(seconds), PING_MAX_SECONDS, elapsed))
        if elapsed:
            LessonProgress.objects.filter(pk=progress.pk).update(
                seconds_spent=Least(F("seconds_spent") + credit, LESSON_MAX_SECONDS),
                # Whole seconds elapsed are spent, credited or not: the next ping may claim only the time after.
                last_viewed_at=progress.last_viewed_at + dt.timedelta(seconds=elapsed),
            )
            progress.refresh_from_db()
    return progress


def lesson_complete(*, lesson: LessonPage, user) -> Enrolment | None:
    """Mark a lesson as studied ("Đã học xong") and complete the course when the completion rule holds."""
    enrolment = _active_enrolment(lesson=lesson, user=user)
    if enrolment is None:
        raise ValidationError(_("Enrol in the course to record your progress."))
    now = timezone.now()
    with transaction.atomic():
        progress, _created = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
        if progress.completed_at is None:
            LessonProgress.objects.filter(pk=progress.pk).update(completed_at=now, last_viewed_at=now)
        Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson, started_at=enrolment.started_at or now)
        enrolment_check_completion(enrolment=enrolment)
    enrolment.refresh_from_db()
    return enrolment


def enrolment_check_completion(*, enrolment: Enrolment) -> bool:
    """Complete the enrolment when every required lesson is done and every registered requirement is met.

    Returns True when the enrolment is (now or already) completed. The course_completed signal is sent once,
    after the transaction commits: only the call whose conditional update flips ACTIVE -> COMPLETED sends it.
    """
    enrolment = Enrolment.objects.select_related("course").get(pk=enrolment.pk)
    if enrolment.status == Enrolment.Status.COMPLETED:
        return True
    if enrolment.status != Enrolment.Status.ACTIVE:
        return False
    done, total = progress_for_enrolments(enrolments=[enrolment])[enrolment.pk]
    if total == 0 or done < total:
        return False
    now = timezone.now()
    with transaction.atomic():
        flipped = Enrolment.objects.filter(pk=enrolment.pk, status=Enrolment.Status.ACTIVE).update(
            status=Enrolment.Status.COMPLETED, completed_at=now
        )
        if flipped:
            enrolment.status, enrolment.completed_at = Enrolment.Status.COMPLETED, now
            transaction.on_commit(lambda: signals.course_completed.send(sender=Enrolment, enrolment=enrolment))
    return True


def enrolment_withdraw(*, enrolment: Enrolment) -> Enrolment:
    """Withdraw an active enrolment (kept, with its progress, as history)."""
    if enrolment.status == Enrolment.Status.ACTIVE:
        enrolment.status = Enrolment.Status.WITHDRAWN
        enrolment.save(update_fields=["status"])
    return enrolment


def course_search_text_refresh(*, course_path: str) -> None:
    """Re-fold the search text of the course that contains a page whose title changed (module, lesson)."""
    course = CoursePage.objects.filter(path=course_path).first()
    if course is not None:
        CoursePage.objects.filter(pk=course.pk).update(search_text=course.build_search_text())
