"""Writes of the notification centre: deciding who is told what (the daily and weekly jobs), recording it once,
sending the e-mail after commit, reading and muting.

Exactly once: every job builds its `Candidate`s, then `deliver()` inserts them in one transaction with
`INSERT … ON CONFLICT DO NOTHING` on the unique key (kind, recipient, subject, period), stamped with the run's
batch token. The rows carrying that token are the ones this run won; only they get an e-mail task, queued on
commit. A second run (or a concurrent beat instance) inserts nothing and queues nothing.

Every job reads a fixed number of queries whatever the number of recipients (the competency engine's five, a few
grouped reads, the inserts in batches of 500).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import Attempt, Response
from courses.models import Enrolment
from dashboards import coverage
from people import competency as engine
from people.models import Officer, Unit
from people.roles import TRAINER

from .exceptions import NotificationSendError
from .models import OPTIONAL_KINDS, Kind, Mute, Notification

logger = logging.getLogger(__name__)

#: Days before the due date on which the officer is reminded.
DUE_SOON_DAYS = 7
#: Days after the due date after which the officer's leader is told too.
LEADER_OVERDUE_DAYS = 7
#: Days before "valid until" that open a lapsing window; the smallest window a pair is in is notified, once each.
LAPSING_WINDOWS = (7, 30, 60)
#: Days after its creation during which a re-training enrolment is still announced (a missed run catches up).
RETRAINING_CATCH_UP_DAYS = 7
#: An essay waiting longer than this (days since submission) is reminded to the trainers.
MARKING_WAIT_DAYS = 3
#: Digest: pairs lapsing within this many days are listed.
DIGEST_LAPSING_DAYS = 30
#: Longest list in a message body (the rest is "and N more", with the dashboard link).
LIST_LIMIT = 10
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


# --- Recipients ------------------------------------------------------------------------------------------------


def display_name(user, officer: Officer | None = None) -> str:
    """The recipient's name in Vietnamese order (family name first): the officer's full name, else the account's
    last name (họ, tên đệm) then first name (tên)."""
    if officer is None:
        officer = getattr(user, "_notification_officer", None)
    if officer is not None:
        return officer.full_name
    return f"{user.last_name} {user.first_name}".strip() or user.get_username()


def _officer_address(officer: Officer) -> str:
    return officer.email or officer.user.email


# --- Candidates and delivery -----------------------------------------------------------------------------------


@dataclass
class Candidate:
    """One notification a job wants to send (not yet recorded)."""

    kind: str
    user: object
    name: str
    email: str
    subject: models.Model
    period: str
    title: str
    body: str
    link: str = ""
    links: list[dict] = field(default_factory=list)

    def key(self, content_types: dict) -> tuple:
        return (self.kind, self.user.pk, content_types[type(self.subject)].pk, self.subject.pk, self.period)


@dataclass
class JobResult:
    job: str
    today: dt.date
    candidates: list[Candidate]
    created: int = 0
    already: int = 0
    muted: int = 0
    dry_run: bool = False

    def lines(self) -> list[str]:
        """One line per notification (who would get what), for `--dry-run`."""
        return [f"{c.name} <{c.email or '-'}> · {Kind(c.kind).label} · {c.title}" for c in self.candidates]

    def summary(self) -> str:
        if self.dry_run:
            return _("%(job)s on %(day)s: %(new)s would be sent (%(already)s already sent, %(muted)s muted).") % {
                "job": self.job, "day": date_format(self.today, "d/m/Y"), "new": len(self.candidates),
                "already": self.already, "muted": self.muted}
        return _("%(job)s on %(day)s: %(new)s sent (%(already)s already sent, %(muted)s muted).") % {
            "job": self.job, "day": date_format(self.today, "d/m/Y"), "new": self.created,
            "already": self.already, "muted": self.muted}


def _content_types(candidates: Iterable[Candidate]) -> dict:
    models_used = {type(c.subject) for c in candidates}
    return ContentType.objects.get_for_models(*models_used, for_concrete_models=False) if models_used else {}


def _muted_pairs(kinds: set[str]) -> set[tuple[int, str]]:
    optional = kinds & OPTIONAL_KINDS
    if not optional:
        return set()
    return set(Mute.objects.filter(kind__in=optional).values_list("user_id", "kind"))


def deliver(job: str, today: dt.date, candidates: list[Candidate], *, dry_run: bool = False) -> JobResult:
    """Record the candidates once each and queue their e-mails on commit (see the module docstring)."""
    kinds = {c.kind for c in candidates}
    muted = _muted_pairs(kinds)
    kept = [c for c in candidates if (c.user.pk, c.kind) not in muted]
    result = JobResult(job=job, today=today, candidates=[], muted=len(candidates) - len(kept), dry_run=dry_run)
    if not kept:
        return result
    content_types = _content_types(kept)
    unique: dict[tuple, Candidate] = {}
    for candidate in kept:
        unique.setdefault(candidate.key(content_types), candidate)
    if dry_run:
        type_ids = {ct.pk for ct in content_types.values()}
        existing = set(Notification.objects.filter(kind__in=kinds, subject_type_id__in=type_ids).values_list(
            "kind", "recipient_id", "subject_type_id", "subject_id", "period"))
        result.candidates = [c for k, c in unique.items() if k not in existing]
        result.already = len(unique) - len(result.candidates)
        return result
    batch = uuid.uuid4().hex
    rows = [Notification(kind=c.kind, recipient=c.user, subject_type=content_types[type(c.subject)],
                         subject_id=c.subject.pk, period=c.period, title=c.title[:255], body=c.body, link=c.link,
                         links=c.links, email=c.email,
                         status=Notification.Status.PENDING if c.email else Notification.Status.NO_ADDRESS,
                         batch=batch)
            for c in unique.values()]
    from .tasks import notification_send_task

    with transaction.atomic():
        Notification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        won = list(Notification.objects.filter(batch=batch).values_list("pk", "kind", "recipient_id",
                                                                          "subject_type_id", "subject_id", "period",
                                                                          "status"))
        for pk, *_key, status in won:
            if status == Notification.Status.PENDING:
                notification_send_task.delay_on_commit(pk)
    won_keys = {tuple(row[1:6]) for row in won}
    result.candidates = [c for k, c in unique.items() if k in won_keys]
    result.created = len(won)
    result.already = len(unique) - len(won)
    return result


def notify_one(candidate: Candidate) -> Notification | None:
    """Record one event-driven notification (certificate ready…) in the current transaction; None when it exists
    already or the kind is muted."""
    result = deliver(candidate.kind, timezone.localdate(), [candidate])
    if not result.created:
        return None
    content_type = ContentType.objects.get_for_model(candidate.subject, for_concrete_model=False)
    return Notification.objects.filter(kind=candidate.kind, recipient=candidate.user, subject_type=content_type,
                                       subject_id=candidate.subject.pk, period=candidate.period).first()


# --- E-mail ----------------------------------------------------------------------------------------------------


def site_url(path: str) -> str:
    """An absolute link from `SITE_URL` (paths that are already absolute are kept)."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """(user id, kind) of a valid unsubscribe token for an optional kind, else None."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in OPTIONAL_KINDS or not isinstance(data.get("u"), int):
        return None
    return data["u"], data["k"]


