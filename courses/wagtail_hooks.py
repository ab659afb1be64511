"""Wagtail admin for courses/: enrolments and lesson progress, grouped under "Training records".

Enrolments are created by services (role requirements, leader assignment, self-enrolment), so the admin can
list, filter and inspect them, change the due date and withdraw an active one (through
courses.services.enrolment_admin_update); completion is never set by hand, and nothing is added or deleted here.
Lesson progress is read-only. Course pages themselves are edited in the page explorer.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.base import ViewSet
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSetGroup

from lms.snippets import SnippetViewSet
from people.roles import is_trainer
from people.wagtail_hooks.common import DayColumn

from . import admin_views, selectors, services
from .models import CoursePage, CourseReview, Enrolment, LessonProgress, course_path_prefix


@hooks.register("before_serve_document")
def documents_require_login(document, request):
    """Lesson documents are course content: login-only, as the course pages are (the catalogue's login
    restriction). Runs before Wagtail's own collection view restrictions, which still apply on top."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.WAGTAIL_FRONTEND_LOGIN_URL)
    return None


class RecordPermissionPolicy(ModelPermissionPolicy):
    """Training records are history: never added or deleted from the admin (services write them)."""

    read_only = False

    def user_has_permission(self, user, action):
        if action in ("add", "delete") or (self.read_only and action == "change"):
            return False
        return super().user_has_permission(user, action)


class ReadOnlyPermissionPolicy(RecordPermissionPolicy):
    read_only = True


register_permission_policy(Enrolment, RecordPermissionPolicy(Enrolment), exact_class=True)
register_permission_policy(LessonProgress, ReadOnlyPermissionPolicy(LessonProgress), exact_class=True)


