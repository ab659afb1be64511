"""Question banks, quizzes, attempts and their responses.

Questions are edited freely; what an officer answered is pinned to an immutable QuestionVersion, so editing
or retiring a question never changes a past attempt. Each answer is one Response row (with child rows for
selected choices, ordering positions and matching pairs): nothing is stored as comma-joined text or JSON.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page, PreviewableMixin
from wagtail.search import index

from courses.models import Enrolment
from lms.html import SanitisedHTMLField, SanitisedRichTextField
from lms.imports import ImportJob
from lms.routing import PathViewRestrictionsMixin
from lms.slugs import AsciiSlugPageMixin
from people.models import Competency, Officer, dates_in_order
from people.text import normalize_text

from .forms import QuestionAdminForm

MARK_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
WEIGHT_VALIDATORS = [MinValueValidator(Decimal("-100")), MaxValueValidator(Decimal("100"))]


class QuestionCategory(models.Model):
    """A node of the question bank tree ("Một cửa/Tiếp nhận hồ sơ"), optionally tied to a competency."""

    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="question_categories",
    )
    description = models.TextField(_("description"), blank=True)
    path = models.CharField(_("full path"), max_length=1000, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="uniq_category_name_in_parent"),
            models.UniqueConstraint(fields=["name"], condition=Q(parent__isnull=True), name="uniq_root_category_name"),
        ]

    def __str__(self) -> str:
        return self.path or self.name

    def save(self, *args, **kwargs):
        # The path is derived data: it lets a subtree be selected by one prefix match.
        self.path = self.compute_path()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"path"}
        super().save(*args, **kwargs)

    def clean(self):
        self.name = normalize_text(self.name).replace("/", "-")
        if not self.name:
            raise ValidationError({"name": _("The name is required.")})
        node = self.parent
        while node is not None and self.pk:
            if node.pk == self.pk:
                raise ValidationError({"parent": _("A category cannot be placed under itself.")})
            node = node.parent

    def compute_path(self) -> str:
        return f"{self.parent.path}/{self.name}" if self.parent_id else self.name

    def subtree(self):
        return QuestionCategory.objects.filter(Q(pk=self.pk) | Q(path__startswith=f"{self.path}/"))


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice (several correct)")
    TRUE_FALSE = "true_false", _("True / false")
    SHORT_ANSWER = "short_answer", _("Short answer")
    MATCHING = "matching", _("Matching")
    ORDERING = "ordering", _("Ordering")
    NUMERICAL = "numerical", _("Numerical (with tolerance)")
    CLOZE = "cloze", _("Cloze (embedded answers)")
    ESSAY = "essay", _("Essay (marked by a trainer)")


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE}


class QuestionImportJob(ImportJob):
    """A question import run by a Celery task (large files); see lms.imports.ImportJob."""

    class Meta(ImportJob.Meta):
        verbose_name = _("question import")
        verbose_name_plural = _("question imports")


class TaggedQuestion(TaggedItemBase):
    content_object = ParentalKey("assessments.Question", on_delete=models.CASCADE, related_name="tagged_items")


class Question(PreviewableMixin, index.Indexed, ClusterableModel):
    """A question in the bank. Its answers live in Choice rows (meaning depends on the kind, see Choice)."""

    category = models.ForeignKey(
        QuestionCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="questions"
    )
    kind = models.CharField(_("question type"), max_length=20, choices=QuestionKind.choices,
                            default=QuestionKind.SINGLE)
    title = models.CharField(_("short name"), max_length=255, blank=True,
                             help_text=_("Shown in lists and reports; the stem is used when empty."))
    stem = SanitisedRichTextField(_("question text"), features=["bold", "italic", "ol", "ul", "link"])
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    explanation = models.TextField(_("general explanation"), blank=True,
                                   help_text=_("Shown in the review after the attempt."))
    legal_reference = models.CharField(_("legal reference"), max_length=255, blank=True,
                                       help_text=_("e.g. “NĐ 118/2025/NĐ-CP, Điều 5”."))
    default_mark = models.DecimalField(_("default mark"), max_digits=6, decimal_places=2, default=Decimal("1"),
                                       validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)])
    partial_credit = models.BooleanField(
        _("partial credit"), default=True,
        help_text=_("Multiple choice, matching and ordering: give part of the mark for part of the answer. "
                    "Untick for all-or-nothing."),
    )
    ignore_diacritics = models.BooleanField(
        _("ignore Vietnamese diacritics"), default=False,
        help_text=_("Short answer: accept “ho tich” for “hộ tịch”. Case and spaces are always ignored."),
    )
    rubric = models.TextField(_("marking rubric"), blank=True, help_text=_("Essay: guidance for the trainer."))
    unit = models.CharField(
        _("unit"), max_length=30, blank=True,
        help_text=_("Numerical: the unit shown after the answer box (e.g. “ngày”); the officer may type it or "
                    "leave it out."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True,
        help_text=_("After this date the question is retired (e.g. tied to superseded law) and no longer drawn."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    procedures = ParentalManyToManyField("procedures.Procedure", verbose_name=_("related procedures"), blank=True,
                                         related_name="questions")
    legal_documents = ParentalManyToManyField("procedures.LegalDocument", verbose_name=_("legal documents"),
                                              blank=True, related_name="questions")
    tags = ClusterTaggableManager(through=TaggedQuestion, blank=True, verbose_name=_("tags"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("category"), FieldPanel("kind")]),
        FieldPanel("title"),
        FieldPanel("stem"),
        FieldPanel("image"),
        InlinePanel("choices", heading=_("Answers"), label=_("Answer")),
        MultiFieldPanel(
            [FieldPanel("default_mark"), FieldPanel("partial_credit"), FieldPanel("ignore_diacritics"),
             FieldPanel("unit"), FieldPanel("rubric")],
            heading=_("Scoring"),
        ),
        MultiFieldPanel([FieldPanel("explanation"), FieldPanel("legal_reference"), FieldPanel("legal_documents"),
                         FieldPanel("procedures")], heading=_("Explanation")),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]), FieldPanel("is_active"),
             FieldPanel("tags")],
            heading=_("Validity"),
        ),
    ]
    base_form_class = QuestionAdminForm
    search_fields = [
        index.SearchField("title"), index.SearchField("stem"), index.SearchField("legal_reference"),
        index.AutocompleteField("title"), index.FilterField("kind"), index.FilterField("category"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category__path", "pk"]
        constraints = [
            dates_in_order(start="valid_from", end="valid_until", start_optional=True, name="question_validity_ordered"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from django.utils.html import strip_tags
        from django.utils.text import Truncator

        return self.title or Truncator(strip_tags(self.stem)).chars(90)

    label.fget.short_description = _("question")

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until >= day)

    def clean(self):
        self.title = normalize_text(self.title)
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end of validity cannot be before its start.")})

    def get_preview_template(self, request, mode_name):
        return "assessments/question_preview.html"

    def get_preview_context(self, request, mode_name):
        from .selectors import question_preview_data

        context = super().get_preview_context(request, mode_name)
        context["item"] = question_preview_data(question=self)
        return context


class Choice(Orderable):
    """One answer row of a question. Its meaning depends on the question type:

    single/multiple/true-false: an option (is_correct, weight for partial credit); short answer: an accepted
    answer; matching: a pair (text → match_text); ordering: an item, the correct order being sort_order;
    numerical: an accepted value (text, written "2.5"; the editor also takes "2,5") and its tolerance.
    Cloze questions have no Choice rows: their gaps are written in the question text (assessments.cloze); each
    version freezes one VersionChoice per gap (its source in `text`).
    """

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("text"), max_length=500)
    match_text = models.CharField(_("matches"), max_length=500, blank=True,
                                  help_text=_("Matching questions only: the right-hand side of the pair."))
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.CharField(_("feedback"), max_length=500, blank=True,
                                help_text=_("Shown in the review when the officer chose this answer."))
    weight = models.DecimalField(
        _("weight (%)"), max_digits=8, decimal_places=5, null=True, blank=True, validators=WEIGHT_VALIDATORS,
        help_text=_("Multiple choice only: the share of the mark this option earns when ticked (e.g. 70 and 30; "
                    "negative for a wrong option, e.g. -100). Leave every weight empty to score "
                    "(right ticked − wrong ticked) / right options."),
    )

    tolerance = models.DecimalField(
        _("tolerance (±)"), max_digits=20, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Numerical only: answers within the value ± this tolerance are right (edges included)."),
    )

    panels = [FieldRowPanel([FieldPanel("text"), FieldPanel("match_text")]), FieldRowPanel(
        [FieldPanel("is_correct"), FieldPanel("weight"), FieldPanel("tolerance"), FieldPanel("feedback")])]

    class Meta(Orderable.Meta):
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.text


class QuestionVersion(models.Model):
    """An immutable snapshot of a question as attempts saw it. A new one is made when the content changes."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    title = models.CharField(max_length=255, blank=True)
    stem = SanitisedHTMLField()
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    explanation = models.TextField(blank=True)
    legal_reference = models.CharField(max_length=255, blank=True)
    default_mark = models.DecimalField(max_digits=6, decimal_places=2)
    partial_credit = models.BooleanField(default=True)
    ignore_diacritics = models.BooleanField(default=False)
    rubric = models.TextField(blank=True)
    unit = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question", "-number"]
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="uniq_question_version")]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"