def email_message(notification: Notification) -> EmailMultiAlternatives:
    """The Vietnamese e-mail of a notification: plain text and HTML, absolute links, an unsubscribe link for
    optional kinds."""
    user = notification.recipient
    officer = Officer.objects.filter(user=user).first()
    context = {
        "notification": notification,
        "name": display_name(user, officer),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "link": site_url(notification.link),
        "links": [{"label": item.get("label", ""), "url": site_url(item.get("url", ""))}
                  for item in notification.links or []],
        "centre_url": site_url(reverse("notifications:list")),
        "unsubscribe_url": (site_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(
            user_id=user.pk, kind=notification.kind)])) if notification.is_optional else ""),
    }
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string("notifications/email/message.txt", context)
        html = render_to_string("notifications/email/message.html", context)
    message = EmailMultiAlternatives(subject=" ".join(notification.title.split()), body=text,
                                     from_email=settings.DEFAULT_FROM_EMAIL, to=[notification.email])
    message.attach_alternative(html, "text/html")
    if context["unsubscribe_url"]:
        message.extra_headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
    return message


def notification_send(*, notification_id: int) -> str | None:
    """Send one notification's e-mail unless it was sent already (the row is locked, so two workers never both
    send it). A failure is recorded (status failed, error, attempts) and raised as NotificationSendError for the
    task to retry with backoff."""
    failure = None
    with transaction.atomic():
        notification = (Notification.objects.select_for_update().select_related("recipient")
                        .filter(pk=notification_id).first())
        if notification is None or notification.status in (Notification.Status.SENT,
                                                            Notification.Status.NO_ADDRESS):
            return notification.status if notification else None
        notification.attempts += 1
        try:
            email_message(notification).send()
        except (OSError, smtplib.SMTPException) as exc:
            notification.status = Notification.Status.FAILED
            notification.error = f"{type(exc).__name__}: {exc}"[:2000]
            failure = exc
        else:
            notification.status = Notification.Status.SENT
            notification.sent_at = timezone.now()
            notification.error = ""
        notification.save(update_fields=["attempts", "status", "error", "sent_at"])
    if failure is not None:
        logger.warning("Could not e-mail notification %s to %s", notification_id, notification.email)
        raise NotificationSendError(str(failure)) from failure
    return notification.status


