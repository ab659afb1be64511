"""The officer's competency profile (and its PDF) and desk observations: parse → permission → service → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from people import services as people_services
from people.models import Competency
from people.permissions import can_record_observations
from people.roles import is_administrator
from people.selectors import officer_for_user, officers_observable_by

from . import competency_selectors as selectors
from .forms import ObservationCommentForm, ObservationForm, ObservationWithdrawForm


def _profile_response(request, officer, *, own: bool):
    profile = selectors.competency_profile_for(officer=officer)
    context = {
        "profile": profile,
        "officer": officer,
        "own": own,
        "today": profile.on,
        "can_observe": people_services.can_observe(request.user, officer),
    }
    if request.GET.get("format") == "pdf":
        from .pdf import render_profile_pdf

        pdf = render_profile_pdf(profile=profile)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"nang-luc-{officer.employee_code.lower()}-{profile.on:%Y%m%d}.pdf"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response
    return render(request, "dashboards/competency_profile.html", context)


@require_safe
@login_required
def my_competencies(request):
    """"Năng lực của tôi": per current desk role, every required competency, its status and the next step."""
    officer = officer_for_user(user=request.user)
    if officer is None:
        raise Http404(_("This page is for officers."))
    return _profile_response(request, officer, own=True)


@require_safe
@login_required
def officer_competencies(request, officer_id: int):
    """The same profile for a leader in scope (or the centre director, or an administrator)."""
    user = request.user
    if not (is_administrator(user) or can_record_observations(user=user)):
        raise PermissionDenied
    officer = get_object_or_404(selectors.officers_for_profile(viewer=user), pk=officer_id)
    return _profile_response(request, officer, own=False)


# --- Desk observations ------------------------------------------------------------------------------------------


def _observable_officer(request, value):
    """The officer named in the request, if the user may observe them: 404 out of scope, 403 themselves."""
    if not str(value or "").isdigit():
        return None
    own = officer_for_user(user=request.user)
    if own is not None and own.pk == int(value):
        raise PermissionDenied(_("You cannot record an observation of yourself."))
    return get_object_or_404(officers_observable_by(user=request.user), pk=int(value))


@require_http_methods(["GET", "POST"])
@login_required
def observation_new(request):
    """Quan sát tại quầy: pick the officer, then the competency, then the level on its rubric (phone-sized)."""
    if not can_record_observations(user=request.user):
        raise PermissionDenied
    params = request.POST if request.method == "POST" else request.GET
    officer = _observable_officer(request, params.get("officer"))
    if officer is None:
        officers = list(officers_observable_by(user=request.user).order_by("sort_name", "employee_code")[:1000])
        return render(request, "dashboards/observation_new.html", {"step": "officer", "officers": officers})

    competency = None
    if str(params.get("competency") or "").isdigit():
        competency = get_object_or_404(Competency.objects.filter(is_active=True), pk=int(params["competency"]))
    if competency is None:
        required, others = selectors.observation_competencies_for(officer=officer)
        return render(request, "dashboards/observation_new.html", {
            "step": "competency", "officer": officer, "required_rows": required, "other_competencies": others,
        })

    if request.method == "POST":
        form = ObservationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                observation = people_services.observation_record(
                    observer=request.user, officer=officer, competency=competency, level=data["level"],
                    observed_on=data["observed_on"], notes=data["notes"],
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("The observation of %(name)s is recorded.") % {"name": officer.full_name})
                return redirect("dashboards:observation", pk=observation.pk)
    else:
        form = ObservationForm(initial={"observed_on": timezone.localdate()})
    behaviours = [(value, label, competency.behaviour(value)) for value, label in form.fields["level"].choices]
    return render(request, "dashboards/observation_new.html", {
        "step": "rubric", "officer": officer, "competency": competency, "form": form, "behaviours": behaviours,
        "today": timezone.localdate(),
    }, status=400 if form.errors else 200)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _observation_or_404(request, pk: int):
    return get_object_or_404(selectors.observations_visible_to(viewer=request.user), pk=pk)


def _observation_page(request, observation, *, comment_form=None, withdraw_form=None, status=200):
    user = request.user
    is_officer = observation.officer.user_id == user.pk
    context = {
        "observation": observation,
        "is_officer": is_officer,
        "can_comment": is_officer and observation.withdrawn_at is None,
        "can_withdraw": people_services.can_withdraw_observation(user=user, observation=observation),
        "withdraw_until": people_services.observation_withdraw_deadline(observation),
        "comment_form": comment_form or ObservationCommentForm(),
        "withdraw_form": withdraw_form or ObservationWithdrawForm(),
        "behaviour": observation.competency.behaviour(observation.level),
        "profile_url": (reverse("dashboards:my-competencies") if is_officer else
                        reverse("dashboards:officer-competencies", args=[observation.officer_id])),
    }
    return render(request, "dashboards/observation_detail.html", context, status=status)


@require_safe
@login_required
def observation(request, pk: int):
    """One observation: what was seen, by whom, the evidence it created, the officer's comments."""
    return _observation_page(request, _observation_or_404(request, pk))


@require_POST
@login_required
def observation_comment(request, pk: int):
    """The observed officer acknowledges the observation or disagrees with it."""
    observation = _observation_or_404(request, pk)
    if observation.officer.user_id != request.user.pk:
        raise PermissionDenied
    form = ObservationCommentForm(request.POST)
    if form.is_valid():
        try:
            people_services.observation_comment(observation=observation, author=request.user,
                                                kind=form.cleaned_data["kind"], text=form.cleaned_data["text"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Your comment is saved."))
            return redirect("dashboards:observation", pk=observation.pk)
    return _observation_page(request, observation, comment_form=form, status=400)


@require_POST
@login_required
def observation_withdraw(request, pk: int):
    """The observer withdraws the observation within 7 days: its evidence is revoked with the reason."""
    observation = _observation_or_404(request, pk)
    if observation.observer_id != request.user.pk:
        raise PermissionDenied
    form = ObservationWithdrawForm(request.POST)
    if observation.withdrawn_at is not None:
        messages.info(request, _("This observation was already withdrawn."))
        return redirect("dashboards:observation", pk=observation.pk)
    if form.is_valid():
        try:
            people_services.observation_withdraw(observation=observation, by=request.user,
                                                 reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The observation is withdrawn; it no longer counts as evidence."))
            return redirect("dashboards:observation", pk=observation.pk)
    return _observation_page(request, observation, withdraw_form=form, status=400)


_DOCUMENT_TYPES = {"pdf": ("application/pdf", "pdf"), "jpeg": ("image/jpeg", "jpg"), "png": ("image/png", "png")}


@require_safe
@login_required
def evidence_document(request, pk: int):
    """The document attached to prior-learning evidence: for the officer, leaders in scope and administrators
    (others 404). Its type is read from the content, as on upload; it is always sent as a download."""
    from django.http import FileResponse

    from people.models import Attainment

    own = Q(officer__user=request.user)
    scope = Q(officer__in=selectors.officers_for_profile(viewer=request.user).values("pk"))
    attainment = get_object_or_404(Attainment.objects.filter(own | scope).exclude(document=""), pk=pk)
    try:
        handle = attainment.document.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    kind = people_services.document_kind(handle.read(16))
    handle.seek(0)
    content_type, suffix = _DOCUMENT_TYPES.get(kind, ("application/octet-stream", "bin"))
    return FileResponse(handle, as_attachment=True, content_type=content_type,
                        filename=f"minh-chung-{attainment.officer.employee_code.lower()}-{attainment.pk}.{suffix}")
