"""Admin screens of people/ that are not plain model listings: the officer import."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import imports
from .forms import OfficerImportForm
from .permissions import can_manage_people


def _check(request):
    if not can_manage_people(user=request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def officer_import(request):
    """Upload → validate everything → import all rows or none; show the summary or every problem."""
    _check(request)
    result = problems = None
    invited = 0
    if request.method == "POST":
        form = OfficerImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = imports.officers_import_file(file=form.cleaned_data["file"],
                                                      dry_run=form.cleaned_data["dry_run"])
            except imports.OfficerImportError as error:
                problems = error.problems
            else:
                if not result.dry_run and form.cleaned_data["send_invitations"]:
                    invited = imports.officers_invite_new(officer_ids=result.new_officer_ids)
                form = OfficerImportForm()
    else:
        form = OfficerImportForm()
    context = {
        "form": form,
        "result": result,
        "problems": problems,
        "invited": invited,
        "columns": imports.COLUMNS,
        "required_columns": imports.REQUIRED_COLUMNS,
        "page_title": _("Import officers"),
        "header_title": _("Import officers"),
        "header_icon": "upload",
        "breadcrumbs_items": [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": "", "label": _("Import officers")},
        ],
    }
    status = 400 if problems else 200
    return render(request, "people/admin/officer_import.html", context, status=status)


@require_GET
def officer_import_template_xlsx(request):
    _check(request)
    response = HttpResponse(
        imports.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-can-bo.xlsx"'
    return response


@require_GET
def officer_import_template_csv(request):
    _check(request)
    response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-can-bo.csv"'
    return response
