"""Start pages: where each user type lands, and the leaders' "My units" pages."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from people.permissions import leader_required
from people.roles import is_administrator, is_leader, is_trainer
from people.selectors import officer_for_user, unit_ancestors_visible_to, units_visible_to

from . import coverage, selectors, trainer

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
