# ruff: noqa: F811 - `world` is the fixture imported from test_coverage
"""The printable coverage report: requested on the overview, rendered by a Celery task (after commit), watched
on a progress page that works without JavaScript, downloaded as a PDF whose text holds the overview's numbers;
a rerun never leaves a second file."""

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from certificates.storage import private_root
from dashboards import coverage, services
from dashboards.models import CoverageReport
from dashboards.tasks import coverage_report_render_task
from tests.dashboards.test_coverage import DATE, D, client_for, world  # noqa: F401

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def report_files() -> list[Path]:
    folder = private_root() / "coverage-reports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_leader_requests_watches_and_downloads_the_report(world, django_capture_on_commit_callbacks, tmp_path):
    leader = client_for(world["leader"].user)
    ward = world["units"]["ward_a"]
    overview = leader.get(reverse("dashboards:coverage-unit", args=[ward.pk]), {"date": DATE})
    assert reverse("dashboards:coverage-report-request", args=[ward.pk]) in overview.content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = leader.post(reverse("dashboards:coverage-report-request", args=[ward.pk]), {"date": DATE})
    assert len(callbacks) == 1  # the task is queued on commit (delay_on_commit), and ran eagerly
    report = CoverageReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("dashboards:coverage-report",
                                                                           args=[report.pk])
    assert (report.unit, report.on, report.status, report.done, report.total) == (ward, D, "ready", 7, 7)
    page = leader.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page  # finished: no more reloading
    assert reverse("dashboards:coverage-report-download", args=[report.pk]) in page
    status = leader.get(reverse("dashboards:coverage-report-status", args=[report.pk])).json()
    assert (status["status"], status["percent"]) == ("ready", 100)

    download = leader.get(reverse("dashboards:coverage-report-download", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content, tmp_path)
    artifacts = Path(__file__).resolve().parents[2] / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "coverage-report.pdf").write_bytes(content)  # to look at (artifacts/ is not committed)
    total = coverage.coverage_overview(unit=ward, on=D).total.counts
    assert ward.name in text and "15/06/2026" in text
    assert "Báo cáo mức độ đáp ứng năng lực" in text
    summary = " ".join(text.split())
    # Lan, Bình, Chi, Dũng and the leader; 6 required pairs: 2 đạt, 1 sắp hết hạn, 1 hết hạn, 2 chưa đạt (50 %
    # met); 1 overdue enrolment
    assert (total.officers, total.required, total.met, total.expiring, total.expired, total.missing,
            total.overdue) == (5, 6, 2, 1, 1, 2, 1)
    assert f"Tổng cộng {total.officers} {total.required} {total.met} {total.expiring} {total.expired} " \
           f"{total.missing} 50,0 % {total.overdue}" in summary
    for heading in ("Sẵn sàng tại quầy", "Khoảng trống", "Sắp hết hạn trong 60 ngày", "Ghi danh quá hạn"):
        assert heading in text
    assert "Trần Văn Bình" in text and "<svg" not in text


def test_progress_page_reloads_itself_without_javascript(world):
    report = CoverageReport.objects.create(unit=world["units"]["ward_a"], on=D, requested_by=world["leader"].user,
                                           status=CoverageReport.Status.RUNNING, done=3, total=7)
    page = client_for(world["leader"].user).get(reverse("dashboards:coverage-report", args=[report.pk]))
    body = page.content.decode()
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in body
    assert 'src="/static/js/job-progress.js' in body and "data-job-progress" in body
    assert reverse("dashboards:coverage-report", args=[report.pk]) in body  # the plain reload link
    assert 'aria-valuenow="43"' in body
    download = client_for(world["leader"].user).get(reverse("dashboards:coverage-report-download", args=[report.pk]))
    assert download.status_code == 404


def test_a_rerun_or_retry_leaves_one_file(world):
    report = CoverageReport.objects.create(unit=world["units"]["ward_a"], on=D, requested_by=world["leader"].user)
    assert coverage_report_render_task.apply(args=[report.pk]).get() == "ready"
    first = report_files()
    assert len(first) == 1
    stamp = first[0].stat().st_mtime_ns
    assert coverage_report_render_task.apply(args=[report.pk]).get() == "ready"  # redelivered: nothing to do
    assert report_files() == first and first[0].stat().st_mtime_ns == stamp
    # A worker that died after writing the file but before marking it ready: the retry overwrites, never adds.
    CoverageReport.objects.filter(pk=report.pk).update(status=CoverageReport.Status.RUNNING)
    assert services.coverage_report_render(report_id=report.pk) == "ready"
    assert report_files() == first
    report.refresh_from_db()
    assert report.file.name == f"coverage-reports/{report.unit.code}-{report.pk}.pdf"


def test_a_failed_render_is_shown(world, monkeypatch):
    from dashboards import pdf

    def broken(**kwargs):
        raise ValueError("phông chữ hỏng")

    monkeypatch.setattr(pdf, "render_coverage_report_pdf", broken)
    report = CoverageReport.objects.create(unit=world["units"]["ward_a"], on=D, requested_by=world["leader"].user)
    coverage_report_render_task.apply(args=[report.pk], throw=False)
    report.refresh_from_db()
    assert report.status == "failed" and "phông chữ hỏng" in report.failure_message
    page = client_for(world["leader"].user).get(reverse("dashboards:coverage-report", args=[report.pk]))
    assert "http-equiv" not in page.content.decode()
    assert report_files() == []
