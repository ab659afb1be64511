"""Reads behind the leaders' competency coverage pages (overview, matrices, desk readiness, lists, trend).

Every number comes from `people.competency.unit_subtree_rows(unit, on)` — the same (officer × required
competency) rows as `manage.py competency_status` — taken once per page and aggregated in one pass in Python,
so a page runs a fixed number of SQL queries whatever the number of officers. The few other reads (head-counts,
overdue enrolments, areas, centres) are one grouped query each.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from assessments.selectors import monthly_pass_rates
from courses.models import Enrolment
from people import competency as engine
from people.models import Competency, CompetencyArea, DeskRole, Officer, RoleAssignment, Unit
from people.text import fold
from procedures.selectors import FieldCompetency

#: URL keys of the four statuses (the Vietnamese words of the engine are the values).
STATUS_KEYS = {
    "met": engine.STATUS_MET,
    "expiring": engine.STATUS_EXPIRING,
    "expired": engine.STATUS_EXPIRED,
    "missing": engine.STATUS_MISSING,
}
STATUS_KEY_OF = {v: k for k, v in STATUS_KEYS.items()}
#: Badge class of each status (the text is always shown next to the colour).
STATUS_TONE = {engine.STATUS_MET: "success", engine.STATUS_EXPIRING: "warning", engine.STATUS_EXPIRED: "danger",
               engine.STATUS_MISSING: "danger"}
#: Met share at or above GOOD is green, at or above FAIR amber, below red.
GOOD_SHARE = 0.9
FAIR_SHARE = 0.7
#: Desk readiness: fewer than this many ready officers is red, exactly this many amber.
DESK_MINIMUM = 2
EXPIRY_WINDOWS = (30, 60, 90)


def counter_role_codes() -> tuple[str, ...]:
    """Desk roles on duty at the counter (intake/return and guide by default; DASHBOARDS_COUNTER_ROLES)."""
    return tuple(getattr(settings, "DASHBOARDS_COUNTER_ROLES", ("TN", "HD")))


def share_of(part: int, whole: int) -> float | None:
    """part / whole, None when the whole is 0 (nothing to measure, shown as "—")."""
    return part / whole if whole else None


def percent_of(share: float | None) -> float | None:
    """A share as a percentage with one decimal (None stays None)."""
    return None if share is None else round(share * 100, 1)


class QuizRate:
    """The pass rate of `quiz_passed` out of `quiz_graded` attempts (for dataclasses that carry both)."""

    @property
    def quiz_share(self) -> float | None:
        return share_of(self.quiz_passed, self.quiz_graded)

    @property
    def quiz_percent(self) -> float | None:
        return percent_of(self.quiz_share)

    @property
    def quiz_tone(self) -> str:
        return share_tone(self.quiz_share)


class CellTones:
    """How many of a centre's `cells` are red (danger) and amber (warning)."""

    @property
    def red(self) -> int:
        return sum(1 for c in self.cells if c.tone == "danger")

    @property
    def amber(self) -> int:
        return sum(1 for c in self.cells if c.tone == "warning")


def share_tone(share: float | None) -> str:
    if share is None:
        return "muted"
    if share >= GOOD_SHARE:
        return "success"
    if share >= FAIR_SHARE:
        return "warning"
    return "danger"