def notification_resend(*, notification: Notification, address: str | None = None) -> None:
    """The admin's "send again": back to pending (optionally with the recipient's current address) and queued."""
    from .tasks import notification_send_task

    fields = {"status": Notification.Status.PENDING, "error": ""}
    if address:
        fields["email"] = address
    elif not notification.email:
        raise ValueError(_("The recipient has no e-mail address."))
    Notification.objects.filter(pk=notification.pk).update(**fields)
    notification_send_task.delay_on_commit(notification.pk)


def notifications_retry_failed(*, max_attempts: int = 10) -> int:
    """Queue the failed e-mails again (beat, every 30 minutes) until they have had `max_attempts` tries."""
    from .tasks import notification_send_task

    ids = list(Notification.objects.filter(status=Notification.Status.FAILED, attempts__lt=max_attempts)
               .values_list("pk", flat=True))
    for pk in ids:
        notification_send_task.delay_on_commit(pk)
    return len(ids)


# --- Reading and muting ----------------------------------------------------------------------------------------


def mark_read(*, user, notification_id: int) -> bool:
    return bool(Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True)
                .update(read_at=timezone.now()))


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def mutes_set(*, user, kinds: Iterable[str]) -> None:
    """Mute exactly `kinds` among the optional ones (mandatory kinds are ignored: they cannot be muted)."""
    wanted = {k for k in kinds if k in OPTIONAL_KINDS}
    Mute.objects.filter(user=user).exclude(kind__in=wanted).delete()
    Mute.objects.bulk_create([Mute(user=user, kind=k) for k in sorted(wanted)], ignore_conflicts=True)


# --- Dates -----------------------------------------------------------------------------------------------------


def _send_days(due: dt.date, before: int) -> dt.date:
    """The day a reminder `before` days ahead of `due` is sent: with NOTIFICATIONS_SKIP_WEEKENDS a Saturday or
    Sunday moves back to the Friday (nobody reads it at the weekend)."""
    day = due - dt.timedelta(days=before)
    if getattr(settings, "NOTIFICATIONS_SKIP_WEEKENDS", False) and day.weekday() >= 5:
        day -= dt.timedelta(days=day.weekday() - 4)
    return day


def _due_dates_reminded_on(today: dt.date, before: int) -> set[dt.date]:
    """Due dates whose reminder `before` days ahead is sent today (several on a Friday when weekends are skipped)."""
    return {due for due in (today + dt.timedelta(days=before + extra) for extra in range(3))
            if _send_days(due, before) == today}


def _day(value: dt.date) -> str:
    return date_format(value, "d/m/Y")


def _more(lines: list[str], total: int) -> list[str]:
    if total > len(lines):
        lines.append(_("… and %(count)s more") % {"count": total - len(lines)})
    return lines


