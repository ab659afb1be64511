"""Start pages: where each user type lands, and the leaders' "My units" pages."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_safe

from courses.selectors import courses_editable_by
from lms.slugs import slugify_ascii
from people.permissions import leader_required
from people.roles import is_administrator, is_leader, is_trainer
from people.selectors import officer_for_user, unit_ancestors_visible_to, units_visible_to

from . import coverage, selectors, trainer
from .exports import DATE, INT, PERCENT, Column, requested_format, table_response

OFFICERS_PER_PAGE = 25


@login_required
def home(request):
    """Send each user type to its own start page: leaders to their units' competency coverage, trainers and
    administrators to the admin, officers to their learning. A user who is none of these (no officer record, no group) gets the
    welcome page."""
    user = request.user
    if is_leader(user):
        return redirect("dashboards:coverage")
    if is_trainer(user) or is_administrator(user):
        return redirect("wagtailadmin_home")
    if officer_for_user(user=user) is not None:
        return redirect("courses:my-learning")
    return render(request, "home.html", {"today": timezone.localdate()})


@require_safe
@leader_required
def units(request):
    """"My units": every unit the leader leads, with head-counts per unit and per desk role."""
    trees = selectors.led_trees_for(viewer=request.user)
    roles = list(selectors.desk_roles_active())
    for tree in trees:
        for row in tree.rows:
            row.role_cells = row.role_counts(roles)
    return render(request, "dashboards/units.html", {"trees": trees, "roles": roles})


@require_safe
@leader_required
def unit(request, pk: int):
    """Officers of one unit's subtree with their current desk roles; filter by sub-unit and role, search by name."""
    unit = get_object_or_404(units_visible_to(viewer=request.user).select_related("parent"), pk=pk)
    sub_units = list(selectors.sub_units_of(unit=unit))
    roles = list(selectors.desk_roles_active())

    sub_unit = None
    unit_param = request.GET.get("unit", "")
    if unit_param.isdigit():
        sub_unit = next((u for u in sub_units if u.pk == int(unit_param)), None)
    role = None
    role_param = request.GET.get("role", "")
    if role_param:
        role = next((r for r in roles if r.code == role_param), None)
    query = request.GET.get("q", "").strip()[:100]

    officers = selectors.officers_of_unit_subtree(
        viewer=request.user, unit=unit, sub_unit=sub_unit, role=role, query=query
    )
    page_obj = Paginator(officers, OFFICERS_PER_PAGE).get_page(request.GET.get("page"))
    for u in sub_units:
        u.indent = "\u2003" * (u.depth - unit.depth)
    context = {
        "unit": unit,
        "ancestors": unit_ancestors_visible_to(viewer=request.user, unit=unit),
        "sub_units": sub_units,
        "roles": roles,
        "selected_unit": sub_unit,
        "selected_role": role,
        "query": query,
        "page_obj": page_obj,
        "officers": page_obj.object_list,
        "filtered": bool(sub_unit or role or query),
    }
    return render(request, "dashboards/unit.html", context)


@require_safe
@login_required
def trainer_courses(request):
    """"Kết quả khóa học": for each course the trainer may edit, enrolled / completed / overdue and the pass
    rate; then the quizzes of those courses with low pass rates, each linking to its item analysis."""
    if not (is_trainer(request.user) or is_administrator(request.user)):
        raise PermissionDenied
    on = timezone.localdate()
    return render(request, "dashboards/trainer_courses.html", {
        "data": trainer.trainer_courses(user=request.user, on=on), "on": on, "can_analyse": True,
        "threshold": round(coverage.LOW_PASS_SHARE * 100), "minimum": coverage.LOW_PASS_MIN_ATTEMPTS,
    })


LEARNERS_PER_PAGE = 25
LEARNER_STATUS_WORDS = {
    trainer.IN_PROGRESS: pgettext_lazy("learner status", "In progress"), trainer.OVERDUE: _("Overdue"), trainer.COMPLETED: _("Completed"),
    trainer.WITHDRAWN: _("Withdrawn"),
}
LEARNER_STATUS_TONES = {trainer.IN_PROGRESS: "", trainer.OVERDUE: "danger", trainer.COMPLETED: "success",
                        trainer.WITHDRAWN: "muted"}
