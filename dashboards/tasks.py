"""Background work of dashboards/: the printable coverage report."""

from celery import shared_task

from lms.tasks import Task


class CoverageReportTask(Task):
    """Marks the report FAILED once retries are exhausted, so the page shows it instead of waiting forever."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from . import services

        report_id = kwargs.get("report_id", args[0] if args else None)
        if report_id is not None:
            services.coverage_report_mark_failed(report_id=int(report_id), error=f"{type(exc).__name__}: {exc}")
        super().on_failure(exc, task_id, args, kwargs, einfo)


@shared_task(bind=True, base=CoverageReportTask, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(OSError,), retry_backoff=2, max_retries=3)
def coverage_report_render_task(self, report_id: int):
    """Render one coverage report's PDF; a rerun of a READY report changes nothing."""
    from . import services

    return services.coverage_report_render(report_id=int(report_id))
