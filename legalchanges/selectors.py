"""Reads of legalchanges/: live content that still cites superseded law without saying so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from assessments.models import Question
from courses.models import CoursePage, LessonPage, course_path_prefix
from procedures.models import LegalDocument, Status
from procedures.selectors import documents_cited_in


@dataclass(frozen=True)
class Citation:
    kind: str  # "question", "course" or "lesson"
    pk: int
    label: str
    document: str

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} «{self.label}» cites {self.document}"


def superseded_citations(*, on: dt.date | None = None) -> list[Citation]:
    """Questions still drawn on `on`, live courses not marked legacy and their live lessons that cite a document
    repealed or replaced by then — by link or in their citation text. Legacy material is flagged by the course's
    "legacy content" box or, for a question, by a `valid_until` before the repeal."""
    on = on or timezone.localdate()
    repealed = [d for d in LegalDocument.objects.filter(status=Status.REPEALED)
                if d.ended_on is None or d.ended_on <= on]
    if not repealed:
        return []
    ids = {d.pk for d in repealed}
    found: list[Citation] = []
    questions = (Question.objects.filter(is_active=True)
                 .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
                 .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
                 .prefetch_related("legal_documents"))
    for question in questions:
        cited = {d.pk: d for d in question.legal_documents.all() if d.pk in ids}
        cited.update({d.pk: d for d in documents_cited_in(question.legal_reference, repealed)})
        found += [Citation("question", question.pk, question.label, d.number) for d in cited.values()]
    courses = list(CoursePage.objects.live().filter(is_legacy=False).prefetch_related("legal_documents"))
    for course in courses:
        cited = {d.pk: d for d in course.legal_documents.all() if d.pk in ids}
        cited.update({d.pk: d for d in documents_cited_in(course.legal_basis, repealed)})
        found += [Citation("course", course.pk, course.title, d.number) for d in cited.values()]
    current = {c.path for c in courses}
    for lesson in LessonPage.objects.live().filter(legal_documents__in=ids).distinct().prefetch_related(
            "legal_documents"):
        if course_path_prefix(lesson) in current:
            found += [Citation("lesson", lesson.pk, lesson.title, d.number)
                      for d in lesson.legal_documents.all() if d.pk in ids]
    return found
