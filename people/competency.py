"""The one source of competency truth: what an officer must hold on a day, what they hold, and the status.

Pure reads in a fixed number of queries whatever the number of officers (one query each for the assignments,
the requirements and the evidence, then one pass in Python). The rules (issue 10, docs/people.md
"Competency records"):

- Requirement of an officer on day D: the union of the RoleRequirements of the roles whose assignment is
  current on D; several roles requiring the same competency: the highest level and the shortest validity.
- Evidence e satisfies (C, L, V) on D iff e is for C, e.level ≥ L, e.achieved_on ≤ D, e is not revoked and
  D ≤ until(e), until(e) = the earlier of e.expires_on and e.achieved_on + V months (empty values drop out;
  both empty = no end).
- Held level of C on D: the highest level of non-revoked evidence for C achieved on or before D and not past
  its own expires_on (0 when none).
- Status: đạt (satisfied, until > D + 60 days or no end), sắp hết hạn (satisfied, until ≤ D + 60 days),
  hết hạn (not satisfied but some non-revoked evidence at level ≥ L satisfied it earlier), chưa đạt.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import QuerySet
from django.utils import timezone

from .models import Attainment, Competency, Officer, RoleAssignment, RoleRequirement, Unit

STATUS_MET = "đạt"
STATUS_EXPIRING = "sắp hết hạn"
STATUS_EXPIRED = "hết hạn"
STATUS_MISSING = "chưa đạt"
#: Every status, from best to worst.
STATUSES = (STATUS_MET, STATUS_EXPIRING, STATUS_EXPIRED, STATUS_MISSING)
MET_STATUSES = (STATUS_MET, STATUS_EXPIRING)
#: A satisfied pair whose end is at most this many days away is "sắp hết hạn".
EXPIRING_DAYS = 60

# Only the columns the rules read (plus the links the profile shows).
_EVIDENCE_FIELDS = ("id", "officer_id", "competency_id", "level", "achieved_on", "expires_on", "kind",
                    "evidence_reference", "certificate_serial", "observation_id", "document", "revoked_at",
                    "revoked_reason", "created_at")


@dataclass(slots=True)
class Requirement:
    competency: Competency
    level: int
    validity_months: int | None
    role_codes: tuple[str, ...]


@dataclass(slots=True)
class CompetencyRow:
    officer: Officer
    competency: Competency
    required_level: int
    validity_months: int | None
    role_codes: tuple[str, ...]
    held_level: int
    status: str
    valid_until: dt.date | None
    #: The evidence that satisfies the requirement (đạt / sắp hết hạn) or satisfied it earlier (hết hạn).
    evidence: list = field(default_factory=list)
    #: Revoked evidence that would otherwise count (level ≥ required, achieved on or before the day).
    revoked_evidence: list = field(default_factory=list)
    #: Filled by courses.selectors.competency_next_steps (courses is to the right of people).
    next_course: object = None
    enrolment: object = None

    @property
    def is_met(self) -> bool:
        return self.status in MET_STATUSES

    @property
    def lost_to_revocation(self) -> bool:
        """Not met, and only revoked evidence stood for it: the "its only evidence was revoked" case."""
        return not self.is_met and not self.evidence and bool(self.revoked_evidence)


def today() -> dt.date:
    """Today in the site's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.localdate()


def evidence_until(attainment: Attainment, validity_months: int | None) -> dt.date | None:
    """Last day (inclusive) the evidence can satisfy a requirement renewed every `validity_months`."""
    end = attainment.expires_on
    if validity_months:
        by_validity = attainment.achieved_on + relativedelta(months=validity_months)
        end = by_validity if end is None else min(end, by_validity)
    return end


def _officer_filter(officers) -> dict:
    """A filter on officer_id: a subquery for a queryset (no huge IN lists), else the list of ids."""
    if isinstance(officers, QuerySet):
        return {"officer_id__in": officers.values("pk")}
    return {"officer_id__in": [o if isinstance(o, int) else o.pk for o in officers]}


