"""Wagtail admin screens of the whole-course review (registered in wagtail_hooks.py): "Gửi duyệt cả khóa học"
(confirm, then one submission), the lead trainers' list of reviews, one review with the diff of each page
against its live version, and the decision (approve = publish everything, or return with a comment)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from people.roles import is_trainer

from . import selectors, services
from .models import CoursePage, CourseReview


def _check_trainer(request):
    if not (is_trainer(request.user) or selectors.is_lead_trainer(request.user)):
        raise PermissionDenied


def _context(request, title: str, *, parent: tuple[str, str] | None = None, **extra) -> dict:
    crumbs = [{"url": reverse("wagtailadmin_home"), "label": _("Home")}]
    if parent:
        crumbs.append({"url": parent[1], "label": parent[0]})
    crumbs.append({"url": "", "label": title})
    return {"page_title": title, "header_title": title, "header_icon": "tasks", "breadcrumbs_items": crumbs,
            **extra}


def _comparisons(request, row, handlers: dict) -> list:
    """Wagtail's field comparisons (wagtail.admin.compare, as the page history's "Compare") of the submitted
    revision against the live page, only the fields that changed; a new page is compared with an empty one."""
    page_class = type(row.page)
    if page_class not in handlers:
        handlers[page_class] = row.page.get_edit_handler()
    panel = handlers[page_class].get_bound_panel(instance=row.page, request=request, form=None)
    before = row.live if row.live is not None else page_class(title="", slug="")
    result = []
    for comparison_class in panel.get_comparison():
        comparison = comparison_class(before, row.revised)
        if comparison.has_changed():
            result.append(comparison)
    return result


@require_GET
def review_index(request):
    _check_trainer(request)
    reviews = list(selectors.course_reviews_visible_to(user=request.user)[:100])
    pending = [r for r in reviews if r.is_pending]
    decided = [r for r in reviews if not r.is_pending][:30]
    return render(request, "courses/admin/review_index.html", _context(
        request, _("Course reviews"), pending=pending, decided=decided,
        is_lead=selectors.is_lead_trainer(request.user)))


@require_GET
def review_detail(request, pk: int):
    _check_trainer(request)
    review = get_object_or_404(selectors.course_reviews_visible_to(user=request.user), pk=pk)
    handlers: dict = {}
    rows = selectors.course_review_pages(review=review)
    pages = [{"row": row, "comparison": _comparisons(request, row, handlers) if row.revised is not None else []}
             for row in rows]
    return render(request, "courses/admin/review_detail.html", _context(
        request, review.course_title, parent=(_("Course reviews"), reverse("course_reviews:index")),
        review=review, pages=pages, stale=[row for row in rows if row.stale],
        can_decide=review.is_pending and selectors.can_decide_course_review(user=request.user, review=review),
        is_author=review.submitted_by_id == request.user.pk))


@require_http_methods(["GET", "POST"])
def review_submit(request, course_id: int):
    """GET lists what will be sent and any problem to fix first; POST sends the whole course."""
    _check_trainer(request)
    course = get_object_or_404(CoursePage, pk=course_id)
    if not selectors.can_submit_course_review(user=request.user, course=course):
        raise PermissionDenied
    problems = []
    if request.method == "POST":
        try:
            review = services.course_review_submit(course=course, user=request.user)
        except services.CourseReviewProblems as error:
            problems = error.problems
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("wagtailadmin_pages:edit", course.pk)
        else:
            count = review.items.count()
            messages.success(request, ngettext(
                "The course “%(course)s” was sent for review with %(count)s page.",
                "The course “%(course)s” was sent for review with %(count)s pages.", count)
                % {"course": review.course_title, "count": count})
            return redirect("course_reviews:detail", review.pk)
    drafts = selectors.course_review_drafts(course=course)
    if request.method == "GET":
        problems = selectors.course_review_problems(drafts=drafts)
    pending = CourseReview.objects.filter(course=course, status=CourseReview.Status.PENDING).first()
    return render(request, "courses/admin/review_submit.html", _context(
        request, _("Submit the whole course for review"), parent=(course.get_admin_display_title(),
                                                                  reverse("wagtailadmin_pages:edit", args=[course.pk])),
        course=course, drafts=drafts, problems=problems, pending=pending), status=200)


def _decidable(request, pk: int) -> CourseReview:
    _check_trainer(request)
    review = get_object_or_404(selectors.course_reviews_visible_to(user=request.user), pk=pk)
    if not selectors.can_decide_course_review(user=request.user, review=review):
        raise PermissionDenied
    return review


@require_POST
def review_approve(request, pk: int):
    review = _decidable(request, pk)
    try:
        review = services.course_review_approve(review=review, user=request.user,
                                                comment=request.POST.get("comment", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("course_reviews:detail", review.pk)
    count = review.items.count()
    messages.success(request, ngettext(
        "Course “%(course)s” approved: %(count)s page published. The author has been told.",
        "Course “%(course)s” approved: %(count)s pages published. The author has been told.", count)
        % {"course": review.course_title, "count": count})
    return redirect("course_reviews:index")


@require_POST
def review_reject(request, pk: int):
    review = _decidable(request, pk)
    try:
        review = services.course_review_reject(review=review, user=request.user,
                                               comment=request.POST.get("comment", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("course_reviews:detail", review.pk)
    messages.success(request, _("Course “%(course)s” returned to its author with your comment; nothing was "
                                "published.") % {"course": review.course_title})
    return redirect("course_reviews:index")