@dataclass
class Counts:
    """Status counts of a set of required pairs (plus head-count and overdue enrolments where known)."""

    officers: int = 0
    required: int = 0
    met: int = 0
    expiring: int = 0
    expired: int = 0
    missing: int = 0
    overdue: int = 0

    def add(self, status: str) -> None:
        self.required += 1
        if status == engine.STATUS_MET:
            self.met += 1
        elif status == engine.STATUS_EXPIRING:
            self.expiring += 1
        elif status == engine.STATUS_EXPIRED:
            self.expired += 1
        else:
            self.missing += 1

    def add_tally(self, numbers) -> None:
        """Add [đạt, sắp hết hạn, hết hạn, chưa đạt] counts (a `people.competency.Tally` entry)."""
        met, expiring, expired, missing = numbers
        self.met += met
        self.expiring += expiring
        self.expired += expired
        self.missing += missing
        self.required += met + expiring + expired + missing

    def merge(self, other: Counts) -> None:
        for name in ("officers", "required", "met", "expiring", "expired", "missing", "overdue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def satisfied(self) -> int:
        return self.met + self.expiring

    @property
    def share(self) -> float | None:
        """Met share = (đạt + sắp hết hạn) / required pairs; None when nothing is required."""
        return share_of(self.satisfied, self.required)

    @property
    def percent(self) -> float | None:
        return percent_of(self.share)

    @property
    def tone(self) -> str:
        return share_tone(self.share)

    def by_status(self) -> list[tuple[str, str, int]]:
        """(url key, Vietnamese status, count) in the order best → worst."""
        return [("met", engine.STATUS_MET, self.met), ("expiring", engine.STATUS_EXPIRING, self.expiring),
                ("expired", engine.STATUS_EXPIRED, self.expired), ("missing", engine.STATUS_MISSING, self.missing)]


def parse_day(value: str | None, *, default: dt.date) -> dt.date:
    """A day from ``dd/mm/yyyy`` or ``yyyy-mm-dd``; anything else (or nothing) gives ``default``."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = dt.datetime.strptime((value or "").strip(), fmt).date()
        except ValueError:
            continue
        if dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
            return day
    return default


def unit_rows(unit: Unit, on: dt.date) -> list[engine.CompetencyRow]:
    """The engine rows of a unit's subtree on a day (the single source of every number here)."""
    return engine.unit_subtree_rows(unit, on)


def _child_key(root: Unit, path: str) -> str | None:
    """The code of the child of `root` that a path lies under, or None for the root itself."""
    rest = path[len(root.path):]
    return rest.split("/", 1)[0] or None


# --- Overview -------------------------------------------------------------------------------------------


@dataclass
class OverviewRow:
    unit: Unit
    #: True for the row of the officers placed directly in the viewed unit (not in a unit below it).
    own: bool
    counts: Counts = field(default_factory=Counts)
    by_area: dict[int, Counts] = field(default_factory=dict)

    def area_counts(self, areas) -> list[Counts]:
        return [self.by_area.get(a.pk, Counts()) for a in areas]


@dataclass
class Overview:
    unit: Unit
    on: dt.date
    areas: list[CompetencyArea]
    rows: list[OverviewRow]
    total: OverviewRow


def areas_all() -> list[CompetencyArea]:
    return list(CompetencyArea.objects.order_by("sort_order", "code"))


def coverage_overview(*, unit: Unit, on: dt.date) -> Overview:
    """One row per child unit of `unit` (plus one for officers placed directly in it) and a total row.

    The counts come from `people.competency.unit_subtree_tally` (the status counts of the engine rows per unit
    and competency, without building the rows). Queries: the subtree's units, the tally's four (officers' units,
    assignments, requirements, evidence), overdue enrolments per unit, areas.
    """
    units = list(unit.subtree().order_by("path"))
    path_of = {u.pk: u.path for u in units}
    tally = engine.unit_subtree_tally(unit, on, unit_ids=path_of)
    children = [u for u in units if u.parent_id == unit.pk]
    by_code = {c.code: c for c in children}
    own = OverviewRow(unit=unit, own=True)
    result = {c.code: OverviewRow(unit=c, own=False) for c in children}
    total = OverviewRow(unit=unit, own=False)

    buckets: dict[str, OverviewRow] = {}

    def bucket(path: str) -> OverviewRow:
        found = buckets.get(path)
        if found is None:
            key = _child_key(unit, path)
            found = buckets[path] = result[key] if key in by_code else own
        return found

    for unit_id, n in tally.officers.items():
        bucket(path_of[unit_id]).counts.officers += n
    for path, n in (overdue_enrolments_qs(unit=unit, on=on).order_by().values_list("officer__unit__path")
                    .annotate(n=Count("pk"))):
        bucket(path).counts.overdue += n
    area_of = {cid: c.area_id for cid, c in tally.competencies.items()}
    for (unit_id, competency_id), numbers in tally.pairs.items():
        target = bucket(path_of[unit_id])
        target.counts.add_tally(numbers)
        area_id = area_of[competency_id]
        area = target.by_area.get(area_id)
        if area is None:
            area = target.by_area[area_id] = Counts()
        area.add_tally(numbers)
    visible = [r for r in result.values() if r.unit.is_active or r.counts.officers or r.counts.required]
    if own.counts.officers or own.counts.required:
        visible.insert(0, own)
    for r in visible:
        total.counts.merge(r.counts)
        for area_id, counts in r.by_area.items():
            total.by_area.setdefault(area_id, Counts()).merge(counts)
    return Overview(unit=unit, on=on, areas=areas_all(), rows=visible, total=total)


# --- Filters shared by the matrices and the lists ---------------------------------------------------------


@dataclass
class RowFilters:
    """What the officer matrix (the "filtered officer list" every overview number links to) narrows to."""

    sub_unit: Unit | None = None
    #: Only officers placed directly in `sub_unit` (not below it).
    direct: bool = False
    role: DeskRole | None = None
    area: CompetencyArea | None = None
    competency: Competency | None = None
    status: str | None = None
    query: str = ""

    @property
    def active(self) -> bool:
        return bool(self.sub_unit or self.role or self.area or self.competency or self.status or self.query)

    def matches_officer(self, officer: Officer) -> bool:
        if self.sub_unit is not None:
            path = officer.unit.path
            if self.direct and officer.unit_id != self.sub_unit.pk:
                return False
            if not path.startswith(self.sub_unit.path):
                return False
        if self.query:
            folded = fold(self.query)
            if folded not in officer.search_name and self.query.strip().upper() not in officer.employee_code:
                return False
        return True

    def matches(self, row: engine.CompetencyRow, *, status: bool = True) -> bool:
        if self.role is not None and self.role.code not in row.role_codes:
            return False
        if self.area is not None and row.competency.area_id != self.area.pk:
            return False
        if self.competency is not None and row.competency.pk != self.competency.pk:
            return False
        if status and self.status and row.status != self.status:
            return False
        return self.matches_officer(row.officer)


def filter_rows(rows: Iterable[engine.CompetencyRow], filters: RowFilters) -> list[engine.CompetencyRow]:
    return [r for r in rows if filters.matches(r)]


# --- Officers × competencies ----------------------------------------------------------------------------


@dataclass
class MatrixOfficer:
    officer: Officer
    cells: dict[int, engine.CompetencyRow]
    counts: Counts
    cell_list: list = field(default_factory=list)


@dataclass
class OfficerMatrix:
    competencies: list[Competency]
    officers: list[MatrixOfficer]
    #: Pairs matching the filters (status included): the number an overview cell links to.
    counts: Counts


SORTS = ("name", "code", "unit", "gaps")


def officer_matrix(rows: Sequence[engine.CompetencyRow], filters: RowFilters, sort: str = "name") -> OfficerMatrix:
    """Officers (with at least one pair matching the filters) × the competencies of those pairs.

    With a status filter only the pairs of that status are cells; the others are left out, so the pair count
    of the matrix equals the overview number that links to it.
    """
    by_officer: dict[int, MatrixOfficer] = {}
    competencies: dict[int, Competency] = {}
    counts = Counts()
    for row in rows:
        if not filters.matches(row):
            continue
        counts.add(row.status)
        entry = by_officer.get(row.officer.pk)
        if entry is None:
            entry = by_officer[row.officer.pk] = MatrixOfficer(officer=row.officer, cells={}, counts=Counts())
        entry.cells[row.competency.pk] = row
        entry.counts.add(row.status)
        competencies[row.competency.pk] = row.competency
    officers = list(by_officer.values())
    keys = {
        "code": lambda m: m.officer.employee_code,
        "unit": lambda m: (m.officer.unit.path, m.officer.sort_name),
        "gaps": lambda m: (-(m.counts.required - m.counts.satisfied), m.officer.sort_name),
    }
    officers.sort(key=keys.get(sort, lambda m: (m.officer.sort_name, m.officer.employee_code)))
    counts.officers = len(officers)
    return OfficerMatrix(competencies=sorted(competencies.values(), key=lambda c: c.code), officers=officers,
                         counts=counts)


def fill_cells(matrix: OfficerMatrix, officers: Iterable[MatrixOfficer]) -> None:
    """Cells in column order for the officers of one page (None where nothing is required or filtered out)."""
    for entry in officers:
        entry.cell_list = [entry.cells.get(c.pk) for c in matrix.competencies]


# --- Roles × competencies -------------------------------------------------------------------------------


@dataclass
class RoleCell:
    competency: Competency
    counts: Counts


@dataclass
class RoleMatrixRow:
    role: DeskRole
    holders: int
    cells: list[RoleCell | None]


@dataclass
class RoleMatrix:
    competencies: list[Competency]
    rows: list[RoleMatrixRow]


def role_matrix(rows: Sequence[engine.CompetencyRow], roles: Sequence[DeskRole], filters: RowFilters) -> RoleMatrix:
    """For each desk role and each competency it requires: how many current holders of the role (in the unit's
    subtree) satisfy the requirement. A holder's requirement is the combined one of all their current roles
    (highest level, shortest validity), exactly as in the engine rows."""
    cells: dict[tuple[str, int], Counts] = defaultdict(Counts)
    holders: dict[str, set[int]] = defaultdict(set)
    competencies: dict[int, Competency] = {}
    for row in rows:
        if not filters.matches(row):
            continue
        competencies[row.competency.pk] = row.competency
        for code in row.role_codes:
            cells[(code, row.competency.pk)].add(row.status)
            holders[code].add(row.officer.pk)
    columns = sorted(competencies.values(), key=lambda c: c.code)
    result = []
    for role in roles:
        if role.code not in holders:
            continue
        line = [RoleCell(c, cells[(role.code, c.pk)]) if (role.code, c.pk) in cells else None for c in columns]
        result.append(RoleMatrixRow(role=role, holders=len(holders[role.code]), cells=line))
    return RoleMatrix(competencies=columns, rows=result)


# --- Desk readiness --------------------------------------------------------------------------------------


@dataclass
class DeskCell:
    competency: Competency
    required_level: int
    ready: list[Officer]
    not_ready: list[Officer]

    @property
    def count(self) -> int:
        return len(self.ready)

    @property
    def tone(self) -> str:
        if self.count < DESK_MINIMUM:
            return "danger"
        return "warning" if self.count == DESK_MINIMUM else "success"


@dataclass
class DeskCentre(CellTones):
    unit: Unit
    holders: int
    cells: list[DeskCell]


def centres_of(unit: Unit) -> list[Unit]:
    """The public-service centres in a unit's subtree (the unit itself when there is none)."""
    centres = list(Unit.objects.filter(path__startswith=unit.path, kind=Unit.Kind.SERVICE_CENTRE, is_active=True)
                   .order_by("path"))
    return centres or [unit]


def desk_readiness(rows: Sequence[engine.CompetencyRow], unit: Unit, roles: Sequence[str] | None = None,
                   centres: Sequence[Unit] | None = None) -> list[DeskCentre]:
    """Per centre and per competency a counter role requires of its holders there: who satisfies it today.

    Counted are the officers of the centre's subtree whose current counter roles (TN, HD…) require the
    competency; "ready" = the pair is đạt or sắp hết hạn. Red below 2 ready officers, amber at exactly 2.
    `centres` (default `centres_of(unit)`) lets a caller reading many units (the weekly digest) fetch them once.
    """
    roles = tuple(roles or counter_role_codes())
    centres = list(centres) if centres is not None else centres_of(unit)
    by_path = sorted(centres, key=lambda c: -len(c.path))
    groups: dict[int, dict[int, DeskCell]] = {c.pk: {} for c in centres}
    holders: dict[int, set[int]] = {c.pk: set() for c in centres}
    for row in rows:
        if not any(code in roles for code in row.role_codes):
            continue
        path = row.officer.unit.path
        centre = next((c for c in by_path if path.startswith(c.path)), None)
        if centre is None:
            continue
        holders[centre.pk].add(row.officer.pk)
        cell = groups[centre.pk].get(row.competency.pk)
        if cell is None:
            cell = groups[centre.pk][row.competency.pk] = DeskCell(row.competency, row.required_level, [], [])
        cell.required_level = max(cell.required_level, row.required_level)
        (cell.ready if row.is_met else cell.not_ready).append(row.officer)
    result = []
    for centre in centres:
        cells = sorted(groups[centre.pk].values(), key=lambda c: (c.count, c.competency.code))
        for cell in cells:
            cell.ready.sort(key=lambda o: o.sort_name)
            cell.not_ready.sort(key=lambda o: o.sort_name)
        result.append(DeskCentre(unit=centre, holders=len(holders[centre.pk]), cells=cells))
    return result


# --- Desk readiness per field -----------------------------------------------------------------------------


@dataclass
class FieldCell:
    """One field (lĩnh vực) at one centre: the desk-readiness cell of the field's competency (NV10-xx), or None
    when no counter role there requires it."""

    field: FieldCompetency
    desk: DeskCell | None

    @property
    def required(self) -> bool:
        return self.desk is not None

    @property
    def count(self) -> int:
        return self.desk.count if self.desk else 0

    @property
    def tone(self) -> str:
        return self.desk.tone if self.desk else "muted"

    @property
    def required_level(self) -> int | None:
        return self.desk.required_level if self.desk else None

    @property
    def ready(self) -> list[Officer]:
        return self.desk.ready if self.desk else []

    @property
    def not_ready(self) -> list[Officer]:
        return self.desk.not_ready if self.desk else []


@dataclass
class FieldCentre(CellTones):
    unit: Unit
    holders: int
    cells: list[FieldCell]


def field_readiness(desks: Sequence[DeskCentre], fields: Sequence[FieldCompetency]) -> list[FieldCentre]:
    """Desk readiness per centre × field: for each field with a competency (procedures.selectors.
    field_competencies), the desk cell of that competency — how many counter officers of the centre satisfy it,
    red below 2, amber at 2, with the names. Built from `desk_readiness`, so the numbers are the same."""
    result = []
    for centre in desks:
        by_competency = {cell.competency.pk: cell for cell in centre.cells}
        cells = [FieldCell(field=f, desk=by_competency.get(f.competency.pk)) for f in fields]
        result.append(FieldCentre(unit=centre.unit, holders=centre.holders, cells=cells))
    return result


# --- Lists ----------------------------------------------------------------------------------------------


def expiring_rows(rows: Iterable[engine.CompetencyRow], *, on: dt.date, days: int) -> list[engine.CompetencyRow]:
    """Satisfied pairs whose validity ends within `days` days of `on` (soonest first)."""
    horizon = on + dt.timedelta(days=days)
    found = [r for r in rows if r.is_met and r.valid_until is not None and r.valid_until <= horizon]
    found.sort(key=lambda r: (r.valid_until, r.officer.sort_name, r.competency.code))
    return found


def course_for(granting: dict, row: engine.CompetencyRow):
    """The course to renew the row's competency with: the first of courses.selectors.granting_courses (live,
    current, lowest sufficient level, then tree order) that grants it at the required level, or None."""
    return next((course for level, course in granting.get(row.competency.pk, ()) if level >= row.required_level),
                None)


def overdue_enrolments_qs(*, unit: Unit, on: dt.date) -> QuerySet[Enrolment]:
    """Active enrolments of the subtree's active officers whose due date is before `on`."""
    return Enrolment.objects.filter(
        status=Enrolment.Status.ACTIVE, due_on__lt=on, officer__is_active=True,
        officer__unit__path__startswith=unit.path,
    )


def overdue_enrolments(*, unit: Unit, on: dt.date, sub_unit: Unit | None = None) -> QuerySet[Enrolment]:
    qs = overdue_enrolments_qs(unit=sub_unit or unit, on=on)
    return qs.select_related("officer", "officer__unit", "course").order_by("due_on", "officer__sort_name", "pk")


def officers_without_role(*, unit: Unit, on: dt.date) -> QuerySet[Officer]:
    """Active officers of the subtree with no role assignment in force on `on`."""
    current = RoleAssignment.objects.current(on).values("officer_id")
    return (Officer.objects.filter(unit__path__startswith=unit.path, is_active=True)
            .exclude(pk__in=current).select_related("unit").order_by("sort_name", "employee_code"))


# --- Trend ----------------------------------------------------------------------------------------------


@dataclass
class TrendPoint(QuizRate):
    day: dt.date
    counts: Counts
    completions: int = 0
    #: Quiz attempts graded in the month (by officers of the unit's subtree) and how many reached the pass mark.
    quiz_graded: int = 0
    quiz_passed: int = 0

    @property
    def label(self) -> str:
        return self.day.strftime("%m/%Y")

    @property
    def short_label(self) -> str:
        """mm/yy: twelve of them fit under a chart on a phone or an A4 page."""
        return self.day.strftime("%m/%y")


def month_ends(on: dt.date, months: int = 12) -> list[dt.date]:
    """The last day of each of the `months` months up to `on` (the current month ends at `on`), oldest first."""
    days = []
    first_of_month = on.replace(day=1)
    for back in range(months - 1, 0, -1):
        start = first_of_month - relativedelta(months=back)
        days.append(start + relativedelta(months=1) - dt.timedelta(days=1))
    days.append(on)
    return days


def coverage_trend(*, unit: Unit, on: dt.date, months: int = 12) -> list[TrendPoint]:
    """Met share at the end of each of the last 12 months, recomputed by the engine from the dated records
    (assignments, requirements, evidence with its dates and revocations; `unit_subtree_tally`, the status counts of
the engine rows) — never from stored snapshots —
    the courses completed in each month and the quiz pass rate of the attempts graded in each month
    (assessments.selectors.monthly_pass_rates). 4 queries per month plus two."""
    points = []
    unit_ids = list(unit.subtree().values_list("pk", flat=True))
    for day in month_ends(on, months):
        counts = Counts()
        for numbers in engine.unit_subtree_tally(unit, day, unit_ids=unit_ids).pairs.values():
            counts.add_tally(numbers)
        points.append(TrendPoint(day=day, counts=counts))
    first = points[0].day.replace(day=1)
    completions = dict(
        Enrolment.objects.filter(status=Enrolment.Status.COMPLETED, completed_at__date__gte=first,
                                 completed_at__date__lte=on, officer__unit__path__startswith=unit.path)
        .annotate(month=TruncMonth("completed_at")).order_by().values_list("month").annotate(n=Count("pk"))
    )
    by_month = {(m.year, m.month): n for m, n in completions.items() if m is not None}
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))
    quizzes = monthly_pass_rates(unit_path=unit.path, since=since, until=until)
    for point in points:
        key = (point.day.year, point.day.month)
        point.completions = by_month.get(key, 0)
        point.quiz_graded, point.quiz_passed = quizzes.get(key, (0, 0))
    return points