def _requirements(officer_filter: dict, on: dt.date, assignments=None):
    """officer_id -> competency_id -> Requirement, in two queries (assignments, requirements)."""
    if assignments is None:
        pairs = list(
            RoleAssignment.objects.current(on).filter(**officer_filter).values_list("officer_id", "role_id",
                                                                                     "role__code")
        )
    else:
        pairs = [(a.officer_id, a.role_id, a.role.code) for a in assignments]
    by_role: dict[int, list[RoleRequirement]] = defaultdict(list)
    role_ids = {role_id for _o, role_id, _c in pairs}
    if role_ids:
        for requirement in RoleRequirement.objects.filter(role_id__in=role_ids).select_related("competency"):
            by_role[requirement.role_id].append(requirement)
    result: dict[int, dict[int, Requirement]] = defaultdict(dict)
    for officer_id, role_id, role_code in pairs:
        mine = result[officer_id]
        for rr in by_role.get(role_id, ()):
            current = mine.get(rr.competency_id)
            validity = rr.validity_months or None
            if current is None:
                mine[rr.competency_id] = Requirement(rr.competency, rr.level, validity, (role_code,))
                continue
            current.level = max(current.level, rr.level)
            if validity is not None and (current.validity_months is None or validity < current.validity_months):
                current.validity_months = validity
            if role_code not in current.role_codes:
                current.role_codes = tuple(sorted((*current.role_codes, role_code)))
    return {k: v for k, v in result.items() if v}


def requirements_for_officers(officer_ids, on: dt.date | None = None) -> dict[int, dict[int, Requirement]]:
    """What each officer must hold on `on` (today by default): officer id -> competency id -> Requirement."""
    return _requirements(_officer_filter(officer_ids), on or today())


def _evidence(officer_filter: dict, competency_ids: Iterable[int], on: dt.date) -> dict[tuple[int, int], list]:
    """(officer id, competency id) -> evidence achieved on or before `on` (revoked included), one query."""
    competency_ids = list(competency_ids)
    found: dict[tuple[int, int], list] = defaultdict(list)
    if not competency_ids:
        return found
    rows = (Attainment.objects.filter(**officer_filter, competency_id__in=competency_ids, achieved_on__lte=on)
            .only(*_EVIDENCE_FIELDS).order_by("achieved_on", "pk"))
    for attainment in rows:
        found[(attainment.officer_id, attainment.competency_id)].append(attainment)
    return found


def _row(officer: Officer, requirement: Requirement, evidence: list, on: dt.date, horizon: dt.date) -> CompetencyRow:
    level, validity = requirement.level, requirement.validity_months
    held = 0
    satisfying, earlier, revoked = [], [], []
    open_ended = False
    latest_satisfying = latest_earlier = None
    for e in evidence:
        if e.revoked_at is not None:
            if e.level >= level:
                revoked.append(e)
            continue
        if e.level > held and (e.expires_on is None or e.expires_on >= on):
            held = e.level
        if e.level < level:
            continue
        until = evidence_until(e, validity)
        if until is None:
            satisfying.append(e)
            open_ended = True
        elif on <= until:
            satisfying.append(e)
            if latest_satisfying is None or until > latest_satisfying:
                latest_satisfying = until
        else:
            earlier.append(e)
            if latest_earlier is None or until > latest_earlier:
                latest_earlier = until
    if satisfying:
        valid_until = None if open_ended else latest_satisfying
        status = STATUS_MET if valid_until is None or valid_until > horizon else STATUS_EXPIRING
        shown = satisfying
    elif earlier:
        valid_until, status, shown = latest_earlier, STATUS_EXPIRED, earlier
    else:
        valid_until, status, shown = None, STATUS_MISSING, []
    return CompetencyRow(
        officer=officer, competency=requirement.competency, required_level=level, validity_months=validity,
        role_codes=requirement.role_codes, held_level=held, status=status, valid_until=valid_until,
        evidence=shown, revoked_evidence=revoked,
    )


def _rows(officers: list[Officer], officer_filter: dict, on: dt.date, assignments=None) -> list[CompetencyRow]:
    requirements = _requirements(officer_filter, on, assignments=assignments)
    if not requirements:
        return []
    competency_ids = {c for mine in requirements.values() for c in mine}
    evidence = _evidence(officer_filter, competency_ids, on)
    horizon = on + dt.timedelta(days=EXPIRING_DAYS)
    rows: list[CompetencyRow] = []
    for officer in sorted(officers, key=lambda o: o.employee_code):
        mine = requirements.get(officer.pk)
        if not mine:
            continue
        for requirement in sorted(mine.values(), key=lambda r: r.competency.code):
            rows.append(_row(officer, requirement, evidence.get((officer.pk, requirement.competency.pk), ()),
                             on, horizon))
    return rows


