"""Admin for officers: filters, create/edit through people.services, the assignments panel."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import BooleanFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.log_actions import log
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView

from lms.snippets import SnippetViewSet

from .. import services
from ..models import (
    Officer,
    Unit,
)
from ..text import fold
from .common import ActiveColumn, OfficerChooserFilterForm, _chooser_viewset_class

# --- Officers ---------------------------------------------------------------------------------------------


class OfficerFilterSet(WagtailFilterSet):
    unit = ModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.order_by("path"), method="filter_unit")
    is_active = BooleanFilter(label=_("Active"))

    class Meta:
        model = Officer
        fields = ["unit", "is_active"]

    def filter_unit(self, queryset, name, value):
        """A unit means the unit and everything below it, as leaders see it."""
        return queryset.filter(unit__path__startswith=value.path) if value else queryset


class OfficerIndexView(IndexView):
    def search_queryset(self, queryset):
        """Search ignores Vietnamese diacritics: "nguyen van" finds "Nguyễn Văn"."""
        if not self.is_searching:
            return queryset
        folded = fold(self.search_query)
        return queryset.filter(
            Q(search_name__contains=folded) | Q(employee_code__icontains=self.search_query.strip())
            | Q(email__icontains=self.search_query.strip())
        )


class OfficerCreateView(CreateView):
    def save_instance(self):
        """A new officer needs a login: officer_create() makes both (username = employee code)."""
        data = self.form.cleaned_data
        officer = services.officer_create(
            employee_code=data["employee_code"], full_name=data["full_name"], unit=data["unit"],
            email=data.get("email", ""), phone=data.get("phone", ""), is_active=data.get("is_active", True),
            led_units=data.get("led_units") or [],
        )
        log(instance=officer, action="wagtail.create", user=self.request.user)
        self.form.instance = officer
        return officer


class OfficerEditView(EditView):
    def save_instance(self):
        officer = services.officer_update(officer=self.form.instance,
                                          led_units=self.form.cleaned_data.get("led_units") or [])
        log(instance=officer, action="wagtail.edit", user=self.request.user)
        return officer


class AssignmentsPanel(Panel):
    """The officer's role assignments (read-only here; they are edited in their own listing)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "people/admin/officer_assignments_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            officer = self.instance
            context["assignments"] = (
                officer.assignments.select_related("role", "unit").order_by("-start_date") if officer.pk else []
            )
            context["officer"] = officer
            return context


class OfficerViewSet(SnippetViewSet):
    model = Officer
    icon = "user"
    menu_label = _("Officers")
    index_view_class = OfficerIndexView
    chooser_viewset_class = _chooser_viewset_class(OfficerChooserFilterForm)
    add_view_class = OfficerCreateView
    edit_view_class = OfficerEditView
    list_display = ["full_name", "employee_code", "unit", ActiveColumn()]
    list_per_page = 50
    filterset_class = OfficerFilterSet
    search_fields = ["search_name"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["full_name", "employee_code", "unit", "email", "phone", "is_active", "invited_at"]
    edit_handler = ObjectList([
        MultiFieldPanel([
            FieldPanel("full_name"),
            FieldRowPanel([FieldPanel("employee_code"), FieldPanel("unit")]),
            FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
            FieldPanel("is_active"),
        ], heading=_("Officer")),
        FieldPanel("led_units", widget=forms.CheckboxSelectMultiple),
        AssignmentsPanel(heading=_("Desk roles")),
    ])

    def get_queryset(self, request):
        return Officer.objects.select_related("unit")
