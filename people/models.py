"""Units, officers, desk roles, competencies and attainments: the people side of One-Stop Academy."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from lms.imports import ImportJob

from .storage import evidence_storage
from .text import fold, given_name, normalize_text

LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(3)]


def dates_in_order(*, start: str, end: str, name: str, start_optional: bool = False) -> models.CheckConstraint:
    """The one "dates in order" rule for every model with a period: `end` is empty or not before `start`
    (and, when `start_optional`, an empty `start` leaves the period open at that end too)."""
    condition = Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": models.F(start)})
    if start_optional:
        condition = Q(**{f"{start}__isnull": True}) | condition
    return models.CheckConstraint(condition=condition, name=name)


class Level(models.IntegerChoices):
    BASIC = 1, _("Level 1 — knows")
    PRACTISED = 2, _("Level 2 — applies")
    EXPERT = 3, _("Level 3 — guides others")


class BilingualNameMixin:
    """Picks the Vietnamese or English name by the active language (Vietnamese first)."""

    @property
    def name(self) -> str:
        if (get_language() or "vi").startswith("en") and self.name_en:
            return self.name_en
        return self.name_vi

    def __str__(self) -> str:
        return self.name


class Unit(ClusterableModel):
    """A node of the administrative tree: city → ward People's Committee → public-service centre → team."""

    class Kind(models.TextChoices):
        CITY = "city", _("Province / city")
        WARD = "ward", _("Ward / commune People's Committee")
        SERVICE_CENTRE = "service_centre", _("Public administrative service centre")
        TEAM = "team", _("Counter / team")
        DEPARTMENT = "department", _("Department / office")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("tree path"), max_length=1000, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    note = models.TextField(_("note"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        permissions = [("view_unit_dashboard", _("Can view unit dashboards"))]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # path/depth are derived data that keep subtree queries to one indexed prefix match.
        self.path = self.compute_path()
        self.depth = self.path.count("/") - 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"path", "depth"}
        super().save(*args, **kwargs)

    def clean(self):
        self.code = normalize_text(self.code).upper()
        self.name = normalize_text(self.name)
        if self.parent_id and self.pk:
            node = self.parent
            while node is not None:
                if node.pk == self.pk:
                    raise ValidationError({"parent": _("A unit cannot be placed under itself or its own sub-unit.")})
                node = node.parent

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.code}/"

    def subtree(self):
        return Unit.objects.filter(path__startswith=self.path)


class UnitFormerName(models.Model):
    """A name the unit carried before (the 2025 reorganisation renamed and merged many units)."""

    unit = ParentalKey(Unit, on_delete=models.CASCADE, related_name="former_names", verbose_name=_("unit"))
    name = models.CharField(_("former name"), max_length=255)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        ordering = ["-valid_until", "name"]
        constraints = [
            dates_in_order(start="valid_from", end="valid_until", start_optional=True, name="former_name_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class Officer(models.Model):
    """A civil servant (cán bộ, công chức) who works at, or for, a one-stop desk."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer", verbose_name=_("user account")
    )
    full_name = models.CharField(_("full name"), max_length=150)
    sort_name = models.CharField(max_length=320, editable=False, db_index=True, default="")
    search_name = models.CharField(max_length=150, editable=False, db_index=True, default="")
    employee_code = models.CharField(_("employee code"), max_length=40, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="officers", verbose_name=_("unit"))
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    led_units = models.ManyToManyField(
        Unit, blank=True, related_name="leaders", verbose_name=_("units led"),
        help_text=_("A leader sees these units and every unit below them."),
    )
    invited_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["sort_name", "employee_code"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.employee_code})"

    def save(self, *args, **kwargs):
        self.set_derived_names()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"sort_name", "search_name"}
        super().save(*args, **kwargs)

    def clean(self):
        self.full_name = normalize_text(self.full_name)
        self.employee_code = normalize_text(self.employee_code).upper()
        self.phone = normalize_text(self.phone)
        self.email = normalize_text(self.email).lower()
        if not self.full_name:
            raise ValidationError({"full_name": _("The full name is required.")})

    def set_derived_names(self) -> None:
        """Vietnamese names sort by the given name (tên), then by the whole name; search ignores diacritics."""
        self.full_name = normalize_text(self.full_name)
        self.sort_name = f"{fold(given_name(self.full_name))} {fold(self.full_name)}"
        self.search_name = fold(self.full_name)

    @property
    def given_name(self) -> str:
        return given_name(self.full_name)


class OfficerImportJob(ImportJob):
    """An officer import run by a Celery task (large files); see lms.imports.ImportJob."""

    class Meta(ImportJob.Meta):
        verbose_name = _("officer import")
        verbose_name_plural = _("officer imports")


class DeskRole(BilingualNameMixin, models.Model):
    """A job position at the one-stop desk (vị trí việc làm), e.g. intake/return officer. Data, not code."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("desk role")
        verbose_name_plural = _("desk roles")
        ordering = ["sort_order", "code"]


def current_assignment_q(prefix: str = "", on=None) -> Q:
    """The one rule for "this role assignment is in force on day `on`" (today by default): start ≤ on and
    (no end or end ≥ on). `prefix` reaches it through a relation, e.g. ``current_assignment_q("assignments__")``."""
    on = on or timezone.localdate()
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})
    )


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self, on=None):
        """Assignments in force on `on` (today by default)."""
        return self.filter(current_assignment_q(on=on))


