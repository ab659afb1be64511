"""The one source of competency truth: what an officer must hold on a day, what they hold, and the status.

Pure reads in a fixed number of queries whatever the number of officers (one query each for the assignments,
the requirements and the evidence, then one pass in Python; the Attainment objects behind the rows come in one
more query, only when some row's evidence is read). The rules (issue 10, docs/people.md
"Competency records"):

- Requirement of an officer on day D: the union of the RoleRequirements of the roles whose assignment is
  current on D; several roles requiring the same competency: the highest level and the shortest validity.
- Evidence e satisfies (C, L, V) on D iff e is for C, e.level ≥ L, e.achieved_on ≤ D, e is not revoked and
  D ≤ until(e), until(e) = the earliest of e.expires_on, e.achieved_on + V months and the legal changes' bounds
  on C (EvidenceBound: evidence achieved before its date counts at most until its end) — empty values drop
  out; all empty = no end.
- Held level of C on D: the highest level of non-revoked evidence for C achieved on or before D and not past
  its own expires_on (0 when none).
- Status: đạt (satisfied, until > D + 60 days or no end), sắp hết hạn (satisfied, until ≤ D + 60 days),
  hết hạn (not satisfied but some non-revoked evidence at level ≥ L satisfied it earlier), chưa đạt.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, wraps

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.utils import timezone

from lms.cache import cache_write_failed, epoch_bump
from lms.cache import epoch as cache_epoch

from .models import Attainment, Competency, EvidenceBound, Officer, RoleAssignment, RoleRequirement, Unit

STATUS_MET = "đạt"
STATUS_EXPIRING = "sắp hết hạn"
STATUS_EXPIRED = "hết hạn"
STATUS_MISSING = "chưa đạt"
#: Every status, from best to worst.
STATUSES = (STATUS_MET, STATUS_EXPIRING, STATUS_EXPIRED, STATUS_MISSING)
MET_STATUSES = (STATUS_MET, STATUS_EXPIRING)
#: A satisfied pair whose end is at most this many days away is "sắp hết hạn".
EXPIRING_DAYS = 60

# The rules read evidence as narrow tuples (these columns). The Attainment objects behind a result's rows are
# loaded only when some row's evidence is looked at, all at once in one more query (see _EvidenceStore): the unit
# rows of 10,000 officers stay well under a second, and a profile page still has a fixed number of queries.
_FIELDS = ("officer_id", "competency_id", "id", "level", "achieved_on", "expires_on", "is_revoked", "bound_until",
           "bound_id")
_OFFICER, _COMPETENCY, _ID, _LEVEL, _ACHIEVED, _EXPIRES, _REVOKED, _BOUND_UNTIL, _BOUND_ID = range(len(_FIELDS))


class _EvidenceStore:
    """The Attainment objects of one computation, fetched together on first use (one query)."""

    __slots__ = ("_filter", "_objects")

    def __init__(self, evidence_filter: dict):
        self._filter = evidence_filter
        self._objects: dict[int, Attainment] | None = None

    def get(self, items: list) -> list:
        if self._objects is None:
            self._objects = {a.pk: a for a in Attainment.objects.filter(**self._filter)}
        return [self._objects[item[_ID]] for item in items]


@contextmanager
def _gc_paused():
    """Building 100,000+ rows triggers the cyclic garbage collector over and over although they hold no cycles:
    pausing it for the computation halves its CPU time. The previous state is restored."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _without_gc(function):
    @wraps(function)
    def wrapper(*args, **kwargs):
        with _gc_paused():
            return function(*args, **kwargs)
    return wrapper


@dataclass(slots=True)
class Requirement:
    competency: Competency
    level: int
    validity_months: int | None
    role_codes: tuple[str, ...]


