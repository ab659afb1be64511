"""The administrative procedures (TTHC) the desk handles and the legal documents under them.

procedures/ sits between people/ and courses/ (people ← procedures ← courses): it may use people (the text
helpers), courses and the apps to its right link to it, never the other way round.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import dates_in_order
from people.text import fold, normalize_text


class Status(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    AMENDED = "amended", _("In force, amended")
    REPEALED = "repealed", _("Repealed or replaced")


class LegalDocument(models.Model):
    """A law, decree, circular or decision (Luật, Nghị định, Thông tư, Quyết định) cited by procedures and
    training. ``replaces``: the documents this one replaced; ``amends``: those it amends (their ``amended_by``)."""

    number = models.CharField(_("number"), max_length=60, unique=True,
                              help_text=_("As written on the document, e.g. 118/2025/NĐ-CP."))
    kind = models.CharField(_("kind"), max_length=30, help_text=_("Luật, Nghị định, Thông tư, Quyết định…"))
    title = models.CharField(_("title"), max_length=500)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    ended_on = models.DateField(_("no longer effective from"), null=True, blank=True)
    replaces = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="replaced_by",
                                      verbose_name=_("replaces"))
    amends = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="amended_by",
                                    verbose_name=_("amends"))
    source = models.CharField(_("source"), max_length=500, blank=True,
                              help_text=_("Where the number and dates were confirmed."))
    is_confirmed = models.BooleanField(_("confirmed"), default=True,
                                       help_text=_("Number and dates checked against a public source."))
    search_text = models.CharField(max_length=700, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        ordering = ["-issued_on", "number"]
        constraints = [dates_in_order(start="effective_on", end="ended_on", name="legaldocument_dates_in_order",
                                      start_optional=True)]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"

    def save(self, *args, **kwargs):
        self.number = normalize_text(self.number)
        self.title = normalize_text(self.title)
        self.search_text = fold(f"{self.kind} {self.number} {self.title}")[:700]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"search_text"}
        super().save(*args, **kwargs)

    @property
    def is_repealed(self) -> bool:
        return self.status == Status.REPEALED


class Procedure(models.Model):
    """One administrative procedure of the national catalogue (mã TTHC on the Cổng Dịch vụ công quốc gia)."""

    class Field(models.TextChoices):
        CIVIL_STATUS = "ho_tich", _("Civil status (hộ tịch)")
        CERTIFICATION = "chung_thuc", _("Certification (chứng thực)")
        RESIDENCE = "cu_tru", _("Residence (cư trú)")
        LAND = "dat_dai", _("Land (đất đai)")
        CONSTRUCTION = "xay_dung", _("Construction (xây dựng)")
        HOUSEHOLD_BUSINESS = "ho_kinh_doanh", _("Household business (hộ kinh doanh)")
        SOCIAL = "lao_dong_xa_hoi", _("Labour, war invalids and social affairs")
        HEALTH_INSURANCE = "bao_hiem", _("Social and health insurance")
        OTHER = "khac", _("Other")

    class Level(models.TextChoices):
        COMMUNE = "xa", _("Commune level (cấp xã)")
        PROVINCE = "tinh", _("Provincial level (cấp tỉnh)")

    class Online(models.TextChoices):
        FULL = "toan_trinh", _("Fully online (toàn trình)")
        PARTIAL = "mot_phan", _("Partly online (một phần)")
        NONE = "khong", _("Not online")

    code = models.CharField(_("national code"), max_length=20, unique=True,
                            help_text=_("The code on the national public-service portal, e.g. 2.000815."))
    name = models.CharField(_("name"), max_length=500)
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    level = models.CharField(_("level of government"), max_length=5, choices=Level.choices, default=Level.COMMUNE)
    processing_days = models.DecimalField(
        _("processing time (working days)"), max_digits=5, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(365)],
        help_text=_("0 = the same day. Empty when the time was not confirmed."))
    processing_note = models.CharField(_("processing time, as published"), max_length=500, blank=True)
    fee = models.CharField(_("fee"), max_length=500, blank=True,
                           help_text=_("As published, e.g. “2.000 đồng/trang; từ trang thứ 3: 1.000 đồng/trang”."))
    fee_amount = models.PositiveIntegerField(_("fee amount (đồng)"), null=True, blank=True,
                                             help_text=_("The basic amount; 0 = free; empty = varies or unknown."))
    online = models.CharField(_("online service"), max_length=12, choices=Online.choices, default=Online.PARTIAL)
    boundary_free = models.BooleanField(_("boundary-free (phi địa giới)"), default=False,
                                        help_text=_("Received at any centre of the province."))
    legal_documents = models.ManyToManyField(LegalDocument, blank=True, related_name="procedures",
                                             verbose_name=_("legal basis"))
    legal_basis = models.CharField(_("legal basis (text)"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    status_since = models.DateField(_("status since"), null=True, blank=True)
    unconfirmed = models.CharField(_("not confirmed"), max_length=500, blank=True,
                                   help_text=_("Which values could not be confirmed from a public source."))
    source = models.CharField(_("source"), max_length=500, blank=True)
    search_text = models.CharField(max_length=600, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["field", "name"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args, **kwargs):
        self.code = normalize_text(self.code)
        self.name = normalize_text(self.name)
        self.search_text = fold(f"{self.code} {self.name}")[:600]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"search_text"}
        super().save(*args, **kwargs)

    @property
    def processing_display(self) -> str:
        from django.utils.translation import gettext

        if self.processing_days is None:
            return self.processing_note or gettext("not confirmed")
        days = self.processing_days.normalize()
        if days == 0:
            return gettext("the same working day")
        return gettext("%(days)s working day(s)") % {"days": format(days, "f").replace(".", ",")}

    @property
    def fee_display(self) -> str:
        from django.utils.translation import gettext

        if self.fee:
            return self.fee
        if self.fee_amount == 0:
            return gettext("free")
        if self.fee_amount:
            return f"{self.fee_amount:,}".replace(",", ".") + " đồng"
        return gettext("not confirmed")


#: The field competency (people/data/competencies.csv) of each field (lĩnh vực) of the starter catalogue: the
#: NV10-xx the roles serving that field at a centre require, so desk readiness can be shown per field
#: (dashboards.coverage.field_readiness). A field without an entry, or whose competency is missing or inactive,
#: has no per-field readiness yet; adding one is a row in competencies.csv plus an entry here.
FIELD_COMPETENCY_CODES: dict[str, str] = {
    Procedure.Field.CIVIL_STATUS: "NV10-HT",
    Procedure.Field.CERTIFICATION: "NV10-CT",
    Procedure.Field.RESIDENCE: "NV10-CU",
    Procedure.Field.HOUSEHOLD_BUSINESS: "NV10-KD",
    Procedure.Field.SOCIAL: "NV10-XH",
}
