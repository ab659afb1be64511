"""Admin screens of a legal change: the impact preview with its confirmation, and the trainers' review list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .models import LegalChange, ReviewItem


def _admin_context(title: str, icon: str, *, parent=None) -> dict:
    crumbs = [{"url": reverse("wagtailadmin_home"), "label": _("Home")}]
    if parent:
        crumbs.append(parent)
    crumbs.append({"url": "", "label": title})
    return {"page_title": title, "header_title": title, "header_icon": icon, "breadcrumbs_items": crumbs}


def can_apply(user) -> bool:
    return user.is_active and user.has_perm("legalchanges.change_legalchange")


def can_review(user) -> bool:
    return user.is_active and user.has_perm("legalchanges.change_reviewitem")


@require_http_methods(["GET", "POST"])
def impact(request, pk: int):
    """GET: what applying the change would do, with a confirmation button. POST: apply it (one transaction)."""
    if not can_apply(request.user):
        raise PermissionDenied
    change = get_object_or_404(LegalChange.objects.select_related("document", "applied_by"), pk=pk)
    if request.method == "POST":
        if change.is_applied:
            messages.info(request, _("This legal change was already applied; nothing was changed."))
        else:
            result = services.legal_change_apply(change=change, user=request.user)
            messages.success(request, _(
                "Legal change applied: %(retrain)s officer(s) must retrain by %(day)s, %(enrolled)s enrolment(s) "
                "created, %(items)s item(s) added to the review list.") % {
                "retrain": result.must_retrain, "day": result.retrain_by, "enrolled": result.enrolled,
                "items": result.lessons_to_review + result.questions_to_review})
        return redirect("legalchanges-impact:impact", change.pk)
    preview = services.legal_change_preview(change=change)
    listing = {"url": reverse("wagtailsnippets_legalchanges_legalchange:list"), "label": _("Legal changes")}
    return render(request, "legalchanges/admin/impact.html", {
        "change": change, "impact": preview, **_admin_context(str(change), "warning", parent=listing)})


@require_http_methods(["GET"])
def review_list(request):
    """The review list: open items first, with the lesson or question, its course, why, and who decided when."""
    if not can_review(request.user):
        raise PermissionDenied
    status = request.GET.get("trang-thai", ReviewItem.Status.OPEN)
    items = ReviewItem.objects.select_related("change__document", "course", "lesson", "question", "decided_by")
    if status in ReviewItem.Status.values:
        items = items.filter(status=status)
    else:
        status = ""
    page = Paginator(items.order_by("course__title", "pk"), 50).get_page(request.GET.get("page"))
    return render(request, "legalchanges/admin/review_list.html", {
        "page_obj": page, "items": page.object_list, "status": status, "statuses": ReviewItem.Status.choices,
        **_admin_context(_("Review list"), "tasks")})


@require_POST
def review_decide(request, pk: int):
    if not can_review(request.user):
        raise PermissionDenied
    item = get_object_or_404(ReviewItem, pk=pk)
    decision = request.POST.get("status")
    if decision not in (ReviewItem.Status.DONE, ReviewItem.Status.NOT_NEEDED):
        messages.error(request, _("Choose “reviewed and updated” or “no change needed”."))
    else:
        services.review_item_decide(item=item, status=decision, user=request.user)
        messages.success(request, _("Review item closed."))
    return redirect(reverse("legalchanges-review:list") + "?trang-thai=open")
