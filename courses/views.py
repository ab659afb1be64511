"""Officer and leader views of courses/: parse -> permission -> service -> redirect. Pages live in Wagtail."""


from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from people.models import DeskRole
from people.permissions import leader_required
from people.selectors import officer_for_user, units_led_by

from . import selectors, services
from .models import CourseIndexPage, CoursePage, Enrolment, LessonPage


def _officer_or_404(request):
    officer = officer_for_user(user=request.user)
    if officer is None:
        raise Http404(_("This page is for officers."))
    return officer


def _back(request, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_GET
def my_learning(request):
    """"Học tập của tôi": what the officer must study, is studying and has completed, with readiness."""
    officer = _officer_or_404(request)
    data = selectors.my_learning_for_officer(officer=officer)
    return render(request, "courses/my_learning.html", {"data": data, "today": timezone.localdate()})


@login_required
@require_GET
def catalogue(request):
    """The catalogue is the Wagtail CourseIndexPage; this stable URL name forwards there with the filters."""
    index = CourseIndexPage.objects.live().first()
    if index is None:
        raise Http404(_("The course catalogue has not been set up."))
    url = index.get_url(request=request)
    if request.GET:
        url = f"{url}?{request.GET.urlencode()}"
    return redirect(url)


@login_required
@require_GET
def continue_learning(request, enrolment_id: int):
    """"Tiếp tục": the last lesson opened (or the next unfinished one), else the first unfinished lesson."""
    officer = _officer_or_404(request)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("course", "officer__user"), pk=enrolment_id, officer=officer
    )
    return redirect(selectors.continue_page_for_enrolment(enrolment=enrolment).get_url(request=request))


@login_required
@require_POST
def enrol(request, course_id: int):
    """Self-enrolment in a published course."""
    officer = _officer_or_404(request)
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        services.enrolment_self_enrol(officer=officer, course=course)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You are enrolled in “%(title)s”.") % {"title": course.title})
    return _back(request, course.get_url(request=request))


@login_required
@require_POST
def lesson_complete(request, lesson_id: int):
    """"Đã học xong": mark the lesson done, then go on to the module's quiz after its last lesson, else the next
    lesson (or back to the course when finished)."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        enrolment = services.lesson_complete(lesson=lesson, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(lesson.get_url(request=request))
    if enrolment.status == Enrolment.Status.COMPLETED:
        messages.success(request, _("Congratulations! You have completed “%(title)s”.") % {"title": enrolment.course.title})
        return redirect(enrolment.course.get_url(request=request))
    detail = selectors.lesson_detail_for_user(lesson=lesson, user=request.user)
    if detail.module_quiz is not None:
        messages.success(request, _("Lesson marked as studied. Next: the module's quiz “%(title)s”.")
                         % {"title": detail.module_quiz.title})
        return redirect(detail.module_quiz.get_url(request=request))
    messages.success(request, _("Lesson marked as studied."))
    target = detail.next or detail.course
    return redirect(target.get_url(request=request))


@login_required
@require_POST
def lesson_ping(request, lesson_id: int):
    """Time on page: the lesson script reports visible seconds about every 30 s (capped on the server)."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        seconds = int(request.POST.get("seconds", "0"))
    except ValueError:
        return HttpResponse(status=400)
    progress = services.lesson_time_record(lesson=lesson, user=request.user, seconds=max(0, seconds))
    if progress is None:
        return HttpResponse(status=204)
    return JsonResponse({"seconds": progress.seconds_spent})


# --- Leader assignment -------------------------------------------------------------------------------------


class AssignForm(forms.Form):
    TARGETS = [
        ("officer", gettext_lazy("One officer")),
        ("role", gettext_lazy("Everyone holding a desk role in my units")),
        ("unit", gettext_lazy("Everyone in a unit and the units below it")),
    ]
    course = forms.ModelChoiceField(queryset=CoursePage.objects.none(), label=gettext_lazy("Course"))
    target = forms.ChoiceField(choices=TARGETS, label=gettext_lazy("Assign to"), widget=forms.RadioSelect,
                               initial="officer")
    officer = forms.IntegerField(required=False, label=gettext_lazy("Officer"))
    role = forms.ModelChoiceField(queryset=DeskRole.objects.filter(is_active=True), required=False,
                                  label=gettext_lazy("Desk role"))
    unit = forms.IntegerField(required=False, label=gettext_lazy("Unit"))
    due_on = forms.DateField(label=gettext_lazy("Due date"), widget=forms.DateInput(attrs={"type": "date"}),
                             input_formats=["%Y-%m-%d", "%d/%m/%Y"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = selectors.live_courses()

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_on

    def clean(self):
        data = super().clean()
        target = data.get("target")
        if target and not data.get(target):
            self.add_error(target, _("Choose who to assign the course to."))
        return data


@leader_required
def assign(request):
    """A leader assigns a course, with a due date, to an officer, a desk role or a unit subtree in their scope."""
    officers_scope = selectors.officers_assignable_by(viewer=request.user)
    units_scope = units_led_by(user=request.user)
    initial = {"due_on": services.enrolment_default_due_on()}
    for key in ("course", "officer", "unit", "role", "target"):
        if request.GET.get(key):
            initial[key] = request.GET[key]
    form = AssignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = data["target"]
        if target == "officer":
            officers = [get_object_or_404(officers_scope, pk=data["officer"])]
        elif target == "unit":
            unit = get_object_or_404(units_scope, pk=data["unit"])
            officers = list(selectors.officers_assignable_in_unit(viewer=request.user, unit=unit))
        else:
            officers = list(selectors.officers_assignable_with_role(viewer=request.user, role=data["role"]))
        if not officers:
            messages.error(request, _("Nobody in your units matches this choice."))
        else:
            created, existing = services.enrolments_assign(
                officers=officers, course=data["course"], assigned_by=request.user, due_on=data["due_on"]
            )
            messages.success(
                request,
                _("Course assigned: %(created)s new enrolment(s), %(existing)s officer(s) already enrolled.")
                % {"created": created, "existing": existing},
            )
            return redirect("courses:assign")
    context = {
        "form": form,
        "officers": list(officers_scope.exclude(user=request.user).order_by("sort_name")[:500]),
        "units": list(units_scope.order_by("path")),
        "roles": list(DeskRole.objects.filter(is_active=True)),
        "courses": list(selectors.live_courses()),
    }
    return render(request, "courses/assign.html", context)


@login_required
@require_GET
def procedure_catalogue(request):
    """"Danh mục thủ tục": the procedures in force with their code, time and fee and the training about each."""
    from django.core.paginator import Paginator

    from procedures.models import Procedure

    query = (request.GET.get("q") or "").strip()[:100]
    field_value = request.GET.get("linh-vuc") or ""
    if field_value not in Procedure.Field.values:
        field_value = ""
    page = Paginator(selectors.procedure_catalogue(query=query, field_value=field_value), 30).get_page(
        request.GET.get("page"))
    return render(request, "courses/procedure_catalogue.html", {
        "page_obj": page, "procedures": page.object_list, "query": query, "field_value": field_value,
        "fields": Procedure.Field.choices, "is_filtered": bool(query or field_value),
    })


@login_required
@require_GET
def procedure_detail(request, pk: int):
    """One procedure of the catalogue: its details, legal basis and the courses and lessons about it."""
    from procedures.models import Procedure

    procedure = get_object_or_404(Procedure.objects.prefetch_related("legal_documents"), pk=pk)
    training = selectors.procedure_training(procedure=procedure)
    return render(request, "courses/procedure_detail.html", {"procedure": procedure, "training": training})
