"""The printable coverage report of a unit: asked for on the overview (POST), built by a Celery task, watched on
a progress page (a small script polls its status; without JavaScript the page reloads itself), then downloaded.
Only for viewers of the unit (leaders in scope, administrators): others 403, a unit or report out of scope 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from people.selectors import units_visible_to

from . import coverage, services
from .coverage_views import _require_viewer, _unit
from .models import CoverageReport


def _report(request, pk: int) -> CoverageReport:
    _require_viewer(request.user)
    units = units_visible_to(viewer=request.user)
    return get_object_or_404(CoverageReport.objects.select_related("unit").filter(unit__in=units), pk=pk)


@require_POST
@login_required
def report_request(request, pk: int):
    """Ask for the PDF report of a unit on the overview's day, then watch its progress."""
    unit = _unit(request, pk)
    on = coverage.parse_day(request.POST.get("date"), default=timezone.localdate())
    report = services.coverage_report_request(unit=unit, on=on, requested_by=request.user)
    return redirect("dashboards:coverage-report", pk=report.pk)


@require_safe
@login_required
def report_detail(request, pk: int):
    return render(request, "dashboards/coverage_report.html", {"report": _report(request, pk)})


@require_safe
@login_required
def report_status(request, pk: int):
    report = _report(request, pk)
    return JsonResponse(report.status_payload())


@require_safe
@login_required
def report_download(request, pk: int):
    report = _report(request, pk)
    if report.status != CoverageReport.Status.READY or not report.file:
        raise Http404
    return FileResponse(report.file.open("rb"), as_attachment=True, content_type="application/pdf",
                        filename=f"bao-cao-nang-luc-{report.unit.code.lower()}-{report.on:%Y%m%d}.pdf")
