"""The shared background-file job (lms.jobs.FileJob, behind the ZIP of certificates and the coverage report)."""

import pytest

from dashboards.models import CoverageReport


@pytest.mark.parametrize(("done", "total", "status", "percent"), [
    (0, 0, "pending", 0), (3, 7, "running", 43), (199, 200, "running", 99), (7, 7, "running", 99),
    (0, 0, "ready", 100), (2, 7, "failed", 29),
])
def test_percent_is_rounded_and_100_only_when_ready(done, total, status, percent):
    assert CoverageReport(done=done, total=total, status=status).percent == percent


def test_status_payload_is_what_the_page_polls():
    report = CoverageReport(done=1, total=4, status=CoverageReport.Status.RUNNING)
    assert report.status_payload() == {"status": "running", "status_label": "Đang tạo", "done": 1, "total": 4,
                                       "percent": 25}
