"""The leaders' competency coverage pages under /quan-ly/nang-luc/: overview, matrices, desk readiness, lists,
trend. Every page takes the unit's engine rows once (dashboards.coverage) and renders or exports them; the
export (``?format=xlsx`` / ``?format=csv``) is the same selector output as the page."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from courses.selectors import granting_courses
from people import competency as engine
from people.models import Competency, Unit
from people.roles import is_administrator, is_leader
from people.selectors import led_unit_paths, units_visible_to
from procedures.selectors import field_competencies

from . import coverage, selectors
from .exports import DATE, INT, PERCENT, Column, requested_format, table_response

OFFICERS_PER_PAGE = 25
ROWS_PER_PAGE = 50
TREND_CACHE_SECONDS = 600


def _require_viewer(user) -> None:
    """Coverage pages are for leaders and administrators; officers and trainers get 403."""
    if not (is_leader(user) or is_administrator(user)):
        raise PermissionDenied


def top_units_for(user) -> list[Unit]:
    """The units a leader leads that are not below another one they lead (administrators: the tree's roots)."""
    if is_administrator(user):
        return list(Unit.objects.filter(parent__isnull=True, is_active=True).order_by("path"))
    paths = sorted(led_unit_paths(user=user))
    roots = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return list(Unit.objects.filter(path__in=roots).order_by("path"))


def _unit(request, pk: int) -> Unit:
    _require_viewer(request.user)
    return get_object_or_404(units_visible_to(viewer=request.user).select_related("parent"), pk=pk)


def _day(request) -> dt.date:
    today = timezone.localdate()
    return coverage.parse_day(request.GET.get("date"), default=today)


def _breadcrumb(request, unit: Unit) -> list[Unit]:
    """The unit's ancestors the viewer may open, top first (one query)."""
    parts = unit.path.strip("/").split("/")
    prefixes = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]
    if not is_administrator(request.user):
        led = led_unit_paths(user=request.user)
        prefixes = [p for p in prefixes if any(p.startswith(q) for q in led)]
    if not prefixes:
        return []
    return list(units_visible_to(viewer=request.user).filter(path__in=prefixes).order_by("depth"))


def _filename(unit: Unit, what: str, on: dt.date) -> str:
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", unit.code).strip("-") or "don-vi"
    return f"{what}-{code}-{on:%Y%m%d}"


def _base_context(request, unit: Unit, on: dt.date, tab: str) -> dict:
    return {"unit": unit, "on": on, "tab": tab, "ancestors": _breadcrumb(request, unit),
            "is_today": on == timezone.localdate(), "windows": coverage.EXPIRY_WINDOWS}


# --- Filters --------------------------------------------------------------------------------------------


def _filters(request, unit: Unit) -> tuple[coverage.RowFilters, dict]:
    """Parse the filter parameters; unknown values are ignored (never an error)."""
    sub_units = list(selectors.sub_units_of(unit=unit))
    for u in sub_units:
        u.indent = "\u2003" * (u.depth - unit.depth)
    roles = list(selectors.desk_roles_active())
    areas = coverage.areas_all()
    competencies = list(Competency.objects.filter(is_active=True).order_by("code"))
    params = request.GET
    filters = coverage.RowFilters()
    if params.get("unit", "").isdigit():
        filters.sub_unit = next((u for u in sub_units if u.pk == int(params["unit"])), None)
    filters.direct = filters.sub_unit is not None and params.get("direct") == "1"
    filters.role = next((r for r in roles if r.code == params.get("role")), None)
    filters.area = next((a for a in areas if a.code == params.get("area")), None)
    filters.competency = next((c for c in competencies if c.code == params.get("competency")), None)
    filters.status = coverage.STATUS_KEYS.get(params.get("status", ""))
    filters.query = params.get("q", "").strip()[:100]
    options = {"sub_units": sub_units, "roles": roles, "areas": areas, "competencies": competencies,
               "statuses": list(coverage.STATUS_KEYS.items()), "filters": filters,
               "status_key": coverage.STATUS_KEY_OF.get(filters.status, "")}
    return filters, options