class CompetencyRow:
    """One (officer × required competency) on a day, with its status. `evidence` is the evidence that satisfies
    the requirement (đạt / sắp hết hạn) or satisfied it earlier (hết hạn); `revoked_evidence` the revoked
    evidence that would otherwise count (level ≥ required, achieved on or before the day). `next_course` and
    `enrolment` are filled by courses.selectors.competency_next_steps (courses is to the right of people).
    `bound_id` is the EvidenceBound that set `valid_until` (a legal change), or None; `bound` that EvidenceBound
    itself (its `reason` is the document's number) once `with_bounds` has read them — None until then."""

    __slots__ = ("officer", "competency", "required_level", "validity_months", "role_codes", "held_level",
                 "status", "valid_until", "_evidence", "_revoked", "_store", "next_course", "enrolment", "bound_id",
                 "_bound")

    def __init__(self, officer, competency, required_level, validity_months, role_codes, held_level, status,
                 valid_until, evidence=(), revoked_evidence=(), store=None, next_course=None, enrolment=None,
                 bound_id=None):
        self.officer, self.competency = officer, competency
        self.required_level, self.validity_months, self.role_codes = required_level, validity_months, role_codes
        self.held_level, self.status, self.valid_until = held_level, status, valid_until
        self._evidence, self._revoked, self._store = evidence, revoked_evidence, store
        self.next_course, self.enrolment = next_course, enrolment
        self.bound_id = bound_id

    def _load(self, items) -> list:
        if items and isinstance(items[0], tuple):
            return self._store.get(items)
        return list(items)

    @property
    def evidence(self) -> list:
        """Attainment objects (the first access loads those of the whole result in one query)."""
        self._evidence = self._load(self._evidence)
        return self._evidence

    @property
    def revoked_evidence(self) -> list:
        self._revoked = self._load(self._revoked)
        return self._revoked

    @property
    def bound(self) -> EvidenceBound | None:
        """The legal change's EvidenceBound that set `valid_until` (filled by `with_bounds`), or None."""
        return getattr(self, "_bound", None)

    @property
    def is_met(self) -> bool:
        return self.status in MET_STATUSES

    @property
    def lost_to_revocation(self) -> bool:
        """Not met, and only revoked evidence stood for it: the "its only evidence was revoked" case."""
        return self.status not in MET_STATUSES and not self._evidence and bool(self._revoked)

    def __repr__(self) -> str:
        return (f"<CompetencyRow {self.officer.employee_code} {self.competency.code} L{self.required_level} "
                f"{self.status} {self.valid_until}>")


def today() -> dt.date:
    """Today in the site's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.localdate()


def evidence_until(attainment: Attainment, validity_months: int | None, bounds=()) -> dt.date | None:
    """Last day (inclusive) the evidence can satisfy a requirement renewed every `validity_months`, given the
    legal changes' EvidenceBounds on its competency (`bounds`; the engine reads them in its evidence query)."""
    until = _until(attainment.achieved_on, attainment.expires_on, validity_months)
    for bound in bounds:
        if attainment.achieved_on < bound.achieved_before and (until is None or bound.valid_until < until):
            until = bound.valid_until
    return until


def _bound(field: str) -> Subquery:
    """The earliest legal-change bound on an evidence row (its competency, achieved before the bound's date)."""
    return Subquery(EvidenceBound.objects.filter(competency_id=OuterRef("competency_id"),
                                                 achieved_before__gt=OuterRef("achieved_on"))
                    .order_by("valid_until", "pk").values(field)[:1])


@lru_cache(maxsize=65536)
def add_months(day: dt.date, months: int) -> dt.date:
    """`day` + `months` calendar months, a missing day becoming the month's last (as dateutil.relativedelta)."""
    return day + relativedelta(months=months)


def _until(achieved: dt.date, expires: dt.date | None, validity_months: int | None) -> dt.date | None:
    if validity_months:
        by_validity = add_months(achieved, validity_months)
        return by_validity if expires is None or by_validity < expires else expires
    return expires


def _officer_filter(officers) -> dict:
    """A filter on officer_id: a subquery for a queryset (no huge IN lists), else the list of ids."""
    if isinstance(officers, QuerySet):
        return {"officer_id__in": officers.values("pk")}
    return {"officer_id__in": [o if isinstance(o, int) else o.pk for o in officers]}


