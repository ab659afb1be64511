"""Admin views behind the certificates listing: render again, revoke, PDF, issue for prior learning.

They are mounted by CertificateViewSet (so Wagtail's admin login applies) and are for administrators only.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.widgets import HeaderButton, ListingButton

from courses.models import CoursePage
from people.models import Officer
from people.roles import is_administrator

from . import services
from .exceptions import CertificateError
from .models import Certificate

NS = "certificates_admin"


def _url(name, *args):
    return reverse(f"{NS}:{name}", args=args)


def _require_admin(user):
    if not is_administrator(user):
        raise PermissionDenied


class CertificateIndexView(IndexView):
    """The listing: failed renders are easy to spot (status filter) and have a "render again" button."""

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        buttons.append(HeaderButton(_("Issue for prior learning"), url=_url("prior_learning"), icon_name="plus"))
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if instance.status in (Certificate.Status.FAILED, Certificate.Status.PENDING):
            buttons.append(ListingButton(_("Render again"), url=_url("render_again", instance.pk), icon_name="rotate",
                                         priority=5))
        if instance.pdf and instance.status != Certificate.Status.PENDING:
            buttons.append(MenuItem(_("Open PDF"), url=_url("pdf", instance.pk), icon_name="doc-full", priority=15))
        if instance.status in Certificate.LIVE_STATUSES:
            buttons.append(MenuItem(_("Revoke"), url=_url("revoke", instance.pk), icon_name="warning", priority=40))
        return buttons


class CertificateInspectView(InspectView):
    @property
    def header_buttons(self):
        instance = self.object
        buttons = []
        if instance.status in (Certificate.Status.FAILED, Certificate.Status.PENDING):
            buttons.append(HeaderButton(_("Render again"), url=_url("render_again", instance.pk), icon_name="rotate"))
        if instance.pdf and instance.status != Certificate.Status.PENDING:
            buttons.append(HeaderButton(_("Open PDF"), url=_url("pdf", instance.pk), icon_name="doc-full"))
        if instance.status in Certificate.LIVE_STATUSES:
            buttons.append(HeaderButton(_("Revoke"), url=_url("revoke", instance.pk), icon_name="warning"))
        return buttons


@require_http_methods(["GET", "POST"])
def render_again(request, pk):
    """Confirm, then put a failed certificate back in the render queue."""
    _require_admin(request.user)
    certificate = get_object_or_404(Certificate, pk=pk)
    if request.method == "POST":
        services.certificate_render_again(certificate=certificate)
        messages.success(request, gettext("Certificate %(serial)s is being rendered again.") % {"serial": certificate.serial})
        return redirect(_url("index"))
    return TemplateResponse(request, "certificates/admin/render_again.html", {
        "certificate": certificate, "page_title": gettext("Render again"), "header_icon": "rotate",
        "action_url": _url("render_again", pk), "back_url": _url("index"),
    })


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
                             help_text=_("Shown to the officer. The public verify page only says “revoked”."))


@require_http_methods(["GET", "POST"])
def revoke(request, pk):
    """Revoke a certificate with a reason; the verify page then says "revoked"."""
    _require_admin(request.user)
    certificate = get_object_or_404(Certificate, pk=pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(certificate=certificate, reason=form.cleaned_data["reason"],
                                        revoked_by=request.user)
        except CertificateError:
            messages.error(request, gettext("This certificate is no longer valid and cannot be revoked."))
        else:
            messages.success(request, gettext("Certificate %(serial)s was revoked.") % {"serial": certificate.serial})
        return redirect(_url("inspect", pk))
    return TemplateResponse(request, "certificates/admin/revoke.html", {
        "certificate": certificate, "form": form, "page_title": gettext("Revoke certificate"), "header_icon": "warning",
        "action_url": _url("revoke", pk), "back_url": _url("inspect", pk),
    })


def pdf(request, pk):
    """The PDF of any certificate, for administrators (served from private storage)."""
    _require_admin(request.user)
    certificate = get_object_or_404(Certificate, pk=pk)
    if not certificate.pdf:
        raise Http404
    try:
        handle = certificate.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, filename=f"{certificate.serial}.pdf", content_type="application/pdf")


class PriorLearningForm(forms.Form):
    employee_code = forms.CharField(label=_("Employee code"), max_length=40)
    course = forms.ModelChoiceField(label=_("Course"), queryset=CoursePage.objects.none())
    issued_on = forms.DateField(label=_("Issue date"), input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                help_text=_("dd/mm/yyyy; the validity period starts on this day."))
    note = forms.CharField(label=_("Evidence of prior learning"), widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=2000,
                           help_text=_("E.g. the decision number or the earlier certificate that is recognised."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")

    def clean_employee_code(self):
        code = self.cleaned_data["employee_code"].strip().upper()
        officer = Officer.objects.filter(employee_code=code).first()
        if officer is None:
            raise ValidationError(_("No officer has this employee code."))
        self.officer = officer
        return code

    def clean_issued_on(self):
        day = self.cleaned_data["issued_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The issue date cannot be in the future."))
        return day


@require_http_methods(["GET", "POST"])
def issue_prior_learning(request):
    """An administrator issues a certificate for recognised prior learning."""
    _require_admin(request.user)
    form = PriorLearningForm(request.POST or None, initial={"issued_on": timezone.localdate().strftime("%d/%m/%Y")})
    if request.method == "POST" and form.is_valid():
        certificate = services.certificate_issue_prior_learning(
            officer=form.officer, course=form.cleaned_data["course"], issued_by=request.user,
            issued_on=form.cleaned_data["issued_on"], note=form.cleaned_data["note"],
        )
        if certificate.basis != Certificate.Basis.PRIOR_LEARNING or certificate.issued_by_id != request.user.pk:
            messages.warning(request, gettext("This officer already holds a valid certificate for this course: %(serial)s.")
                             % {"serial": certificate.serial})
        else:
            messages.success(request, gettext("Certificate %(serial)s was issued.") % {"serial": certificate.serial})
        return redirect(_url("inspect", certificate.pk))
    return TemplateResponse(request, "certificates/admin/prior_learning.html", {
        "form": form, "page_title": gettext("Issue for prior learning"), "header_icon": "plus",
        "action_url": _url("prior_learning"), "back_url": _url("index"),
    })