# --- Overview -------------------------------------------------------------------------------------------

OVERVIEW_COLUMNS = [
    Column("Đơn vị", width=48), Column("Số cán bộ", INT, 12), Column("Số yêu cầu", INT, 12), Column("Đạt", INT, 10),
    Column("Sắp hết hạn", INT, 13), Column("Hết hạn", INT, 10), Column("Chưa đạt", INT, 10),
    Column("Tỷ lệ đạt (%)", PERCENT, 14),
]


def _overview_label(row: coverage.OverviewRow) -> str:
    return _("Directly in %(name)s") % {"name": row.unit.name} if row.own else row.unit.name


def _add_links(row: coverage.OverviewRow, unit: Unit, areas, day: dict) -> None:
    """Each number of an overview row links to the officer matrix (or the overdue list) filtered to it, on the
    same day (``day`` is ``{"date": ...}`` when the page is not about today)."""
    target = unit if row.own else row.unit
    base = {"unit": unit.pk, "direct": "1", **day} if row.own else dict(day)
    matrix = reverse("dashboards:coverage-officers", args=[target.pk])
    row.links = {"all": f"{matrix}?{urlencode(base)}".rstrip("?")}
    for key in coverage.STATUS_KEYS:
        row.links[key] = f"{matrix}?{urlencode({**base, 'status': key})}"
    row.links["overdue"] = f"{reverse('dashboards:coverage-overdue', args=[target.pk])}?{urlencode(base)}".rstrip("?")
    row.area_cells = [(area, row.by_area.get(area.pk, coverage.Counts()),
                       f"{matrix}?{urlencode({**base, 'area': area.code})}") for area in areas]


def _overview_response(request, unit: Unit, *, other_units=()):
    on = _day(request)
    overview = coverage.coverage_overview(unit=unit, on=on)
    fmt = requested_format(request)
    if fmt:
        lines = [
            (_overview_label(r), r.counts.officers, r.counts.required, r.counts.met, r.counts.expiring,
             r.counts.expired, r.counts.missing, r.counts.share)
            for r in overview.rows
        ]
        t = overview.total.counts
        lines.append(("Tổng cộng", t.officers, t.required, t.met, t.expiring, t.expired, t.missing, t.share))
        return table_response(fmt=fmt, filename=_filename(unit, "tong-quan-nang-luc", on), title="Tổng quan",
                              columns=OVERVIEW_COLUMNS, rows=lines)
    day = {} if on == timezone.localdate() else {"date": on.strftime("%d/%m/%Y")}
    for row in [*overview.rows, overview.total]:
        row.label = _overview_label(row)
        _add_links(row, unit, overview.areas, day)
    overview.total.label = _("Total")
    context = _base_context(request, unit, on, "overview")
    context.update({"overview": overview, "other_units": [u for u in other_units if u.pk != unit.pk]})
    return render(request, "dashboards/coverage_overview.html", context)


@require_safe
@login_required
def overview_home(request):
    """The leader's landing page: the coverage overview of the top unit they lead."""
    _require_viewer(request.user)
    units = top_units_for(request.user)
    if not units:
        return render(request, "dashboards/coverage_none.html", {})
    return _overview_response(request, units[0], other_units=units)


@require_safe
@login_required
def overview(request, pk: int):
    """Coverage of one unit in scope: a row per child unit and a total row (out of scope: 404)."""
    return _overview_response(request, _unit(request, pk))


# --- Officers × competencies ----------------------------------------------------------------------------

PAIR_COLUMNS = [
    Column("Mã cán bộ", width=14), Column("Họ và tên", width=28), Column("Mã đơn vị", width=16),
    Column("Đơn vị", width=36), Column("Vị trí yêu cầu", width=14), Column("Mã năng lực", width=12),
    Column("Năng lực", width=36), Column("Mức yêu cầu", INT, 12), Column("Mức đạt", INT, 10),
    Column("Trạng thái", width=14), Column("Hiệu lực đến", DATE, 14),
]


