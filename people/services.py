"""Every write to people/ goes through these services."""

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.tasks import send_on_commit

from . import signals
from .competency import bump_data_version
from .models import Attainment, Competency, DeskRole, Officer, RoleAssignment, RoleRequirement, Unit
from .roles import OFFICER
from .text import normalize_text

User = get_user_model()


def _notify_assignments(officer_ids):
    ids = sorted({int(i) for i in officer_ids})
    if ids:
        send_on_commit(signals.role_assignments_changed, sender=RoleAssignment, officer_ids=ids)


def _notify_requirements(role_ids):
    ids = sorted({int(i) for i in role_ids})
    if ids:
        send_on_commit(signals.role_requirements_changed, sender=RoleRequirement, role_ids=ids)


@transaction.atomic
def unit_save(*, unit: Unit) -> Unit:
    """Save a unit and re-derive the tree path of its whole subtree when it moved or its code changed."""
    old_path = None
    if unit.pk:
        old_path = Unit.objects.filter(pk=unit.pk).values_list("path", flat=True).first()
    unit.full_clean()
    unit.save()
    if old_path and old_path != unit.path:
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("depth"):
            child.save(update_fields=[])
    return unit


def unit_create(*, code: str, name: str, kind: str, parent: Unit | None = None, note: str = "") -> Unit:
    """Create a unit under a parent (or as a root)."""
    return unit_save(unit=Unit(code=code, name=name, kind=kind, parent=parent, note=note))


def _username_for(employee_code: str) -> str:
    return normalize_text(employee_code).lower()


@transaction.atomic
def officer_upsert(
    *,
    employee_code: str,
    full_name: str,
    unit: Unit,
    email: str = "",
    phone: str = "",
    password: str | None = None,
    notify: bool = True,
    is_active: bool | None = None,
) -> tuple[Officer, bool]:
    """Create or update an officer by employee code, with a login whose username is the code (lower case).

    A new account gets an unusable password unless one is given: the officer sets it by password reset.
    """
    code = normalize_text(employee_code).upper()
    officer = Officer.objects.select_related("user").filter(employee_code=code).first()
    created = officer is None
    if created:
        user = User(username=_username_for(code), email=normalize_text(email).lower())
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get_or_create(name=OFFICER)[0])
        officer = Officer(user=user, employee_code=code)
    officer.full_name = full_name
    officer.unit = unit
    officer.email = email
    officer.phone = phone
    if is_active is not None:
        officer.is_active = is_active
    officer.full_clean()
    officer.save()
    user = officer.user
    parts = officer.full_name.rsplit(" ", 1)
    user.first_name = parts[-1][:150]
    user.last_name = (parts[0] if len(parts) > 1 else "")[:150]
    user.email = officer.email
    if password and not created:
        user.set_password(password)
    user.save()
    return officer, created


@transaction.atomic
def role_assignment_upsert(
    *, officer: Officer, role: DeskRole, unit: Unit, start_date: dt.date, end_date: dt.date | None = None
) -> tuple[RoleAssignment, bool]:
    """Assign a desk role (idempotent on officer × role × unit × start date; the end date is updated)."""
    assignment, created = RoleAssignment.objects.get_or_create(
        officer=officer, role=role, unit=unit, start_date=start_date, defaults={"end_date": end_date}
    )
    if not created and assignment.end_date != end_date:
        assignment.end_date = end_date
        assignment.full_clean()
        assignment.save(update_fields=["end_date"])
    elif created:
        assignment.full_clean()
    _notify_assignments([officer.pk])
    return assignment, created


@transaction.atomic
def role_assignment_end(*, assignment: RoleAssignment, end_date: dt.date | None = None) -> RoleAssignment:
    """End a role assignment. History (enrolments, progress, certificates) is never deleted."""
    assignment.end_date = end_date or timezone.localdate()
    assignment.full_clean()
    assignment.save(update_fields=["end_date"])
    _notify_assignments([assignment.officer_id])
    return assignment