def _requirements(officer_filter: dict, on: dt.date, assignments=None):
    """officer_id -> competency_id -> Requirement, in two queries (assignments, requirements).

    Officers holding the same set of roles share one (read-only) dict of Requirements: the union is computed once
    per distinct set of roles, not once per officer.
    """
    if assignments is None:
        pairs = list(
            RoleAssignment.objects.current(on).filter(**officer_filter).values_list("officer_id", "role_id",
                                                                                     "role__code")
        )
    else:
        pairs = [(a.officer_id, a.role_id, a.role.code) for a in assignments]
    roles_of: dict[int, set] = defaultdict(set)
    for officer_id, role_id, role_code in pairs:
        roles_of[officer_id].add((role_id, role_code))
    by_role: dict[int, list[RoleRequirement]] = defaultdict(list)
    role_ids = {role_id for _o, role_id, _c in pairs}
    if role_ids:
        for requirement in RoleRequirement.objects.filter(role_id__in=role_ids).select_related("competency"):
            by_role[requirement.role_id].append(requirement)
    merged: dict[frozenset, dict[int, Requirement]] = {}
    result: dict[int, dict[int, Requirement]] = {}
    for officer_id, roles in roles_of.items():
        key = frozenset(roles)
        mine = merged.get(key)
        if mine is None:
            mine = {}
            for role_id, role_code in sorted(roles, key=lambda r: r[1]):
                for rr in by_role.get(role_id, ()):
                    current = mine.get(rr.competency_id)
                    validity = rr.validity_months or None
                    if current is None:
                        mine[rr.competency_id] = Requirement(rr.competency, rr.level, validity, (role_code,))
                        continue
                    current.level = max(current.level, rr.level)
                    if validity is not None and (current.validity_months is None
                                                 or validity < current.validity_months):
                        current.validity_months = validity
                    if role_code not in current.role_codes:
                        current.role_codes = tuple(sorted((*current.role_codes, role_code)))
            merged[key] = dict(sorted(mine.items(), key=lambda item: item[1].competency.code))
            mine = merged[key]
        if mine:
            result[officer_id] = mine
    return result


def requirements_for_officers(officer_ids, on: dt.date | None = None) -> dict[int, dict[int, Requirement]]:
    """What each officer must hold on `on` (today by default): officer id -> competency id -> Requirement."""
    return _requirements(_officer_filter(officer_ids), on or today())


def _evidence(evidence_filter: dict) -> dict[int, dict[int, list]]:
    """officer id -> competency id -> evidence tuples (revoked included), one query."""
    found: dict[int, dict[int, list]] = {}
    rows = (Attainment.objects.filter(**evidence_filter).order_by("achieved_on", "pk")
            .annotate(is_revoked=ExpressionWrapper(Q(revoked_at__isnull=False), output_field=BooleanField()),
                      bound_until=_bound("valid_until"), bound_id=_bound("pk"))
            .values_list(*_FIELDS))
    for item in rows:
        mine = found.get(item[_OFFICER])
        if mine is None:
            mine = found[item[_OFFICER]] = {}
        listed = mine.get(item[_COMPETENCY])
        if listed is None:
            mine[item[_COMPETENCY]] = [item]
        else:
            listed.append(item)
    return found


