"""A file built in the background (a Celery task) whose progress a page polls: the shared shape of
certificates.UnitArchive (a ZIP of a unit's certificates) and dashboards.CoverageReport (a PDF report).

Each concrete model adds what it is about (the unit, the day) and its own ``file`` field (its folder); the
states, the progress numbers, the JSON the page polls (``status_payload``, read by static/js/job-progress.js)
and the writes a task makes (``mark_running`` / ``mark_progress`` / ``finish`` / ``mark_failed``, each outside
any long transaction so that the polling page sees them) live here once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FileJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("steps"), default=0)
    done = models.PositiveIntegerField(_("steps done"), default=0)
    failure_message = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        # Rounded, but never 100 % before the file is stored (199 of 200 steps is 99 %).
        return min(99, round(100 * self.done / self.total)) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    @property
    def is_ready(self) -> bool:
        """Built and its file stored (a rerun of the task leaves such a job alone)."""
        return self.status == self.Status.READY and bool(self.file)

    def status_payload(self) -> dict:
        """What the progress page polls (JSON)."""
        return {"status": self.status, "status_label": str(self.get_status_display()), "done": self.done,
                "total": self.total, "percent": self.percent}

    @classmethod
    def mark_running(cls, pk: int, *, total: int) -> None:
        cls.objects.filter(pk=pk).update(status=cls.Status.RUNNING, total=total, done=0, failure_message="")

    @classmethod
    def mark_progress(cls, pk: int, *, done: int) -> None:
        cls.objects.filter(pk=pk).update(done=done)

    @classmethod
    def mark_failed(cls, pk: int, *, error: str) -> None:
        """Show the requester that the file could not be built (instead of a progress bar that never ends)."""
        cls.objects.filter(pk=pk).update(status=cls.Status.FAILED, failure_message=error[:2000],
                                         finished_at=timezone.now())

    def finish(self, *, name: str, content, total: int) -> None:
        """Store the file under `name` (a rerun writes the same name over the first: one file per job) and mark
        the job ready."""
        self.file.save(name, content, save=False)
        self.status = self.Status.READY
        self.done = self.total = total
        self.finished_at = timezone.now()
        self.save(update_fields=["file", "status", "done", "total", "finished_at"])
