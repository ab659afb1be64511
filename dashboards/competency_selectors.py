"""Reads behind the competency profile and the desk-observation pages.

The rules (requirements, status, valid until) come from people.competency; the next step from
courses.selectors.competency_next_steps; this module adds what only the top layer can see (certificate
verification links, observations with their comments) in a fixed number of queries per page.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate
from courses.selectors import competency_next_steps
from people import competency as engine
from people.models import Attainment, Competency, Observation, ObservationComment, Officer
from people.permissions import centre_director_paths
from people.roles import is_administrator
from people.selectors import led_unit_paths, officers_visible_to

STATUS_LABELS = {
    engine.STATUS_MET: _("Met"),
    engine.STATUS_EXPIRING: _("Expiring soon"),
    engine.STATUS_EXPIRED: _("Expired"),
    engine.STATUS_MISSING: _("Not yet met"),
}
STATUS_CSS = {
    engine.STATUS_MET: "met",
    engine.STATUS_EXPIRING: "expiring",
    engine.STATUS_EXPIRED: "expired",
    engine.STATUS_MISSING: "missing",
}


@dataclass
class EvidenceLink:
    """One piece of evidence as the profile shows it: what it is, since when, until when, and where it leads."""

    attainment: Attainment
    label: str
    url: str = ""
    certificate: Certificate | None = None


@dataclass
class ProfileRow:
    row: object  # people.competency.CompetencyRow
    evidence: list[EvidenceLink]
    behaviours: list[tuple[int, str]]
    #: Valid evidence below the required level (what the held level rests on when the pair is not met).
    lower_evidence: list[EvidenceLink] = field(default_factory=list)
    #: Revoked evidence that would otherwise count, with its reason.
    revoked: list[EvidenceLink] = field(default_factory=list)

    def __getattr__(self, name):  # the template reads the engine row's fields through this wrapper
        if name == "row":
            raise AttributeError(name)
        return getattr(self.row, name)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.row.status, self.row.status)

    @property
    def status_css(self) -> str:
        return STATUS_CSS.get(self.row.status, "missing")


@dataclass
class ProfileGroup:
    assignment: object  # people.models.RoleAssignment
    rows: list[ProfileRow]

    @property
    def met(self) -> int:
        return sum(1 for r in self.rows if r.row.is_met)


@dataclass
class CompetencyProfile:
    officer: Officer
    on: dt.date
    groups: list[ProfileGroup]
    observations: list[Observation] = field(default_factory=list)
    met: int = 0
    required: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.required) if self.required else 0

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        return [(STATUS_CSS[s], STATUS_LABELS[s], self.counts.get(s, 0)) for s in STATUS_LABELS]


def _certificates_by_serial(serials) -> dict[str, Certificate]:
    serials = sorted({s for s in serials if s})
    if not serials:
        return {}
    return {c.serial: c for c in Certificate.objects.filter(serial__in=serials).only(
        "id", "serial", "code", "status", "expires_on", "issued_on", "course_title")}


def _evidence_link(attainment: Attainment, certificates: dict[str, Certificate]) -> EvidenceLink:
    from django.urls import reverse

    serial = attainment.certificate_serial or (
        attainment.evidence_reference if attainment.kind == Attainment.Kind.CERTIFICATE else "")
    if serial:
        certificate = certificates.get(serial)
        url = reverse("certificates:verify-code", args=[certificate.code]) if certificate else ""
        label = (_("Certificate %(serial)s") if attainment.kind == Attainment.Kind.CERTIFICATE
                 else _("Recognised prior learning, certificate %(serial)s"))
        return EvidenceLink(attainment, label % {"serial": serial}, url, certificate)
    if attainment.kind == Attainment.Kind.OBSERVATION and attainment.observation_id:
        return EvidenceLink(attainment, _("Desk observation"),
                            reverse("dashboards:observation", args=[attainment.observation_id]))
    url = reverse("dashboards:evidence-document", args=[attainment.pk]) if attainment.document else ""
    return EvidenceLink(attainment, attainment.get_kind_display(), url)


def observations_for_officer(*, officer: Officer) -> QuerySet[Observation]:
    """An officer's desk observations, newest first, with the competency, the observer and the comments."""
    return (
        Observation.objects.filter(officer=officer)
        .select_related("competency", "observer", "observer__officer")
        .prefetch_related(Prefetch("comments", queryset=ObservationComment.objects.select_related("author")))
        .order_by("-observed_on", "-created_at")
    )


