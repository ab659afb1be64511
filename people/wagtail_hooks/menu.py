"""The officer import screen and the one "People & competencies" menu that groups every people viewset."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from .. import admin_competency, views
from ..permissions import can_manage_people
from .competencies import AttainmentViewSet, CompetencyAreaViewSet, CompetencyViewSet, RoleRequirementViewSet
from .officers import OfficerViewSet
from .roles import DeskRoleViewSet, RoleAssignmentViewSet
from .units import UnitViewSet

# --- Import -----------------------------------------------------------------------------------------------


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_people(user=request.user)


class OfficerImportViewSet(ViewSet):
    """The upload screen for officers and role assignments, plus the template downloads."""

    name = "officer-import"
    icon = "upload"
    menu_label = _("Import officers")
    menu_item_class = AdministratorMenuItem

    def get_urlpatterns(self):
        return [
            path("", views.officer_import, name="upload"),
            path("mau.xlsx", views.officer_import_template_xlsx, name="template-xlsx"),
            path("mau.csv", views.officer_import_template_csv, name="template-csv"),
            path("viec/<id:pk>/", views.officer_import_job, name="job"),
        ]


class PeopleViewSetGroup(ViewSetGroup):
    menu_label = _("People & competencies")
    menu_icon = "group"
    menu_order = 200
    items = (
        UnitViewSet,
        OfficerViewSet,
        RoleAssignmentViewSet,
        OfficerImportViewSet,
        *admin_competency.ADMIN_VIEWSETS,  # attainment import and prior learning, beside the officer import
        DeskRoleViewSet,
        CompetencyAreaViewSet,
        CompetencyViewSet,
        RoleRequirementViewSet,
        AttainmentViewSet,
    )
