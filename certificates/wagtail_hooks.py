"""Wagtail admin: certificate templates (with PDF preview), the certificates listing and its actions."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from lms.snippets import SnippetViewSet
from people.roles import is_administrator
from people.wagtail_hooks.common import DayColumn

from .admin_views import CertificateIndexView, CertificateInspectView
from .models import Certificate, CertificateTemplate


class CertificatePermissionPolicy(ModelPermissionPolicy):
    """Certificates are never added, edited or deleted in the admin: they are issued, revoked or re-rendered
    through services. Administrators may view them and use those actions."""

    def user_has_permission(self, user, action):
        return action == "view" and is_administrator(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and is_administrator(user)


register_permission_policy(Certificate, CertificatePermissionPolicy(Certificate))


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Certificate templates")
    list_display = ["name", "title", "signer_name", "is_default", "orientation"]


class CertificateViewSet(ModelViewSet):
    pk_path_converter = "id"  # bounded ids (lms.converters)
    model = Certificate
    icon = "doc-full-inverse"
    menu_label = _("Certificates")
    url_prefix = "certificates/issued"
    url_namespace = "certificates_admin"
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["note"]  # no add/edit for anyone (see the permission policy); a field list is still required
    list_display = ["serial", "officer_name", "course_title", Column("issued_on", label=_("Issued on")),
                    DayColumn("expires_on", label=_("Valid until"), sort_key="expires_on"), "status"]
    list_filter = ["status", "basis"]
    search_fields = ["serial", "officer_name", "officer_code", "course_title"]
    search_backend_name = None
    inspect_view_fields = ["serial", "status", "basis", "officer_name", "officer_code", "unit_name", "course_title",
                           "issued_on", "expires_on", "issuing_place", "rendered_at", "render_attempts",
                           "failure_message", "issued_by", "note", "revoked_at", "revoked_by", "revoked_reason",
                           "superseded_by", "superseded_at"]
    ordering = ["-created_at"]

    def get_urlpatterns(self):
        from . import admin_views

        return [
            *super().get_urlpatterns(),
            path("<id:pk>/render-again/", admin_views.render_again, name="render_again"),
            path("<id:pk>/revoke/", admin_views.revoke, name="revoke"),
            path("<id:pk>/pdf/", admin_views.pdf, name="pdf"),
            path("prior-learning/", admin_views.issue_prior_learning, name="prior_learning"),
        ]


class CertificatesGroup(ViewSetGroup):
    menu_label = _("Certificates")
    menu_icon = "doc-full-inverse"
    menu_order = 350
    items = (CertificateViewSet, CertificateTemplateViewSet)


@hooks.register("register_admin_viewset")
def register_certificates():
    return CertificatesGroup()