def _row(officer: Officer, requirement: Requirement, evidence: list, on: dt.date, horizon: dt.date,
         store: _EvidenceStore) -> CompetencyRow:
    level, validity = requirement.level, requirement.validity_months
    held = 0
    satisfying, earlier, revoked = [], [], []
    open_ended = False
    latest_satisfying = latest_earlier = None
    bound_of_latest = bound_of_earlier = None
    for e in evidence:
        e_level = e[_LEVEL]
        if e[_REVOKED]:
            if e_level >= level:
                revoked.append(e)
            continue
        expires = e[_EXPIRES]
        if e_level > held and (expires is None or expires >= on):
            held = e_level
        if e_level < level:
            continue
        until = _until(e[_ACHIEVED], expires, validity)
        bound = e[_BOUND_UNTIL]
        bounded = bound is not None and (until is None or bound < until)
        if bounded:
            until = bound
        if until is None:
            satisfying.append(e)
            open_ended = True
        elif on <= until:
            satisfying.append(e)
            if latest_satisfying is None or until > latest_satisfying:
                latest_satisfying = until
                bound_of_latest = e[_BOUND_ID] if bounded else None
        else:
            earlier.append(e)
            if latest_earlier is None or until > latest_earlier:
                latest_earlier = until
                bound_of_earlier = e[_BOUND_ID] if bounded else None
    bound_id = None
    if satisfying:
        valid_until = None if open_ended else latest_satisfying
        bound_id = None if open_ended else bound_of_latest
        status = STATUS_MET if valid_until is None or valid_until > horizon else STATUS_EXPIRING
        shown = satisfying
    elif earlier:
        valid_until, status, shown, bound_id = latest_earlier, STATUS_EXPIRED, earlier, bound_of_earlier
    else:
        valid_until, status, shown = None, STATUS_MISSING, ()
    return CompetencyRow(officer, requirement.competency, level, validity, requirement.role_codes, held, status,
                         valid_until, shown, revoked, store, bound_id=bound_id)


@_without_gc
def _rows(officers: list[Officer], officer_filter: dict, on: dt.date, assignments=None) -> list[CompetencyRow]:
    requirements = _requirements(officer_filter, on, assignments=assignments)
    if not requirements:
        return []
    competency_ids = sorted({c for mine in {id(m): m for m in requirements.values()}.values() for c in mine})
    evidence_filter = {**officer_filter, "competency_id__in": competency_ids, "achieved_on__lte": on}
    evidence = _evidence(evidence_filter)
    store = _EvidenceStore(evidence_filter)
    horizon = on + dt.timedelta(days=EXPIRING_DAYS)
    rows: list[CompetencyRow] = []
    append, extend = rows.append, rows.extend
    missing = STATUS_MISSING
    flat: dict[int, list[tuple]] = {}  # per shared requirements dict: its items as tuples, built once
    row = CompetencyRow
    for officer in sorted(officers, key=lambda o: o.employee_code):
        mine = requirements.get(officer.pk)
        if not mine:
            continue
        items = flat.get(id(mine))
        if items is None:
            items = flat[id(mine)] = [(cid, r.competency, r.level, r.validity_months, r.role_codes, r)
                                      for cid, r in mine.items()]
        held = evidence.get(officer.pk)
        if held is None:  # nothing recorded for this officer: every pair "chưa đạt" (no call per row)
            extend([row(officer, c, level, validity, roles, 0, missing, None)
                    for _cid, c, level, validity, roles, _r in items])
            continue
        for cid, c, level, validity, roles, r in items:
            found = held.get(cid)
            if found is None:
                append(row(officer, c, level, validity, roles, 0, missing, None))
            else:
                append(_row(officer, r, found, on, horizon, store))
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


@_without_gc
def _with_units(officers: QuerySet[Officer], units: QuerySet[Unit]) -> list[Officer]:
    """The officers with their unit attached from one query of the units (3× faster than select_related for
    10,000 officers: each unit is built once, not once per officer)."""
    by_id = {u.pk: u for u in units}
    found = list(officers)
    cache = Officer.unit.field.set_cached_value
    for officer in found:
        unit = by_id.get(officer.unit_id)
        if unit is not None:
            cache(officer, unit)
    return found


def unit_subtree_rows(unit: Unit, on: dt.date | None = None) -> list[CompetencyRow]:
    """The (officer × required competency) rows of the active officers of a unit's subtree: five queries
    (officers, units, assignments, requirements, evidence), plus one if some row's evidence is looked at."""
    officers = unit_subtree_officers(unit)
    on = on or today()
    return _rows(_with_units(officers, unit.subtree()), _officer_filter(officers), on)


def all_rows(on: dt.date | None = None) -> list[CompetencyRow]:
    """Rows for every active officer (five queries)."""
    officers = Officer.objects.filter(is_active=True)
    return _rows(_with_units(officers, Unit.objects.all()), _officer_filter(officers), on or today())


# --- Status counts without rows (the coverage overview, the trend) --------------------------------------------

