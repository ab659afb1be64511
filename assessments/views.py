"""Officer-facing quiz views: the QuizPage itself (landing, attempt pages), autosave, result, review, history,
and the override screen for trainers and leaders. Each mutation: parse → permission → service → redirect."""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from people.roles import is_trainer
from people.selectors import officer_for_user, officers_visible_to

from . import selectors, services
from .models import Attempt, QuestionKind, QuizOverride, QuizPage, Response
from .numbers import SMALL_MAX, clamp, parse_int
from .permissions import can_override_for_officer
from .templatetags import quiz_tags


def parse_answer(*, kind: str, data, prefix: str) -> dict:
    """Read one question's answer from form data named as in the attempt template (prefix = "q<response id>").

    Options and items are named by the attempt's opaque tokens; the service maps them back (or refuses them).
    """
    if kind in (QuestionKind.SHORT_ANSWER, QuestionKind.NUMERICAL, QuestionKind.ESSAY):
        return {"text": data.get(prefix, "")}
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE, QuestionKind.MULTIPLE):
        return {"choices": [v.strip() for v in data.getlist(prefix) if v.strip()]}
    if kind == QuestionKind.ORDERING:
        places = {}
        for key in data:
            if key.startswith(f"{prefix}_pos_"):
                value = (data.get(key) or "").strip()
                if value:
                    places[key[len(prefix) + 5:]] = parse_int(value, minimum=1, maximum=SMALL_MAX)
        if not places:
            return {"order": []}
        if len(set(places.values())) != len(places):
            raise ValidationError(_("Each position can be used only once."))
        return {"order": [token for token, _p in sorted(places.items(), key=lambda kv: kv[1])]}
    if kind in (QuestionKind.MATCHING, QuestionKind.CLOZE):
        matches = {}
        for key in data:
            if key.startswith(f"{prefix}_match_"):
                partner = (data.get(key) or "").strip()
                if partner:
                    matches[key[len(prefix) + 7:]] = partner
        return {"matches": matches}
    return {}


def _pages(total: int, layout: str) -> int:
    return 1 if layout == QuizPage.Layout.ALL else max(1, total)


