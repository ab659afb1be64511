"""Certificate pages: mine, downloads, the public verify page and unit archives for leaders."""

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lms.http import client_ip, rate_limit_hit
from people.permissions import leader_required
from people.selectors import unit_ancestors_visible_to, units_led_by

from . import selectors, services
from .models import Certificate, CertificateSettings, UnitArchive

VERIFY_RATE_LIMIT = 20  # look-ups per window and client address
VERIFY_RATE_WINDOW = 10 * 60  # seconds


def _rate_limited(request) -> bool:
    """Count a verify look-up for the client address; True when it is over the limit (shared cache, per IP)."""
    return rate_limit_hit(f"certificates:verify:{client_ip(request)}", limit=VERIFY_RATE_LIMIT,
                          window=VERIFY_RATE_WINDOW)


def _too_many(request):
    response = render(request, "certificates/verify.html",
                      {"form": VerifyForm(), "rate_limited": True}, status=429)
    response["Retry-After"] = str(VERIFY_RATE_WINDOW)
    return response


class VerifyForm(forms.Form):
    serial = forms.CharField(label=_("Serial number"), max_length=20,
                             help_text=_("As printed on the certificate, e.g. OSA-2026-000123."),
                             widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    code = forms.CharField(label=_("Verification code"), max_length=64,
                           help_text=_("The code at the end of the address in the QR code."),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))


def _verify_context(certificate):
    return {"certificate": certificate, "state": certificate.verify_state(), "today": timezone.localdate()}


@require_http_methods(["GET", "POST"])
def verify(request):
    """Public: type the serial and code printed on a certificate."""
    form = VerifyForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST":
        if _rate_limited(request):
            return _too_many(request)
        if form.is_valid():
            certificate = selectors.certificate_for_verification(
                serial=form.cleaned_data["serial"], code=form.cleaned_data["code"])
            if certificate is None:
                context["not_found"] = True
            else:
                context.update(_verify_context(certificate))
    return render(request, "certificates/verify.html", context, status=404 if context.get("not_found") else 200)


@require_GET
def verify_code(request, code):
    """Public: where the QR code on a certificate leads."""
    if _rate_limited(request):
        return _too_many(request)
    certificate = selectors.certificate_by_code(code=code)
    if certificate is None:
        return render(request, "certificates/verify.html", {"form": VerifyForm(), "not_found": True}, status=404)
    return render(request, "certificates/verify.html", {"form": None, **_verify_context(certificate)})


@login_required
@require_GET
def mine(request):
    """ "Chứng nhận của tôi": the officer's certificates with downloads."""
    certificates = list(selectors.certificates_for_user(user=request.user).select_related("supersedes"))
    return render(request, "certificates/mine.html", {"certificates": certificates, **_dates()})


@login_required
@require_GET
def download(request, pk):
    """The PDF, for its owner, a leader of the officer's unit (or above) and administrators; others get 404."""
    certificate = get_object_or_404(selectors.certificates_visible_to(viewer=request.user), pk=pk)
    if not certificate.pdf or certificate.status in (Certificate.Status.PENDING, Certificate.Status.FAILED):
        raise Http404
    try:
        handle = certificate.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=request.GET.get("inline") != "1",
                        filename=f"{certificate.serial}.pdf", content_type="application/pdf")


def _dates() -> dict:
    """Today and the start of the renewal window, for the "expired" / "expires soon" badges."""
    today = timezone.localdate()
    return {"today": today, "soon": today + dt.timedelta(days=CertificateSettings.load().renewal_lead_days)}


@leader_required
@require_GET
def units(request):
    """A leader's units with their certificate counts, to open a unit's list or build its ZIP."""
    unit_list = list(selectors.units_with_certificates_for(viewer=request.user))
    for unit in unit_list:
        unit.ready_total = sum(u.direct_ready for u in unit_list if u.path.startswith(unit.path))
    archives = list(selectors.archives_visible_to(viewer=request.user)[:10])
    return render(request, "certificates/units.html", {"units": unit_list, "archives": archives})


@leader_required
@require_GET
def unit_certificates(request, unit_id):
    """Certificates of the officers of one led unit (and below), with downloads."""
    unit = get_object_or_404(units_led_by(user=request.user), pk=unit_id)
    state = request.GET.get("status", "")
    state = state if state in selectors.UnitListState.values else ""
    sort = request.GET.get("sort", "")
    sort = sort if sort in selectors.UnitListSort.values else selectors.UnitListSort.NAME
    dates = _dates()
    qs = selectors.certificates_for_unit(unit=unit, viewer=request.user, state=state, sort=sort, **dates)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "certificates/unit_certificates.html", {
        "unit": unit, "page": page, "status": state, "statuses": selectors.UnitListState.choices,
        "sort": sort, "sorts": selectors.UnitListSort.choices,
        "filtered": bool(state) or sort != selectors.UnitListSort.NAME,
        "ancestors": unit_ancestors_visible_to(viewer=request.user, unit=unit), **dates,
    })


@leader_required
@require_POST
def archive_request(request, unit_id):
    """Ask for a ZIP of a led unit's certificates, then watch its progress."""
    unit = get_object_or_404(units_led_by(user=request.user), pk=unit_id)
    archive = services.unit_archive_request(unit=unit, requested_by=request.user)
    return redirect("certificates:archive-detail", pk=archive.pk)


@login_required
@require_GET
def archive_detail(request, pk):
    """The progress page of a ZIP; a small script polls archive_status and shows the download link."""
    archive = get_object_or_404(selectors.archives_visible_to(viewer=request.user), pk=pk)
    return render(request, "certificates/archive_detail.html", {"archive": archive})


@login_required
@require_GET
def archive_status(request, pk):
    archive = get_object_or_404(selectors.archives_visible_to(viewer=request.user), pk=pk)
    return JsonResponse(archive.status_payload())


@login_required
@require_GET
def archive_download(request, pk):
    archive = get_object_or_404(selectors.archives_visible_to(viewer=request.user), pk=pk)
    if archive.status != UnitArchive.Status.READY or not archive.file:
        raise Http404
    return FileResponse(archive.file.open("rb"), as_attachment=True,
                        filename=f"chung-nhan-{archive.unit.code.lower()}-{archive.created_at:%Y%m%d}.zip",
                        content_type="application/zip")