# --- Jobs ------------------------------------------------------------------------------------------------------


def _active_enrolments():
    return (Enrolment.objects.filter(status=Enrolment.Status.ACTIVE, officer__is_active=True,
                                     officer__user__is_active=True)
            .select_related("officer", "officer__user", "officer__unit"))


def job_due(*, today: dt.date, dry_run: bool = False) -> JobResult:
    """Training due in 7 days, and due today (one reminder each per enrolment and due date)."""
    soon, on_day = _due_dates_reminded_on(today, DUE_SOON_DAYS), _due_dates_reminded_on(today, 0)
    candidates = []
    for enrolment in _active_enrolments().filter(due_on__in=soon | on_day).order_by("due_on", "pk"):
        officer = enrolment.officer
        params = {"course": enrolment.course_title, "day": _day(enrolment.due_on)}
        if enrolment.due_on in on_day:
            kind, title = Kind.DUE_TODAY, _("Training due today: %(course)s") % params
            body = _("The course “%(course)s” is due today (%(day)s). Please finish it today.") % params
        else:
            kind, title = Kind.DUE_SOON, _("Training due on %(day)s: %(course)s") % params
            body = _("The course “%(course)s” is due on %(day)s, in %(count)s days.") % {**params,
                                                                                         "count": DUE_SOON_DAYS}
        candidates.append(Candidate(kind=kind, user=officer.user, name=officer.full_name,
                                    email=_officer_address(officer), subject=enrolment,
                                    period=enrolment.due_on.isoformat(), title=title, body=body,
                                    link=reverse("courses:continue", args=[enrolment.pk])))
    return deliver("due", today, candidates, dry_run=dry_run)


def _leaders_by_path() -> list[tuple[str, Officer]]:
    """(led unit path, leader) for every active leader with an account, deepest units first (two queries)."""
    leaders = {o.pk: o for o in Officer.objects.filter(is_active=True, user__is_active=True,
                                                        led_units__isnull=False).select_related("user").distinct()}
    pairs = [(path, leaders[officer_id]) for officer_id, path in
             Officer.led_units.through.objects.filter(officer_id__in=leaders).values_list("officer_id",
                                                                                          "unit__path")]
    pairs.sort(key=lambda p: -len(p[0]))
    return pairs


def _nearest_leaders(path: str, pairs: list[tuple[str, Officer]], exclude: int) -> list[Officer]:
    """The leaders of the deepest led unit containing `path` (not the officer themselves)."""
    found, depth = [], None
    for led_path, leader in pairs:
        if depth is not None and len(led_path) < depth:
            break
        if path.startswith(led_path) and leader.pk != exclude:
            depth = len(led_path)
            found.append(leader)
    return found


def job_overdue(*, today: dt.date, dry_run: bool = False) -> JobResult:
    """Overdue training: the officer the day after the due date; their nearest leader once it is 7 days late."""
    candidates = []
    pairs = _leaders_by_path()
    late = today - dt.timedelta(days=LEADER_OVERDUE_DAYS)
    for enrolment in _active_enrolments().filter(due_on__lt=today).order_by("due_on", "pk"):
        officer = enrolment.officer
        params = {"course": enrolment.course_title, "day": _day(enrolment.due_on), "name": officer.full_name,
                  "days": (today - enrolment.due_on).days}
        candidates.append(Candidate(
            kind=Kind.OVERDUE, user=officer.user, name=officer.full_name, email=_officer_address(officer),
            subject=enrolment, period=enrolment.due_on.isoformat(),
            title=_("Overdue training: %(course)s") % params,
            body=_("The course “%(course)s” was due on %(day)s. Please finish it as soon as possible.") % params,
            link=reverse("courses:continue", args=[enrolment.pk])))
        if enrolment.due_on > late:
            continue
        for leader in _nearest_leaders(officer.unit.path, pairs, exclude=officer.pk):
            candidates.append(Candidate(
                kind=Kind.OVERDUE_LEADER, user=leader.user, name=leader.full_name, email=_officer_address(leader),
                subject=enrolment, period=enrolment.due_on.isoformat(),
                title=_("%(name)s is %(days)s days late: %(course)s") % params,
                body=_("%(name)s (%(unit)s) has not finished the course “%(course)s”, due on %(day)s.")
                % {**params, "unit": officer.unit.name},
                link=reverse("dashboards:coverage-overdue", args=[officer.unit_id])))
    return deliver("overdue", today, candidates, dry_run=dry_run)


