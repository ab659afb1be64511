"""Every write to people/ goes through these services."""

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from . import signals
from .models import Attainment, Competency, DeskRole, Officer, RoleAssignment, RoleRequirement, Unit
from .roles import OFFICER
from .text import normalize_text

User = get_user_model()


def _notify_assignments(officer_ids):
    ids = sorted({int(i) for i in officer_ids})
    if ids:
        transaction.on_commit(lambda: signals.role_assignments_changed.send(sender=RoleAssignment, officer_ids=ids))


def _notify_requirements(role_ids):
    ids = sorted({int(i) for i in role_ids})
    if ids:
        transaction.on_commit(lambda: signals.role_requirements_changed.send(sender=RoleRequirement, role_ids=ids))


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


def role_requirements_changed_notify(*, role_ids) -> None:
    """Tell listening apps that these roles' requirements changed, once the transaction commits."""
    _notify_requirements(role_ids)


def attainment_record(
    *,
    officer: Officer,
    competency: Competency,
    level: int,
    achieved_on: dt.date,
    expires_on: dt.date | None,
    evidence_kind: str,
    evidence_reference: str = "",
    recorded_by=None,
) -> Attainment:
    """Record (idempotently, by evidence) that an officer holds a competency at a level."""
    attainment, created = Attainment.objects.get_or_create(
        officer=officer,
        competency=competency,
        evidence_kind=evidence_kind,
        evidence_reference=evidence_reference,
        defaults={"level": level, "achieved_on": achieved_on, "expires_on": expires_on, "recorded_by": recorded_by},
    )
    if not created and (attainment.level, attainment.achieved_on, attainment.expires_on) != (
        level, achieved_on, expires_on
    ):
        attainment.level, attainment.achieved_on, attainment.expires_on = level, achieved_on, expires_on
        attainment.full_clean(validate_constraints=False)
        attainment.save()
    elif created:
        attainment.full_clean(validate_constraints=False)
    return attainment


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