#: Index of each status in a Tally's count lists (STATUSES order).
MET_I, EXPIRING_I, EXPIRED_I, MISSING_I = range(4)


@dataclass(slots=True)
class Tally:
    """Status counts of the required pairs of a set of officers on a day, per (unit, competency).

    `officers` is the number of those officers per unit id (officers without any requirement included),
    `pairs` maps (officer's unit id, competency id) to [đạt, sắp hết hạn, hết hạn, chưa đạt] (STATUSES order),
    `competencies` the required competencies by id."""

    officers: dict[int, int]
    pairs: dict[tuple[int, int], list[int]]
    competencies: dict[int, Competency]


def _pair_status(evidence: list, level: int, validity: int | None, on: dt.date, horizon: dt.date) -> int:
    """The status index of one pair from its non-revoked evidence tuples (level, achieved_on, expires_on, bound
    end): the rules of `_row`, without what only a row shows (held level, evidence lists, bound id)."""
    expiring = earlier = False
    for e_level, achieved, expires, bound in evidence:
        if e_level < level:
            continue
        until = _until(achieved, expires, validity)
        if bound is not None and (until is None or bound < until):
            until = bound
        if until is None or until > horizon:
            return MET_I  # satisfied with an end beyond the horizon (or none): the latest end is too
        if on <= until:
            expiring = True
        else:
            earlier = True
    if expiring:
        return EXPIRING_I
    return EXPIRED_I if earlier else MISSING_I


@_without_gc
def status_tally(officers: QuerySet[Officer], on: dt.date | None = None) -> Tally:
    """The status counts of `rows_for_officers(officers, on)` per (unit, competency), from a lean pass over
    tuples (no row objects): the same requirements (`_requirements`) and the same evidence rules, revoked
    evidence left out in SQL (it never makes a pair satisfied or expired). Four queries: officers' units,
    assignments, requirements, evidence (with its legal-change bound)."""
    on = on or today()
    officer_filter = _officer_filter(officers)
    unit_of = dict(officers.order_by().values_list("pk", "unit_id"))
    head: dict[int, int] = defaultdict(int)
    for unit_id in unit_of.values():
        head[unit_id] += 1
    requirements = _requirements(officer_filter, on) if unit_of else {}
    competencies: dict[int, Competency] = {}
    flat: dict[int, list[tuple]] = {}  # per shared requirements dict: (competency id, level, validity)
    for mine in requirements.values():
        if id(mine) not in flat:
            flat[id(mine)] = [(cid, r.level, r.validity_months) for cid, r in mine.items()]
            for cid, r in mine.items():
                competencies[cid] = r.competency
    pairs: dict[tuple[int, int], list[int]] = {}
    if not competencies:
        return Tally(dict(head), pairs, competencies)
    # The legal-change bound as a correlated subquery costs about as much as the rest of the evidence query when
    # run for every row: it runs only for the competencies that have a bound (the IN list is computed once).
    bounded = Case(When(competency_id__in=EvidenceBound.objects.values("competency_id"), then=_bound("valid_until")),
                   default=None, output_field=DateField())
    evidence: dict[tuple[int, int], list[tuple]] = {}
    for officer_id, competency_id, *item in (
        Attainment.objects.filter(**officer_filter, competency_id__in=sorted(competencies), achieved_on__lte=on,
                                  revoked_at__isnull=True)
        .order_by().annotate(bound_until=bounded)
        .values_list("officer_id", "competency_id", "level", "achieved_on", "expires_on", "bound_until")
    ):
        listed = evidence.get((officer_id, competency_id))
        if listed is None:
            evidence[(officer_id, competency_id)] = [item]
        else:
            listed.append(item)
    horizon = on + dt.timedelta(days=EXPIRING_DAYS)
    # Officers with no evidence at all (a third or more at scale) add "chưa đạt" per shared requirements set.
    bare: dict[tuple[int, int], int] = defaultdict(int)
    with_evidence = {officer_id for officer_id, _c in evidence}
    for officer_id, mine in requirements.items():
        unit_id = unit_of[officer_id]
        if officer_id not in with_evidence:
            bare[(unit_id, id(mine))] += 1
            continue
        for cid, level, validity in flat[id(mine)]:
            found = evidence.get((officer_id, cid))
            status = MISSING_I if found is None else _pair_status(found, level, validity, on, horizon)
            counts = pairs.get((unit_id, cid))
            if counts is None:
                counts = pairs[(unit_id, cid)] = [0, 0, 0, 0]
            counts[status] += 1
    for (unit_id, key), n in bare.items():
        for cid, _level, _validity in flat[key]:
            counts = pairs.get((unit_id, cid))
            if counts is None:
                counts = pairs[(unit_id, cid)] = [0, 0, 0, 0]
            counts[MISSING_I] += n
    return Tally(dict(head), pairs, competencies)