def lapsing_window(valid_until: dt.date, today: dt.date) -> int | None:
    """The smallest lapsing window (7, 30, 60 days) `valid_until` is in on `today`, or None."""
    days_left = (valid_until - today).days
    if days_left < 0:
        return None
    return next((w for w in LAPSING_WINDOWS if days_left <= w), None)


def job_lapsing(*, today: dt.date, dry_run: bool = False) -> JobResult:
    """Evidence or certificates lapsing in 60, 30 and 7 days, from the competency engine's "valid until" (so a
    requirement's validity — a legal change — counts): one notification per pair, window and end date."""
    lapsing = [(row, window) for row in engine.all_rows(today) if row.is_met and row.valid_until is not None
               for window in [lapsing_window(row.valid_until, today)] if window is not None]
    officers = _officers_with_users(row.officer.pk for row, _window in lapsing)  # their accounts, one query
    engine.with_bounds(row for row, _window in lapsing)  # a legal change's reason, one query for all
    candidates = []
    for row, window in lapsing:
        officer = officers[row.officer.pk]
        if not officer.user.is_active:
            continue
        params = {"competency": row.competency.name_vi, "day": _day(row.valid_until),
                  "days": (row.valid_until - today).days}
        if row.bound is not None:
            params["number"] = row.bound.reason
            body = _("Your competency “%(competency)s” is valid only until %(day)s (%(days)s days left) because "
                     "of %(number)s. Retrain under %(number)s before %(day)s to stay on the desk.") % params
        else:
            body = _("Your competency “%(competency)s” is valid until %(day)s (%(days)s days left). "
                     "Renew it before then to stay on the desk.") % params
        candidates.append(Candidate(
            kind=Kind.LAPSING, user=officer.user, name=officer.full_name, email=_officer_address(officer),
            subject=row.competency, period=f"{row.valid_until.isoformat()}/{window}",
            title=_("Competency lapsing on %(day)s: %(competency)s") % params,
            body=body, link=reverse("dashboards:my-competencies")))
    return deliver("lapsing", today, candidates, dry_run=dry_run)


def _officers_with_users(ids: Iterable[int]) -> dict[int, Officer]:
    return {o.pk: o for o in Officer.objects.filter(pk__in=set(ids)).select_related("user")}


def job_retraining(*, today: dt.date, dry_run: bool = False) -> JobResult:
    """Re-training (renewal) enrolments created in the last 7 days: the officer is told once each."""
    since = dt.datetime.combine(today - dt.timedelta(days=RETRAINING_CATCH_UP_DAYS), dt.time.min,
                                tzinfo=timezone.get_current_timezone())
    candidates = []
    for enrolment in _active_enrolments().filter(reason=Enrolment.Reason.RENEWAL, created_at__gte=since).order_by(
            "pk"):
        officer = enrolment.officer
        params = {"course": enrolment.course_title,
                  "day": _day(enrolment.due_on) if enrolment.due_on else _("no due date")}
        candidates.append(Candidate(
            kind=Kind.RETRAINING, user=officer.user, name=officer.full_name, email=_officer_address(officer),
            subject=enrolment, period="",
            title=_("Re-training required: %(course)s") % params,
            body=_("You have been enrolled in “%(course)s” to renew your competency (due %(day)s).") % params,
            link=reverse("courses:continue", args=[enrolment.pk])))
    return deliver("retraining", today, candidates, dry_run=dry_run)


