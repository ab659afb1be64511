"""Render a certificate to PDF with WeasyPrint from local files only (fonts, images, QR are all embedded)."""

import datetime as dt
from pathlib import Path

import segno
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from weasyprint import HTML

from .selectors import issuer_lines

try:
    import fontpkg_be_vietnam_pro

    FONT_DIR = Path(fontpkg_be_vietnam_pro.ROOT) / "files"
except ImportError:  # pragma: no cover - the package is a dependency; DejaVu is the fallback
    FONT_DIR = None

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
STATIC_DIR = Path(settings.BASE_DIR) / "static" / "certificates"


def font_faces() -> list[dict]:
    """@font-face rules as local file URLs: nothing is fetched at render time."""
    if FONT_DIR and (FONT_DIR / "BeVietnamPro-Regular.ttf").exists():
        files = {
            # Only the faces the template uses: each declared face is loaded on every render.
            (400, "normal"): "BeVietnamPro-Regular.ttf", (400, "italic"): "BeVietnamPro-Italic.ttf",
            (700, "normal"): "BeVietnamPro-Bold.ttf", (800, "normal"): "BeVietnamPro-ExtraBold.ttf",
        }
        return [{"family": "Be Vietnam Pro", "weight": w, "style": s, "url": (FONT_DIR / f).as_uri()}
                for (w, s), f in files.items()]
    files = {(400, "normal"): "DejaVuSans.ttf", (700, "normal"): "DejaVuSans-Bold.ttf"}
    return [{"family": "Be Vietnam Pro", "weight": w, "style": s, "url": (DEJAVU_DIR / f).as_uri()}
            for (w, s), f in files.items() if (DEJAVU_DIR / f).exists()]


def vietnamese_date_line(*, place: str, day: dt.date) -> str:
    """ "Thành phố Hồ Chí Minh, ngày 09 tháng 6 năm 2026": days below 10 and months 1–2 take a leading zero,
    as in Vietnamese administrative documents."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def verify_url(code: str) -> str:
    """The public verify URL printed in the QR code (absolute, from WAGTAILADMIN_BASE_URL)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("certificates:verify-code", args=[code])


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#1a1a1a")


def _image_uri(image) -> str | None:
    if image is None:
        return None
    # Only files on local disk can be embedded without a network fetch (remote storages have no path).
    if not image.file or not isinstance(image.file.storage, FileSystemStorage):
        return None
    path = Path(image.file.path)
    return path.as_uri() if path.exists() else None


def split_title(title: str) -> tuple[str, str]:
    """ "Giấy chứng nhận hoàn thành khóa bồi dưỡng" prints as a large "GIẤY CHỨNG NHẬN" over the rest."""
    for kind in ("Giấy chứng nhận", "Chứng nhận", "Chứng chỉ"):
        if title.lower().startswith(kind.lower()) and len(title) > len(kind) + 1:
            return title[: len(kind)], title[len(kind):].strip()
    return "", title


def certificate_context(*, certificate, template=None) -> dict:
    """Everything the PDF template prints, taken from the certificate's snapshots (never live records)."""
    template = template if template is not None else certificate.template
    if certificate.issuing_body:  # the issuer recorded at issue (the real body of the officer's unit)
        issuer = {"governing_body": certificate.governing_body, "issuing_body": certificate.issuing_body,
                  "signer_title": certificate.signer_title, "signer_name": certificate.signer_name}
    else:  # issued before issuers existed, or the admin's preview: the template's own issuer
        issuer = issuer_lines(template=template, issuer=None)
    # The signature image of the one who signs: the unit's issuer's, or the template's when its signer prints.
    if certificate.issuer_id:
        signature = certificate.issuer.signature
    elif template is not None and issuer["signer_name"] == template.signer_name:
        signature = template.signature
    else:
        signature = None
    url = verify_url(certificate.code)
    title = template.title if template else "Giấy chứng nhận hoàn thành khóa bồi dưỡng"
    kind, rest = split_title(title)
    return {
        "certificate": certificate,
        "title_kind": kind,
        "title_rest": rest,
        "tpl": template,
        "title": title,
        "governing_body": issuer["governing_body"],
        "issuing_unit": issuer["issuing_body"],
        "platform": settings.WAGTAIL_SITE_NAME,
        "wording": template.wording if template else "Đã hoàn thành chương trình bồi dưỡng",
        "signer_name": issuer["signer_name"],
        "signer_title": issuer["signer_title"],
        "footer_note": template.footer_note if template else "",
        "primary": template.primary_colour if template else "#8b1a1a",
        "accent": template.accent_colour if template else "#b8860b",
        "landscape": (template.orientation == "landscape") if template else True,
        "emblem_uri": _image_uri(template.emblem) if template else None,
        "signature_uri": _image_uri(signature),
        "fonts": font_faces(),
        "date_line": vietnamese_date_line(place=certificate.issuing_place, day=certificate.issued_on),
        "verify_url": url,
        "verify_base": url[: -len(certificate.code) - 1] if url.endswith(f"{certificate.code}/") else url,
        "qr_uri": qr_data_uri(url),
        "ornament_uri": (STATIC_DIR / "ornament.svg").as_uri(),
        "divider_uri": (STATIC_DIR / "divider.svg").as_uri(),
    }


def certificate_html(*, certificate, template=None) -> str:
    """The certificate as HTML (always in Vietnamese, the language of the record)."""
    with translation.override("vi"):
        return render_to_string("certificates/certificate_pdf.html",
                                certificate_context(certificate=certificate, template=template))


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=str(STATIC_DIR)).write_pdf()


def render_certificate_pdf(*, certificate, template=None) -> bytes:
    """Render the certificate's PDF bytes (A4, text extractable, with title/author/subject metadata)."""
    return html_to_pdf(certificate_html(certificate=certificate, template=template))


def render_template_preview_pdf(*, template) -> bytes:
    """A sample certificate for the admin preview of a template (an unsaved record with sample data)."""
    from .models import Certificate
    from .services import certificate_valid_until

    today = timezone.localdate()
    sample = Certificate(
        serial=f"OSA-{today.year}-000000", code="xem-truoc-mau", officer_name="Nguyễn Thị Thu Hằng",
        officer_code="CB00001", unit_name="Trung tâm Phục vụ hành chính công phường Gia Định",
        course_title="Tiếp nhận và trả kết quả hồ sơ theo Nghị định 118/2025/NĐ-CP",
        competencies=[{"code": "NV04", "name": "Tiếp nhận, kiểm tra hồ sơ", "level": 2},
                      {"code": "GT02", "name": "Giao tiếp với người dân", "level": 2}],
        issued_on=today, expires_on=certificate_valid_until(issued_on=today, validity_months=24),
        issuing_place="Thành phố Hồ Chí Minh",
    )
    return render_certificate_pdf(certificate=sample, template=template)
