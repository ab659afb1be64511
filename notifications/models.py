"""The notification log: one row per (kind, recipient, subject, period), written by the transaction that decides to
send it, so a job run twice — or by two beat instances at once — never notifies anyone twice.

The row is both the in-app notification (title, body, link, read_at) and its e-mail delivery record (address,
status, attempts, error, sent_at): the e-mail is sent after commit by `notifications.tasks.notification_send_task`.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DUE_SOON = "due_soon", _("Training due in 7 days")
    DUE_TODAY = "due_today", _("Training due today")
    OVERDUE = "overdue", _("Overdue training")
    OVERDUE_LEADER = "overdue_leader", _("Overdue training in my unit")
    LAPSING = "lapsing", _("Competency lapsing")
    RETRAINING = "retraining", _("Re-training enrolment")
    MARKING = "marking", _("Essays waiting for marking")
    DIGEST = "digest", _("Weekly leader digest")
    CERTIFICATE_READY = "certificate_ready", _("Certificate ready")
    NEW_COURSE = "new_course", _("New course in the catalogue")
    COURSE_REVIEW = "course_review", _("Decision on a course submitted for review")


#: Kinds a user may mute (no notification, no e-mail). Every other kind is mandatory.
OPTIONAL_KINDS = frozenset({Kind.DIGEST, Kind.MARKING, Kind.NEW_COURSE})


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        NO_ADDRESS = "no_address", _("No e-mail address")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    period = models.CharField(_("period"), max_length=40, blank=True, default="",
                              help_text=_("What makes a repeat of the same kind about the same object new."))
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True, help_text=_("Path on this site."))
    links = models.JSONField(_("further links"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The e-mail delivery.
    email = models.EmailField(_("e-mail address"), blank=True)
    status = models.CharField(_("e-mail status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The job run that inserted the row (tells a run which of its rows it won against a concurrent run).
    batch = models.CharField(max_length=32, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "recipient", "subject_type", "subject_id", "period"],
                                    name="uniq_notification_key"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_optional(self) -> bool:
        return self.kind in OPTIONAL_KINDS

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Mute(models.Model):
    """A user does not want an optional kind (neither in the centre nor by e-mail)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_mutes")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("muted notification kind")
        verbose_name_plural = _("muted notification kinds")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="uniq_notification_mute")]

    def __str__(self) -> str:
        return f"{self.user} — {self.kind}"