@transaction.atomic
def officer_create(
    *, employee_code: str, full_name: str, unit: Unit, email: str = "", phone: str = "", is_active: bool = True,
    led_units: Iterable[Unit] = (),
) -> Officer:
    """An officer entered by an administrator: the officer and its login (officer_upsert), whether it is active,
    the units it leads and with them the Leader group, in one transaction."""
    officer, _created = officer_upsert(employee_code=employee_code, full_name=full_name, unit=unit, email=email,
                                       phone=phone, is_active=is_active)
    officer.led_units.set(led_units)
    officer_leadership_sync(officer=officer)
    return officer


@transaction.atomic
def officer_update(*, officer: Officer, led_units: Iterable[Unit] | None = None) -> Officer:
    """Save an edited officer once, keep the login's name and e-mail in step with it and, when given, set the
    units it leads (and with them the Leader group)."""
    officer.full_clean()
    officer.save()
    _user_sync(officer=officer)
    if led_units is not None:
        officer.led_units.set(led_units)
        officer_leadership_sync(officer=officer)
    return officer


def officer_leadership_sync(*, officer: Officer) -> None:
    """Officers who lead a unit are in the Leader group; without led units they leave it.

    Scope comes from led_units, the group gives the leader screens: keeping both in step means an
    administrator only has to tick the units in the officer's form.
    """
    from .roles import LEADER

    group = Group.objects.get_or_create(name=LEADER)[0]
    if officer.led_units.exists():
        officer.user.groups.add(group)
    else:
        officer.user.groups.remove(group)
    officer.user.__dict__.pop("_group_names_cache", None)


def _user_sync(*, officer: Officer) -> None:
    user = officer.user
    parts = officer.full_name.rsplit(" ", 1)
    user.first_name = parts[-1][:150]
    user.last_name = (parts[0] if len(parts) > 1 else "")[:150]
    user.email = officer.email
    user.save(update_fields=["first_name", "last_name", "email"])


@dataclass(frozen=True)
class OfficerRecord:
    """One officer as an import file describes it (already validated)."""

    employee_code: str
    full_name: str
    unit: Unit
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class AssignmentRecord:
    """One role assignment as an import file describes it (already validated)."""

    employee_code: str
    role: DeskRole
    unit: Unit
    start_date: dt.date
    end_date: dt.date | None = None


@dataclass
class BulkUpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


_CHUNK = 500


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _name_parts(full_name: str) -> tuple[str, str]:
    parts = full_name.rsplit(" ", 1)
    return parts[-1][:150], (parts[0] if len(parts) > 1 else "")[:150]


def _officers_by_code(codes: Sequence[str]) -> dict[str, Officer]:
    existing: dict[str, Officer] = {}
    for chunk in _chunks(codes):
        for officer in Officer.objects.filter(employee_code__in=chunk).select_related("user"):
            existing[officer.employee_code] = officer
    return existing


def _logins_to_link(new_codes: Sequence[str]) -> dict[str, object]:
    """Logins already named after a new code: linked when free, refused when another officer holds them."""
    users_by_name: dict[str, object] = {}
    for chunk in _chunks([_username_for(c) for c in new_codes]):
        for user in User.objects.filter(username__in=chunk).select_related("officer"):
            if hasattr(user, "officer"):
                raise ValidationError(
                    _("The login %(username)s already belongs to officer %(code)s.")
                    % {"username": user.username, "code": user.officer.employee_code}
                )
            users_by_name[user.username] = user
    return users_by_name


