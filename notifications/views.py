"""The notification centre: list with filters, open (marks read, then goes to the object), mark read, mute
settings and the e-mail's unsubscribe link. Each mutation is POST with CSRF: parse → service → redirect."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import Kind, Notification

PER_PAGE = 20


@login_required
def notification_list(request):
    kind, state = request.GET.get("kind", ""), request.GET.get("state", "")
    qs = selectors.notifications_for(user=request.user, kind=kind, state=state)
    page_obj = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "page_obj": page_obj, "notifications": page_obj.object_list, "kinds": Kind.choices,
        "kind": kind if kind in Kind.values else "", "state": state if state in selectors.FILTER_STATES else "",
    })


def _own(request, pk: int) -> Notification:
    return get_object_or_404(Notification, pk=pk, recipient=request.user)


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark read and follow the notification's link (a POST: opening changes state)."""
    notification = _own(request, pk)
    services.mark_read(user=request.user, notification_id=notification.pk)
    return HttpResponseRedirect(notification.link or reverse("notifications:list"))


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return HttpResponseRedirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request, pk: int):
    services.mark_read(user=request.user, notification_id=_own(request, pk).pk)
    return _back(request)


@login_required
@require_POST
def notification_read_all(request):
    count = services.mark_all_read(user=request.user)
    messages.success(request, _("%(count)s notification(s) marked as read.") % {"count": count})
    return _back(request)


@login_required
def settings_page(request):
    if request.method == "POST":
        services.mutes_set(user=request.user, kinds=request.POST.getlist("muted"))
        messages.success(request, _("Your notification settings have been saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {
        "optional": selectors.optional_kinds_with_mutes(user=request.user),
        "mandatory": selectors.mandatory_kinds(),
    })


def unsubscribe(request, token: str):
    """The e-mail's unsubscribe link: the signed token names the user and the optional kind; GET asks, POST mutes
    (no login needed: the token is the proof)."""
    found = services.unsubscribe_read(token)
    if found is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    user = get_user_model().objects.filter(pk=found[0], is_active=True).first()
    if user is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    kind = Kind(found[1])
    done = False
    if request.method == "POST":
        muted = {k for k, _label, is_muted in selectors.optional_kinds_with_mutes(user=user) if is_muted}
        services.mutes_set(user=user, kinds=muted | {kind.value})
        done = True
    return render(request, "notifications/unsubscribe.html", {"kind": kind, "done": done, "invalid": False})