def _pair_line(row, names: dict[int, str] | None = None) -> tuple:
    o, c = row.officer, row.competency
    unit = o.unit
    return (o.employee_code, o.full_name, unit.code, unit.name, ", ".join(row.role_codes), c.code,
            names[c.pk] if names else c.name, row.required_level, row.held_level, row.status, row.valid_until)


@require_safe
@login_required
def officer_matrix(request, pk: int):
    """Officers × competencies of a unit: required/held level, status and valid-until; filtered, sorted,
    paginated; the "filtered officer list" every overview number links to."""
    unit = _unit(request, pk)
    on = _day(request)
    filters, options = _filters(request, unit)
    sort = request.GET.get("sort", "name")
    sort = sort if sort in coverage.SORTS else "name"
    rows = coverage.unit_rows(unit, on)
    matrix = coverage.officer_matrix(rows, filters, sort)
    fmt = requested_format(request)
    if fmt:
        names = {c.pk: c.name for c in matrix.competencies}  # the translated name once per competency
        lines = (_pair_line(cell, names) for entry in matrix.officers for cell in
                 sorted(entry.cells.values(), key=lambda r: r.competency.code))
        return table_response(fmt=fmt, filename=_filename(unit, "can-bo-nang-luc", on), title="Cán bộ × năng lực",
                              columns=PAIR_COLUMNS, rows=lines)
    page_obj = Paginator(matrix.officers, OFFICERS_PER_PAGE).get_page(request.GET.get("page"))
    coverage.fill_cells(matrix, page_obj.object_list)
    context = _base_context(request, unit, on, "officers")
    context.update(options)
    context.update({"matrix": matrix, "page_obj": page_obj, "sort": sort, "sorts": coverage.SORTS,
                    "status_tone": coverage.STATUS_TONE})
    return render(request, "dashboards/coverage_officers.html", context)


# --- Roles × competencies -------------------------------------------------------------------------------

ROLE_COLUMNS = [
    Column("Mã vị trí", width=12), Column("Vị trí", width=32), Column("Số người đảm nhiệm", INT, 14),
    Column("Mã năng lực", width=12), Column("Năng lực", width=36), Column("Số yêu cầu", INT, 12),
    Column("Đạt", INT, 10), Column("Sắp hết hạn", INT, 13), Column("Hết hạn", INT, 10), Column("Chưa đạt", INT, 10),
    Column("Tỷ lệ đạt (%)", PERCENT, 14),
]


@require_safe
@login_required
def role_matrix(request, pk: int):
    """Desk roles × competencies: the share of the role's current holders who satisfy each requirement."""
    unit = _unit(request, pk)
    on = _day(request)
    filters, options = _filters(request, unit)
    filters.status = None
    matrix = coverage.role_matrix(coverage.unit_rows(unit, on), options["roles"], filters)
    fmt = requested_format(request)
    if fmt:
        lines = [
            (r.role.code, r.role.name, r.holders, cell.competency.code, cell.competency.name, cell.counts.required,
             cell.counts.met, cell.counts.expiring, cell.counts.expired, cell.counts.missing, cell.counts.share)
            for r in matrix.rows for cell in r.cells if cell is not None
        ]
        return table_response(fmt=fmt, filename=_filename(unit, "vi-tri-nang-luc", on), title="Vị trí × năng lực",
                              columns=ROLE_COLUMNS, rows=lines)
    context = _base_context(request, unit, on, "roles")
    context.update(options)
    context.update({"matrix": matrix})
    return render(request, "dashboards/coverage_roles.html", context)


# --- Desk readiness -------------------------------------------------------------------------------------

DESK_COLUMNS = [
    Column("Mã đơn vị", width=16), Column("Trung tâm", width=40), Column("Mã năng lực", width=12),
    Column("Năng lực", width=36), Column("Mức yêu cầu", INT, 12), Column("Số người đạt", INT, 12),
    Column("Người đạt", width=60), Column("Người chưa đạt", width=60),
]