def _logins_create(*, new_codes: Sequence[str], by_code: dict[str, OfficerRecord],
                   users_by_name: dict[str, object]) -> list:
    """Create the missing logins (unusable password, Officer group) and name the linked ones; fills
    users_by_name and returns the linked logins that need saving."""
    new_users, linked_users = [], []
    for code in new_codes:
        username, record = _username_for(code), by_code[code]
        first, last = _name_parts(normalize_text(record.full_name))
        email = normalize_text(record.email).lower()
        if username in users_by_name:
            user = users_by_name[username]
            user.first_name, user.last_name, user.email = first, last, email
            linked_users.append(user)
            continue
        user = User(username=username, email=email, first_name=first, last_name=last)
        user.set_unusable_password()
        new_users.append(user)
    User.objects.bulk_create(new_users, batch_size=_CHUNK)
    if any(u.pk is None for u in new_users):  # backends without RETURNING: read the keys back
        for chunk in _chunks([u.username for u in new_users]):
            users_by_name.update(User.objects.in_bulk(chunk, field_name="username"))
    else:
        users_by_name.update({u.username: u for u in new_users})
    officer_group = Group.objects.get_or_create(name=OFFICER)[0]
    membership = User.groups.through
    membership.objects.bulk_create(
        [membership(user_id=users_by_name[_username_for(c)].pk, group_id=officer_group.pk) for c in new_codes],
        batch_size=_CHUNK, ignore_conflicts=True,
    )
    return linked_users


_BULK_EXCLUDE = ["user", "unit", "led_units"]


def _officers_create(*, new_codes: Sequence[str], by_code: dict[str, OfficerRecord],
                     users_by_name: dict[str, object]) -> list[Officer]:
    new_officers = []
    for code in new_codes:
        record = by_code[code]
        officer = Officer(user=users_by_name[_username_for(code)], employee_code=code, full_name=record.full_name,
                          unit=record.unit, email=record.email, phone=record.phone)
        officer.full_clean(exclude=_BULK_EXCLUDE, validate_unique=False, validate_constraints=False)
        officer.set_derived_names()
        new_officers.append(officer)
    Officer.objects.bulk_create(new_officers, batch_size=_CHUNK)
    bump_data_version()  # bulk writes send no post_save
    return new_officers


def _officers_update(*, existing: dict[str, Officer], by_code: dict[str, OfficerRecord],
                     linked_users: list, result: BulkUpsertResult) -> None:
    """Update the officers whose name, unit, e-mail or phone changed, and their logins."""
    changed_officers, changed_users = [], []
    now = timezone.now()
    for code, officer in existing.items():
        record = by_code[code]
        before = (officer.full_name, officer.unit_id, officer.email, officer.phone)
        officer.full_name, officer.unit, officer.email, officer.phone = (
            record.full_name, record.unit, record.email, record.phone)
        officer.full_clean(exclude=_BULK_EXCLUDE, validate_unique=False, validate_constraints=False)
        officer.set_derived_names()
        if (officer.full_name, officer.unit_id, officer.email, officer.phone) == before:
            result.unchanged += 1
            continue
        officer.updated_at = now
        changed_officers.append(officer)
        user = officer.user
        user.first_name, user.last_name = _name_parts(officer.full_name)
        user.email = officer.email
        changed_users.append(user)
    Officer.objects.bulk_update(
        changed_officers, ["full_name", "sort_name", "search_name", "unit", "email", "phone", "updated_at"],
        batch_size=_CHUNK,
    )
    bump_data_version()
    User.objects.bulk_update([*changed_users, *linked_users], ["first_name", "last_name", "email"],
                             batch_size=_CHUNK)
    result.updated = len(changed_officers)


@transaction.atomic
def officer_bulk_upsert(*, records: Sequence[OfficerRecord]) -> tuple[dict[str, Officer], BulkUpsertResult]:
    """Create or update many officers by employee code in a few bulk queries (the import's fast path).

    Same outcome as calling officer_upsert() per record: new officers get a login named after the code with
    an unusable password and the Officer group; an existing login with that username and no officer is
    linked. Relations were checked by the caller, so full_clean() skips the per-row database lookups.
    """
    result = BulkUpsertResult()
    by_code = {normalize_text(record.employee_code).upper(): record for record in records}
    existing = _officers_by_code(list(by_code))
    new_codes = [c for c in by_code if c not in existing]
    users_by_name = _logins_to_link(new_codes)
    linked_users = _logins_create(new_codes=new_codes, by_code=by_code, users_by_name=users_by_name)
    new_officers = _officers_create(new_codes=new_codes, by_code=by_code, users_by_name=users_by_name)
    result.created = len(new_officers)
    _officers_update(existing=existing, by_code=by_code, linked_users=linked_users, result=result)
    if any(o.pk is None for o in new_officers):
        for chunk in _chunks(new_codes):
            existing.update(Officer.objects.in_bulk(chunk, field_name="employee_code"))
    else:
        existing.update({o.employee_code: o for o in new_officers})
    return existing, result