class VersionChoice(models.Model):
    """A choice of a question version (same meaning as Choice), frozen with it. Cloze: one row per gap, `text`
    the gap's source (between its braces) and `position` its number."""

    version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    match_text = models.CharField(max_length=500, blank=True)
    is_correct = models.BooleanField(default=False)
    feedback = models.CharField(max_length=500, blank=True)
    weight = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    tolerance = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="uniq_version_choice_pos")]

    def __str__(self) -> str:
        return self.text


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", _("Highest grade")
    LAST = "last", _("Last attempt")
    FIRST = "first", _("First attempt")
    AVERAGE = "average", _("Average of attempts")


class ReviewWhen(models.TextChoices):
    IMMEDIATELY = "immediately", _("Right after each attempt")
    AFTER_CLOSE = "after_close", _("After the quiz closes")
    AFTER_PASS = "after_pass", _("Once the officer has passed")
    NEVER = "never", _("Never")


class QuizPage(PathViewRestrictionsMixin, AsciiSlugPageMixin, Page):
    """A quiz placed in a module: draw rules, timing, attempts, grading and review policy."""

    levels_below_course = 2  # quiz → module → course (see courses.models.course_path_prefix)

    class Layout(models.TextChoices):
        ONE_PER_PAGE = "one", _("One question per page")
        ALL = "all", _("All questions on one page")

    intro = SanitisedRichTextField(_("instructions"), blank=True, features=["bold", "italic", "ol", "ul", "link"])
    is_required = models.BooleanField(_("required for course completion"), default=True)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), default=0, validators=[MaxValueValidator(600)],
        help_text=_("0 means no time limit. The server's clock is authoritative."),
    )
    attempts_allowed = models.PositiveSmallIntegerField(_("attempts allowed"), default=0,
                                                        help_text=_("0 means unlimited."))
    delay_minutes = models.PositiveIntegerField(_("delay between attempts (minutes)"), default=0)
    grading_method = models.CharField(_("grading method"), max_length=10, choices=GradingMethod.choices,
                                      default=GradingMethod.HIGHEST)
    pass_mark = models.DecimalField(_("pass mark (%)"), max_digits=5, decimal_places=2, default=Decimal("70"),
                                    validators=MARK_VALIDATORS)
    available_from = models.DateTimeField(_("open from"), null=True, blank=True)
    available_until = models.DateTimeField(_("open until"), null=True, blank=True)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle answers"), default=True)
    layout = models.CharField(_("layout"), max_length=5, choices=Layout.choices, default=Layout.ONE_PER_PAGE)
    review_when = models.CharField(_("review available"), max_length=20, choices=ReviewWhen.choices,
                                   default=ReviewWhen.IMMEDIATELY)
    review_show_answers = models.BooleanField(_("review shows the correct answers"), default=True)
    review_show_feedback = models.BooleanField(_("review shows feedback and explanations"), default=True)
    success_text = SanitisedRichTextField(_("text when passed"), blank=True, features=["bold", "italic", "link"])
    fail_text = SanitisedRichTextField(_("text when failed"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("fixed_questions", heading=_("Fixed questions"), label=_("Question")),
        InlinePanel("random_rules", heading=_("Random questions from categories"), label=_("Rule")),
    ]
    settings_panels_quiz = [
        MultiFieldPanel(
            [FieldPanel("is_required"), FieldPanel("pass_mark"), FieldPanel("grading_method"),
             FieldPanel("attempts_allowed"), FieldPanel("delay_minutes"), FieldPanel("time_limit_minutes")],
            heading=_("Attempts and grading"),
        ),
        MultiFieldPanel([FieldPanel("available_from"), FieldPanel("available_until")], heading=_("Availability")),
        MultiFieldPanel([FieldPanel("layout"), FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")],
                        heading=_("Presentation")),
        MultiFieldPanel([FieldPanel("review_when"), FieldPanel("review_show_answers"),
                         FieldPanel("review_show_feedback"), FieldPanel("success_text"), FieldPanel("fail_text")],
                        heading=_("Review and feedback")),
    ]
    content_panels = content_panels + settings_panels_quiz
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def clean(self):
        super().clean()
        if self.available_from and self.available_until and self.available_until <= self.available_from:
            raise ValidationError({"available_until": _("The quiz must close after it opens.")})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.available_from is None or self.available_from <= now) and (
            self.available_until is None or now < self.available_until)

    def serve(self, request, *args, **kwargs):
        from .views import quiz_page_serve

        return quiz_page_serve(request, page=self)


class QuizQuestion(Orderable):
    """A question always included in the quiz."""

    page = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="fixed_questions")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT,
                                 related_name="quiz_uses")
    mark = models.DecimalField(_("mark"), max_digits=6, decimal_places=2, null=True, blank=True,
                               help_text=_("Leave empty to use the question's default mark."))

    panels = [FieldPanel("question"), FieldPanel("mark")]

    class Meta(Orderable.Meta):
        verbose_name = _("fixed question")
        verbose_name_plural = _("fixed questions")
        constraints = [models.UniqueConstraint(fields=["page", "question"], name="uniq_quiz_fixed_question")]


