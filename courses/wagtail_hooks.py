"""Wagtail admin for courses/: enrolments and lesson progress, grouped under "Training records".

Enrolments are created by services (role requirements, leader assignment, self-enrolment), so the admin can
list, filter and inspect them and change only a due date or a status; nothing is added or deleted here.
Lesson progress is read-only. Course pages themselves are edited in the page explorer.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from lms.snippets import SnippetViewSet

from .models import Enrolment, LessonProgress


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
        DateColumn("due_on", label=_("Due date")),
        DateColumn("completed_at", label=_("Completed on")),
    ]
    list_filter = ["status", "reason", "course"]
    search_fields = ["course_title", "officer__full_name", "officer__employee_code"]
    ordering = ["due_on", "pk"]
    inspect_view_enabled = True
    copy_view_enabled = False
    panels = [FieldPanel("due_on"), FieldPanel("status")]

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