@transaction.atomic
def role_assignment_bulk_upsert(
    *, records: Sequence[AssignmentRecord], officers: dict[str, Officer], notify: bool = True
) -> BulkUpsertResult:
    """Create or update many role assignments (idempotent on officer × role × unit × start date).

    Sends ONE role_assignments_changed notification for every officer in the records, after commit, so that
    courses enrols a whole import in one pass instead of once per row (``notify=False`` leaves it to a caller
    that writes in several batches and then calls role_assignments_changed_notify once).
    """
    result = BulkUpsertResult()
    wanted: dict[tuple, AssignmentRecord] = {}
    for record in records:
        officer = officers[normalize_text(record.employee_code).upper()]
        wanted[(officer.pk, record.role.pk, record.unit.pk, record.start_date)] = record
    officer_ids = sorted({key[0] for key in wanted})
    existing: dict[tuple, RoleAssignment] = {}
    for chunk in _chunks(officer_ids):
        for assignment in RoleAssignment.objects.filter(officer_id__in=chunk).only(
            "id", "officer_id", "role_id", "unit_id", "start_date", "end_date"
        ):
            existing[(assignment.officer_id, assignment.role_id, assignment.unit_id, assignment.start_date)] = assignment
    to_create, to_update = [], []
    exclude = ["officer", "role", "unit"]
    for key, record in wanted.items():
        current = existing.get(key)
        if current is None:
            assignment = RoleAssignment(officer_id=key[0], role=record.role, unit=record.unit,
                                        start_date=record.start_date, end_date=record.end_date)
            assignment.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
            to_create.append(assignment)
        elif current.end_date != record.end_date:
            current.end_date = record.end_date
            current.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
            to_update.append(current)
        else:
            result.unchanged += 1
    RoleAssignment.objects.bulk_create(to_create, batch_size=_CHUNK)
    RoleAssignment.objects.bulk_update(to_update, ["end_date"], batch_size=_CHUNK)
    bump_data_version()
    result.created, result.updated = len(to_create), len(to_update)
    if notify:
        _notify_assignments(officer_ids)
    return result


def role_assignments_changed_notify(*, officer_ids) -> None:
    """Tell listening apps (courses) that these officers' roles changed, once the transaction commits."""
    _notify_assignments(officer_ids)


@transaction.atomic
def role_requirement_set(
    *, role: DeskRole, competency: Competency, level: int, validity_months: int = 24
) -> RoleRequirement:
    """Require a competency at a level for a role; officers holding the role get enrolled accordingly."""
    requirement, _created = RoleRequirement.objects.get_or_create(
        role=role, competency=competency, defaults={"level": level, "validity_months": validity_months}
    )
    requirement.level = level
    requirement.validity_months = validity_months
    requirement.full_clean(validate_constraints=False)
    requirement.save()
    _notify_requirements([role.pk])
    return requirement


@dataclass(frozen=True)
class RequirementImpact:
    """What saving a role requirement means now: officers currently holding the role, and how many of them
    would not meet the requirement (chưa đạt or hết hạn) — read by the competency engine."""

    holders: int
    lacking: int


class _RequirementRollback(Exception):
    def __init__(self, impact: RequirementImpact):
        self.impact = impact