def rows_for_officers(officers, on: dt.date | None = None) -> list[CompetencyRow]:
    """One row per (officer × required competency) on `on` (today by default), sorted by officer code then
    competency code. `officers` is an iterable of Officer objects or a queryset (then filtered by subquery)."""
    on = on or today()
    if isinstance(officers, QuerySet):
        officer_list = list(officers)
        officer_filter = _officer_filter(officers)
    else:
        officer_list = list(officers)
        officer_filter = _officer_filter(officer_list)
    if not officer_list:
        return []
    return _rows(officer_list, officer_filter, on)


def unit_subtree_officers(unit: Unit) -> QuerySet[Officer]:
    """Active officers of a unit and every unit below it."""
    return Officer.objects.filter(unit__path__startswith=unit.path, is_active=True)


def unit_subtree_rows(unit: Unit, on: dt.date | None = None) -> list[CompetencyRow]:
    """The (officer × required competency) rows of the active officers of a unit's subtree: four queries."""
    return rows_for_officers(unit_subtree_officers(unit).select_related("unit", "user"), on)


def all_rows(on: dt.date | None = None) -> list[CompetencyRow]:
    """Rows for every active officer."""
    return rows_for_officers(Officer.objects.filter(is_active=True).select_related("unit", "user"), on)


def readiness(officer: Officer, on: dt.date | None = None) -> tuple[int, int]:
    """(met, required): the required pairs of the officer with status đạt or sắp hết hạn, and all of them."""
    rows = rows_for_officers([officer], on)
    return sum(1 for r in rows if r.is_met), len(rows)


def officer_profile(officer: Officer, on: dt.date | None = None) -> list[tuple[RoleAssignment, list[CompetencyRow]]]:
    """Per current role assignment (by role order), the rows of the competencies that role requires.

    A competency several roles require appears under each of them with the same (combined) row. Three queries;
    courses.selectors.competency_next_steps fills next_course / enrolment.
    """
    on = on or today()
    assignments = list(
        RoleAssignment.objects.current(on).filter(officer=officer).select_related("role", "unit")
        .order_by("role__sort_order", "role__code", "start_date", "pk")
    )
    if not assignments:
        return []
    rows = {row.competency.pk: row for row in _rows([officer], {"officer_id__in": [officer.pk]}, on,
                                                      assignments=assignments)}
    role_competencies: dict[int, list[int]] = defaultdict(list)
    for role_id, competency_id in RoleRequirement.objects.filter(
        role_id__in={a.role_id for a in assignments}
    ).values_list("role_id", "competency_id"):
        role_competencies[role_id].append(competency_id)
    groups = []
    for assignment in assignments:
        mine = [rows[c] for c in role_competencies.get(assignment.role_id, ()) if c in rows]
        mine.sort(key=lambda r: r.competency.code)
        groups.append((assignment, mine))
    return groups


def status_counts(rows: Iterable[CompetencyRow]) -> dict[str, int]:
    """How many rows have each status (every status present, 0 when none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    return counts


# --- Reporting contract (manage.py competency_status) --------------------------------------------------------

#: The CSV headers, exactly (reporting tools rely on them).
STATUS_CSV_HEADERS = ["Mã cán bộ", "Họ và tên", "Mã đơn vị", "Vị trí yêu cầu", "Mã năng lực", "Mức yêu cầu",
                      "Mức đạt", "Trạng thái", "Hiệu lực đến"]


def status_csv(rows: Iterable[CompetencyRow]) -> str:
    """The rows as CSV text starting with a BOM (UTF-8 with BOM once encoded), in the rows' order."""
    import csv
    import io

    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(STATUS_CSV_HEADERS)
    for row in rows:
        writer.writerow([
            row.officer.employee_code, row.officer.full_name, row.officer.unit.code, ", ".join(row.role_codes),
            row.competency.code, row.required_level, row.held_level, row.status,
            row.valid_until.strftime("%d/%m/%Y") if row.valid_until else "",
        ])
    return out.getvalue()