def unit_subtree_tally(unit: Unit, on: dt.date | None = None, unit_ids: Iterable[int] | None = None) -> Tally:
    """`status_tally` of the active officers of a unit's subtree (the counts of `unit_subtree_rows`).

    Kept in the shared cache for `COMPETENCY_CACHE_SECONDS`, one part per unit of the subtree (the counts of the
    officers placed in that unit), each under the global competency data version and that unit's own version:
    a write about one officer (evidence, an assignment: `people.receivers`) starts a new version of their unit
    only, so the next request recomputes that unit's part (a few milliseconds) and takes the other parts from the
    cache; a write every unit depends on (roles, requirements, competencies, the unit tree, a bulk import:
    `bump_data_version`) starts a new global version. A cached part is never served after the records behind it
    changed; the time limit only frees memory. 0 turns the cache off. `unit_ids`: the subtree's unit ids when the
    caller already has them (saves one query).
    """
    on = on or today()
    seconds = settings.COMPETENCY_CACHE_SECONDS
    if seconds <= 0:
        return status_tally(unit_subtree_officers(unit), on)
    ids = (sorted(unit_ids) if unit_ids is not None
           else list(Unit.objects.filter(path__startswith=unit.path).order_by("pk").values_list("pk", flat=True)))
    # The versions are read before computing: a write committed meanwhile starts newer versions, and the parts
    # computed here are stored under the old ones, which nobody asks for any more.
    version, unit_version = _versions(ids)
    day = on.isoformat()
    keys = {uid: f"competency:part:{version}:{unit_version[uid]}:{uid}:{day}" for uid in ids}
    found = cache.get_many(list(keys.values())) if keys else {}
    parts = {uid: found[key] for uid, key in keys.items() if key in found}
    missing = [uid for uid in ids if uid not in parts]
    if missing:
        officers = unit_subtree_officers(unit)
        if len(missing) < len(ids):
            officers = officers.filter(unit_id__in=missing)
        fresh = _split_by_unit(status_tally(officers, on), missing)
        cache.set_many({keys[uid]: part for uid, part in fresh.items()}, seconds)
        parts.update(fresh)
    return _merge(parts.values())


def _split_by_unit(tally: Tally, unit_ids: Iterable[int]) -> dict[int, Tally]:
    """One Tally per unit (the officers placed in it), every asked unit present (empty when it has nobody)."""
    split = {uid: Tally({}, {}, {}) for uid in unit_ids}
    for uid, n in tally.officers.items():
        split[uid].officers[uid] = n
    for (uid, cid), counts in tally.pairs.items():
        part = split[uid]
        part.pairs[(uid, cid)] = counts
        part.competencies[cid] = tally.competencies[cid]
    return split


def _merge(parts: Iterable[Tally]) -> Tally:
    """The union of per-unit tallies (their keys never overlap: each is keyed by its own unit)."""
    merged = Tally({}, {}, {})
    for part in parts:
        merged.officers.update(part.officers)
        merged.pairs.update(part.pairs)
        merged.competencies.update(part.competencies)
    return merged


# --- Cache versions of the competency records -----------------------------------------------------------------

_VERSION_KEY = "competency:data-version"
_UNIT_VERSION_KEY = "competency:unit-version:{}"
_EPOCH = "competency"