def role_requirement_impact(*, role: DeskRole, competency: Competency, level: int, validity_months: int,
                            requirement_pk: int | None = None, on: dt.date | None = None) -> RequirementImpact:
    """The impact preview of a new or changed RoleRequirement: the requirement is saved inside a savepoint, the
    holders' rows are read through people.competency, and everything is rolled back (nothing is notified)."""
    from .competency import MET_STATUSES, rows_for_officers

    on = on or timezone.localdate()
    try:
        with transaction.atomic():
            requirement = (RoleRequirement.objects.filter(pk=requirement_pk).first() if requirement_pk else None)
            requirement = RoleRequirement.objects.filter(role=role, competency=competency).exclude(
                pk=requirement_pk).first() or requirement or RoleRequirement(role=role, competency=competency)
            requirement.role, requirement.competency = role, competency
            requirement.level, requirement.validity_months = level, validity_months
            requirement.save()
            holders = Officer.objects.filter(
                is_active=True, pk__in=RoleAssignment.objects.current(on).filter(role=role).values("officer_id"))
            rows = [r for r in rows_for_officers(holders, on) if r.competency.pk == competency.pk]
            raise _RequirementRollback(RequirementImpact(
                holders=len(rows), lacking=sum(1 for r in rows if r.status not in MET_STATUSES)))
    except _RequirementRollback as done:
        return done.impact


def role_requirements_changed_notify(*, role_ids) -> None:
    """Tell listening apps that these roles' requirements changed, once the transaction commits."""
    _notify_requirements(role_ids)


#: Validity of observation evidence when no current role of the officer requires the competency.
OBSERVATION_DEFAULT_VALIDITY_MONTHS = 24


@transaction.atomic
def evidence_record(
    *,
    officer: Officer,
    competency: Competency,
    level: int,
    achieved_on: dt.date,
    kind: str,
    basis: str = "",
    expires_on: dt.date | None = None,
    recorded_by=None,
    certificate_serial: str = "",
    observation=None,
    document=None,
) -> Attainment:
    """Record evidence that an officer holds a competency at a level (idempotent).

    The same officer × competency × level × achieved on × basis (and kind) that is not revoked is returned
    unchanged: evidence is never overwritten (a correction is a new record plus evidence_revoke of the old one).
    Evidence linked to an observation is identified by that observation.
    """
    if kind not in Attainment.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of evidence.")})
    if expires_on is not None and expires_on < achieved_on:
        raise ValidationError({"expires_on": _("The end of validity cannot be before the date achieved.")})
    basis = normalize_text(basis or "")
    existing = Attainment.objects.not_revoked()
    if observation is not None:
        found = Attainment.objects.filter(observation=observation).first()
    else:
        found = existing.filter(
            officer=officer, competency=competency, kind=kind, level=level, achieved_on=achieved_on,
            evidence_reference=basis, observation__isnull=True,
        ).first()
    if found is not None:
        return found
    attainment = Attainment(
        officer=officer, competency=competency, level=level, achieved_on=achieved_on, expires_on=expires_on,
        kind=kind, evidence_reference=basis, recorded_by=recorded_by, certificate_serial=certificate_serial or "",
        observation=observation,
    )
    if document is not None:
        attainment.document = document
    attainment.full_clean(exclude=["officer", "competency", "observation", "recorded_by"], validate_unique=False,
                          validate_constraints=False)
    attainment.save()
    return attainment


def _notify_evidence_revoked(officer_ids) -> None:
    ids = sorted({int(i) for i in officer_ids})
    if ids:
        send_on_commit(signals.evidence_revoked, sender=Attainment, officer_ids=ids)


