"""Applying a legal change, and its impact preview (the same computation, rolled back).

`legal_change_apply` does everything in one transaction; `legal_change_preview` runs exactly that inside a
savepoint that is then rolled back, so the numbers the administrator confirms are the numbers applied. Applying
a change a second time changes nothing (it is marked applied with its result).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments.models import Question
from assessments.services import bank_version_bump
from courses.models import CoursePage, LessonPage, course_path_prefix
from courses.services import enrolments_retrain
from people.competency import STATUS_MISSING, rows_for_officers
from people.models import EvidenceBound, Officer, RoleAssignment, RoleRequirement
from procedures.models import LegalDocument, Status

from .models import LegalChange, ReviewItem


@dataclass
class CompetencyImpact:
    code: str
    name: str
    officers: int = 0
    units: int = 0
    must_retrain: int = 0


@dataclass
class Impact:
    """What applying a change does (or did): per competency, and in total."""

    retrain_by: str = ""
    competencies: list[dict] = field(default_factory=list)
    officers: int = 0
    units: int = 0
    must_retrain: int = 0
    enrolled: int = 0
    lessons_to_review: int = 0
    questions_to_review: int = 0
    questions_retired: int = 0
    documents_repealed: list[str] = field(default_factory=list)
    documents_amended: list[str] = field(default_factory=list)
    retrain_officer_ids: list[int] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict) -> Impact:
        return cls(**data)


class _Rollback(Exception):
    def __init__(self, impact: Impact):
        self.impact = impact


def _affected_officer_ids(change: LegalChange, on: dt.date) -> list[int]:
    """Active officers whose current roles require one of the change's competencies."""
    roles = RoleRequirement.objects.filter(competency__in=change.competencies.all()).values("role_id")
    return sorted(set(RoleAssignment.objects.current(on).filter(role_id__in=roles, officer__is_active=True)
                      .values_list("officer_id", flat=True)))


def _related_documents(document: LegalDocument) -> tuple[list[LegalDocument], list[LegalDocument]]:
    return list(document.replaces.all()), list(document.amends.all())


def _review_items(change: LegalChange, documents: list[LegalDocument], repealed_ids: set[int]) -> tuple[int, int]:
    """Put the lessons and questions on these documents or the change's procedures in the review list."""
    procedure_ids = list(change.procedures.values_list("pk", flat=True))
    document_ids = [d.pk for d in documents]
    numbers = {d.pk: d.number for d in documents}
    link = Q(legal_documents__in=document_ids) | Q(procedures__in=procedure_ids)
    lessons = list(LessonPage.objects.filter(link).distinct().only("id", "title", "path", "depth", "content_type"))
    prefixes = {course_path_prefix(lesson) for lesson in lessons}
    courses = {c.path: c for c in CoursePage.objects.filter(path__in=prefixes)} if prefixes else {}
    lesson_docs = defaultdict(set)
    for lesson_id, document_id in LessonPage.legal_documents.through.objects.filter(
            lessonpage_id__in=[lesson.pk for lesson in lessons], legaldocument_id__in=document_ids
    ).values_list("lessonpage_id", "legaldocument_id"):
        lesson_docs[lesson_id].add(document_id)
    existing = set(ReviewItem.objects.filter(change=change, lesson__isnull=False).values_list("lesson_id", flat=True))
    new = []
    for lesson in lessons:
        if lesson.pk in existing:
            continue
        cited = sorted(numbers[d] for d in lesson_docs.get(lesson.pk, ()))
        reason = (f"Trích dẫn {', '.join(cited)}" if cited else "Liên quan đến thủ tục bị ảnh hưởng")
        new.append(ReviewItem(change=change, lesson=lesson, course=courses.get(course_path_prefix(lesson)),
                              reason=reason[:500]))
    questions = list(Question.objects.filter(link).distinct().only("id"))
    question_docs = defaultdict(set)
    for question_id, document_id in Question.legal_documents.through.objects.filter(
            question_id__in=[q.pk for q in questions], legaldocument_id__in=document_ids
    ).values_list("question_id", "legaldocument_id"):
        question_docs[question_id].add(document_id)
    existing = set(ReviewItem.objects.filter(change=change, question__isnull=False)
                   .values_list("question_id", flat=True))
    for question in questions:
        if question.pk in existing:
            continue
        docs = question_docs.get(question.pk, set())
        cited = sorted(numbers[d] for d in docs)
        if docs & repealed_ids:
            reason = f"Căn cứ {', '.join(cited)} hết hiệu lực: câu hỏi đã ngừng sử dụng"
        elif cited:
            reason = f"Trích dẫn {', '.join(cited)}"
        else:
            reason = "Liên quan đến thủ tục bị ảnh hưởng"
        new.append(ReviewItem(change=change, question=question, reason=reason[:500]))
    ReviewItem.objects.bulk_create(new)
    return len(lessons), len(questions)


