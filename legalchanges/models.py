"""A legal change and the content it puts under review.

legalchanges/ sits after assessments (people ← procedures ← courses ← assessments ← legalchanges ← certificates
← dashboards): applying a change touches evidence (people), the legal documents (procedures), enrolments and
lessons (courses) and questions (assessments), so it lives to the right of all of them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models import Question
from courses.models import CoursePage, LessonPage
from people.models import Competency
from procedures.models import LegalDocument, Procedure

DEFAULT_GRACE_DAYS = 90


class LegalChange(models.Model):
    """A new or amending document takes effect: old evidence of the affected competencies counts at most until
    the effective date + the grace period, questions on the documents it replaces retire, and the lessons and
    questions on it, on what it replaces or amends and on the affected procedures go to the review list."""

    document = models.ForeignKey(LegalDocument, on_delete=models.PROTECT, related_name="changes",
                                 verbose_name=_("legal document"))
    effective_on = models.DateField(_("effective date"))
    grace_days = models.PositiveSmallIntegerField(_("grace period (days)"), default=DEFAULT_GRACE_DAYS,
                                                  validators=[MaxValueValidator(730)])
    competencies = models.ManyToManyField(Competency, related_name="legal_changes",
                                          verbose_name=_("affected competencies"))
    procedures = models.ManyToManyField(Procedure, blank=True, related_name="legal_changes",
                                        verbose_name=_("affected procedures"))
    note = models.TextField(_("what changes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True, editable=False)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   editable=False, related_name="+", verbose_name=_("applied by"))
    result = models.JSONField(default=dict, editable=False)

    class Meta:
        verbose_name = _("legal change")
        verbose_name_plural = _("legal changes")
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.document.number} ({self.effective_on:%d/%m/%Y})"

    @property
    def retrain_by(self) -> dt.date:
        """Evidence achieved before the effective date counts at most until this day."""
        return self.effective_on + dt.timedelta(days=self.grace_days)

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None


class ReviewItem(models.Model):
    """A lesson or question a trainer must check after a legal change: done, or not needed, with who and when."""

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        DONE = "done", _("Reviewed and updated")
        NOT_NEEDED = "not_needed", _("No change needed")

    change = models.ForeignKey(LegalChange, on_delete=models.CASCADE, related_name="review_items",
                               verbose_name=_("legal change"))
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("course"))
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("lesson"))
    question = models.ForeignKey(Question, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("question"))
    reason = models.CharField(_("why"), max_length=500)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review item")
        verbose_name_plural = _("review list")
        ordering = ["status", "course__title", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(lesson__isnull=True) ^ Q(question__isnull=True),
                                   name="reviewitem_lesson_xor_question"),
            models.UniqueConstraint(fields=["change", "lesson"], name="reviewitem_one_per_lesson"),
            models.UniqueConstraint(fields=["change", "question"], name="reviewitem_one_per_question"),
        ]

    def __str__(self) -> str:
        target = self.lesson.title if self.lesson_id else self.question.label
        return f"{self.change.document.number}: {target}"

    @property
    def content(self):
        return self.lesson if self.lesson_id else self.question
