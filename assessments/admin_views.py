"""Wagtail admin screens of assessments/ (registered in wagtail_hooks.py): duplicate a question, import and
export question files, the essay marking queue, and item analysis with its XLSX export. Trainers only."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from courses.models import CoursePage
from lms.imports import import_jobs_visible_to
from lms.spreadsheets import XLSX_CONTENT_TYPE
from people.models import Unit
from people.roles import is_trainer

from . import exports, imports, selectors, services
from .models import Attempt, Question, QuestionCategory, QuestionImportJob, QuizPage, Response

XLSX = XLSX_CONTENT_TYPE


def _check(request):
    if not is_trainer(request.user):
        raise PermissionDenied


def _context(request, title: str, icon: str, **extra) -> dict:
    return {
        "page_title": title, "header_title": title, "header_icon": icon,
        "breadcrumbs_items": [{"url": reverse("wagtailadmin_home"), "label": _("Home")}, {"url": "", "label": title}],
        **extra,
    }


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Duplicate --------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def question_duplicate(request, pk: int):
    """GET asks for confirmation; POST copies the question and its answers and opens the copy."""
    _check(request)
    question = get_object_or_404(Question, pk=pk)
    if request.method == "POST":
        copy = services.question_duplicate(question=question)
        messages.success(request, _("Question duplicated: you are editing the copy."))
        return redirect("wagtailsnippets_assessments_question:edit", copy.pk)
    return render(request, "assessments/admin/question_duplicate.html",
                  _context(request, _("Duplicate a question"), "copy", question=question))


# --- Import / export ----------------------------------------------------------------------------------------

class QuestionImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"), help_text=gettext_lazy(
        "GIFT (.gift, .txt), Aiken (.aiken) or our XLSX template (.xlsx), at most 5 MB."))
    format = forms.ChoiceField(label=gettext_lazy("Format"), required=False, choices=[
        ("", gettext_lazy("From the file extension")), ("gift", "GIFT"), ("aiken", "Aiken"), ("xlsx", "XLSX")])
    category = forms.CharField(label=gettext_lazy("Category"), max_length=500, help_text=gettext_lazy(
        "Path of the category, levels separated by “/”; missing levels are created."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.LMS_IMPORT_MAX_BYTES:
            raise ValidationError(_("The file is too large (%(size)s); the limit is %(limit)s.") % {
                "size": filesizeformat(upload.size), "limit": filesizeformat(settings.LMS_IMPORT_MAX_BYTES)})
        return upload


class QuestionExportForm(forms.Form):
    category = forms.ModelChoiceField(label=gettext_lazy("Category"), queryset=QuestionCategory.objects.all())
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=[
        ("gift", "GIFT"), ("xlsx", "XLSX"), ("aiken", gettext_lazy("Aiken (single choice only)"))])


@require_http_methods(["GET", "POST"])
def question_import(request):
    """Upload → validate the whole file → write every question or none; list the problems by line/row.

    Large files go to a background job and the browser is sent to its progress page.
    """
    _check(request)
    problems, problem_total = [], 0
    form = QuestionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, category = form.cleaned_data["file"], form.cleaned_data["category"]
        try:
            fmt = imports.format_for(upload.name, form.cleaned_data["format"] or None)
            content = upload.read()
            if imports.runs_in_background(content=content):
                job = imports.question_import_job_create(user=request.user, content=content,
                                                         filename=upload.name, fmt=fmt, category_path=category)
                return redirect("assessments_transfer:job", job.pk)
            created = imports.questions_import(content=content, fmt=fmt, category_path=category)
        except imports.ImportFailed as exc:
            problems, problem_total = exc.problems, exc.total
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("%(n)s question(s) imported into “%(c)s”.") % {"n": len(created), "c": category})
            return redirect(reverse("wagtailsnippets_assessments_question:list")
                            + f"?category={created[0].category_id}" if created else "")
    return render(request, "assessments/admin/question_import.html", _context(
        request, _("Import questions"), "upload", form=form, problems=problems, problem_total=problem_total,
        problems_more=problem_total - len(problems), export_form=QuestionExportForm(), columns=imports.XLSX_HEADERS))


@require_http_methods(["GET"])
def question_import_job(request, pk: int):
    """The progress page of a background question import; it reloads itself (no JavaScript) until it ends."""
    _check(request)
    job = get_object_or_404(import_jobs_visible_to(QuestionImportJob, user=request.user), pk=pk)
    list_url = None
    if job.result and job.result.get("category_id"):
        list_url = reverse("wagtailsnippets_assessments_question:list") + f"?category={job.result['category_id']}"
    return render(request, "assessments/admin/question_import_job.html", _context(
        request, _("Import questions"), "upload", job=job, problems=job.problem_list(),
        problem_total=job.problems_total, problems_more=job.problems_more, list_url=list_url, refresh_seconds=2))


@require_http_methods(["GET"])
def question_export(request):
    """Download the questions of a category (and sub-categories) as GIFT or XLSX."""
    _check(request)
    form = QuestionExportForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose a category and a format."))
        return redirect("assessments_transfer:import")
    category = form.cleaned_data["category"]
    questions = list(exports.questions_for_export(category=category))
    name = slugify(category.path.replace("/", "-")) or "cau-hoi"
    if form.cleaned_data["format"] == "gift":
        return _download(exports.export_gift(questions).encode(), f"{name}.gift", "text/plain; charset=utf-8")
    if form.cleaned_data["format"] == "aiken":
        return _aiken_export(request, category, questions, name)
    return _download(exports.export_xlsx(questions), f"{name}.xlsx", XLSX)


def _aiken_export(request, category, questions, name: str):
    """Aiken holds single choice only: when other questions would be left out, the page lists them first and
    offers the download (`?xac-nhan=1`); otherwise the file comes at once."""
    aiken = exports.export_aiken(questions)
    if aiken.exported and (not aiken.skipped or request.GET.get("xac-nhan") == "1"):
        return _download(aiken.text.encode(), f"{name}.aiken", "text/plain; charset=utf-8")
    download_url = None
    if aiken.exported:
        download_url = reverse("assessments_transfer:export") + "?" + urlencode(
            {"category": category.pk, "format": "aiken", "xac-nhan": "1"})
    return render(request, "assessments/admin/question_export_aiken.html", _context(
        request, _("Export to Aiken"), "download", category=category, exported=aiken.exported,
        skipped=aiken.skipped, note=exports.aiken_skipped_note(aiken.skipped), download_url=download_url,
        back_url=reverse("assessments_transfer:import")))


@require_http_methods(["GET"])
def question_template_xlsx(request):
    _check(request)
    return _download(exports.export_xlsx([], template_only=True), "mau-cau-hoi.xlsx", XLSX)


# --- Marking queue ------------------------------------------------------------------------------------------

def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_http_methods(["GET"])
def marking_queue(request):
    """Essays waiting for a trainer, filterable by quiz, course and unit."""
    _check(request)
    quiz_id, course_id, unit_id = (_int(request.GET.get(k)) for k in ("quiz", "course", "unit"))
    queue = list(selectors.marking_queue(viewer=request.user, quiz_id=quiz_id, course_id=course_id,
                                         unit_id=unit_id)[:200])
    return render(request, "assessments/admin/marking_queue.html", _context(
        request, _("Essays to mark"), "edit", queue=queue,
        quizzes=QuizPage.objects.order_by("title"), courses=CoursePage.objects.order_by("title"),
        units=Unit.objects.filter(is_active=True).order_by("path"),
        selected={"quiz": quiz_id, "course": course_id, "unit": unit_id}))


@require_http_methods(["GET", "POST"])
def marking_detail(request, pk: int):
    """Mark one essay: a score up to the question's mark and a rubric comment."""
    _check(request)
    response = get_object_or_404(
        Response.objects.select_related("attempt", "attempt__officer", "attempt__officer__unit", "version")
        .exclude(attempt__status=Attempt.Status.IN_PROGRESS), pk=pk)
    error = None
    if request.method == "POST":
        try:
            score = Decimal((request.POST.get("score") or "").replace(",", "."))
            services.response_mark(response=response, score=score, comment=request.POST.get("comment", ""),
                                   marker=request.user)
        except (InvalidOperation, ValidationError) as exc:
            error = " ".join(exc.messages) if isinstance(exc, ValidationError) else _("Enter a number.")
        else:
            messages.success(request, _("Marked. The attempt is graded when all its essays are marked."))
            return redirect("assessments_marking:queue")
    return render(request, "assessments/admin/marking_detail.html", _context(
        request, _("Mark an essay"), "edit", response=response, error=error))