@transaction.atomic
def evidence_revoke(*, attainment: Attainment, reason: str, by=None) -> Attainment:
    """Revoke evidence with a reason: it never counts again, whatever the date; the record stays as history.

    Revoking twice keeps the first revocation. After commit, courses re-trains the officer when a required
    competency lost its only evidence (people.signals.evidence_revoked).
    """
    reason = normalize_text(reason or "")
    if not reason:
        raise ValidationError({"revoked_reason": _("A reason is required to revoke evidence.")})
    locked = Attainment.objects.select_for_update().get(pk=attainment.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason
        locked.revoked_by = by
        locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        _notify_evidence_revoked([locked.officer_id])
    attainment.revoked_at, attainment.revoked_reason, attainment.revoked_by_id = (
        locked.revoked_at, locked.revoked_reason, locked.revoked_by_id)
    return attainment


def observation_validity_months(*, officer: Officer, competency: Competency, on: dt.date | None = None) -> int:
    """Validity of observation evidence: the strictest (shortest) validity of the officer's roles that require
    the competency on `on` (today by default); OBSERVATION_DEFAULT_VALIDITY_MONTHS when none does."""
    from .competency import requirements_for_officers

    requirement = requirements_for_officers([officer.pk], on or timezone.localdate()).get(officer.pk, {}).get(
        competency.pk)
    if requirement is None or requirement.validity_months is None:
        return OBSERVATION_DEFAULT_VALIDITY_MONTHS
    return requirement.validity_months


def attainment_expire(*, attainment: Attainment, on: dt.date) -> Attainment:
    """Cut an attainment short (e.g. its certificate was revoked): it stops counting from that day."""
    attainment.expires_on = max(on, attainment.achieved_on)
    attainment.save(update_fields=["expires_on"])
    return attainment


def random_password() -> str:
    """A throwaway strong password for accounts that will set their own by reset."""
    return secrets.token_urlsafe(18)


def user_set_groups(*, user, names) -> None:
    """Put a user in exactly these of the four groups (others untouched)."""
    for name in names:
        user.groups.add(Group.objects.get_or_create(name=name)[0])


def officers_invite_new(*, officer_ids) -> int:
    """Queue the "set your password" invitation of each of these officers who has an e-mail address, after the
    transaction (an import) commits. Returns how many were queued."""
    from .tasks import officer_invite_task

    ids = list(Officer.objects.filter(pk__in=officer_ids).exclude(email="").values_list("pk", flat=True))
    for officer_id in ids:
        officer_invite_task.delay_on_commit(officer_id=officer_id)
    return len(ids)


class InvitationError(Exception):
    """The officer cannot be invited (no e-mail address, inactive account); retrying will not help."""


def officer_invite(*, officer: Officer, force: bool = False) -> bool:
    """E-mail an officer a Vietnamese "set your password" link and record when it was sent.

    Imported accounts have no usable password, so the invitation is how an officer first logs in. The link is
    Django's password-reset confirmation (one-time token, valid PASSWORD_RESET_TIMEOUT). The officer row is
    locked while sending so that two concurrent runs (a retried task, a double click) send one e-mail; a run
    after a successful one sends nothing unless ``force`` is set. Returns True when an e-mail was sent.
    """
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode
    from django.utils.translation import gettext

    with transaction.atomic():
        locked = Officer.objects.select_for_update().select_related("user", "unit").get(pk=officer.pk)
        if locked.invited_at and not force:
            return False
        user = locked.user
        recipient = locked.email or user.email
        if not recipient:
            raise InvitationError(gettext("The officer %(name)s has no e-mail address.") % {"name": locked.full_name})
        if not (locked.is_active and user.is_active):
            raise InvitationError(gettext("The account of %(name)s is not active.") % {"name": locked.full_name})
        path = reverse(
            "password_reset_confirm",
            kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user)},
        )
        context = {
            "officer": locked,
            "username": user.get_username(),
            "set_password_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path,
            "login_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("login"),
            "site_name": settings.WAGTAIL_SITE_NAME,
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = " ".join(render_to_string("registration/invitation_email_subject.txt", context).split())
            body = render_to_string("registration/invitation_email.txt", context)
            html = render_to_string("registration/invitation_email.html", context)
        message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
        message.attach_alternative(html, "text/html")
        message.send()
        locked.invited_at = timezone.now()
        locked.save(update_fields=["invited_at", "updated_at"])
    officer.invited_at = locked.invited_at
    return True


# =========================================================================================================
# Desk observations, the officer's comments, withdrawal, and recognised prior learning (issue 10, UI side).
# The evidence itself is written by evidence_record() / evidence_revoke() above; these services add the
# permission checks and the rules of the forms that call them.
# =========================================================================================================

from django.core.exceptions import PermissionDenied  # noqa: E402 - kept with the section that uses it

from .permissions import can_observe  # noqa: E402,F401 - the contract names it here; the rule lives in permissions

OBSERVATION_WITHDRAW_DAYS = 7
OBSERVATION_NOTES_MAX = 4000
COMMENT_TEXT_MAX = 2000
PRIOR_LEARNING_MAX_BYTES = 10 * 1024 * 1024
# Magic bytes of the accepted documents: the content decides, never the file name.
DOCUMENT_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)