def job_marking(*, today: dt.date, dry_run: bool = False) -> JobResult:
    """Submitted attempts whose essays have waited over 3 days: every trainer is told once per attempt."""
    before = dt.datetime.combine(today - dt.timedelta(days=MARKING_WAIT_DAYS), dt.time.min,
                                 tzinfo=timezone.get_current_timezone())
    waiting = list(Attempt.objects.filter(
        pk__in=Response.objects.filter(needs_marking=True).values("attempt_id"),
        submitted_at__lt=before).exclude(status=Attempt.Status.IN_PROGRESS)
        .select_related("officer").order_by("submitted_at", "pk"))
    if not waiting:
        return deliver("marking", today, [], dry_run=dry_run)
    trainers = list(get_user_model().objects.filter(groups__name=TRAINER, is_active=True).distinct()
                    .order_by("pk"))
    link = reverse("assessments_marking:queue")
    candidates = []
    for attempt in waiting:
        params = {"name": attempt.officer.full_name, "quiz": attempt.quiz_title,
                  "day": _day(timezone.localtime(attempt.submitted_at).date())}
        for trainer in trainers:
            candidates.append(Candidate(
                kind=Kind.MARKING, user=trainer, name=display_name(trainer), email=trainer.email,
                subject=attempt, period="", title=_("Essays waiting for marking: %(quiz)s") % params,
                body=_("%(name)s submitted “%(quiz)s” on %(day)s; their essay answers are still waiting for "
                       "marking.") % params, link=link))
    return deliver("marking", today, candidates, dry_run=dry_run)


# --- Weekly leader digest --------------------------------------------------------------------------------------


@dataclass
class Digest:
    """The numbers of one led unit's digest (the same rows and rules as the coverage dashboard)."""

    unit: Unit
    counts: coverage.Counts
    previous: coverage.Counts
    new_gaps: list
    red_cells: list
    overdue: list
    lapsing: list

    @property
    def change(self) -> float | None:
        if self.counts.percent is None or self.previous.percent is None:
            return None
        return round(self.counts.percent - self.previous.percent, 1)


def _rows_by_path(rows) -> dict[str, list]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.officer.unit.path].append(row)
    return grouped


def _subtree(grouped: dict[str, list], path: str) -> list:
    return [row for unit_path, rows in grouped.items() if unit_path.startswith(path) for row in rows]


def digests_for(units: list[Unit], today: dt.date) -> dict[int, Digest]:
    """Digest numbers of several units at once: the engine's rows of everyone today and a week ago (ten queries),
    the centres and the overdue enrolments (one query each), then one pass per unit in Python."""
    if not units:
        return {}
    now_rows, then_rows = _rows_by_path(engine.all_rows(today)), _rows_by_path(engine.all_rows(
        today - dt.timedelta(days=7)))
    centres = list(Unit.objects.filter(kind=Unit.Kind.SERVICE_CENTRE, is_active=True).order_by("path"))
    overdue = defaultdict(list)
    everything = Unit(path="")  # the whole tree: overdue_enrolments_qs filters on the path prefix
    for enrolment in (coverage.overdue_enrolments_qs(unit=everything, on=today)
                      .select_related("officer", "officer__unit").order_by("due_on", "officer__sort_name", "pk")):
        overdue[enrolment.officer.unit.path].append(enrolment)
    digests = {}
    for unit in units:
        rows, before = _subtree(now_rows, unit.path), _subtree(then_rows, unit.path)
        counts, previous = coverage.Counts(), coverage.Counts()
        for row in rows:
            counts.add(row.status)
        met_before = set()
        for row in before:
            previous.add(row.status)
            if row.is_met:
                met_before.add((row.officer.pk, row.competency.pk))
        required_before = {(r.officer.pk, r.competency.pk) for r in before}
        new_gaps = [r for r in rows if not r.is_met and ((r.officer.pk, r.competency.pk) in met_before
                                                         or (r.officer.pk, r.competency.pk) not in required_before)]
        new_gaps.sort(key=lambda r: (r.officer.sort_name, r.competency.code))
        own_centres = [c for c in centres if c.path.startswith(unit.path)] or [unit]
        desks = coverage.desk_readiness(rows, unit, centres=own_centres)
        red = [(desk.unit, cell) for desk in desks for cell in desk.cells if cell.tone == "danger"]
        digests[unit.pk] = Digest(
            unit=unit, counts=counts, previous=previous, new_gaps=new_gaps, red_cells=red,
            overdue=[e for path, items in overdue.items() if path.startswith(unit.path) for e in items],
            lapsing=coverage.expiring_rows(rows, on=today, days=DIGEST_LAPSING_DAYS))
    return digests


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + " %"


