"""Writes of dashboards/: the printable coverage report (requested on the overview, built by a Celery task)."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import translation

from .models import CoverageReport


def coverage_report_request(*, unit, on: dt.date, requested_by) -> CoverageReport:
    """Record the request; `dashboards.tasks.coverage_report_render_task` renders it once the request commits."""
    from .tasks import coverage_report_render_task

    report = CoverageReport(unit=unit, on=on, requested_by=requested_by)
    report.full_clean()
    report.save()
    coverage_report_render_task.delay_on_commit(report.pk)
    return report


def coverage_report_render(*, report_id: int) -> str:
    """Read every section of the report (progress saved after each, outside any long transaction, so the polling
    page sees it), render the PDF and store it. A report already READY is left alone, and a rerun (retry,
    redelivery) writes the same file name over the first, so a report never has two files."""
    from . import pdf, report

    item = CoverageReport.objects.select_related("unit").get(pk=report_id)
    if item.is_ready:
        return item.status
    steps = report.STEPS
    CoverageReport.mark_running(item.pk, total=len(steps) + 1)

    def progress(done: int) -> None:
        CoverageReport.mark_progress(item.pk, done=done)

    with translation.override("vi"):  # the report is always in Vietnamese, whoever's worker renders it
        data = report.coverage_report_data(unit=item.unit, on=item.on, progress=progress)
        content = pdf.render_coverage_report_pdf(data=data)
    item.finish(name=f"{item.unit.code}-{item.pk}.pdf", content=ContentFile(content), total=len(steps) + 1)
    return item.status


def coverage_report_mark_failed(*, report_id: int, error: str) -> None:
    """Show the leader that the report could not be built (instead of a progress bar that never ends)."""
    CoverageReport.mark_failed(report_id, error=error)
