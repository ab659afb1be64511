"""Course pages (Wagtail) and the training records that track officers through them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from lms.html import SanitisedRichTextField
from lms.routing import DirectRouteMixin, PathViewRestrictionsMixin
from lms.slugs import AsciiSlugPageMixin
from people.models import LEVEL_VALIDATORS, Competency, CompetencyArea, DeskRole, Level, Officer
from people.text import fold

from .blocks import LessonStreamBlock


def course_path_prefix(page: Page) -> str:
    """The tree path of the course that holds a course, module, lesson or quiz page, found without a query.

    The tree below a course is fixed (course → module → lesson | quiz), so each page type says how many levels it
    sits below its course (`levels_below_course`); treebeard spends `steplen` characters of `path` per level.
    """
    levels = page.specific_class.levels_below_course
    return page.path[: len(page.path) - levels * page.steplen]


class CourseIndexPage(DirectRouteMixin, PathViewRestrictionsMixin, AsciiSlugPageMixin, Page):
    """The catalogue of courses; the root page of the training site."""

    intro = SanitisedRichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")
        verbose_name_plural = _("course catalogues")

    def get_context(self, request, *args, **kwargs):
        from .selectors import catalogue_for_user

        context = super().get_context(request, *args, **kwargs)
        context["catalogue"] = catalogue_for_user(user=request.user, params=request.GET, index=self)
        return context


class CoursePage(PathViewRestrictionsMixin, AsciiSlugPageMixin, Page):
    """A course: grants competencies at levels, targets desk roles, and is valid for a number of months."""

    levels_below_course = 0

    area = models.ForeignKey(
        CompetencyArea, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="courses"
    )
    summary = models.TextField(_("summary"), blank=True)
    description = SanitisedRichTextField(_("description"), blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("cover image"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"), max_digits=5, decimal_places=1, default=1,
        validators=[MinValueValidator(0)],
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"), default=24, validators=[MaxValueValidator(120)],
        help_text=_("Months before re-certification is due; 0 means the certificate does not expire."),
    )
    target_roles = ParentalManyToManyField(DeskRole, verbose_name=_("target desk roles"), blank=True,
                                           related_name="courses")
    prerequisites = ParentalManyToManyField(
        "self", verbose_name=_("prerequisites"), blank=True, symmetrical=False, related_name="required_by"
    )
    legal_basis = models.TextField(
        _("legal basis"), blank=True,
        help_text=_("One reference per line, e.g. “NĐ 118/2025/NĐ-CP, Điều 5”."),
    )
    is_legacy = models.BooleanField(
        _("legacy content"), default=False,
        help_text=_("Tick when the material is tied to superseded law (e.g. NĐ 61/2018)."),
    )
    pass_mark_required = models.BooleanField(
        _("quizzes must be passed"), default=True,
        help_text=_("The course completes when every required lesson is done and every required quiz is passed."),
    )
    procedures = ParentalManyToManyField("procedures.Procedure", verbose_name=_("related procedures"), blank=True,
                                         related_name="courses")
    legal_documents = ParentalManyToManyField("procedures.LegalDocument", verbose_name=_("legal documents"),
                                              blank=True, related_name="courses")
    search_text = models.TextField(editable=False, blank=True, default="")

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("area"), FieldPanel("summary"), FieldPanel("description"), FieldPanel("cover_image")],
            heading=_("Presentation"),
        ),
        MultiFieldPanel(
            [FieldPanel("estimated_hours"), FieldPanel("validity_months"), FieldPanel("target_roles"),
             FieldPanel("prerequisites"), FieldPanel("pass_mark_required")],
            heading=_("Training rules"),
        ),
        InlinePanel("granted_competencies", heading=_("Competencies granted"), label=_("Competency")),
        MultiFieldPanel([FieldPanel("legal_basis"), FieldPanel("legal_documents"), FieldPanel("procedures"),
                         FieldPanel("is_legacy")], heading=_("Legal basis")),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("search_text")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def build_search_text(self) -> str:
        """Folded text the catalogue searches: title, summary, legal basis, competencies, module and lesson titles."""
        parts = [self.title, self.summary, self.legal_basis]
        for grant in self.granted_competencies.all():
            if grant.competency_id:
                parts += [grant.competency.code, grant.competency.name_vi, grant.competency.name_en]
        if self.pk and self.path:
            parts += Page.objects.filter(path__startswith=self.path, depth__gt=self.depth).values_list(
                "title", flat=True
            )
        return fold(" ".join(p for p in parts if p))

    def save(self, *args, **kwargs):
        # search_text is derived data (like Officer.search_name): it is kept in step on every save and publish.
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"search_text"}
        super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_detail_for_user

        context = super().get_context(request, *args, **kwargs)
        context["detail"] = course_detail_for_user(course=self, user=request.user)
        return context

    def legal_basis_lines(self) -> list[str]:
        return [line.strip() for line in self.legal_basis.splitlines() if line.strip()]


class CourseCompetency(Orderable):
    """A competency, at a level, that completing the course grants."""

    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="granted_competencies")
    competency = models.ForeignKey(Competency, verbose_name=_("competency"), on_delete=models.PROTECT,
                                   related_name="granting_courses")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, validators=LEVEL_VALIDATORS)

    panels = [FieldPanel("competency"), FieldPanel("level")]

    class Meta(Orderable.Meta):
        verbose_name = _("competency granted")
        verbose_name_plural = _("competencies granted")
        constraints = [
            models.UniqueConstraint(fields=["page", "competency"], name="uniq_course_competency"),
        ]


class ModulePage(PathViewRestrictionsMixin, AsciiSlugPageMixin, Page):
    """A module of a course: an ordered group of lessons and quizzes."""

    levels_below_course = 1

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage", "assessments.QuizPage"]

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def get_context(self, request, *args, **kwargs):
        from .selectors import module_detail_for_user

        context = super().get_context(request, *args, **kwargs)
        context["detail"] = module_detail_for_user(module=self, user=request.user)
        return context


class LessonPage(PathViewRestrictionsMixin, AsciiSlugPageMixin, Page):
    """A lesson: StreamField content studied by the officer."""

    levels_below_course = 2

    summary = models.TextField(_("summary"), blank=True)
    body = StreamField(LessonStreamBlock(), verbose_name=_("content"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=10)
    is_required = models.BooleanField(_("required for completion"), default=True)
    procedures = ParentalManyToManyField("procedures.Procedure", verbose_name=_("related procedures"), blank=True,
                                         related_name="lessons")
    legal_documents = ParentalManyToManyField("procedures.LegalDocument", verbose_name=_("legal documents"),
                                              blank=True, related_name="lessons")

    content_panels = Page.content_panels + [
        FieldPanel("summary"), FieldPanel("body"), FieldPanel("estimated_minutes"), FieldPanel("is_required"),
        MultiFieldPanel([FieldPanel("procedures"), FieldPanel("legal_documents")], heading=_("Legal basis")),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request, *args, **kwargs):
        from .selectors import lesson_detail_for_user

        context = super().get_context(request, *args, **kwargs)
        context["detail"] = lesson_detail_for_user(lesson=self, user=request.user)
        return context

    def serve(self, request, *args, **kwargs):
        # Opening a lesson is what "continue where you left off" resumes from; previews record nothing.
        # An officer with prerequisites still to finish goes back to the course page, told which ones.
        if request.method == "GET" and not getattr(request, "is_preview", False):
            from django.contrib import messages
            from django.shortcuts import redirect

            from people.selectors import officer_for_user

            from .selectors import prerequisites_message, prerequisites_missing
            from .services import lesson_open

            course = CoursePage.objects.get(path=course_path_prefix(self))
            missing = prerequisites_missing(officer=officer_for_user(user=request.user), course=course)
            if missing:
                messages.error(request, prerequisites_message(missing))
                return redirect(course.get_url(request=request))
            lesson_open(lesson=self, user=request.user)
            response = super().serve(request, *args, **kwargs)
            # The service worker (lms/offline.py) keeps a copy of the lesson for reading offline; only pages
            # that say so are kept (quiz pages share the /khoa-hoc/ prefix and never are).
            if response.status_code == 200:
                response["X-Offline-Cache"] = "lesson"
            return response
        return super().serve(request, *args, **kwargs)


class Enrolment(models.Model):
    """An officer enrolled in a course, with why and by when. One open enrolment per officer × course."""

    # Training records are not "usages" of a page: keep them out of Wagtail's reference index (and its writes).
    wagtail_reference_index_ignore = True

    class Reason(models.TextChoices):
        ROLE = "role", _("Required by desk role")
        LEADER = "leader", _("Assigned by leader")
        SELF = "self", _("Self-enrolled")
        RENEWAL = "renewal", _("Renewal of certification")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("officer"))
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("course"))
    course_title = models.CharField(_("course title at enrolment"), max_length=255)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_on = models.DateField(_("assigned on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("last lesson opened"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["due_on", "-assigned_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "course"], condition=Q(status="active"), name="uniq_active_enrolment"
            ),
        ]
        indexes = [models.Index(fields=["officer", "status"])]

    def __str__(self) -> str:
        return f"{self.officer.full_name} — {self.course_title}"

    @property
    def is_required(self) -> bool:
        return self.reason != self.Reason.SELF

    @property
    def is_overdue(self) -> bool:
        return bool(self.status == self.Status.ACTIVE and self.due_on and self.due_on < timezone.localdate())


class LessonProgress(models.Model):
    """An officer's progress through one lesson within an enrolment."""

    wagtail_reference_index_ignore = True

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="lesson_progress")
    lesson = models.ForeignKey(LessonPage, on_delete=models.PROTECT, related_name="progress")
    first_viewed_at = models.DateTimeField(_("first viewed"), auto_now_add=True)
    last_viewed_at = models.DateTimeField(_("last viewed"), auto_now=True)
    seconds_spent = models.PositiveIntegerField(_("time on page (seconds)"), default=0)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["enrolment", "lesson"], name="uniq_progress_lesson")]

    def __str__(self) -> str:
        return f"{self.enrolment_id} · {self.lesson_id}"