# --- Quizzes with low pass rates ------------------------------------------------------------------------

#: A quiz is listed when fewer than this share of its graded attempts pass…
LOW_PASS_SHARE = 0.7
#: …over at least this many graded attempts (fewer say nothing about the quiz)…
LOW_PASS_MIN_ATTEMPTS = 5
#: …graded within this many days up to the day of the page.
LOW_PASS_DAYS = 365


@dataclass
class LowPassQuiz:
    rate: object  # assessments.selectors.QuizPassRate
    course: object | None  # courses.models.CoursePage (live) or None


def courses_of_quizzes(rates) -> dict[int, object]:
    """{quiz id: its live course} from the quizzes' tree paths (courses.models.course_path_prefix), one query."""
    from assessments.models import QuizPage
    from courses.models import CoursePage

    cut = QuizPage.levels_below_course * QuizPage.steplen
    prefixes = {r.quiz_id: r.path[: len(r.path) - cut] for r in rates}
    courses = {c.path: c for c in CoursePage.objects.live().filter(path__in=set(prefixes.values()))}
    return {quiz_id: courses.get(prefix) for quiz_id, prefix in prefixes.items()}


def low_pass_quizzes(*, unit_path: str | None, on: dt.date, quiz_paths: list[str] | None = None) -> list[LowPassQuiz]:
    """Quizzes whose attempts graded in the last LOW_PASS_DAYS days (by the officers of a unit subtree, or by
    everyone) pass less than LOW_PASS_SHARE of the time, lowest first, each with its live course. Two queries."""
    from assessments.selectors import low_pass_rate_quizzes

    until = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))
    rates = low_pass_rate_quizzes(threshold=LOW_PASS_SHARE, minimum_attempts=LOW_PASS_MIN_ATTEMPTS,
                                  unit_path=unit_path, since=until - dt.timedelta(days=LOW_PASS_DAYS + 1),
                                  until=until, quiz_paths=quiz_paths)
    courses = courses_of_quizzes(rates) if rates else {}
    return [LowPassQuiz(rate=r, course=courses.get(r.quiz_id)) for r in rates]