@require_safe
@login_required
def desk_readiness(request, pk: int):
    """For each centre and each competency the counter roles require: how many holders satisfy it (red < 2)."""
    unit = _unit(request, pk)
    on = _day(request)
    centres = coverage.desk_readiness(coverage.unit_rows(unit, on), unit)
    fmt = requested_format(request)
    if fmt:
        lines = [
            (c.unit.code, c.unit.name, cell.competency.code, cell.competency.name, cell.required_level, cell.count,
             "; ".join(o.full_name for o in cell.ready), "; ".join(o.full_name for o in cell.not_ready))
            for c in centres for cell in c.cells
        ]
        return table_response(fmt=fmt, filename=_filename(unit, "san-sang-tai-quay", on), title="Sẵn sàng tại quầy",
                              columns=DESK_COLUMNS, rows=lines)
    context = _base_context(request, unit, on, "desks")
    context.update({"centres": centres, "counter_roles": coverage.counter_role_codes(),
                    "minimum": coverage.DESK_MINIMUM})
    return render(request, "dashboards/coverage_desks.html", context)


DESK_FIELD_COLUMNS = [
    Column("Mã đơn vị", width=16), Column("Trung tâm", width=40), Column("Lĩnh vực", width=30),
    Column("Mã năng lực", width=12), Column("Mức yêu cầu", INT, 12), Column("Số người đạt", INT, 12),
    Column("Đánh giá", width=22), Column("Người đạt", width=60), Column("Người chưa đạt", width=60),
]
#: The assessment column of the per-field export (always Vietnamese, as every export header).
FIELD_VERDICT = {"danger": "Chưa bảo đảm", "warning": "Mỏng", "success": "Bảo đảm",
                 "muted": "Không yêu cầu tại quầy"}


@require_safe
@login_required
def desk_readiness_by_field(request, pk: int):
    """Per centre × field (lĩnh vực): how many counter officers satisfy the field's competency (red < 2)."""
    unit = _unit(request, pk)
    on = _day(request)
    fields = field_competencies()
    centres = coverage.field_readiness(coverage.desk_readiness(coverage.unit_rows(unit, on), unit), fields)
    fmt = requested_format(request)
    if fmt:
        with translation.override("vi"):  # exports are always in Vietnamese
            labels = {f.field: str(f.label) for f in fields}
        lines = [
            (c.unit.code, c.unit.name, labels[cell.field.field], cell.field.competency.code, cell.required_level,
             cell.count, FIELD_VERDICT[cell.tone], "; ".join(o.full_name for o in cell.ready),
             "; ".join(o.full_name for o in cell.not_ready))
            for c in centres for cell in c.cells
        ]
        return table_response(fmt=fmt, filename=_filename(unit, "san-sang-theo-linh-vuc", on),
                              title="Sẵn sàng theo lĩnh vực", columns=DESK_FIELD_COLUMNS, rows=lines)
    context = _base_context(request, unit, on, "desk_fields")
    context.update({"centres": centres, "fields": fields, "counter_roles": coverage.counter_role_codes(),
                    "minimum": coverage.DESK_MINIMUM})
    return render(request, "dashboards/coverage_desk_fields.html", context)


# --- Lists ----------------------------------------------------------------------------------------------

EXPIRING_COLUMNS = [*PAIR_COLUMNS, Column("Số ngày còn lại", INT, 14)]


@require_safe
@login_required
def expiring(request, pk: int):
    """Evidence that stops satisfying a requirement within 30, 60 or 90 days, with a course to renew it."""
    unit = _unit(request, pk)
    on = _day(request)
    days = request.GET.get("days", "60")
    days = int(days) if days.isdigit() and int(days) in coverage.EXPIRY_WINDOWS else 60
    filters, options = _filters(request, unit)
    filters.status = None
    rows = coverage.expiring_rows(coverage.filter_rows(coverage.unit_rows(unit, on), filters), on=on, days=days)
    fmt = requested_format(request)
    if fmt:
        lines = (( *_pair_line(r), (r.valid_until - on).days) for r in rows)
        return table_response(fmt=fmt, filename=_filename(unit, f"sap-het-han-{days}-ngay", on),
                              title="Sắp hết hạn", columns=EXPIRING_COLUMNS, rows=lines)
    page_obj = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    granting = granting_courses(competency_ids={r.competency.pk for r in page_obj.object_list})
    # Why: a legal change that bounded the evidence ("Phải học lại theo <số văn bản> trước …"), one query.
    items = [{"row": r, "days_left": (r.valid_until - on).days, "course": coverage.course_for(granting, r)}
             for r in engine.with_bounds(page_obj.object_list)]
    context = _base_context(request, unit, on, "expiring")
    context.update(options)
    context.update({"page_obj": page_obj, "items": items, "days": days, "total": len(rows)})
    return render(request, "dashboards/coverage_expiring.html", context)