@register_setting(icon="cog")
class TrainingSettings(BaseGenericSetting):
    """Site-wide training rules editable in the admin."""

    enrolment_due_days = models.PositiveSmallIntegerField(
        _("days to complete a required course"), default=30, validators=[MinValueValidator(1)]
    )

    panels = [FieldPanel("enrolment_due_days")]

    class Meta:
        verbose_name = _("training settings")


class CourseReview(models.Model):
    """One whole-course review: the drafts of a course and its modules, lessons and quizzes, submitted together,
    decided once by a lead trainer (courses.services.course_review_*)."""

    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved and published")
        REJECTED = "rejected", _("Returned to the author")
        SUPERSEDED = "superseded", _("Replaced by a newer submission")

    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="reviews",
                               verbose_name=_("course"))
    course_title = models.CharField(_("course title when submitted"), max_length=255)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("reviewer's comment"), blank=True)

    class Meta:
        verbose_name = _("course review")
        verbose_name_plural = _("course reviews")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["course"], condition=Q(status="pending"),
                                    name="uniq_pending_course_review"),
        ]

    def __str__(self) -> str:
        return self.course_title

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class CourseReviewItem(models.Model):
    """One page of a course review: the exact revision the reviewer sees and, once approved, publishes."""

    wagtail_reference_index_ignore = True

    review = models.ForeignKey(CourseReview, on_delete=models.CASCADE, related_name="items")
    page = models.ForeignKey(Page, null=True, on_delete=models.SET_NULL, related_name="+")
    revision = models.ForeignKey("wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+")
    page_title = models.CharField(_("page title when submitted"), max_length=255)
    path = models.CharField(max_length=255)

    class Meta:
        verbose_name = _("page in a course review")
        verbose_name_plural = _("pages in a course review")
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["review", "page"], name="uniq_course_review_page")]

    def __str__(self) -> str:
        return self.page_title