def digest_body(digest: Digest, today: dt.date) -> str:
    change = digest.change
    lines = [_("Met share: %(share)s (a week ago: %(before)s; change: %(change)s).") % {
        "share": _percent(digest.counts.percent), "before": _percent(digest.previous.percent),
        "change": "—" if change is None else (f"{change:+.1f}".replace(".", ",") + " điểm")}]
    sections = [
        (ngettext("%(count)s new gap since last week:", "%(count)s new gaps since last week:", len(digest.new_gaps)),
         digest.new_gaps, lambda r: f"{r.officer.full_name} — {r.competency.code} {r.competency.name_vi}"),
        (ngettext("%(count)s desk short of ready officers:", "%(count)s desks short of ready officers:",
                  len(digest.red_cells)),
         digest.red_cells, lambda p: _("%(centre)s — %(competency)s: %(ready)s ready") % {
             "centre": p[0].name, "competency": p[1].competency.name_vi, "ready": p[1].count}),
        (ngettext("%(count)s overdue enrolment:", "%(count)s overdue enrolments:", len(digest.overdue)),
         digest.overdue, lambda e: _("%(name)s — %(course)s (due %(day)s)") % {
             "name": e.officer.full_name, "course": e.course_title, "day": _day(e.due_on)}),
        (ngettext("%(count)s competency lapsing within 30 days:", "%(count)s competencies lapsing within 30 days:",
                  len(digest.lapsing)),
         digest.lapsing, lambda r: _("%(name)s — %(competency)s (valid until %(day)s)") % {
             "name": r.officer.full_name, "competency": r.competency.name_vi, "day": _day(r.valid_until)}),
    ]
    for heading, items, line in sections:
        lines.append("")
        lines.append(heading % {"count": len(items)})
        lines.extend(_more([f"• {line(item)}" for item in items[:LIST_LIMIT]], len(items)))
    return "\n".join(lines)


def iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def job_digest(*, today: dt.date, dry_run: bool = False) -> JobResult:
    """Monday's leader digest: one per leader and led unit per ISO week."""
    pairs = _leaders_by_path()
    unit_paths = {path for path, _leader in pairs}
    units = {u.path: u for u in Unit.objects.filter(path__in=unit_paths, is_active=True)}
    digests = digests_for(list(units.values()), today)
    candidates = []
    for path, leader in sorted(pairs, key=lambda p: (p[1].sort_name, p[0])):
        unit = units.get(path)
        if unit is None:
            continue
        digest = digests[unit.pk]
        candidates.append(Candidate(
            kind=Kind.DIGEST, user=leader.user, name=leader.full_name, email=_officer_address(leader),
            subject=unit, period=iso_week(today),
            title=_("Weekly digest for %(unit)s: %(share)s met") % {"unit": unit.name,
                                                                    "share": _percent(digest.counts.percent)},
            body=digest_body(digest, today),
            link=reverse("dashboards:coverage-unit", args=[unit.pk]),
            links=[{"label": _("Desk readiness"), "url": reverse("dashboards:coverage-desks", args=[unit.pk])},
                   {"label": _("Overdue training"), "url": reverse("dashboards:coverage-overdue", args=[unit.pk])},
                   {"label": _("Lapsing soon"), "url": reverse("dashboards:coverage-expiring", args=[unit.pk])}]))
    return deliver("digest", today, candidates, dry_run=dry_run)


#: The scheduled jobs by name (management commands, tasks and the bench use this).
JOBS: dict[str, Callable[..., JobResult]] = {
    "due": job_due, "overdue": job_overdue, "lapsing": job_lapsing, "retraining": job_retraining,
    "marking": job_marking, "digest": job_digest,
}
DAILY_JOBS = ("due", "overdue", "lapsing", "retraining", "marking")


