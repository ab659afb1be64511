"""The project's own small tables: cache epochs and the tasks that could not be queued (the broker was down)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CacheEpoch(models.Model):
    """A number in the database that cache keys include (lms.cache.epoch): bumped when a cache write was lost
    while Redis was unreachable, so nothing cached before the outage is served after it."""

    name = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("cache epoch")
        verbose_name_plural = _("cache epochs")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


class DeferredTask(models.Model):
    """A background task that could not be sent because the broker (Redis) was unreachable. The sweeper
    (`lms.tasks.deferred_tasks_send`, every minute, and `manage.py send_deferred_tasks`) sends it once the
    broker is back and deletes the row: a task is never silently lost."""

    name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("send attempts"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), auto_now=True)

    class Meta:
        verbose_name = _("deferred task")
        verbose_name_plural = _("deferred tasks")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name}{tuple(self.args)}"