class QuizRandomRule(Orderable):
    """Draw N questions at random from a category (and optionally its sub-categories) at each attempt."""

    page = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="random_rules")
    category = models.ForeignKey(QuestionCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="quiz_rules")
    count = models.PositiveSmallIntegerField(_("number of questions"), default=5, validators=[MinValueValidator(1)])
    include_subcategories = models.BooleanField(_("include sub-categories"), default=True)

    panels = [FieldRowPanel([FieldPanel("category"), FieldPanel("count"), FieldPanel("include_subcategories")])]

    class Meta(Orderable.Meta):
        verbose_name = _("random draw rule")
        verbose_name_plural = _("random draw rules")


class QuizOverride(models.Model):
    """Extra time or attempts for one officer on one quiz, granted by a trainer or the officer's leader."""

    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("quiz"))
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="quiz_overrides",
                                verbose_name=_("officer"))
    extra_minutes = models.PositiveSmallIntegerField(_("extra minutes"), default=0)
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), default=0)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("granted by"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quiz override")
        verbose_name_plural = _("quiz overrides")
        constraints = [models.UniqueConstraint(fields=["quiz", "officer"], name="uniq_quiz_override")]

    def __str__(self) -> str:
        return f"{self.officer} — {self.quiz}"


class Attempt(models.Model):
    """One sitting of a quiz by an officer. Its Response rows are the frozen list of drawn questions."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        WAITING = "waiting", _("Waiting for marking")
        GRADED = "graded", _("Graded")

    quiz = models.ForeignKey(QuizPage, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("quiz"))
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="quiz_attempts",
                                verbose_name=_("officer"))
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="quiz_attempts", verbose_name=_("enrolment"))
    number = models.PositiveSmallIntegerField(_("attempt number"))
    quiz_title = models.CharField(_("quiz title at the time"), max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    auto_submitted = models.BooleanField(_("submitted automatically at the deadline"), default=False)
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=8, decimal_places=2, default=0)
    percent = models.DecimalField(_("grade (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    current_page = models.PositiveSmallIntegerField(_("page reached"), default=1)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "officer", "number"], name="uniq_attempt_number"),
            models.UniqueConstraint(fields=["quiz", "officer"], condition=Q(status="in_progress"),
                                    name="uniq_open_attempt"),
        ]
        indexes = [models.Index(fields=["status", "deadline"]), models.Index(fields=["officer", "quiz"])]

    def __str__(self) -> str:
        return f"{self.officer.full_name} — {self.quiz_title} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS


class Response(models.Model):
    """One drawn question of an attempt and the officer's answer to it (autosaved as it is given).

    Selected options, ordering positions, matching pairs and cloze gap answers are ResponseChoice rows; text
    answers are text.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="responses")
    position = models.PositiveSmallIntegerField()
    max_mark = models.DecimalField(max_digits=6, decimal_places=2)
    shuffle_seed = models.PositiveIntegerField(default=0)
    text_answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every saved change of the answer. The page carries the revision it shows, so an answer from a
    # stale tab (older revision) never overwrites a newer one saved from another tab.
    revision = models.PositiveIntegerField(default=0)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    needs_marking = models.BooleanField(default=False)
    marker_comment = models.TextField(_("marker's comment"), blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["attempt", "position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="uniq_response_position")]
        indexes = [models.Index(fields=["needs_marking"])]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"


class ResponseChoice(models.Model):
    """A selected option; for ordering its place in the officer's order; for matching the chosen right-hand side;
    for a cloze gap (its VersionChoice) what the officer wrote or chose in it.

    The right-hand side is kept as its text, not as a choice id: an id would tell which item it belongs to.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="selections")
    choice = models.ForeignKey(VersionChoice, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    matched_text = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "choice"], name="uniq_response_choice")]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.choice_id}"
