"""Every write to courses/ (enrolments, lesson progress, completion, whole-course reviews) goes through these services."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from lms.tasks import send_on_commit
from people.competency import (
    EXPIRING_DAYS,
    STATUS_EXPIRED,
    STATUS_EXPIRING,
    STATUS_MISSING,
    rows_for_officers,
)
from people.models import EvidenceBound, Officer, RoleAssignment, RoleRequirement

from . import signals
from .models import (
    CourseCompetency,
    CoursePage,
    CourseReview,
    CourseReviewItem,
    Enrolment,
    LessonPage,
    LessonProgress,
    TrainingSettings,
    course_path_prefix,
)
from .selectors import (
    can_decide_course_review,
    can_submit_course_review,
    course_review_drafts,
    course_review_pages,
    course_review_problems,
    granting_courses,
    prerequisites_message,
    prerequisites_missing,
    progress_for_enrolments,
)

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
    """An officer enrols themself in a published course (no due date), once its prerequisites are completed
    (``selectors.prerequisites_missing``; a leader's assignment, ``enrolments_assign``, does not ask)."""
    if not course.live:
        raise ValidationError(_("This course is not published."))
    missing = prerequisites_missing(officer=officer, course=course)
    if missing:
        raise ValidationError(prerequisites_message(missing), code="prerequisites")
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


def _officer_chunks(officer_ids: Iterable[int] | None, role_ids: Iterable[int] | None, today: dt.date):
    """Active officers with a current assignment (in these roles, among these ids), in chunks of officers."""
    assignments = RoleAssignment.objects.current(today)
    if role_ids is not None:
        assignments = assignments.filter(role_id__in=list(role_ids))
    base = Officer.objects.filter(is_active=True).only("id", "employee_code")
    if officer_ids is None:
        ids = sorted(set(assignments.filter(officer__is_active=True).values_list("officer_id", flat=True)))
        for chunk in _chunks(ids):
            yield list(base.filter(pk__in=chunk))
        return
    for chunk in _chunks(sorted({int(i) for i in officer_ids})):
        ids = set(assignments.filter(officer_id__in=chunk).values_list("officer_id", flat=True))
        if ids:
            yield list(base.filter(pk__in=ids))


def _enrolments_by_officer(officer_ids, course_ids, statuses=None):
    rows = Enrolment.objects.filter(officer_id__in=list(officer_ids), course_id__in=list(course_ids))
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    found: dict[int, list[Enrolment]] = defaultdict(list)
    for enrolment in rows.only("id", "officer_id", "course_id", "status", "reason", "created_at"):
        found[enrolment.officer_id].append(enrolment)
    return found


@transaction.atomic
def enrolments_sync_required(
    *, officer_ids: Iterable[int] | None = None, role_ids: Iterable[int] | None = None
) -> int:
    """Enrol officers in what their CURRENT desk roles require; returns how many enrolments were created.

    For every required pair whose status (people.competency) is "chưa đạt" — never held, and not lost to a
    revocation (that is re-training's, see enrolments_retrain) — that the officer is not already studying or has
    not completed (an active or completed enrolment in a course granting it at that level or higher), the officer
    is enrolled in one live, non-legacy course that grants it, preferring the lowest sufficient level. A fixed
    number of queries per chunk of officers, so an import of thousands of officers is cheap. Ending a role never
    withdraws or deletes anything.
    """
    today = timezone.localdate()
    if officer_ids is not None:
        officer_ids = list(officer_ids)
        if not officer_ids:
            return 0
    due_on = enrolment_default_due_on(on=today)
    created = 0
    for officers in _officer_chunks(officer_ids, role_ids, today):
        rows = [row for row in rows_for_officers(officers, today)
                if row.status == STATUS_MISSING and not row.lost_to_revocation]
        if not rows:
            continue
        grants = granting_courses(competency_ids={row.competency.pk for row in rows})
        if not grants:
            continue
        courses = {course.pk: course for options in grants.values() for _level, course in options}
        taken = _enrolments_by_officer({row.officer.pk for row in rows}, courses,
                                       [Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED])
        chosen: dict[int, set[int]] = defaultdict(set)
        for row in rows:
            candidates = [c for level, c in grants.get(row.competency.pk, ()) if level >= row.required_level]
            if not candidates:
                continue
            mine = {e.course_id for e in taken.get(row.officer.pk, ())} | chosen[row.officer.pk]
            if any(c.pk in mine for c in candidates):
                continue
            chosen[row.officer.pk].add(candidates[0].pk)
        new_rows = [
            Enrolment(officer_id=officer_id, course=courses[course_id], course_title=courses[course_id].title,
                      reason=Enrolment.Reason.ROLE, assigned_on=today, due_on=due_on)
            for officer_id, course_ids in sorted(chosen.items()) for course_id in sorted(course_ids)
        ]
        Enrolment.objects.bulk_create(new_rows, batch_size=500, ignore_conflicts=True)
        created += len(new_rows)
    return created


def _retraining_since(row, bounds_since: dict[int, dt.datetime] | None = None) -> dt.datetime | None:
    """When the pair started to need re-training: 60 days before its end, the revocation of the evidence
    that stood for it, or — when a legal change bounded its evidence (row.bound_id) — the moment the change was
    applied (the latest of these); None when it does not need it."""
    moments = []
    bounded = row.bound_id is not None and bool(bounds_since) and row.bound_id in bounds_since
    if bounded:
        # The lapse began when the change was applied (not 60 days before its end): a renewal enrolment made
        # then is the one for this lapse, so the daily run never enrols the officer a second time.
        moments.append(bounds_since[row.bound_id])
    elif row.status in (STATUS_EXPIRING, STATUS_EXPIRED) and row.valid_until is not None:
        start = row.valid_until - dt.timedelta(days=EXPIRING_DAYS)
        moments.append(timezone.make_aware(dt.datetime.combine(start, dt.time.min)))
    if row.status == STATUS_EXPIRED or row.lost_to_revocation:
        moments.extend(e.revoked_at for e in row.revoked_evidence)
    return max(moments) if moments else None


@transaction.atomic
def enrolments_retrain(*, officer_ids: Iterable[int] | None = None, today: dt.date | None = None) -> int:
    """Re-training: enrol (reason renewal) officers whose required pair is "sắp hết hạn", "hết hạn" or lost its
    only evidence to a revocation, in a live course granting it at the required level or higher.

    Once per lapse, idempotently: an officer already active in such a course is left alone, and a renewal
    enrolment created since the pair started to need re-training (even if completed or withdrawn since) counts
    as done. A completed enrolment from before a revocation does not. Due by the end date when there is one
    ahead, else today + the training-settings days. Runs daily (courses.tasks) and right after a revocation
    (people.signals.evidence_revoked). Returns the number of enrolments created.
    """
    today = today or timezone.localdate()
    if officer_ids is not None:
        officer_ids = list(officer_ids)
        if not officer_ids:
            return 0
    default_due = enrolment_default_due_on(on=today)
    created = 0
    bounds_since = dict(EvidenceBound.objects.values_list("pk", "created_at"))
    for officers in _officer_chunks(officer_ids, None, today):
        rows = [(row, since) for row in rows_for_officers(officers, today)
                if (since := _retraining_since(row, bounds_since)) is not None]
        if not rows:
            continue
        grants = granting_courses(competency_ids={row.competency.pk for row, _since in rows})
        if not grants:
            continue
        courses = {course.pk: course for options in grants.values() for _level, course in options}
        enrolments = _enrolments_by_officer({row.officer.pk for row, _since in rows}, courses)
        chosen: dict[tuple[int, int], dt.date] = {}
        for row, since in rows:
            candidates = [c for level, c in grants.get(row.competency.pk, ()) if level >= row.required_level]
            if not candidates:
                continue
            ids = {c.pk for c in candidates}
            mine = [e for e in enrolments.get(row.officer.pk, ()) if e.course_id in ids]
            if any(e.status == Enrolment.Status.ACTIVE for e in mine):
                continue
            if any(e.reason == Enrolment.Reason.RENEWAL and e.created_at >= since for e in mine):
                continue
            if any((row.officer.pk, c.pk) in chosen for c in candidates):
                continue
            bounded_ahead = row.bound_id is not None and row.valid_until is not None and row.valid_until >= today
            due = (row.valid_until if (row.status == STATUS_EXPIRING and row.valid_until >= today) or bounded_ahead
                   else default_due)
            chosen[(row.officer.pk, candidates[0].pk)] = due
        new_rows = [
            Enrolment(officer_id=officer_id, course=courses[course_id], course_title=courses[course_id].title,
                      reason=Enrolment.Reason.RENEWAL, assigned_on=today, due_on=due)
            for (officer_id, course_id), due in sorted(chosen.items())
        ]
        Enrolment.objects.bulk_create(new_rows, batch_size=500, ignore_conflicts=True)
        created += len(new_rows)
    return created


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
    return (
        Enrolment.objects.filter(officer=officer, status=Enrolment.Status.ACTIVE,
                                 course__path=course_path_prefix(lesson))
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
    missing = prerequisites_missing(officer=enrolment.officer, course=enrolment.course)
    if missing:
        raise ValidationError(prerequisites_message(missing), code="prerequisites")
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
    with transaction.atomic(savepoint=False):  # one conditional UPDATE: no savepoint needed
        flipped = Enrolment.objects.filter(pk=enrolment.pk, status=Enrolment.Status.ACTIVE).update(
            status=Enrolment.Status.COMPLETED, completed_at=now
        )
        if flipped:
            enrolment.status, enrolment.completed_at = Enrolment.Status.COMPLETED, now
            send_on_commit(signals.course_completed, sender=Enrolment, enrolment=enrolment)
    return True


@transaction.atomic
def enrolment_admin_update(*, enrolment: Enrolment, due_on: dt.date | None, withdraw: bool = False) -> Enrolment:
    """An administrator's edit of an enrolment: a new due date, and optionally withdrawing it.

    Completion is never set by hand: it comes from enrolment_check_completion(), which also sends
    course_completed (and with it the certificate).
    """
    enrolment.due_on = due_on
    enrolment.full_clean(validate_constraints=False)
    enrolment.save(update_fields=["due_on"])
    if withdraw:
        enrolment_withdraw(enrolment=enrolment)
    return enrolment


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


# --- Whole-course review ----------------------------------------------------------------------------------------


class CourseReviewProblems(ValidationError):
    """The drafts of a course cannot be published as they are; `problems` lists them by page."""

    def __init__(self, problems):
        self.problems = problems
        lines = [f"{p.page.title}: {m}" for p in problems for m in p.messages]
        super().__init__(lines, code="problems")


def course_review_submit(*, course: CoursePage, user) -> CourseReview:
    """Send the course and every draft below it (modules, lessons, quizzes) for review as one request.

    Every draft is checked first, as publishing would check it (`selectors.page_publish_problems`), so a
    submission never fails half-way and an approval never fails on something the submission accepted: any
    problem raises `CourseReviewProblems` (all problems, by page) and nothing is recorded. A pending review of
    the same course is replaced (status "superseded"): resubmitting is how an author sends newer drafts.
    """
    if not can_submit_course_review(user=user, course=course):
        raise PermissionDenied
    drafts = course_review_drafts(course=course)
    if not drafts:
        raise ValidationError(_("This course has no draft waiting to be published: there is nothing to review."),
                              code="nothing")
    problems = course_review_problems(drafts=drafts)
    if problems:
        raise CourseReviewProblems(problems)
    with transaction.atomic():
        # One submission of a course at a time: the course row is the lock (the pending-review constraint backs it).
        list(Page.objects.select_for_update().filter(pk=course.pk).values_list("pk", flat=True))
        CourseReview.objects.filter(course=course, status=CourseReview.Status.PENDING).update(
            status=CourseReview.Status.SUPERSEDED)
        review = CourseReview.objects.create(course=course, course_title=course.get_latest_revision_as_object().title,
                                             submitted_by=user)
        CourseReviewItem.objects.bulk_create([
            CourseReviewItem(review=review, page=d.page, revision=d.revision, page_title=d.revised.title[:255],
                             path=d.page.path)
            for d in drafts])
    return review


#: The longest reviewer's comment kept (it is shown to the author and sent by e-mail).
REVIEW_COMMENT_MAX = 4000


def _review_comment(comment: str | None) -> str:
    comment = (comment or "").strip()
    if len(comment) > REVIEW_COMMENT_MAX:
        raise ValidationError({"comment": _("The comment is too long: at most %(max)s characters.")
                               % {"max": f"{REVIEW_COMMENT_MAX:,}".replace(",", ".")}}, code="max_length")
    return comment


def _pending_review_locked(review):
    locked = CourseReview.objects.select_for_update().get(pk=review.pk)
    if locked.status != CourseReview.Status.PENDING:
        raise ValidationError(_("This review has already been decided or replaced by a newer submission."),
                              code="decided")
    return locked


def course_review_approve(*, review, user, comment: str = "") -> CourseReview:
    """Publish every revision of the review in one transaction: all pages go live, or none does.

    Refused (nothing published) when the user may not decide it (a lead trainer, not the author), when it is no
    longer pending, or when a page has a newer draft than the one submitted (the reviewer never saw it: the
    author must resubmit). Pages are published parent first; a page that fails to publish rolls everything back
    and names the page.
    """
    if not can_decide_course_review(user=user, review=review):
        raise PermissionDenied
    comment = _review_comment(comment)
    with transaction.atomic():
        review = _pending_review_locked(review)
        rows = course_review_pages(review=review)
        stale = [row.item.page_title for row in rows if row.stale]
        if stale:
            raise ValidationError(
                _("These pages have changed since the course was submitted: %(pages)s. The version you reviewed "
                  "is no longer the latest draft, so nothing was published; ask the author to submit the course "
                  "again.") % {"pages": ", ".join(f"“{t}”" for t in stale)}, code="stale")
        for row in rows:
            try:
                row.item.revision.publish(user=user)
            except ValidationError as error:
                raise ValidationError(
                    _("“%(page)s” could not be published (%(error)s), so no page of the course was published.")
                    % {"page": row.item.page_title, "error": "; ".join(error.messages)}, code="publish") from error
        review.status = review.Status.APPROVED
        review.decided_by = user
        review.decided_at = timezone.now()
        review.comment = comment
        review.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        send_on_commit(signals.course_review_decided, sender=type(review), review=review)
    return review


def course_review_reject(*, review, user, comment: str) -> CourseReview:
    """Return the course to its author with a comment (required: the author must know what to change). The
    drafts stay as they are, unpublished."""
    if not can_decide_course_review(user=user, review=review):
        raise PermissionDenied
    comment = _review_comment(comment)
    if not comment:
        raise ValidationError({"comment": _("Say what the author should change: a comment is required to return "
                                            "the course.")}, code="required")
    with transaction.atomic():
        review = _pending_review_locked(review)
        review.status = review.Status.REJECTED
        review.decided_by = user
        review.decided_at = timezone.now()
        review.comment = comment
        review.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        send_on_commit(signals.course_review_decided, sender=type(review), review=review)
    return review