def _apply(change: LegalChange, *, user, today: dt.date) -> Impact:
    effective, until = change.effective_on, change.retrain_by
    impact = Impact(retrain_by=until.strftime("%d/%m/%Y"))
    document = change.document
    competencies = list(change.competencies.order_by("code"))
    for competency in competencies:
        EvidenceBound.objects.get_or_create(competency=competency, achieved_before=effective, reason=document.number,
                                            defaults={"valid_until": until})
    replaced, amended = _related_documents(document)
    for old in replaced:
        if old.status != Status.REPEALED or old.ended_on is None:
            old.status, old.ended_on = Status.REPEALED, old.ended_on or effective
            old.save(update_fields=["status", "ended_on"])
    for old in amended:
        if old.status == Status.IN_FORCE:
            old.status = Status.AMENDED
            old.save(update_fields=["status"])
    impact.documents_repealed = [d.number for d in replaced]
    impact.documents_amended = [d.number for d in amended]
    repealed_ids = {d.pk for d in replaced} | set(
        LegalDocument.objects.filter(status=Status.REPEALED, pk__in=[d.pk for d in amended]).values_list("pk", flat=True))
    last_day = effective - dt.timedelta(days=1)
    impact.questions_retired = Question.objects.filter(legal_documents__in=repealed_ids).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=last_day)).distinct().update(valid_until=last_day)
    bank_version_bump()  # an update sends no signal: the starts' cached candidates must not offer these any more
    impact.lessons_to_review, impact.questions_to_review = _review_items(
        change, [document, *replaced, *amended], repealed_ids)

    officer_ids = _affected_officer_ids(change, today)
    competency_ids = {c.pk for c in competencies}
    rows = [r for r in rows_for_officers(Officer.objects.filter(pk__in=officer_ids), today)
            if r.competency.pk in competency_ids]
    bound_ids = set(EvidenceBound.objects.filter(competency__in=competencies, achieved_before=effective,
                                                 reason=document.number).values_list("pk", flat=True))
    units = dict(RoleAssignment.objects.current(today).filter(officer_id__in=officer_ids)
                 .values_list("officer_id", "unit_id"))
    per = {c.pk: CompetencyImpact(code=c.code, name=c.name_vi) for c in competencies}
    per_units: dict[int, set] = defaultdict(set)
    retrain: set[int] = set()
    for row in rows:
        mine = per[row.competency.pk]
        mine.officers += 1
        per_units[row.competency.pk].add(units.get(row.officer.pk))
        if row.bound_id in bound_ids and row.status != STATUS_MISSING:
            mine.must_retrain += 1
            retrain.add(row.officer.pk)
    for pk, mine in per.items():
        mine.units = len(per_units[pk])
    impact.competencies = [asdict(per[c.pk]) for c in competencies]
    impact.officers = len({r.officer.pk for r in rows})
    impact.units = len({units.get(r.officer.pk) for r in rows})
    impact.must_retrain = len(retrain)
    impact.retrain_officer_ids = sorted(retrain)
    impact.enrolled = enrolments_retrain(officer_ids=sorted(retrain), today=today) if retrain else 0
    return impact


def legal_change_preview(*, change: LegalChange, today: dt.date | None = None) -> Impact:
    """The impact of applying the change now — computed by applying it and rolling everything back."""
    if change.is_applied:
        return Impact.from_json(change.result)
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            impact = _apply(LegalChange.objects.get(pk=change.pk), user=None, today=today)
            raise _Rollback(impact)
    except _Rollback as done:
        return done.impact


@transaction.atomic
def legal_change_apply(*, change: LegalChange, user, today: dt.date | None = None) -> Impact:
    """Apply the change in one transaction (see the module docstring); a second call changes nothing."""
    change = LegalChange.objects.select_for_update().get(pk=change.pk)
    if change.is_applied:
        return Impact.from_json(change.result)
    impact = _apply(change, user=user, today=today or timezone.localdate())
    change.applied_at, change.applied_by, change.result = timezone.now(), user, asdict(impact)
    change.save(update_fields=["applied_at", "applied_by", "result"])
    return impact


def review_item_decide(*, item: ReviewItem, status: str, user) -> ReviewItem:
    """A trainer closes a review item: reviewed and updated, or no change needed (who and when are kept)."""
    if status not in (ReviewItem.Status.DONE, ReviewItem.Status.NOT_NEEDED):
        raise ValueError(status)
    item.status, item.decided_by, item.decided_at = status, user, timezone.now()
    item.save(update_fields=["status", "decided_by", "decided_at"])
    return item


def open_review_counts(*, course_ids) -> dict[int, int]:
    """Open review items per course (for the warning trainers see on a course)."""
    return dict(Counter(ReviewItem.objects.filter(course_id__in=list(course_ids), status=ReviewItem.Status.OPEN)
                        .values_list("course_id", flat=True)))
