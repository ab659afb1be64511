"""Admin screens of people/ that are not plain model listings: the officer import."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lms.imports import import_jobs_visible_to

from . import imports, services
from .forms import OfficerImportForm
from .models import OfficerImportJob
from .permissions import can_manage_people


def _check(request):
    if not can_manage_people(user=request.user):
        raise PermissionDenied


def _context(request, **extra) -> dict:
    return {
        "columns": imports.COLUMNS,
        "required_columns": imports.REQUIRED_COLUMNS,
        "page_title": _("Import officers"),
        "header_title": _("Import officers"),
        "header_icon": "upload",
        "breadcrumbs_items": [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("officer-import:upload"), "label": _("Import officers")},
        ],
        **extra,
    }


@require_http_methods(["GET", "POST"])
def officer_import(request):
    """Upload → validate everything → import all rows or none; show the summary or the problems.

    Large files go to a background job and the browser is sent to its progress page.
    """
    _check(request)
    result = None
    problems: list = []
    problem_total = invited = 0
    if request.method == "POST":
        form = OfficerImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload, options = form.cleaned_data["file"], {
                "dry_run": form.cleaned_data["dry_run"], "send_invitations": form.cleaned_data["send_invitations"]}
            try:
                data, name = imports.read_upload(upload)
                if imports.runs_in_background(data=data):
                    job = imports.officer_import_job_create(user=request.user, data=data, filename=name, **options)
                    return redirect("officer-import:job", job.pk)
                result = imports.officers_import(data=data, filename=name, dry_run=options["dry_run"])
            except imports.OfficerImportError as error:
                problems, problem_total = error.problems, error.total
            else:
                if not result.dry_run and options["send_invitations"]:
                    invited = services.officers_invite_new(officer_ids=result.new_officer_ids)
                form = OfficerImportForm()
    else:
        form = OfficerImportForm()
    context = _context(request, form=form, result=result, problems=problems, problem_total=problem_total,
                       problems_more=problem_total - len(problems), invited=invited)
    return render(request, "people/admin/officer_import.html", context, status=400 if problems else 200)


@require_GET
def officer_import_job(request, pk: int):
    """The progress page of a background import; it reloads itself (no JavaScript) until the job ends."""
    _check(request)
    job = get_object_or_404(import_jobs_visible_to(OfficerImportJob, user=request.user), pk=pk)
    result = imports.ImportResult.from_json(job.result) if job.result else None
    context = _context(request, job=job, result=result, problems=job.problem_list(),
                       problem_total=job.problems_total, problems_more=job.problems_more,
                       invited=result.invited if result else 0, refresh_seconds=2)
    return render(request, "people/admin/officer_import_job.html", context)


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
