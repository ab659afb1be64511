"""Admin screens for competency evidence: recognise prior learning (with its document) and import past
training records. Registered in the "People & competencies" menu by people/wagtail_hooks/menu.py (ADMIN_VIEWSETS)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import AdminDateInput
from wagtail.snippets.widgets import AdminSnippetChooser

from . import services
from .models import Competency, Level, Officer
from .permissions import can_manage_people


class _AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_people(user=request.user)


def _check(request):
    if not can_manage_people(user=request.user):
        raise PermissionDenied


def _admin_context(title: str, icon: str) -> dict:
    return {
        "page_title": title, "header_title": title, "header_icon": icon,
        "breadcrumbs_items": [{"url": reverse("wagtailadmin_home"), "label": _("Home")}, {"url": "", "label": title}],
    }


# --- Recognised prior learning --------------------------------------------------------------------------------


class PriorLearningForm(forms.Form):
    officer = forms.ModelChoiceField(label=gettext_lazy("Officer"), queryset=Officer.objects.filter(is_active=True),
                                     widget=AdminSnippetChooser(Officer))
    competency = forms.ModelChoiceField(label=gettext_lazy("Competency"),
                                        queryset=Competency.objects.filter(is_active=True).order_by("code"),
                                        widget=AdminSnippetChooser(Competency))
    level = forms.TypedChoiceField(label=gettext_lazy("Level"), choices=Level.choices, coerce=int)
    achieved_on = forms.DateField(label=gettext_lazy("Achieved on"), widget=AdminDateInput())
    expires_on = forms.DateField(label=gettext_lazy("Valid until"), required=False,
                                 widget=AdminDateInput(),
                                 help_text=gettext_lazy("Leave empty when the document sets no end; the validity of "
                                                        "the officer's roles still applies."))
    basis = forms.CharField(label=gettext_lazy("Basis"), max_length=255,
                            help_text=gettext_lazy("The document or decision, e.g. “Quyết định 15/QĐ-UBND ngày "
                                                   "02/3/2024”."))
    document = forms.FileField(label=gettext_lazy("Document (PDF, JPEG or PNG, at most 10 MB)"),
                               widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    def clean_achieved_on(self):
        day = self.cleaned_data["achieved_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date achieved cannot be in the future."))
        return day

    def clean_document(self):
        upload = self.cleaned_data["document"]
        try:
            services.prior_learning_document_check(upload)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict.get("document", exc.messages)) from exc
        return upload

    def clean(self):
        data = super().clean()
        if data.get("expires_on") and data.get("achieved_on") and data["expires_on"] < data["achieved_on"]:
            self.add_error("expires_on", _("The end of validity cannot be before the date achieved."))
        return data


@require_http_methods(["GET", "POST"])
def prior_learning(request):
    """Recognise prior learning as evidence, with its document (the content is checked, not the name)."""
    _check(request)
    initial = {}
    if str(request.GET.get("officer", "")).isdigit():
        initial["officer"] = int(request.GET["officer"])
    form = PriorLearningForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attainment = services.prior_learning_record(
                officer=data["officer"], competency=data["competency"], level=data["level"],
                achieved_on=data["achieved_on"], expires_on=data.get("expires_on"), basis=data["basis"],
                document=data["document"], recorded_by=request.user,
            )
        except ValidationError as exc:
            for name, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, format_html(
                '{} <a href="{}">{}</a>',
                _("Prior learning of %(name)s recorded (%(code)s, level %(level)s).") % {
                    "name": attainment.officer.full_name, "code": attainment.competency.code,
                    "level": attainment.level},
                reverse("dashboards:officer-competencies", args=[attainment.officer_id]),
                _("Open the competency profile"),
            ))
            return redirect("prior-learning:record")
    context = {"form": form, **_admin_context(_("Recognise prior learning"), "pick")}
    return render(request, "people/admin/prior_learning.html", context, status=400 if form.errors else 200)


class PriorLearningViewSet(ViewSet):
    name = "prior-learning"
    icon = "pick"
    menu_label = gettext_lazy("Recognise prior learning")
    menu_item_class = _AdministratorMenuItem

    def get_urlpatterns(self):
        return [path("", prior_learning, name="record")]


# --- Import of past training records ---------------------------------------------------------------------------

_IMPORT_SALT = "people.attainment-import"
_IMPORT_MAX_AGE = 60 * 60  # a preview can be confirmed within the hour


class AttainmentImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or Excel file"),
                           help_text=gettext_lazy("A .csv (UTF-8) or .xlsx file with the header row of the template."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))

    def clean_file(self):
        from pathlib import Path

        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".csv", ".xlsx"):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


def _sign_upload(data: bytes, name: str) -> str:
    """The previewed file travels back with the confirmation, signed: what is imported is what was shown."""
    import base64

    from django.core import signing

    return signing.dumps({"name": name, "data": base64.b64encode(data).decode("ascii")}, salt=_IMPORT_SALT,
                         compress=True)


def _unsign_upload(token: str) -> tuple[bytes, str] | None:
    import base64
    import binascii

    from django.core import signing

    try:
        payload = signing.loads(token, salt=_IMPORT_SALT, max_age=_IMPORT_MAX_AGE)
        return base64.b64decode(payload["data"]), str(payload["name"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, binascii.Error):
        return None


@require_http_methods(["GET", "POST"])
def attainment_import(request):
    """Upload → dry run: every row checked, a preview or every problem (row, column, reason) → confirm → import
    all rows or none. Re-importing the same file adds nothing."""
    from . import attainment_import as importer
    from .imports import read_upload

    _check(request)
    form = AttainmentImportForm()
    result = problems = None
    token = ""
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "confirm":
            unsigned = _unsign_upload(request.POST.get("token", ""))
            if unsigned is None:
                messages.error(request, _("The preview has expired or was altered: upload the file again."))
                return redirect("attainment-import:upload")
            data, name = unsigned
            try:
                result = importer.attainments_import(data=data, filename=name, recorded_by=request.user)
            except importer.AttainmentImportError as error:
                problems, status = error.problems, 400
        else:
            form = AttainmentImportForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    data, name = read_upload(form.cleaned_data["file"])
                    result = importer.attainments_import(data=data, filename=name, dry_run=True,
                                                         recorded_by=request.user)
                except importer.OfficerImportError as error:
                    problems, status = error.problems, 400
                else:
                    token = _sign_upload(data, name)
                    form = AttainmentImportForm()
            else:
                status = 400
    context = {
        "form": form, "result": result, "problems": problems, "token": token,
        "columns": importer.COLUMNS, "required_columns": importer.REQUIRED_COLUMNS,
        **_admin_context(_("Import past training records"), "upload"),
    }
    return render(request, "people/admin/attainment_import.html", context, status=status)


@require_http_methods(["GET"])
def attainment_import_template(request, fmt: str):
    from django.http import HttpResponse

    from . import attainment_import as importer

    _check(request)
    if fmt == "xlsx":
        response = HttpResponse(importer.template_xlsx(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        response = HttpResponse(importer.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-minh-chung.{fmt}"'
    return response


class AttainmentImportViewSet(ViewSet):
    name = "attainment-import"
    icon = "upload"
    menu_label = gettext_lazy("Import past training records")
    menu_item_class = _AdministratorMenuItem

    def get_urlpatterns(self):
        return [
            path("", attainment_import, name="upload"),
            path("mau.xlsx", attainment_import_template, {"fmt": "xlsx"}, name="template-xlsx"),
            path("mau.csv", attainment_import_template, {"fmt": "csv"}, name="template-csv"),
        ]


ADMIN_VIEWSETS = (AttainmentImportViewSet, PriorLearningViewSet)
