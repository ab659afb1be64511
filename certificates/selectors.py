"""Reads of certificates, scoped through people.selectors so out-of-scope ids give 404."""

import datetime as dt

from django.db import models
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.selectors import officer_for_user, officers_visible_to, units_led_by

from .models import (
    DEFAULT_GOVERNING_BODY,
    DEFAULT_ISSUING_BODY,
    Certificate,
    CertificateIssuer,
    CertificateTemplate,
    UnitArchive,
)

# --- Who issues a certificate -----------------------------------------------------------------------------


def issuer_for(*, template: CertificateTemplate | None, unit) -> CertificateIssuer | None:
    """The template's issuer for an officer of `unit`: the one set on the nearest unit at or above it (one
    query), or None — then the template's own issuer (the city centre) is printed."""
    if template is None or template.pk is None or unit is None or not unit.path:
        return None
    parts = unit.path.strip("/").split("/")
    paths = ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]
    return (CertificateIssuer.objects.filter(template=template, unit__path__in=paths)
            .select_related("unit", "signature").order_by("-unit__depth").first())


def issuer_lines(*, template: CertificateTemplate | None, issuer: CertificateIssuer | None) -> dict[str, str]:
    """What the certificate prints as its issuer (the header's two lines) and signer: the unit's issuer, else the
    template's own, else the city centre. The platform is never the issuer."""
    if issuer is not None:
        return {"governing_body": issuer.governing_body, "issuing_body": issuer.issuing_body,
                "signer_title": issuer.signer_title, "signer_name": issuer.signer_name}
    if template is not None:
        return {"governing_body": template.governing_body, "issuing_body": template.issuing_unit,
                "signer_title": template.signer_title, "signer_name": template.signer_name}
    return {"governing_body": DEFAULT_GOVERNING_BODY, "issuing_body": DEFAULT_ISSUING_BODY,
            "signer_title": "GIÁM ĐỐC", "signer_name": ""}


def certificates_for_officer(*, officer) -> QuerySet[Certificate]:
    """An officer's own certificates, newest first (every status, so history is complete)."""
    return Certificate.objects.filter(officer=officer).select_related("superseded_by").order_by("-issued_on", "-pk")


def certificates_for_user(*, user) -> QuerySet[Certificate]:
    """The certificates of the logged-in user's officer record ("Chứng nhận của tôi")."""
    officer = officer_for_user(user=user)
    if officer is None:
        return Certificate.objects.none()
    return certificates_for_officer(officer=officer)


def certificates_visible_to(*, viewer) -> QuerySet[Certificate]:
    """Certificates a viewer may open: their own, their led subtree's (leaders), all (administrators)."""
    return Certificate.objects.filter(officer__in=officers_visible_to(viewer=viewer).values("pk")).select_related(
        "officer", "officer__unit"
    )


class UnitListState(models.TextChoices):
    """What the unit list shows of a certificate (its badge): the status, and for issued ones the expiry."""

    VALID = "valid", _("Valid")
    SOON = "soon", _("Expires soon")
    EXPIRED = "expired", _("Expired")
    PENDING = "pending", _("Being issued")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


class UnitListSort(models.TextChoices):
    NAME = "name", _("Officer name")
    EXPIRY = "expiry", _("Valid until, soonest first")
    EXPIRY_DESC = "-expiry", _("Valid until, latest first")
    STATE = "state", _("Status (expired first)")


STATE_ORDER = [UnitListState.EXPIRED, UnitListState.SOON, UnitListState.VALID, UnitListState.PENDING,
               UnitListState.REVOKED, UnitListState.SUPERSEDED]


def certificates_for_unit(*, unit, viewer, state: str = "", sort: str = "", today: dt.date | None = None,
                          soon: dt.date | None = None) -> QuerySet[Certificate]:
    """Certificates of officers in a unit and the units below it, within what the viewer may see, each annotated
    with its ``list_state`` (``UnitListState``: expired before ``today``, expiring by ``soon``…), filtered by one
    state and sorted (``UnitListSort``; officer name by default, no expiry date last when sorting by expiry)."""
    today = today or timezone.localdate()
    soon = soon or today
    ready = Q(status=Certificate.Status.READY)
    qs = (
        certificates_visible_to(viewer=viewer)
        .filter(officer__unit__path__startswith=unit.path)
        .annotate(list_state=Case(
            When(ready & Q(expires_on__lt=today), then=Value(UnitListState.EXPIRED.value)),
            When(ready & Q(expires_on__lte=soon), then=Value(UnitListState.SOON.value)),
            When(ready, then=Value(UnitListState.VALID.value)),
            When(status__in=[Certificate.Status.PENDING, Certificate.Status.FAILED],
                 then=Value(UnitListState.PENDING.value)),
            When(status=Certificate.Status.REVOKED, then=Value(UnitListState.REVOKED.value)),
            default=Value(UnitListState.SUPERSEDED.value),
        ))
    )
    if state in UnitListState.values:
        qs = qs.filter(list_state=state)
    if sort == UnitListSort.EXPIRY:
        return qs.order_by(F("expires_on").asc(nulls_last=True), "officer__sort_name", "pk")
    if sort == UnitListSort.EXPIRY_DESC:
        return qs.order_by(F("expires_on").desc(nulls_last=True), "officer__sort_name", "pk")
    if sort == UnitListSort.STATE:
        rank = Case(*(When(list_state=v.value, then=Value(i)) for i, v in enumerate(STATE_ORDER)))
        return qs.order_by(rank, F("expires_on").asc(nulls_last=True), "officer__sort_name", "pk")
    return qs.order_by("officer__sort_name", "-issued_on", "pk")


def certificates_for_unit_archive(*, unit) -> QuerySet[Certificate]:
    """What goes into a unit ZIP: READY certificates with a file, in the unit's subtree."""
    return (
        Certificate.objects.filter(officer__unit__path__startswith=unit.path, status=Certificate.Status.READY)
        .exclude(pdf="")
        .order_by("serial")
    )


def units_with_certificates_for(*, viewer) -> QuerySet:
    """Units a leader leads, each with how many READY certificates its subtree holds (one query)."""
    units = units_led_by(user=viewer).order_by("path")
    return units.annotate(
        direct_ready=Count("officers__certificates", filter=Q(officers__certificates__status=Certificate.Status.READY))
    )


def archives_visible_to(*, viewer) -> QuerySet[UnitArchive]:
    """A leader's own archive requests, restricted to units they still lead."""
    return UnitArchive.objects.filter(requested_by=viewer, unit__in=units_led_by(user=viewer)).select_related("unit")


def certificate_for_verification(*, serial: str, code: str) -> Certificate | None:
    """Look up by serial then compare the code in constant time; a miss says nothing about near misses."""
    import secrets

    certificate = Certificate.objects.filter(serial=serial.strip().upper()).first()
    if certificate is None or not secrets.compare_digest(certificate.code.encode(), code.strip().encode()):
        return None
    return certificate


def certificate_by_code(*, code: str) -> Certificate | None:
    """The certificate a QR link points at, or None."""
    return Certificate.objects.filter(code=code).first()