class EnrolmentAdminForm(WagtailAdminModelForm):
    """The due date, plus "withdraw" for an active enrolment; the status itself is shown, never edited."""

    withdraw = forms.BooleanField(label=_("Withdraw this enrolment"), required=False,
                                  help_text=_("The enrolment and its progress are kept as history."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.status != Enrolment.Status.ACTIVE:
            self.fields["withdraw"].disabled = True


class EnrolmentEditView(EditView):
    def save_instance(self):
        """The edit goes through the service, so the status only changes by the rules that own it."""
        enrolment = services.enrolment_admin_update(
            enrolment=self.form.instance, due_on=self.form.cleaned_data.get("due_on"),
            withdraw=self.form.cleaned_data.get("withdraw", False),
        )
        log(instance=enrolment, action="wagtail.edit", user=self.request.user, content_changed=True)
        return enrolment


class EnrolmentViewSet(SnippetViewSet):
    model = Enrolment
    icon = "clipboard-list"
    menu_label = _("Enrolments")
    url_prefix = "courses/enrolments"
    list_display = [
        Column("officer", label=_("Officer")),
        Column("course_title", label=_("Course")),
        Column("get_reason_display", label=_("Reason")),
        Column("get_status_display", label=_("Status")),
        DayColumn("due_on", label=_("Due date"), sort_key="due_on"),
        DateColumn("completed_at", label=_("Completed on")),
    ]
    list_filter = ["status", "reason", "course"]
    search_fields = ["course_title", "officer__full_name", "officer__employee_code"]
    ordering = ["due_on", "pk"]
    inspect_view_enabled = True
    copy_view_enabled = False
    edit_view_class = EnrolmentEditView
    edit_handler = ObjectList([FieldPanel("due_on"), FieldPanel("status", read_only=True), FieldPanel("withdraw")],
                              base_form_class=EnrolmentAdminForm)

    def get_queryset(self, request):
        return Enrolment.objects.select_related("officer", "course")


class LessonProgressViewSet(SnippetViewSet):
    model = LessonProgress
    icon = "time"
    menu_label = _("Lesson progress")
    url_prefix = "courses/lesson-progress"
    list_display = [
        Column("enrolment", label=_("Enrolment")),
        Column("lesson", label=_("Lesson")),
        Column("seconds_spent", label=_("Time on page (seconds)")),
        DateColumn("completed_at", label=_("Completed on")),
    ]
    list_filter = ["completed_at"]
    inspect_view_enabled = True
    copy_view_enabled = False
    panels = [FieldPanel("seconds_spent", read_only=True)]

    def get_queryset(self, request):
        return LessonProgress.objects.select_related("enrolment__officer", "lesson")


class TrainingRecordsGroup(SnippetViewSetGroup):
    menu_label = _("Training records")
    menu_icon = "clipboard-list"
    menu_order = 250
    items = (EnrolmentViewSet, LessonProgressViewSet)


register_snippet(TrainingRecordsGroup)


# --- Whole-course review ----------------------------------------------------------------------------------------


class CourseReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return is_trainer(request.user) or selectors.is_lead_trainer(request.user)


class CourseReviewViewSet(ViewSet):
    name = "course_reviews"
    url_prefix = "duyet-khoa-hoc"
    icon = "tasks"
    menu_label = _("Course reviews")
    menu_order = 240
    menu_item_class = CourseReviewMenuItem
    add_to_admin_menu = True

    def get_urlpatterns(self):
        return [
            path("", admin_views.review_index, name="index"),
            path("<id:pk>/", admin_views.review_detail, name="detail"),
            path("<id:pk>/duyet/", admin_views.review_approve, name="approve"),
            path("<id:pk>/tra-lai/", admin_views.review_reject, name="reject"),
            path("gui/<id:course_id>/", admin_views.review_submit, name="submit"),
        ]


@hooks.register("register_admin_viewset")
def register_course_review_viewset():
    return CourseReviewViewSet()


def _course_of(page):
    """The course holding a page of the course tree (course, module, lesson, quiz), else None."""
    if page is None or getattr(page.specific_class, "levels_below_course", None) is None:
        return None
    return CoursePage.objects.filter(path=course_path_prefix(page)).first()


class SubmitCourseMenuItem(ActionMenuItem):
    """"Gửi duyệt cả khóa học" in the editor's action menu of every page of a course: it opens the confirmation
    screen of the whole course (save the draft first: the latest saved revision of each page is sent)."""

    label = _("Submit the whole course for review")
    name = "action-submit-course"
    icon_name = "tasks"

    def is_shown(self, context):
        page = context.get("page")
        return (context.get("view") == "edit" and not context.get("locked_for_user")
                and _course_of(page) is not None and self.get_user_page_permissions_tester(context).can_edit())

    def get_url(self, parent_context):
        return reverse("course_reviews:submit", args=[_course_of(parent_context["page"]).pk])


@hooks.register("register_page_action_menu_item")
def register_submit_course_menu_item():
    return SubmitCourseMenuItem(order=15)


@hooks.register("construct_page_action_menu")
def hide_single_page_submit_in_courses(menu_items, request, context):
    """Inside a course, moderation is per course: the page-by-page "Submit for moderation" is not offered."""
    page = context.get("page")
    if _course_of(page if page is not None and page.pk else context.get("parent_page")) is not None:
        menu_items[:] = [item for item in menu_items if item.name != "action-submit"]


def _warn_what_publishing_would_refuse(request, page):
    """Saving a draft skips the checks publishing makes (Wagtail defers required fields and model validation on
    "Save draft"); say at once what the whole-course submit would refuse, so nothing surprises the trainer later.
    Autosave (a JSON request) and publish / submit actions (validated in full by Wagtail) are left alone."""
    if not request.accepts("text/html") or request.POST.get("action-publish") or request.POST.get("action-submit"):
        return
    if _course_of(page) is None:
        return
    latest = page.get_latest_revision()
    problems = selectors.page_publish_problems(latest.as_object()) if latest else []
    if problems:
        messages.warning(request, _("Draft saved, but it cannot be published as it is. Fix this before submitting "
                                    "the course for review: %(problems)s") % {"problems": "; ".join(problems)})


@hooks.register("after_create_page")
def warn_on_draft_create(request, page):
    _warn_what_publishing_would_refuse(request, page)


@hooks.register("after_edit_page")
def warn_on_draft_edit(request, page):
    _warn_what_publishing_would_refuse(request, page)


class PendingCourseReviewsPanel(Component):
    """On a lead trainer's admin dashboard: the whole-course reviews they may decide (Wagtail's own "awaiting your
    review" panel knows only its page-by-page workflow)."""

    name = "course_reviews_pending"
    order = 90
    template_name = "courses/admin/home_pending_reviews.html"

    def __init__(self, reviews):
        self.reviews = reviews

    def get_context_data(self, parent_context=None):
        return {"reviews": self.reviews}


@hooks.register("construct_homepage_panels")
def add_pending_course_reviews_panel(request, panels):
    if not selectors.is_lead_trainer(request.user):
        return
    reviews = list(selectors.course_reviews_visible_to(user=request.user)
                   .filter(status=CourseReview.Status.PENDING).exclude(submitted_by=request.user)
                   .order_by("submitted_at", "pk")[:10])
    if reviews:
        panels.append(PendingCourseReviewsPanel(reviews))