def competency_profile_for(*, officer: Officer, on: dt.date | None = None) -> CompetencyProfile:
    """Everything the profile page and its PDF show, for one officer, in a fixed number of queries."""
    on = on or timezone.localdate()
    groups = engine.officer_profile(officer, on)
    all_rows = engine.with_bounds(row for _assignment, rows in groups for row in rows)  # legal-change reasons
    competency_next_steps(officer, all_rows)
    # What a held level below the requirement rests on: one query for every row.
    lower: dict[int, list[Attainment]] = {}
    gaps = {r.competency.pk: r for r in all_rows if not r.evidence and r.held_level}
    if gaps:
        for attainment in (Attainment.objects.not_revoked()
                           .filter(officer=officer, competency_id__in=list(gaps), achieved_on__lte=on)
                           .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on)).order_by("-achieved_on", "pk")):
            if attainment.level == gaps[attainment.competency_id].held_level:
                lower.setdefault(attainment.competency_id, []).append(attainment)
    certificates = _certificates_by_serial(
        a.certificate_serial or (a.evidence_reference if a.kind == Attainment.Kind.CERTIFICATE else "")
        for r in all_rows for a in [*r.evidence, *r.revoked_evidence, *lower.get(r.competency.pk, [])]
    )
    profile_groups = []
    for assignment, rows in groups:
        profile_rows = [
            ProfileRow(
                row=row,
                evidence=[_evidence_link(a, certificates) for a in row.evidence],
                behaviours=[(n, row.competency.behaviour(n)) for n in (1, 2, 3) if row.competency.behaviour(n)],
                lower_evidence=[_evidence_link(a, certificates) for a in lower.get(row.competency.pk, [])],
                revoked=[_evidence_link(a, certificates) for a in row.revoked_evidence],
            )
            for row in rows
        ]
        profile_groups.append(ProfileGroup(assignment=assignment, rows=profile_rows))
    # The headline counts each required competency once, whatever the number of roles requiring it.
    distinct = {row.competency.pk: row for row in all_rows}
    counts: dict[str, int] = {}
    for row in distinct.values():
        counts[row.status] = counts.get(row.status, 0) + 1
    return CompetencyProfile(
        officer=officer, on=on, groups=profile_groups,
        observations=list(observations_for_officer(officer=officer)),
        met=sum(1 for r in distinct.values() if r.is_met), required=len(distinct), counts=counts,
    )


def officers_for_profile(*, viewer) -> QuerySet[Officer]:
    """Officers whose profile a viewer may open on the leaders' side: the led subtree, a centre director's
    centre, everyone for administrators."""
    if is_administrator(viewer):
        return officers_visible_to(viewer=viewer)
    paths = led_unit_paths(user=viewer) + centre_director_paths(user=viewer)
    qs = Officer.objects.select_related("unit", "user")
    if not paths:
        return qs.none()
    condition = Q()
    for path in paths:
        condition |= Q(unit__path__startswith=path)
    return qs.filter(condition)


def observations_visible_to(*, viewer) -> QuerySet[Observation]:
    """Observations a viewer may open: their own (observed or recorded), and those of officers in their
    profile scope."""
    if not getattr(viewer, "is_authenticated", False):
        return Observation.objects.none()
    scope = officers_for_profile(viewer=viewer).values("pk")
    return (
        Observation.objects.filter(Q(officer__user=viewer) | Q(observer=viewer) | Q(officer__in=scope))
        .select_related("officer", "officer__unit", "officer__user", "competency", "observer", "observer__officer",
                        "attainment")
        .prefetch_related(Prefetch("comments", queryset=ObservationComment.objects.select_related("author")))
    )


def observation_competencies_for(*, officer: Officer, on: dt.date | None = None) -> tuple[list, list]:
    """The competencies to pick from on the observation form: those the officer's roles require first (with
    their status), then every other active competency."""
    on = on or timezone.localdate()
    rows = {row.competency.pk: row for row in engine.rows_for_officers([officer], on=on)}
    required = [ProfileRow(row=r, evidence=[], behaviours=[]) for r in sorted(rows.values(),
                                                                        key=lambda r: r.competency.code)]
    others = list(Competency.objects.filter(is_active=True).exclude(pk__in=list(rows)).order_by("code"))
    return required, others
