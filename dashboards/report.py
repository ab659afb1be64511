"""What the printable coverage report of a unit holds: the same selector output as the pages (dashboards.coverage),
read once, section by section. Long lists are cut at LIST_LIMIT lines with the number left out (the pages and
their exports have them all)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from people import competency as engine

from . import coverage
from .charts import Chart, line_chart

STEPS = ("overview", "desks", "gaps", "expiring", "overdue", "trend")
LIST_LIMIT = 200
EXPIRING_DAYS = 60


@dataclass
class GapLine:
    competency: object
    required: int = 0
    expired: int = 0
    missing: int = 0


@dataclass
class ReportData:
    unit: object
    on: dt.date
    printed_at: dt.datetime
    overview: coverage.Overview | None = None
    desks: list = field(default_factory=list)
    desk_alerts: list = field(default_factory=list)
    gaps_by_competency: list[GapLine] = field(default_factory=list)
    gaps: list = field(default_factory=list)
    gaps_total: int = 0
    expiring: list = field(default_factory=list)
    expiring_total: int = 0
    overdue: list = field(default_factory=list)
    overdue_total: int = 0
    trend: list = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    expiring_days: int = EXPIRING_DAYS
    limit: int = LIST_LIMIT

    @property
    def gaps_more(self) -> int:
        return max(0, self.gaps_total - len(self.gaps))

    @property
    def expiring_more(self) -> int:
        return max(0, self.expiring_total - len(self.expiring))

    @property
    def overdue_more(self) -> int:
        return max(0, self.overdue_total - len(self.overdue))


def coverage_report_data(*, unit, on: dt.date, progress: Callable[[int], None] = lambda done: None) -> ReportData:
    """Every section of the report; `progress(n)` after each of the STEPS."""
    from courses.selectors import progress_for_enrolments

    data = ReportData(unit=unit, on=on, printed_at=timezone.localtime())
    data.overview = coverage.coverage_overview(unit=unit, on=on)
    progress(1)
    rows = coverage.unit_rows(unit, on)
    data.desks = coverage.desk_readiness(rows, unit)
    data.desk_alerts = [(centre, [c for c in centre.cells if c.tone != "success"]) for centre in data.desks]
    progress(2)
    by_competency: dict[int, GapLine] = {}
    gaps = []
    for row in rows:
        line = by_competency.get(row.competency.pk)
        if line is None:
            line = by_competency[row.competency.pk] = GapLine(competency=row.competency)
        line.required += 1
        if row.status == engine.STATUS_EXPIRED:
            line.expired += 1
        elif row.status == engine.STATUS_MISSING:
            line.missing += 1
        if not row.is_met:
            gaps.append(row)
    data.gaps_by_competency = sorted((g for g in by_competency.values() if g.expired or g.missing),
                                     key=lambda g: (-(g.expired + g.missing), g.competency.code))
    gaps.sort(key=lambda r: (r.officer.unit.path, r.officer.sort_name, r.competency.code))
    data.gaps_total, data.gaps = len(gaps), gaps[:LIST_LIMIT]
    progress(3)
    expiring = coverage.expiring_rows(rows, on=on, days=EXPIRING_DAYS)
    data.expiring_total = len(expiring)
    data.expiring = [{"row": r, "days_left": (r.valid_until - on).days} for r in expiring[:LIST_LIMIT]]
    progress(4)
    overdue = coverage.overdue_enrolments(unit=unit, on=on)
    data.overdue_total = overdue.count()
    items = list(overdue[:LIST_LIMIT])
    counts = progress_for_enrolments(enrolments=items)
    for e in items:
        done, total = counts.get(e.pk, (0, 0))
        e.days_overdue = (on - e.due_on).days
        e.progress_percent = min(100, round(100 * done / total)) if total else 0
    data.overdue = items
    progress(5)
    data.trend = coverage.coverage_trend(unit=unit, on=on)
    data.charts = [
        line_chart([(p.short_label, p.counts.percent) for p in data.trend], title=_("Met share by month"), unit_label="%"),
        line_chart([(p.short_label, p.completions) for p in data.trend], title=_("Courses completed by month"),
                   bars=True),
        line_chart([(p.short_label, p.quiz_percent) for p in data.trend], title=_("Quiz pass rate by month"),
                   unit_label="%"),
    ]
    progress(6)
    return data