def quiz_page_serve(request, *, page: QuizPage):
    """QuizPage.serve: GET only reads (landing page, the attempt in progress, or "time is up" with a submit
    button); POST starts, saves, moves between pages or submits."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    officer = officer_for_user(user=request.user)
    if officer is None:
        return render(request, "assessments/quiz_page.html", {
            "page": page, "self": page, "mode": "no_officer",
        })
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action != "start":
        # Save, Next, Previous, a page number, Submit, Finish: the service locks the attempt and checks it.
        return _attempt_post(request, page=page, officer=officer, action=action)
    now = timezone.now()
    attempts = None
    if request.method != "POST":  # the landing page needs every attempt of the officer: one read for both
        attempts = list(Attempt.objects.filter(quiz=page, officer=officer).order_by("-number"))
        attempt = next((a for a in attempts if a.status == Attempt.Status.IN_PROGRESS), None)
    else:
        attempt = Attempt.objects.filter(quiz=page, officer=officer, status=Attempt.Status.IN_PROGRESS).first()
    expired = attempt is not None and services.attempt_deadline_passed(attempt=attempt, now=now)
    if request.method != "POST":
        # GET only reads: it shows the landing page (with the start button, a POST), the attempt in progress, or
        # — when its time is up — a button that submits it (the periodic task submits it otherwise).
        if expired:
            # attempt.js runs here too: answers queued offline before the deadline are sent before the submit.
            return render(request, "assessments/quiz_page.html", {
                "page": page, "self": page, "mode": "expired", "attempt": attempt,
                "save_url_template": reverse("assessments:save-response", kwargs={"pk": 0}).replace("/0/", "/{id}/"),
            })
        if attempt is not None:
            return _attempt_get(request, page=page, attempt=attempt)
        return _landing(request, page=page, officer=officer, now=now, attempts=attempts)
    if expired:
        attempt = services.attempt_submit(attempt=attempt, now=now, auto=True)
        messages.info(request, _("Time was up: your attempt was submitted automatically."))
        return redirect("assessments:attempt-result", pk=attempt.pk)
    try:
        services.attempt_start(quiz=page, officer=officer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(page.url)


def _landing(request, *, page: QuizPage, officer, now, attempts=None):
    summary = selectors.quiz_summary_for_officer(quiz=page, officer=officer, attempts=attempts)
    check = services.attempt_start_check(quiz=page, officer=officer, now=now, attempts=summary.attempts)
    question_total = services.quiz_question_total(quiz=page, today=timezone.localdate(now))
    return render(request, "assessments/quiz_page.html", {
        "page": page, "self": page, "mode": "landing", "summary": summary, "check": check,
        "question_total": question_total,
        "time_limit": page.time_limit_minutes + (check.override.extra_minutes if check.override and page.time_limit_minutes else 0),
    })


def _attempt_get(request, *, page: QuizPage, attempt: Attempt):
    one_page = page.layout == QuizPage.Layout.ALL
    # One page shows every question: the progress is counted on them. Otherwise one query counts both.
    answered, total = (None, None) if one_page else selectors.attempt_progress(attempt=attempt)
    pages = 1 if one_page else _pages(total, page.layout)
    try:
        current = parse_int(request.GET.get("trang") or attempt.current_page, maximum=SMALL_MAX)
    except ValidationError:
        current = attempt.current_page
    # A read: the page reached is remembered by the form's POSTs (Next, Previous, a page number), not here.
    current = clamp(current, minimum=1, maximum=pages)
    positions = None if one_page else [current]
    items = selectors.attempt_items(attempt=attempt, positions=positions)
    if one_page:
        answered, total = sum(1 for item in items if item.answered), len(items)
    quiz_tags.prefetch_stems(items)  # one read of the shared cache for the page's question bodies
    remaining = None
    if attempt.deadline:
        remaining = max(0, math.ceil((attempt.deadline - timezone.now()).total_seconds()))
    return render(request, "assessments/quiz_page.html", {
        "page": page, "self": page, "mode": "attempt", "attempt": attempt, "items": items,
        "current": current, "pages": pages, "page_numbers": range(1, pages + 1),
        "answered": answered, "total": total, "percent_answered": round(answered * 100 / total) if total else 0,
        "remaining": remaining, "grace": services.grace_seconds(),
        "offline_token": services.offline_token_make(attempt=attempt),
        "save_url_template": reverse("assessments:save-response", kwargs={"pk": 0}).replace("/0/", "/{id}/"),
    })


def parse_revision(*, data, prefix: str) -> int:
    """The revision of the answer the page showed (`q<response id>_rev`); a page that sends none knew none (0)."""
    return parse_int(data.get(f"{prefix}_rev") or "0", maximum=2**31 - 1)


def _attempt_post(request, *, page: QuizPage, officer, action: str):
    try:  # every number of the form, before anything is saved
        attempt_id = parse_int(request.POST.get("attempt") or "0")
        shown = [parse_int(v, minimum=1) for v in request.POST.getlist("shown")]
        goto = parse_int(request.POST["goto"]) if request.POST.get("goto") else None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(page.url)

    def parse(response):
        prefix = f"q{response.pk}"
        answer = parse_answer(kind=response.version.kind, data=request.POST, prefix=prefix)
        return answer, parse_revision(data=request.POST, prefix=prefix)

    result = services.attempt_form_save(
        quiz=page, officer=officer, attempt_id=attempt_id, response_ids=shown, parse=parse,
        submit=action == "submit", auto=request.POST.get("auto") == "1",
    )
    if result.expired:
        messages.info(request, _("Time was up: your attempt was submitted automatically."))
        return redirect("assessments:attempt-result", pk=result.attempt.pk)
    if result.finished:
        messages.info(request, _("This attempt is already finished."))
        return redirect(page.url)
    if result.submitted:
        return redirect("assessments:attempt-result", pk=result.attempt.pk)
    attempt = result.attempt
    errors, stale = result.errors, result.stale
    for e in errors:
        messages.error(request, e)
    if stale:
        messages.warning(request, ngettext(
            "%(count)d answer on this page was changed in another tab or window after this page was opened. "
            "The newer answer is kept: check it before submitting.",
            "%(count)d answers on this page were changed in another tab or window after this page was opened. "
            "The newer answers are kept: check them before submitting.", len(stale)) % {"count": len(stale)})
        first = 1 if page.layout == QuizPage.Layout.ALL else min(stale)
        services.attempt_page_set(attempt=attempt, page=first)
        return redirect(f"{page.url}?trang={first}")
    pages = 1 if page.layout == QuizPage.Layout.ALL else _pages(
        Response.objects.filter(attempt=attempt).count(), page.layout)
    target = clamp(goto or attempt.current_page, minimum=1, maximum=pages)
    if not errors and action == "save":
        messages.success(request, _("Your answers are saved."))
    if target != attempt.current_page:
        services.attempt_page_set(attempt=attempt, page=target)
    return redirect(f"{page.url}?trang={target}")


def parse_offline_stamp(*, data) -> services.OfflineStamp | None:
    """The page's signed token and the milliseconds from page load to the answer, sent by the browser's offline
    queue (attempt.js); None when absent or not numbers. The service decides whether to believe them."""
    token = data.get("offline_token", "")
    if not token:
        return None
    try:
        offset = parse_int(data.get("answered_ms") or "", maximum=services.OFFLINE_OFFSET_MAX_MS)
    except ValidationError:
        return None
    return services.OfflineStamp(token=token[:services.OFFLINE_TOKEN_MAX_LENGTH + 1], offset_ms=offset)


@require_POST
@login_required
def save_response(request, pk: int):
    """Autosave of one answer (JavaScript, one small request). JSON in return: the new revision when saved;
    409 when refused (attempt closed, or the answer was changed in another tab: the page must reload)."""
    kind = request.POST.get("kind", "")
    if kind not in QuestionKind.values:
        return HttpResponseBadRequest("kind")
    try:
        answer = parse_answer(kind=kind, data=request.POST, prefix=f"q{pk}")
        revision = parse_revision(data=request.POST, prefix=f"q{pk}")
        response = services.response_save(response_id=pk, user=request.user, kind=kind, revision=revision,
                                          offline=parse_offline_stamp(data=request.POST), **answer)
    except PermissionDenied:
        raise Http404 from None
    except services.AttemptClosed as exc:
        return JsonResponse({"saved": False, "closed": True, "error": " ".join(exc.messages)}, status=409)
    except services.StaleAnswer as exc:
        # Shown on the reloaded page too, which then carries the newer answer and its revision.
        messages.warning(request, " ".join(exc.messages))
        return JsonResponse({"saved": False, "stale": True, "revision": exc.revision,
                             "error": " ".join(exc.messages)}, status=409)
    except ValidationError as exc:
        return JsonResponse({"saved": False, "error": " ".join(exc.messages)}, status=400)
    return JsonResponse({"saved": True, "revision": response.revision,
                         "at": timezone.localtime().strftime("%H:%M:%S")})


def _visible_attempt(request, pk: int) -> Attempt:
    return get_object_or_404(selectors.attempts_visible_to(viewer=request.user), pk=pk)


@require_GET
@login_required
def attempt_result(request, pk: int):
    """The result page of a finished attempt (quiz_page_result.html)."""
    attempt = _visible_attempt(request, pk)
    quiz = attempt.quiz.specific
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return redirect(quiz.url)
    summary = selectors.quiz_summary_for_officer(quiz=quiz, officer=attempt.officer)
    can_review = selectors.review_allowed(attempt=attempt, quiz=quiz, passed=summary.passed) or is_trainer(request.user)
    check = services.attempt_start_check(quiz=quiz, officer=attempt.officer)
    return render(request, "assessments/quiz_page_result.html", {
        "attempt": attempt, "quiz": quiz, "page": quiz, "summary": summary, "can_review": can_review,
        "check": check, "is_own": attempt.officer.user_id == request.user.pk,
    })


@require_GET
@login_required
def attempt_review(request, pk: int):
    """The review of a finished attempt, showing what the quiz's review policy allows."""
    attempt = _visible_attempt(request, pk)
    quiz = attempt.quiz.specific
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return redirect(quiz.url)
    summary = selectors.quiz_summary_for_officer(quiz=quiz, officer=attempt.officer)
    staff = is_trainer(request.user)
    if not (staff or selectors.review_allowed(attempt=attempt, quiz=quiz, passed=summary.passed)):
        raise PermissionDenied
    show_answers = staff or quiz.review_show_answers
    show_feedback = staff or quiz.review_show_feedback
    items = selectors.attempt_items(attempt=attempt, review=True, show_answers=show_answers,
                                    show_feedback=show_feedback)
    return render(request, "assessments/attempt_review.html", {
        "attempt": attempt, "quiz": quiz, "items": items, "show_answers": show_answers,
        "show_feedback": show_feedback,
    })


