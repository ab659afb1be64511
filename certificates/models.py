"""Certificates: templates, the certificates themselves (with snapshots), serial counters and unit archives."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import PreviewableMixin

from courses.models import CoursePage, Enrolment
from lms.jobs import FileJob
from people.models import Officer, Unit, dates_in_order

from .storage import private_storage

COLOUR_VALIDATOR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))
DEFAULT_TITLE = "Giấy chứng nhận hoàn thành khóa bồi dưỡng"
#: The issuer printed when no unit of the template matches: the city's public administrative service centre. The
#: platform ("Học viện Một cửa") is never the issuer; its name is only the small print under the QR code.
DEFAULT_GOVERNING_BODY = "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH"
DEFAULT_ISSUING_BODY = "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"


class CertificateTemplate(PreviewableMixin, ClusterableModel):
    """How a certificate looks and who signs it. Courses choose a template by being listed here."""

    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", _("Landscape (A4)")
        PORTRAIT = "portrait", _("Portrait (A4)")

    name = models.CharField(_("name"), max_length=120, unique=True,
                            help_text=_("For administrators only; not printed."))
    title = models.CharField(_("certificate title"), max_length=200, default=DEFAULT_TITLE)
    governing_body = models.CharField(
        _("governing body"), max_length=200, blank=True, default=DEFAULT_GOVERNING_BODY,
        help_text=_("Printed above the issuing unit, e.g. the People's Committee."),
    )
    issuing_unit = models.CharField(
        _("issuing unit"), max_length=200, default=DEFAULT_ISSUING_BODY,
        help_text=_("The real body that issues the certificate when no unit below matches the officer's unit: "
                    "the city's public administrative service centre."),
    )
    emblem = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("emblem or logo"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    signer_name = models.CharField(_("signer's name"), max_length=120)
    signer_title = models.CharField(_("signer's title"), max_length=200, default="GIÁM ĐỐC")
    signature = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("signature image"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    wording = models.TextField(
        _("wording"), default="Đã hoàn thành chương trình bồi dưỡng",
        help_text=_("Printed between the officer's name and the course title."),
    )
    footer_note = models.CharField(_("footer note"), max_length=255, blank=True)
    primary_colour = models.CharField(_("primary colour"), max_length=7, default="#8b1a1a",
                                      validators=[COLOUR_VALIDATOR])
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#b8860b",
                                     validators=[COLOUR_VALIDATOR])
    orientation = models.CharField(_("orientation"), max_length=10, choices=Orientation.choices,
                                   default=Orientation.LANDSCAPE)
    is_default = models.BooleanField(
        _("default template"), default=False,
        help_text=_("Used for every course that no template lists. Only one template can be the default."),
    )
    courses = ParentalManyToManyField(
        CoursePage, verbose_name=_("courses"), blank=True, related_name="+",
        help_text=_("Courses whose certificates use this template."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        MultiFieldPanel([FieldPanel("governing_body"), FieldPanel("issuing_unit"), FieldPanel("emblem")],
                        heading=_("Issuer")),
        InlinePanel("issuers", heading=_("Issuer per unit"), label=_("Issuer"),
                    help_text=_("The body that issues the certificates of the officers of a unit and the units "
                                "below it (the nearest unit above the officer's wins), with its signer.")),
        MultiFieldPanel([FieldPanel("title"), FieldPanel("wording"), FieldPanel("footer_note")],
                        heading=_("Wording")),
        MultiFieldPanel([FieldPanel("signer_name"), FieldPanel("signer_title"), FieldPanel("signature")],
                        heading=_("Signature")),
        MultiFieldPanel([FieldPanel("primary_colour"), FieldPanel("accent_colour"), FieldPanel("orientation")],
                        heading=_("Appearance")),
        MultiFieldPanel([FieldPanel("is_default"), FieldPanel("courses")], heading=_("Use")),
    ]

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="uniq_default_certificate_template"),
        ]

    def __str__(self) -> str:
        return self.name

    def serve_preview(self, request, mode_name):
        from django.http import HttpResponse

        from .pdf import render_template_preview_pdf

        response = HttpResponse(render_template_preview_pdf(template=self), content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="preview.pdf"'
        return response


class CertificateIssuer(models.Model):
    """Who issues the certificates of one unit's officers under a template: the ward People's Committee or its
    public administrative service centre (or the city centre), with the signer. The issuer of the nearest unit at
    or above the officer's unit is chosen (certificates.selectors.issuer_for); none: the template's own issuer."""

    template = ParentalKey(CertificateTemplate, on_delete=models.CASCADE, related_name="issuers",
                           verbose_name=_("template"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"),
                             help_text=_("Officers of this unit and of the units below it."))
    governing_body = models.CharField(_("governing body"), max_length=200, blank=True,
                                      help_text=_("First header line, e.g. ỦY BAN NHÂN DÂN PHƯỜNG GIA ĐỊNH."))
    issuing_body = models.CharField(_("issuing body"), max_length=200,
                                    help_text=_("Second header line, in bold, e.g. TRUNG TÂM PHỤC VỤ HÀNH CHÍNH "
                                                "CÔNG."))
    signer_title = models.CharField(_("signer's title"), max_length=200, default="GIÁM ĐỐC")
    signer_name = models.CharField(_("signer's name"), max_length=120)
    signature = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("signature image"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    issuing_place = models.CharField(
        _("place of issue"), max_length=120, blank=True,
        help_text=_("Printed in the date line; empty: the place of issue in the certificate settings."),
    )

    panels = [FieldPanel("unit"), FieldPanel("governing_body"), FieldPanel("issuing_body"),
              FieldPanel("signer_title"), FieldPanel("signer_name"), FieldPanel("signature"),
              FieldPanel("issuing_place")]

    class Meta:
        verbose_name = _("issuer")
        verbose_name_plural = _("issuers")
        ordering = ["unit__path"]
        unique_together = [("template", "unit")]

    def __str__(self) -> str:
        return f"{self.issuing_body} ({self.unit})"


@register_setting(icon="doc-full")
class CertificateSettings(BaseGenericSetting):
    """Site-wide certificate rules editable in the admin."""

    renewal_lead_days = models.PositiveSmallIntegerField(
        _("re-enrol this many days before expiry"), default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Officers are enrolled again for renewal this many days before their certificate expires."),
    )
    issuing_place = models.CharField(
        _("place of issue"), max_length=120, default="Thành phố Hồ Chí Minh",
        help_text=_("Printed in the date line: “Thành phố Hồ Chí Minh, ngày 09 tháng 6 năm 2026”."),
    )

    panels = [FieldPanel("renewal_lead_days"), FieldPanel("issuing_place")]

    class Meta:
        verbose_name = _("certificate settings")


class SerialCounter(models.Model):
    """The last serial number used in a year. Locked with SELECT … FOR UPDATE so numbers have no gaps."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("serial counter")
        verbose_name_plural = _("serial counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


def certificate_upload_to(instance, filename):
    # Deterministic: one file per certificate whatever the number of renders.
    return f"certificates/{instance.issued_on.year}/{instance.serial}.pdf"


class Certificate(models.Model):
    """An official record that an officer completed a course; never rewritten, only revoked or superseded."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being issued")
        READY = "ready", _("Issued")
        FAILED = "failed", _("PDF failed")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    class Basis(models.TextChoices):
        COMPLETION = "completion", _("Course completed")
        PRIOR_LEARNING = "prior_learning", _("Recognised prior learning")

    LIVE_STATUSES = (Status.PENDING, Status.READY, Status.FAILED)

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="certificates",
                                verbose_name=_("officer"))
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="+", verbose_name=_("course"))
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("enrolment"))
    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="certificates", verbose_name=_("template"))
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices, default=Basis.COMPLETION)
    serial = models.CharField(_("serial number"), max_length=20, unique=True)
    code = models.CharField(_("verification code"), max_length=64, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING,
                              db_index=True)

    officer_name = models.CharField(_("officer name"), max_length=150)
    officer_code = models.CharField(_("employee code"), max_length=40, blank=True)
    unit_name = models.CharField(_("unit name"), max_length=255)
    course_title = models.CharField(_("course title"), max_length=255)
    competencies = models.JSONField(_("competencies and levels"), default=list, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True,
                                  help_text=_("Last day of validity; empty means it does not expire."))
    issuing_place = models.CharField(_("place of issue"), max_length=120)
    # Who issued it, as printed (snapshots taken at issue from the issuer of the officer's unit, or the template's
    # own issuer; empty on certificates issued before issuers existed: the template's issuer is printed).
    issuer = models.ForeignKey(CertificateIssuer, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="certificates", verbose_name=_("issuer"))
    governing_body = models.CharField(_("governing body"), max_length=200, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)

    pdf = models.FileField(_("PDF file"), storage=private_storage, upload_to=certificate_upload_to, blank=True,
                           max_length=255)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    render_attempts = models.PositiveIntegerField(_("render attempts"), default=0)
    failure_message = models.TextField(_("failure"), blank=True)

    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("issued by"))
    note = models.TextField(_("note"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("revoked by"))
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    superseded_by = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="supersedes", verbose_name=_("superseded by"))
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    renewal_enrolled_at = models.DateTimeField(_("re-enrolled for renewal at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-serial"]
        constraints = [
            # One valid certificate per officer × course × validity period: a renewal must supersede first.
            models.UniqueConstraint(
                fields=["officer", "course"], condition=Q(status__in=["pending", "ready", "failed"]),
                name="uniq_valid_certificate_officer_course",
            ),
            models.UniqueConstraint(fields=["enrolment"], condition=Q(enrolment__isnull=False),
                                    name="uniq_certificate_enrolment"),
            dates_in_order(start="issued_on", end="expires_on", name="certificate_expires_after_issue"),
            models.CheckConstraint(
                condition=~Q(status="revoked") | (Q(revoked_at__isnull=False) & ~Q(revoked_reason="")),
                name="certificate_revoked_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.serial} — {self.officer_name}"

    def is_expired(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.expires_on is not None and self.expires_on < on

    @property
    def has_file(self) -> bool:
        return bool(self.pdf) and self.status != self.Status.PENDING

    def verify_state(self, on: dt.date | None = None) -> str:
        """What the public verify page says: valid, expired, revoked, superseded or pending."""
        if self.status == self.Status.REVOKED:
            return "revoked"
        if self.status == self.Status.SUPERSEDED:
            return "superseded"
        if self.status in (self.Status.PENDING, self.Status.FAILED):
            return "pending"
        return "expired" if self.is_expired(on) else "valid"


class UnitArchive(FileJob):
    """A ZIP of a unit's certificates built in the background; the page polls its progress (lms.jobs.FileJob)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    file = models.FileField(_("ZIP file"), storage=private_storage, upload_to="archives/", blank=True,
                            max_length=255)

    class Meta(FileJob.Meta):
        verbose_name = _("unit certificate archive")
        verbose_name_plural = _("unit certificate archives")

    def __str__(self) -> str:
        return f"{self.unit} ({self.created_at:%d/%m/%Y})"
