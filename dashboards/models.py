"""The one record of dashboards/: a printable coverage report of a unit, rendered in the background.

Every number inside it comes from dashboards.coverage (the engine's rows), like the pages; the record only holds
the request, the progress the page polls, and the file.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from certificates.storage import private_storage
from lms.jobs import FileJob
from people.models import Unit


class CoverageReport(FileJob):
    """A PDF of a unit's competency coverage on a day, for the periodic review meeting (lms.jobs.FileJob)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    on = models.DateField(_("situation on"))
    file = models.FileField(_("PDF file"), storage=private_storage, upload_to="coverage-reports/", blank=True,
                            max_length=255)

    class Meta(FileJob.Meta):
        verbose_name = _("coverage report")
        verbose_name_plural = _("coverage reports")

    def __str__(self) -> str:
        return f"{self.unit} — {self.on:%d/%m/%Y}"