@require_GET
@login_required
def attempt_history(request):
    """The officer's own attempts on every quiz."""
    officer = officer_for_user(user=request.user)
    attempts = list(selectors.attempts_for_officer(officer=officer)) if officer else []
    return render(request, "assessments/attempt_history.html", {"attempts": attempts})


@login_required
def quiz_overrides(request, quiz_id: int):
    """Trainers (any officer) and leaders (officers of their units) give extra time or attempts."""
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    if is_trainer(request.user):
        from people.models import Officer

        officers = Officer.objects.select_related("unit").filter(is_active=True)
    else:
        officers = officers_visible_to(viewer=request.user).exclude(user=request.user)
        if not officers.exists():
            raise PermissionDenied
    if request.method == "POST":
        try:
            officer_id = parse_int(request.POST.get("officer"), minimum=1)
        except ValidationError:
            raise Http404 from None
        officer = get_object_or_404(officers, pk=officer_id)
        if not can_override_for_officer(user=request.user, officer=officer):
            raise Http404
        try:
            minutes = parse_int(request.POST.get("extra_minutes") or "0", maximum=SMALL_MAX)
            attempts = parse_int(request.POST.get("extra_attempts") or "0", maximum=SMALL_MAX)
            services.quiz_override_set(quiz=quiz, officer=officer, extra_minutes=minutes, extra_attempts=attempts,
                                       reason=request.POST.get("reason", ""), granted_by=request.user)
        except ValidationError:
            messages.error(request, _("Enter whole numbers of minutes and attempts (0 or more)."))
        else:
            messages.success(request, _("The override for %(name)s is saved.") % {"name": officer.full_name})
        return redirect("assessments:quiz-overrides", quiz_id=quiz.pk)
    overrides = (QuizOverride.objects.filter(quiz=quiz, officer__in=officers.values("pk"))
                 .select_related("officer", "officer__unit", "granted_by").order_by("officer__sort_name"))
    return render(request, "assessments/quiz_overrides.html", {
        "quiz": quiz, "overrides": overrides, "officers": officers.order_by("sort_name")[:500],
    })