def run_job(name: str, *, today: dt.date | None = None, dry_run: bool = False) -> JobResult:
    """Run one job in Vietnamese (the stored titles and bodies are the recipients' language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return JOBS[name](today=today or timezone.localdate(), dry_run=dry_run)


# --- Event-driven ----------------------------------------------------------------------------------------------


def new_course(*, course_id: int) -> JobResult | None:
    """A course was published for the first time: every active officer is told once (optional kind). Runs in a
    task after the publication's commit; a later publication of the same course sends nothing (the log's key,
    and a first check that skips the whole insert)."""
    from courses.models import CoursePage

    course = CoursePage.objects.live().filter(pk=course_id, is_legacy=False).first()
    if course is None:
        return None
    content_type = ContentType.objects.get_for_model(CoursePage, for_concrete_model=False)
    if Notification.objects.filter(kind=Kind.NEW_COURSE, subject_type=content_type, subject_id=course.pk).exists():
        return None
    link = course.get_url() or ""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("New course in the catalogue: %(course)s") % {"course": course.title}
        body = course.summary or _("A new course is open for enrolment in the catalogue.")
        candidates = [Candidate(kind=Kind.NEW_COURSE, user=o.user, name=o.full_name, email=_officer_address(o),
                                subject=course, period="", title=title, body=body, link=link)
                      for o in Officer.objects.filter(is_active=True, user__is_active=True).select_related("user")]
        return deliver("new_course", timezone.localdate(), candidates)



def certificate_ready(*, certificate) -> Notification | None:
    """The certificate's PDF is stored: tell its officer once (in the centre and by e-mail), with the download
    link and the public verify link (this replaces the certificates app's own "ready" e-mail)."""
    from certificates.pdf import verify_url

    officer = Officer.objects.select_related("user").get(pk=certificate.officer_id)
    with translation.override(settings.LANGUAGE_CODE):
        params = {"course": certificate.course_title, "serial": certificate.serial}
        body = _("Your certificate for the course “%(course)s” has been issued (No. %(serial)s).") % params
        if certificate.expires_on:
            body += " " + _("It is valid until %(day)s.") % {"day": _day(certificate.expires_on)}
        body += "\n" + _("Anyone can check it with the QR code printed on it, or with the verify link below.")
        candidate = Candidate(
            kind=Kind.CERTIFICATE_READY, user=officer.user, name=officer.full_name, email=_officer_address(officer),
            subject=certificate, period="", title=_("Certificate %(serial)s is ready: %(course)s") % params,
            body=body, link=reverse("certificates:download", args=[certificate.pk]),
            links=[{"label": _("My certificates"), "url": reverse("certificates:mine")},
                   {"label": _("Verify the certificate"), "url": verify_url(certificate.code)}])
        return notify_one(candidate)


def course_review_decided(*, review) -> Notification | None:
    """A lead trainer approved or returned a whole-course review: tell its author once per decision (in the
    centre and by e-mail), with the reviewer's comment and the link to the review."""
    from courses.models import CourseReview

    author = review.submitted_by
    reviewer = review.decided_by
    with translation.override(settings.LANGUAGE_CODE):
        params = {"course": review.course_title, "reviewer": display_name(reviewer) if reviewer else ""}
        if review.status == CourseReview.Status.APPROVED:
            title = _("Course approved and published: %(course)s") % params
            body = _("%(reviewer)s approved the course “%(course)s”: every page you submitted is now "
                     "published.") % params
        elif review.status == CourseReview.Status.REJECTED:
            title = _("Course returned for changes: %(course)s") % params
            body = _("%(reviewer)s returned the course “%(course)s” without publishing it. Your drafts are "
                     "kept: change them and submit the course again.") % params
        else:
            return None
        if review.comment:
            body += "\n" + _("Comment: %(comment)s") % {"comment": review.comment}
        candidate = Candidate(
            kind=Kind.COURSE_REVIEW, user=author, name=display_name(author), email=author.email, subject=review,
            period=review.status, title=title, body=body,
            link=reverse("course_reviews:detail", args=[review.pk]),
            links=[{"label": _("Edit the course"), "url": reverse("wagtailadmin_pages:edit", args=[review.course_id])}])
        return notify_one(candidate)
