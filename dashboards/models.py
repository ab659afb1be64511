"""The one record of dashboards/: a printable coverage report of a unit, rendered in the background.

Every number inside it comes from dashboards.coverage (the engine's rows), like the pages; the record only holds
the request, the progress the page polls, and the file.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from certificates.storage import private_storage
from people.models import Unit


class CoverageReport(models.Model):
    """A PDF of a unit's competency coverage on a day, for the periodic review meeting."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    on = models.DateField(_("situation on"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveSmallIntegerField(_("steps"), default=0)
    done = models.PositiveSmallIntegerField(_("steps done"), default=0)
    file = models.FileField(_("PDF file"), storage=private_storage, upload_to="coverage-reports/", blank=True,
                            max_length=255)
    failure_message = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("coverage report")
        verbose_name_plural = _("coverage reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.unit} — {self.on:%d/%m/%Y}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)