LEARNER_SORT_WORDS = {"name": _("Name"), "unit": _("Unit"), "progress": _("Progress"),
                      "activity": _("Last activity"), "due": _("Due date")}


def _learner_columns(quizzes) -> list[Column]:
    columns = [Column("Mã cán bộ", width=14), Column("Họ và tên", width=28), Column("Mã đơn vị", width=16),
               Column("Đơn vị", width=36), Column("Trạng thái", width=14), Column("Tiến độ (%)", PERCENT, 12),
               Column("Hoạt động gần nhất", DATE, 16), Column("Hạn hoàn thành", DATE, 14)]
    for quiz in quizzes:
        columns += [Column(f"{quiz.title}: điểm cao nhất (%)", PERCENT, 18), Column(f"{quiz.title}: số lượt", INT, 12)]
    return columns


def _learner_line(row: trainer.LearnerRow) -> tuple:
    officer = row.officer
    with translation.override("vi"):
        status = str(LEARNER_STATUS_WORDS[row.status])
    activity = timezone.localtime(row.last_activity).date() if row.last_activity else None
    quiz_values = [value for cell in row.quizzes for value in (cell.best_share, cell.attempts)]
    return (officer.employee_code, officer.full_name, officer.unit.code, officer.unit.name, status,
            row.progress_share, activity, row.enrolment.due_on, *quiz_values)


@require_safe
@login_required
def trainer_course(request, pk: int):
    """One course of "Kết quả khóa học": every enrolled officer with unit, status, progress, last activity, due date
    and, per quiz, attempts and best score; filtered by status, unit and name, sorted, paginated, and exported
    (``?format=xlsx`` / ``csv``) from the same selector output. Courses the user may not edit: 404."""
    if not (is_trainer(request.user) or is_administrator(request.user)):
        raise PermissionDenied
    course = get_object_or_404(courses_editable_by(user=request.user), pk=pk)
    on = timezone.localdate()
    params = request.GET
    status = params.get("status", "")
    status = status if status in trainer.LEARNER_STATUSES else ""
    unit_param = params.get("unit", "")
    unit_id = int(unit_param) if unit_param.isdigit() and len(unit_param) <= 18 else None
    query = params.get("q", "").strip()[:100]
    sort = params.get("sort", "name")
    sort = sort if sort in trainer.LEARNER_SORTS else "name"
    data = trainer.course_learners(course=course, on=on, status=status, unit_id=unit_id, query=query, sort=sort)
    fmt = requested_format(request)
    if fmt:
        slug = slugify_ascii(course.title)[:60] or "khoa-hoc"
        return table_response(fmt=fmt, filename=f"ket-qua-{slug}-{on:%Y%m%d}", title="Kết quả khóa học",
                              columns=_learner_columns(data.quizzes), rows=(_learner_line(r) for r in data.rows))
    page_obj = Paginator(data.rows, LEARNERS_PER_PAGE).get_page(params.get("page"))
    for row in page_obj.object_list:
        row.status_word = LEARNER_STATUS_WORDS[row.status]
        row.status_tone = LEARNER_STATUS_TONES[row.status]
        row.quiz_cells = list(zip(data.quizzes, row.quizzes, strict=True))
    summary = [(key, LEARNER_STATUS_WORDS[key], data.counts[key]) for key in trainer.LEARNER_STATUSES]
    return render(request, "dashboards/trainer_course.html", {
        "course": course, "data": data, "on": on, "page_obj": page_obj, "rows": page_obj.object_list,
        "summary": summary, "statuses": list(LEARNER_STATUS_WORDS.items()), "sorts": list(LEARNER_SORT_WORDS.items()),
        "selected_status": status, "selected_unit": unit_id, "query": query, "sort": sort,
        "filtered": bool(status or unit_id or query),
    })