def _clean_text(value: str, *, limit: int, field: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise ValidationError({field: _("Keep it under %(limit)s characters (now %(count)s).")
                               % {"limit": limit, "count": len(text)}})
    return text


def _check_level(level) -> int:
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in (1, 2, 3):
        raise ValidationError({"level": _("The level must be 1, 2 or 3.")})
    return level


def observation_record(*, observer, officer: Officer, competency: Competency, level: int, observed_on: dt.date,
                       notes: str = ""):
    """Record what a leader (or the centre director) saw an officer do at the counter, as observation evidence.

    It expires after the strictest validity of the officer's roles requiring the competency (24 months when
    none). Submitting the same form twice (a double tap, a re-sent POST) returns the first observation: the
    officer row is locked while checking, so two concurrent posts cannot both create one.
    """
    from dateutil.relativedelta import relativedelta

    from .models import Observation

    if not can_observe(observer, officer):
        raise PermissionDenied(_("You cannot record an observation of this officer."))
    level = _check_level(level)
    if observed_on is None or observed_on > timezone.localdate():
        raise ValidationError({"observed_on": _("The observation date cannot be in the future.")})
    notes = _clean_text(notes, limit=OBSERVATION_NOTES_MAX, field="notes")
    with transaction.atomic():
        Officer.objects.select_for_update().filter(pk=officer.pk).first()
        existing = Observation.objects.filter(
            officer=officer, competency=competency, level=level, observed_on=observed_on, notes=notes,
            observer=observer, withdrawn_at__isnull=True,
        ).first()
        if existing is not None:
            return existing
        observation = Observation(officer=officer, competency=competency, level=level, observed_on=observed_on,
                                  notes=notes, observer=observer)
        observation.full_clean()
        observation.save()
        months = observation_validity_months(officer=officer, competency=competency, on=observed_on)
        evidence_record(
            officer=officer, competency=competency, level=level, achieved_on=observed_on,
            kind=Attainment.Kind.OBSERVATION,
            basis=_("Desk observation no. %(number)s") % {"number": observation.pk},
            expires_on=observed_on + relativedelta(months=months), recorded_by=observer, observation=observation,
        )
    return observation


def observation_withdraw_deadline(observation) -> dt.datetime:
    """The last moment the observer may withdraw an observation (7 days after it was recorded)."""
    return observation.created_at + dt.timedelta(days=OBSERVATION_WITHDRAW_DAYS)


def can_withdraw_observation(*, user, observation) -> bool:
    """Only the observer, only within 7 days of recording it, and only once."""
    return (
        getattr(user, "is_authenticated", False)
        and observation.observer_id == user.pk
        and observation.withdrawn_at is None
        and timezone.now() <= observation_withdraw_deadline(observation)
    )


def observation_withdraw(*, observation, by, reason: str):
    """Withdraw an observation (a mistake, the wrong officer): its evidence is revoked with the reason, so it
    stops counting, but nothing is deleted. Withdrawing twice is a no-op."""
    from .models import Observation

    reason = _clean_text(reason, limit=COMMENT_TEXT_MAX, field="reason")
    if not reason:
        raise ValidationError({"reason": _("Say why the observation is withdrawn.")})
    with transaction.atomic():
        observation = Observation.objects.select_for_update().get(pk=observation.pk)
        if observation.withdrawn_at is not None:
            return observation
        if observation.observer_id != getattr(by, "pk", None):
            raise PermissionDenied(_("Only the person who recorded the observation can withdraw it."))
        if timezone.now() > observation_withdraw_deadline(observation):
            raise ValidationError(_("An observation can be withdrawn only within %(days)s days of recording it.")
                                  % {"days": OBSERVATION_WITHDRAW_DAYS})
        observation.withdrawn_at = timezone.now()
        observation.withdrawn_reason = reason
        observation.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        for attainment in Attainment.objects.not_revoked().filter(observation=observation):
            evidence_revoke(attainment=attainment, reason=reason, by=by)
    return observation


def observation_comment(*, observation, author, kind: str, text: str = ""):
    """The observed officer acknowledges an observation or says they disagree, with an optional text.
    The same comment sent twice is stored once."""
    from .models import ObservationComment

    if observation.officer.user_id != getattr(author, "pk", None):
        raise PermissionDenied(_("Only the observed officer can comment on an observation."))
    if kind not in ObservationComment.Kind.values:
        raise ValidationError({"kind": _("Choose whether you acknowledge or disagree.")})
    text = _clean_text(text, limit=COMMENT_TEXT_MAX, field="text")
    if kind == ObservationComment.Kind.DISAGREE and not text:
        raise ValidationError({"text": _("Say what you disagree with.")})
    with transaction.atomic():
        Officer.objects.select_for_update().filter(pk=observation.officer_id).first()
        existing = ObservationComment.objects.filter(observation=observation, author=author, kind=kind,
                                                     text=text).first()
        if existing is not None:
            return existing
        comment = ObservationComment(observation=observation, author=author, kind=kind, text=text)
        comment.full_clean()
        comment.save()
    return comment


def document_kind(head: bytes) -> str | None:
    """"pdf", "jpeg" or "png" from a file's first bytes, or None for anything else."""
    for signature, kind in DOCUMENT_SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def prior_learning_document_check(upload) -> str:
    """A prior-learning document must be a PDF, JPEG or PNG of at most 10 MB, judged by its content."""
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise ValidationError({"document": _("The document is empty.")})
    if size > PRIOR_LEARNING_MAX_BYTES:
        raise ValidationError({"document": _("The document is larger than 10 MB.")})
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    kind = document_kind(head)
    if kind is None:
        raise ValidationError({"document": _("The document must be a PDF, JPEG or PNG file; this file's content "
                                             "is none of these, whatever its name says.")})
    return kind


@transaction.atomic
def prior_learning_record(*, officer: Officer, competency: Competency, level: int, achieved_on: dt.date, basis: str,
                          document, expires_on: dt.date | None = None, recorded_by) -> Attainment:
    """An administrator recognises prior learning (training elsewhere, a decision, an older certificate) as
    evidence, with the scanned document attached (PDF, JPEG or PNG, at most 10 MB, checked by content).
    The same officer × competency × level × date × basis recorded twice is one record (the first document)."""
    from .permissions import can_manage_people

    if not can_manage_people(user=recorded_by):
        raise PermissionDenied(_("Only administrators can recognise prior learning."))
    level = _check_level(level)
    basis = _clean_text(basis, limit=255, field="basis")
    if not basis:
        raise ValidationError({"basis": _("Name the document or decision the evidence rests on.")})
    if achieved_on is None or achieved_on > timezone.localdate():
        raise ValidationError({"achieved_on": _("The date achieved cannot be in the future.")})
    if expires_on is not None and expires_on < achieved_on:
        raise ValidationError({"expires_on": _("The end of validity cannot be before the date achieved.")})
    if document is None:
        raise ValidationError({"document": _("Attach the document (PDF, JPEG or PNG).")})
    prior_learning_document_check(document)
    return evidence_record(
        officer=officer, competency=competency, level=level, achieved_on=achieved_on,
        kind=Attainment.Kind.PRIOR_LEARNING, basis=basis, expires_on=expires_on, recorded_by=recorded_by,
        document=document,
    )