# --- Item analysis ----------------------------------------------------------------------------------------

@require_http_methods(["GET"])
def analysis_index(request):
    """Quizzes with their number of graded attempts, linking to each quiz's item analysis."""
    _check(request)
    from django.db.models import Count, Q

    quizzes = QuizPage.objects.annotate(
        graded=Count("attempts", filter=Q(attempts__status=Attempt.Status.GRADED))).order_by("path")
    return render(request, "assessments/admin/analysis_index.html",
                  _context(request, _("Item analysis"), "table", quizzes=quizzes))


@require_http_methods(["GET"])
def analysis_detail(request, quiz_id: int):
    _check(request)
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    stats = selectors.item_statistics_for_quiz(quiz=quiz)
    return render(request, "assessments/admin/analysis_detail.html",
                  _context(request, _("Item analysis: %(title)s") % {"title": quiz.title}, "table",
                           quiz=quiz, stats=stats))


@require_http_methods(["GET"])
def analysis_xlsx(request, quiz_id: int):
    """The item analysis as a workbook: questions, answer distribution, score distribution."""
    _check(request)
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    stats = selectors.item_statistics_for_quiz(quiz=quiz)
    return _download(exports.item_analysis_xlsx(stats), f"phan-tich-{slugify(quiz.slug)}.xlsx", XLSX)