OVERDUE_COLUMNS = [
    Column("Mã cán bộ", width=14), Column("Họ và tên", width=28), Column("Đơn vị", width=36),
    Column("Khóa học", width=48), Column("Hạn hoàn thành", DATE, 14), Column("Số ngày quá hạn", INT, 14),
    Column("Tiến độ (%)", PERCENT, 12),
]


@require_safe
@login_required
def overdue(request, pk: int):
    """Active enrolments past their due date: officer, course, due date, days overdue, progress."""
    from courses.selectors import progress_for_enrolments

    unit = _unit(request, pk)
    on = _day(request)
    filters, options = _filters(request, unit)
    enrolments = coverage.overdue_enrolments(unit=unit, on=on, sub_unit=filters.sub_unit)
    if filters.direct:
        enrolments = enrolments.filter(officer__unit=filters.sub_unit)
    fmt = requested_format(request)
    if fmt:
        items = list(enrolments)
        progress = progress_for_enrolments(enrolments=items)
        lines = []
        for e in items:
            done, total = progress.get(e.pk, (0, 0))
            lines.append((e.officer.employee_code, e.officer.full_name, e.officer.unit.name, e.course_title,
                          e.due_on, (on - e.due_on).days, min(1, done / total) if total else 0.0))
        return table_response(fmt=fmt, filename=_filename(unit, "qua-han", on), title="Quá hạn",
                              columns=OVERDUE_COLUMNS, rows=lines)
    page_obj = Paginator(enrolments, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    items = list(page_obj.object_list)
    progress = progress_for_enrolments(enrolments=items)
    for e in items:
        done, total = progress.get(e.pk, (0, 0))
        e.days_overdue = (on - e.due_on).days
        e.progress_percent = min(100, round(100 * done / total)) if total else 0
    context = _base_context(request, unit, on, "overdue")
    context.update(options)
    context.update({"page_obj": page_obj, "enrolments": items})
    return render(request, "dashboards/coverage_overdue.html", context)


NO_ROLE_COLUMNS = [Column("Mã cán bộ", width=14), Column("Họ và tên", width=28), Column("Mã đơn vị", width=16),
                   Column("Đơn vị", width=36), Column("Thư điện tử", width=30)]


@require_safe
@login_required
def no_role(request, pk: int):
    """Active officers with no desk role in force: nothing is required of them, so nobody trains them."""
    unit = _unit(request, pk)
    on = _day(request)
    officers = coverage.officers_without_role(unit=unit, on=on)
    fmt = requested_format(request)
    if fmt:
        lines = ((o.employee_code, o.full_name, o.unit.code, o.unit.name, o.email) for o in officers)
        return table_response(fmt=fmt, filename=_filename(unit, "chua-co-vi-tri", on), title="Chưa có vị trí",
                              columns=NO_ROLE_COLUMNS, rows=lines)
    page_obj = Paginator(officers, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = _base_context(request, unit, on, "no_role")
    context.update({"page_obj": page_obj, "officers": page_obj.object_list})
    return render(request, "dashboards/coverage_no_role.html", context)


# --- Trend ----------------------------------------------------------------------------------------------

TREND_COLUMNS = [Column("Tháng", width=12), Column("Ngày tính", DATE, 14), Column("Số yêu cầu", INT, 12),
                 Column("Đạt", INT, 10), Column("Sắp hết hạn", INT, 13), Column("Hết hạn", INT, 10),
                 Column("Chưa đạt", INT, 10), Column("Tỷ lệ đạt (%)", PERCENT, 14),
                 Column("Khóa học hoàn thành", INT, 16), Column("Lượt kiểm tra được chấm", INT, 16),
                 Column("Lượt kiểm tra đạt", INT, 14), Column("Tỷ lệ đạt kiểm tra (%)", PERCENT, 16)]


def trend_charts_quiz(points):
    from .charts import line_chart

    return line_chart([(p.short_label, p.quiz_percent) for p in points], title=_("Quiz pass rate by month"),
                      unit_label="%")


def _trend(unit: Unit, on: dt.date) -> list[coverage.TrendPoint]:
    key = f"dashboards:trend:{unit.pk}:{on.isoformat()}"
    points = cache.get(key)
    if points is None:
        points = coverage.coverage_trend(unit=unit, on=on)
        cache.set(key, points, TREND_CACHE_SECONDS)
    return points


@require_safe
@login_required
def trend(request, pk: int):
    """Met share at the end of each of the last 12 months, courses completed and quiz pass rate per month (SVG
    charts with a data table), recomputed from the dated records."""
    from .charts import line_chart

    unit = _unit(request, pk)
    on = _day(request)
    points = _trend(unit, on)
    fmt = requested_format(request)
    if fmt:
        lines = [(p.label, p.day, p.counts.required, p.counts.met, p.counts.expiring, p.counts.expired,
                  p.counts.missing, p.counts.share, p.completions, p.quiz_graded, p.quiz_passed, p.quiz_share)
                 for p in points]
        return table_response(fmt=fmt, filename=_filename(unit, "xu-huong", on), title="Xu hướng",
                              columns=TREND_COLUMNS, rows=lines)
    chart = line_chart([(p.short_label, p.counts.percent) for p in points],
                       title=_("Met share by month"), unit_label="%")
    completions = line_chart([(p.short_label, p.completions) for p in points], title=_("Courses completed by month"),
                             unit_label="", bars=True)
    context = _base_context(request, unit, on, "trend")
    context.update({"points": points, "chart": chart, "completions_chart": completions,
                    "quiz_chart": trend_charts_quiz(points)})
    return render(request, "dashboards/coverage_trend.html", context)


# --- Quizzes with low pass rates ------------------------------------------------------------------------

QUIZ_COLUMNS = [Column("Bài kiểm tra", width=44), Column("Khóa học", width=44), Column("Số lượt chấm", INT, 12),
                Column("Số lượt đạt", INT, 12), Column("Tỷ lệ đạt (%)", PERCENT, 14), Column("Số cán bộ", INT, 12),
                Column("Điểm đạt (%)", INT, 12)]


def quiz_rows(items) -> list[tuple]:
    return [(i.rate.title, i.course.title if i.course else "", i.rate.graded, i.rate.passed, i.rate.share,
             i.rate.officers, int(i.rate.pass_mark)) for i in items]


@require_safe
@login_required
def low_pass_quizzes(request, pk: int):
    """Quizzes the unit's officers pass less than 70 % of the time over the last 12 months: the item analysis
    (for trainers) and the course to assign again."""
    from people.roles import is_trainer

    unit = _unit(request, pk)
    on = _day(request)
    items = coverage.low_pass_quizzes(unit_path=unit.path, on=on)
    fmt = requested_format(request)
    if fmt:
        return table_response(fmt=fmt, filename=_filename(unit, "bai-kiem-tra-ty-le-dat-thap", on),
                              title="Bài kiểm tra đạt thấp", columns=QUIZ_COLUMNS, rows=quiz_rows(items))
    context = _base_context(request, unit, on, "quizzes")
    context.update({"items": items, "can_analyse": is_trainer(request.user),
                    "threshold": round(coverage.LOW_PASS_SHARE * 100), "minimum": coverage.LOW_PASS_MIN_ATTEMPTS})
    return render(request, "dashboards/coverage_quizzes.html", context)