class RoleAssignment(models.Model):
    """An officer holds a desk role in a unit from a start date until an optional end date."""

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("officer"))
    role = models.ForeignKey(DeskRole, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("desk role"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("unit"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "role", "unit", "start_date"], name="uniq_assignment_start"),
            dates_in_order(start="start_date", end="end_date", name="assignment_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.officer.full_name} — {self.role} ({self.unit})"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    def is_current(self, on=None) -> bool:
        """The same rule as `current_assignment_q`, for a row already in memory."""
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class CompetencyArea(BilingualNameMixin, models.Model):
    """One of the three content areas: procedure handling, communication, IT use."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("competency area")
        verbose_name_plural = _("competency areas")
        ordering = ["sort_order", "code"]


class Competency(BilingualNameMixin, models.Model):
    """A competency (NV04, GT02, CN03…) with three levels of observable behaviour."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    area = models.ForeignKey(CompetencyArea, on_delete=models.PROTECT, related_name="competencies", verbose_name=_("area"))
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    level_1 = models.TextField(_("level 1 behaviour"), blank=True)
    level_2 = models.TextField(_("level 2 behaviour"), blank=True)
    level_3 = models.TextField(_("level 3 behaviour"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def behaviour(self, level: int) -> str:
        return {1: self.level_1, 2: self.level_2, 3: self.level_3}.get(level, "")


class RoleRequirement(models.Model):
    """A desk role requires a competency at a level, renewed every `validity_months`."""

    role = models.ForeignKey(DeskRole, on_delete=models.PROTECT, related_name="requirements", verbose_name=_("desk role"))
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="requirements", verbose_name=_("competency")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, validators=LEVEL_VALIDATORS)
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"), default=24, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )

    class Meta:
        verbose_name = _("role requirement")
        verbose_name_plural = _("role requirements")
        ordering = ["role__sort_order", "competency__code"]
        constraints = [
            models.UniqueConstraint(fields=["role", "competency"], name="uniq_requirement_role_competency"),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=3), name="requirement_level_1_3"),
        ]

    def __str__(self) -> str:
        return f"{self.role.code} → {self.competency.code} ({self.level})"


def evidence_upload_to(instance, filename):
    suffix = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"{instance.achieved_on:%Y}/{secrets.token_hex(16)}.{suffix}"


class EvidenceBound(models.Model):
    """A legal change's bound on old evidence: evidence for `competency` achieved before `achieved_before` counts
    at most until `valid_until` (the change's effective date + grace period). The competency engine's until(e)
    takes the earliest of the evidence's own end, its validity and these bounds (people.competency). Written by
    the legal-change action (procedures.services.legal_change_apply); `reason` is the document's number, shown
    to leaders as why an officer must retrain."""

    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="evidence_bounds",
                                   verbose_name=_("competency"))
    achieved_before = models.DateField(_("evidence achieved before"))
    valid_until = models.DateField(_("counts at most until"))
    reason = models.CharField(_("reason"), max_length=255)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence bound")
        verbose_name_plural = _("evidence bounds")
        ordering = ["competency__code", "achieved_before"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "achieved_before", "reason"],
                                    name="evidencebound_unique_per_change"),
            dates_in_order(start="achieved_before", end="valid_until", name="evidencebound_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.competency.code}: {self.reason}"


class AttainmentQuerySet(models.QuerySet):
    def not_revoked(self):
        """Evidence that was never revoked (revoked evidence never counts, whatever the date)."""
        return self.filter(revoked_at__isnull=True)


class Attainment(models.Model):
    """Evidence that an officer holds a competency at a level, from a date until an optional expiry date.

    Never deleted, never overwritten: a correction is a new record plus the revocation of the old one.
    """

    class Kind(models.TextChoices):
        CERTIFICATE = "certificate", _("Certificate")
        OBSERVATION = "observation", _("Desk observation by a leader")
        PRIOR_LEARNING = "prior_learning", _("Recognised prior learning")

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="attainments", verbose_name=_("officer"))
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="attainments", verbose_name=_("competency")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, validators=LEVEL_VALIDATORS)
    achieved_on = models.DateField(_("achieved on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    kind = models.CharField(_("evidence"), max_length=20, choices=Kind.choices)
    evidence_reference = models.CharField(
        _("basis (document or decision)"), max_length=255, blank=True,
        help_text=_("The document or decision this evidence rests on (certificate serial, decision number…)."),
    )
    certificate_serial = models.CharField(_("certificate serial"), max_length=40, blank=True, db_index=True)
    observation = models.OneToOneField(
        "Observation", null=True, blank=True, on_delete=models.PROTECT, related_name="attainment",
        verbose_name=_("observation"),
    )
    document = models.FileField(
        _("document"), blank=True, max_length=255, upload_to=evidence_upload_to, storage=evidence_storage,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = AttainmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attainment")
        verbose_name_plural = _("attainments")
        ordering = ["-achieved_on"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=3), name="attainment_level_1_3"),
            dates_in_order(start="achieved_on", end="expires_on", name="attainment_expires_after_achieved"),
            models.UniqueConstraint(
                fields=["officer", "competency", "kind", "level", "achieved_on", "evidence_reference"],
                condition=Q(revoked_at__isnull=True) & Q(observation__isnull=True),
                name="uniq_attainment_evidence",
            ),
        ]
        indexes = [models.Index(fields=["officer", "competency"], name="attainment_officer_comp")]

    def __str__(self) -> str:
        return f"{self.officer.full_name}: {self.competency.code} ({self.level})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def basis(self) -> str:
        return self.evidence_reference

    def is_valid_on(self, day) -> bool:
        """Not revoked, achieved on or before `day` and not past its own expiry date."""
        return (self.revoked_at is None and self.achieved_on <= day
                and (self.expires_on is None or self.expires_on >= day))


class Observation(models.Model):
    """A leader watched an officer at the counter (quan sát tại quầy) and judged a competency's level."""

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="observations", verbose_name=_("officer"))
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="observations", verbose_name=_("competency")
    )
    level = models.PositiveSmallIntegerField(_("observed level"), choices=Level.choices, validators=LEVEL_VALIDATORS)
    observed_on = models.DateField(_("observed on"))
    notes = models.TextField(_("notes"), blank=True)
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("observer")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["-observed_on", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=3), name="observation_level_1_3"),
        ]

    def __str__(self) -> str:
        return f"{self.officer.full_name}: {self.competency.code} ({self.level}, {self.observed_on:%d/%m/%Y})"

    def clean(self):
        if self.observed_on and self.observed_on > timezone.localdate():
            raise ValidationError({"observed_on": _("The observation date cannot be in the future.")})

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class ObservationComment(models.Model):
    """The observed officer's answer to an observation: acknowledge it or disagree, with a text."""

    class Kind(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("Acknowledge")
        DISAGREE = "disagree", _("Disagree")

    observation = models.ForeignKey(
        Observation, on_delete=models.PROTECT, related_name="comments", verbose_name=_("observation")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("observation comment")
        verbose_name_plural = _("observation comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"
