"""Admin views of the notification log: resend one, a recipient's history (administrators only)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.widgets import HeaderButton, ListingButton

from people.models import Officer
from people.roles import is_administrator

from . import selectors, services
from .models import Notification

NS = "notifications_admin"


def _url(name, *args):
    return reverse(f"{NS}:{name}", args=args)


def _require_admin(user):
    if not is_administrator(user):
        raise PermissionDenied


class NotificationIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        buttons.append(ListingButton(_("Send again"), url=_url("resend", instance.pk), icon_name="mail", priority=5))
        buttons.append(ListingButton(_("Recipient's history"), url=_url("history", instance.recipient_id),
                                     icon_name="history", priority=10))
        return buttons


class NotificationInspectView(InspectView):
    @property
    def header_buttons(self):
        return [HeaderButton(_("Send again"), url=_url("resend", self.object.pk), icon_name="mail"),
                HeaderButton(_("Recipient's history"), url=_url("history", self.object.recipient_id),
                             icon_name="history")]


def _current_address(user) -> str:
    officer = Officer.objects.filter(user=user).first()
    return (officer.email if officer and officer.email else "") or user.email


@require_http_methods(["GET", "POST"])
def resend(request, pk):
    """Confirm, then send one notification's e-mail again (to the recipient's current address)."""
    _require_admin(request.user)
    notification = get_object_or_404(Notification.objects.select_related("recipient"), pk=pk)
    address = _current_address(notification.recipient)
    if request.method == "POST":
        if not address:
            messages.error(request, gettext("The recipient has no e-mail address."))
        else:
            services.notification_resend(notification=notification, address=address)
            messages.success(request, gettext("The e-mail is being sent again to %(address)s.") % {"address": address})
        return redirect(_url("inspect", pk))
    return TemplateResponse(request, "notifications/admin/resend.html", {
        "notification": notification, "address": address, "page_title": gettext("Send again"),
        "header_icon": "mail", "action_url": _url("resend", pk), "back_url": _url("inspect", pk),
    })


def history(request, user_id):
    """Everything a recipient was sent, newest first."""
    _require_admin(request.user)
    user = get_object_or_404(get_user_model(), pk=user_id)
    items = list(selectors.history_for_recipient(user_id=user.pk)[:500])
    return TemplateResponse(request, "notifications/admin/history.html", {
        "recipient": user, "name": services.display_name(user, Officer.objects.filter(user=user).first()),
        "items": items, "page_title": gettext("Notifications sent to %(name)s") % {
            "name": services.display_name(user, Officer.objects.filter(user=user).first())},
        "header_icon": "history", "back_url": _url("index"),
    })
