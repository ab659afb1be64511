"""Admin for legal changes: the changes (with their impact preview and apply), the review list, and the warning
trainers see when they edit a course or lesson with open review items."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import AdminDateInput
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView

from courses.models import CoursePage, LessonPage
from lms.snippets import SnippetViewSet

from . import views
from .models import LegalChange, ReviewItem


class LegalChangePermissionPolicy(ModelPermissionPolicy):
    """An applied change is history: never edited or deleted; a change not yet applied may be edited."""

    def user_has_permission(self, user, action):
        if action == "delete":
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if action in ("change", "delete") and instance.is_applied:
            return False
        return super().user_has_permission_for_instance(user, action, instance)


register_permission_policy(LegalChange, LegalChangePermissionPolicy(LegalChange), exact_class=True)


class ImpactColumn(Column):
    def get_value(self, instance):
        label = gettext("See the result") if instance.is_applied else gettext("Preview the impact and apply")
        return format_html('<a class="button button-small button-secondary" href="{}">{}</a>',
                           reverse("legalchanges-impact:impact", args=[instance.pk]), label)


class AppliedColumn(Column):
    def get_value(self, instance):
        if instance.applied_at:
            return format_html('<span class="w-status w-status--primary">{}</span>', gettext("Applied"))
        return format_html('<span class="w-status">{}</span>', gettext("Not applied"))


class LegalChangeEditView(EditView):
    """An applied change is history: its form is refused (the impact screen shows what was applied)."""

    def dispatch(self, request, *args, **kwargs):
        if getattr(self, "object", None) is not None and self.object.is_applied:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class LegalChangeViewSet(SnippetViewSet):
    model = LegalChange
    edit_view_class = LegalChangeEditView
    icon = "warning"
    menu_label = _("Legal changes")
    add_to_admin_menu = True
    menu_order = 255
    list_display = ["document", "effective_on", "grace_days", AppliedColumn("applied_at", label=_("Status")),
                    ImpactColumn("impact", label=_("Impact"))]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["document", "effective_on", "grace_days", "competencies", "procedures", "note",
                           "applied_at", "applied_by"]
    panels = [
        FieldPanel("document"),
        FieldRowPanel([FieldPanel("effective_on", widget=AdminDateInput()), FieldPanel("grace_days")]),
        FieldPanel("competencies"),
        FieldPanel("procedures"),
        FieldPanel("note"),
    ]

    def get_queryset(self, request):
        return LegalChange.objects.select_related("document")


register_snippet(LegalChangeViewSet)


class ImpactViewSet(ViewSet):
    """The impact preview and apply screen (linked from the legal changes listing, no menu item)."""

    name = "legalchanges-impact"
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [path("<id:pk>/", views.impact, name="impact")]


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return views.can_review(request.user)


class ReviewListViewSet(ViewSet):
    name = "legalchanges-review"
    icon = "tasks"
    menu_label = _("Review list")
    menu_item_class = ReviewMenuItem
    add_to_admin_menu = True
    menu_order = 260

    def get_urlpatterns(self):
        return [path("", views.review_list, name="list"),
                path("<id:pk>/xong/", views.review_decide, name="decide")]


@hooks.register("register_admin_viewset")
def register_impact_viewset():
    return ImpactViewSet()


@hooks.register("register_admin_viewset")
def register_review_viewset():
    return ReviewListViewSet()


@hooks.register("before_edit_page")
def warn_open_review_items(request, page):
    """Trainers editing a course or a lesson see how many of its review items are still open."""
    specific = page.specific_class
    if specific not in (CoursePage, LessonPage):
        return None
    items = ReviewItem.objects.filter(status=ReviewItem.Status.OPEN)
    items = items.filter(course_id=page.pk) if specific is CoursePage else items.filter(lesson_id=page.pk)
    count = items.count()
    if count:
        messages.warning(request, format_html(
            '{} <a href="{}">{}</a>',
            gettext("This content has %(count)s open review item(s) after a legal change.") % {"count": count},
            reverse("legalchanges-review:list"), gettext("Open the review list")))
    return None
