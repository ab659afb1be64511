"""Reads of certificates, scoped through people.selectors so out-of-scope ids give 404."""

from django.db.models import Count, Q, QuerySet

from people.selectors import officer_for_user, officers_visible_to, units_led_by

from .models import Certificate, UnitArchive


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


def certificates_for_unit(*, unit, viewer) -> QuerySet[Certificate]:
    """Certificates of officers in a unit and the units below it, within what the viewer may see."""
    return (
        certificates_visible_to(viewer=viewer)
        .filter(officer__unit__path__startswith=unit.path)
        .order_by("officer__sort_name", "-issued_on")
    )


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