def data_version() -> int:
    """The current global version of the records the rules read (a number that changes on every write that
    every unit depends on)."""
    version = cache.get(_VERSION_KEY)
    if version is None:
        # A cache that lost the key (restart, eviction) starts a version no earlier tally was stored under.
        cache.add(_VERSION_KEY, time.time_ns(), None)
        version = cache.get(_VERSION_KEY)
        if version is None:  # the cache cannot keep it (unreachable): a number nobody else will use
            version = time.time_ns()
    return version


def _versions(unit_ids: list[int]) -> tuple[str, dict[int, int]]:
    """The global version and each unit's own version, in one round trip to the cache (plus one per lost key).

    The global version is prefixed with the database epoch "competency" (one primary-key query): a write whose
    bump could not reach the cache (Redis down) starts a new epoch (`_bump_failed`), so the parts cached before
    the outage are never served once Redis is back, in any process."""
    keys = {uid: _UNIT_VERSION_KEY.format(uid) for uid in unit_ids}
    found = cache.get_many([_VERSION_KEY, *keys.values()])
    version = found.get(_VERSION_KEY)
    if version is None:
        version = data_version()
    unit_version = {}
    for uid, key in keys.items():
        value = found.get(key)
        if value is None:
            # Lost or never set: a fresh number no earlier part was stored under (add: a concurrent bump wins).
            cache.add(key, time.time_ns(), None)
            value = cache.get(key)
            if value is None:  # the cache cannot keep it (unreachable): a number nobody else will use
                value = time.time_ns()
        unit_version[uid] = value
    return f"{cache_epoch(_EPOCH)}.{version}", unit_version


def _bump_failed(result) -> None:
    """After a bump the cache did not store (Redis unreachable): start a new database epoch. Called on commit
    only (the bump inside the transaction is retried then), so no transaction waits on the epoch row."""
    if cache_write_failed(result):
        epoch_bump(_EPOCH)


def bump_data_version() -> None:
    """Start a new global version now and again when the current transaction commits (a tally computed from the
    old records between the two is stored under the first new version, which the commit retires)."""
    def bump():
        return cache.set_many({_VERSION_KEY: time.time_ns()}, None)

    bump()
    transaction.on_commit(lambda: _bump_failed(bump()))


def bump_unit_versions(unit_ids: Iterable[int]) -> None:
    """Start new versions of these units' counts, now and again when the current transaction commits (as
    `bump_data_version`, for a write about officers placed in these units only)."""
    keys = [_UNIT_VERSION_KEY.format(uid) for uid in set(unit_ids) if uid is not None]
    if not keys:
        return

    def bump():
        now = time.time_ns()
        return cache.set_many(dict.fromkeys(keys, now), None)

    bump()
    transaction.on_commit(lambda: _bump_failed(bump()))


def readiness(officer: Officer, on: dt.date | None = None) -> tuple[int, int]:
    """(met, required): the required pairs of the officer with status đạt or sắp hết hạn, and all of them."""
    rows = rows_for_officers([officer], on)
    return sum(1 for r in rows if r.is_met), len(rows)


def officer_profile(officer: Officer, on: dt.date | None = None) -> list[tuple[RoleAssignment, list[CompetencyRow]]]:
    """Per current role assignment (by role order), the rows of the competencies that role requires.

    A competency several roles require appears under each of them with the same (combined) row. Four queries
    (plus one when the evidence is read); courses.selectors.competency_next_steps fills next_course / enrolment.
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


def with_bounds(rows: Iterable[CompetencyRow]) -> list[CompetencyRow]:
    """Give each row whose "valid until" a legal change set (`bound_id`) its EvidenceBound as `row.bound` — why
    the officer must retrain (`bound.reason`, the document's number) and by when. One query for all the rows,
    none when no row is bounded; the rows are returned (as a list)."""
    rows = list(rows)
    ids = {row.bound_id for row in rows if row.bound_id is not None}
    if not ids:
        return rows
    bounds = EvidenceBound.objects.in_bulk(ids)
    for row in rows:
        if row.bound_id is not None:
            row._bound = bounds.get(row.bound_id)
    return rows


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
