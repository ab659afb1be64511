"""Wagtail admin: the notification log (what was sent to whom and when, status and error), resend, history."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from people.roles import is_administrator

from .admin_views import NotificationIndexView, NotificationInspectView
from .models import Notification
from .services import display_name


def _recipient_name(notification) -> str:
    user = notification.recipient
    return display_name(user, getattr(user, "officer", None))


class NotificationPermissionPolicy(ModelPermissionPolicy):
    """The log is never edited by hand: administrators view it and resend."""

    def user_has_permission(self, user, action):
        return action == "view" and is_administrator(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and is_administrator(user)


register_permission_policy(Notification, NotificationPermissionPolicy(Notification))


class NotificationViewSet(ModelViewSet):
    pk_path_converter = "id"
    model = Notification
    icon = "mail"
    menu_label = _("Notifications sent")
    menu_order = 360
    add_to_admin_menu = True
    url_prefix = "notifications"
    url_namespace = "notifications_admin"
    index_view_class = NotificationIndexView
    inspect_view_class = NotificationInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["title"]
    list_display = [Column("created_at", label=_("Created")),
                    Column("recipient", label=_("recipient"), accessor=_recipient_name), "email", "kind", "title", "status",
                    "attempts", Column("sent_at", label=_("Sent at"))]
    list_filter = ["status", "kind"]
    search_fields = ["title", "email", "recipient__username", "recipient__officer__full_name"]
    search_backend_name = None
    inspect_view_fields = ["recipient", "email", "kind", "period", "title", "body", "link", "created_at", "read_at",
                           "status", "attempts", "sent_at", "error"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self, request):
        return Notification.objects.select_related("recipient", "recipient__officer")

    def get_urlpatterns(self):
        from . import admin_views

        return [
            *super().get_urlpatterns(),
            path("<id:pk>/send-again/", admin_views.resend, name="resend"),
            path("recipient/<id:user_id>/", admin_views.history, name="history"),
        ]


@hooks.register("register_admin_viewset")
def register_notifications():
    return NotificationViewSet()
