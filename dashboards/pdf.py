"""The competency profile as a PDF (WeasyPrint), with the same local fonts as the certificates: no network."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from certificates.pdf import STATIC_DIR, font_faces


def profile_html(*, profile) -> str:
    """The profile printed on A4 (always in Vietnamese, the language of the records)."""
    with translation.override("vi"):
        return render_to_string("dashboards/competency_profile_pdf.html", {
            "profile": profile, "officer": profile.officer, "fonts": font_faces(), "printed_at": timezone.localtime(),
        })


def render_profile_pdf(*, profile) -> bytes:
    """PDF bytes of an officer's competency profile (text extractable, title/author metadata set)."""
    return HTML(string=profile_html(profile=profile), base_url=str(STATIC_DIR)).write_pdf()


def coverage_report_html(*, data) -> str:
    """The unit's coverage report on A4 (always in Vietnamese): cover, summary, desk readiness, gaps, expiring,
    overdue, with the trend charts inline as SVG."""
    with translation.override("vi"):
        return render_to_string("dashboards/coverage_report_pdf.html", {"data": data, "fonts": font_faces()})


def render_coverage_report_pdf(*, data) -> bytes:
    return HTML(string=coverage_report_html(data=data), base_url=str(STATIC_DIR)).write_pdf()
