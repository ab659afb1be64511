"""Wagtail admin for people/: units, officers, desk roles, competencies, requirements, attainments and import.

Grouped under one menu ("People & competencies"). Nothing is hard-deleted here: delete is switched off for
every model (end dates and the `active` flags retire records instead). Saves go through people.services so
that subtree paths are re-derived and the role signals reach courses/ (automatic enrolment).
"""

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_filters import BooleanFilter, ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView

from lms.snippets import ChooseResultsView, ChooseView, SnippetChooserViewSet, SnippetViewSet

from . import admin_competency, services, views
from .models import (
    Attainment,
    Competency,
    CompetencyArea,
    DeskRole,
    Officer,
    RoleAssignment,
    RoleRequirement,
    Unit,
    current_assignment_q,
)
from .permissions import can_manage_people
from .text import fold

# --- Permissions: no hard delete through the UI -----------------------------------------------------------


class NoDeletePermissionPolicy(ModelPermissionPolicy):
    """Model permissions as usual, except that nobody (not even a superuser) may delete from the admin."""

    def user_has_permission(self, user, action):
        if action == "delete":
            return False
        return super().user_has_permission(user, action)


PEOPLE_MODELS = (Unit, Officer, DeskRole, RoleAssignment, CompetencyArea, Competency, RoleRequirement, Attainment)
for _model in PEOPLE_MODELS:
    register_permission_policy(_model, NoDeletePermissionPolicy(_model), exact_class=True)


class DayColumn(Column):
    """A date as dd/mm/yyyy (Wagtail's DateColumn shows “7 months ago”, which is vague for start/end dates)."""

    empty_value_display = "—"

    def get_value(self, instance):
        value = super().get_value(instance)
        return date_format(value, "SHORT_DATE_FORMAT") if value else None


class ActiveColumn(Column):
    """Active / retired as words, so screen readers do not hear “True” in a Vietnamese page."""

    def __init__(self, name="is_active", **kwargs):
        kwargs.setdefault("label", _("Status"))
        super().__init__(name, **kwargs)

    def get_value(self, instance):
        if instance.is_active:
            return format_html('<span class="w-status w-status--primary">{}</span>', _("Active"))
        return format_html('<span class="w-status">{}</span>', _("Retired"))


# --- Choosers with search (our models are not in Wagtail's search index) -----------------------------------


class OfficerChooserFilterForm(BaseFilterForm):
    q = forms.CharField(label=_("Search term"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Search")}))

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = objects.filter(Q(search_name__contains=fold(query)) | Q(employee_code__icontains=query))
            self.is_searching = True
            self.search_query = query
        return objects


class UnitChooserFilterForm(OfficerChooserFilterForm):
    def filter(self, objects):
        objects = BaseFilterForm.filter(self, objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = objects.filter(Q(name__icontains=query) | Q(code__icontains=query)
                                     | Q(former_names__name__icontains=query)).distinct()
            self.is_searching = True
            self.search_query = query
        return objects


def _chooser_viewset_class(form_class):
    choose = type("ChooseView", (ChooseView,), {"filter_form_class": form_class})
    results = type("ChooseResultsView", (ChooseResultsView,), {"filter_form_class": form_class})
    return type("ChooserViewSet", (SnippetChooserViewSet,),
                {"choose_view_class": choose, "choose_results_view_class": results})


# --- Units ------------------------------------------------------------------------------------------------


class IndentedTitleColumn(TitleColumn):
    """The unit name indented by its depth in the tree, so the listing reads like the organisation chart."""

    def get_value(self, instance):
        name = super().get_value(instance)
        depth = max(getattr(instance, "depth", 1) - 1, 0)
        if not depth:
            return name
        return format_html("{}└ {}", "\u00a0" * (4 * depth), name)


class UnitFilterSet(WagtailFilterSet):
    parent = ModelChoiceFilter(label=_("Parent unit"), queryset=Unit.objects.filter(children__isnull=False)
                               .distinct().order_by("path"))
    kind = ChoiceFilter(label=_("Kind"), choices=Unit.Kind.choices)
    is_active = BooleanFilter(label=_("Active"))

    class Meta:
        model = Unit
        fields = ["parent", "kind", "is_active"]


class UnitIndexView(IndexView):
    @cached_property
    def columns(self):
        return [
            self._get_title_column("name", column_class=IndentedTitleColumn) if isinstance(column, TitleColumn)
            else column for column in super().columns
        ]


class UnitSaveMixin:
    """Every unit save goes through unit_save(): validated, saved once together with its former names (kept in
    memory by the form until then), and the paths of a moved unit's subtree re-derived."""

    log_action = ""

    def save_instance(self):
        unit = self.form.save(commit=False)
        services.unit_save(unit=unit)
        self.form.save_m2m()
        log(instance=unit, action=self.log_action, user=self.request.user)
        return unit


class UnitCreateView(UnitSaveMixin, CreateView):
    log_action = "wagtail.create"


class UnitEditView(UnitSaveMixin, EditView):
    log_action = "wagtail.edit"


class UnitViewSet(SnippetViewSet):
    model = Unit
    icon = "site"
    menu_label = _("Units")
    index_view_class = UnitIndexView
    chooser_viewset_class = _chooser_viewset_class(UnitChooserFilterForm)
    add_view_class = UnitCreateView
    edit_view_class = UnitEditView
    list_display = ["name", "code", "kind", ActiveColumn()]
    list_per_page = 100
    filterset_class = UnitFilterSet
    search_fields = ["name", "code", "former_names__name"]
    search_backend_name = None
    ordering = ["path"]
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("name"),
        FieldPanel("parent"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("is_active")]),
        FieldPanel("note"),
        InlinePanel("former_names", label=_("Former names"),
                    panels=[FieldPanel("name"), FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")])]),
    ]

    def get_queryset(self, request):
        return Unit.objects.select_related("parent")


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


# --- Desk roles and assignments ---------------------------------------------------------------------------


class DeskRoleViewSet(SnippetViewSet):
    model = DeskRole
    icon = "tag"
    menu_label = _("Desk roles")
    list_display = ["name_vi", "code", "name_en", ActiveColumn()]
    search_fields = ["code", "name_vi", "name_en"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("sort_order")]),
        FieldPanel("name_vi"),
        FieldPanel("name_en"),
        FieldPanel("description"),
        FieldPanel("is_active"),
    ]


class RoleAssignmentFilterSet(WagtailFilterSet):
    role = ModelChoiceFilter(label=_("Desk role"), queryset=DeskRole.objects.all())
    unit = ModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.order_by("path"), method="filter_unit")
    current = BooleanFilter(label=_("Current"), method="filter_current")

    class Meta:
        model = RoleAssignment
        fields = ["role", "unit"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path) if value else queryset

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        current = current_assignment_q()
        return queryset.filter(current) if value else queryset.exclude(current)


class RoleAssignmentIndexView(IndexView):
    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        folded = fold(self.search_query)
        return queryset.filter(Q(officer__search_name__contains=folded)
                               | Q(officer__employee_code__icontains=self.search_query.strip()))


class NotifyAfterSaveMixin:
    """After an admin save, tell courses/ whose enrolments may change: the owner before and after the edit.

    Subclasses name the field holding the owner id (`notify_field`), the people service to call and its keyword.
    """

    notify_field = ""
    notify_keyword = ""
    notify_service = None

    def save_instance(self):
        previous = None
        if self.form.instance.pk:
            previous = (
                type(self.form.instance).objects.filter(pk=self.form.instance.pk)
                .values_list(self.notify_field, flat=True).first()
            )
        instance = super().save_instance()
        ids = [i for i in (previous, getattr(instance, self.notify_field)) if i]
        type(self).notify_service(**{self.notify_keyword: ids})
        return instance


class NotifyAssignmentsMixin(NotifyAfterSaveMixin):
    """Role assignments: courses/ hears role_assignments_changed for the officers concerned."""

    notify_field = "officer_id"
    notify_keyword = "officer_ids"
    notify_service = staticmethod(services.role_assignments_changed_notify)


class RoleAssignmentCreateView(NotifyAssignmentsMixin, CreateView):
    pass


class RoleAssignmentEditView(NotifyAssignmentsMixin, EditView):
    pass


class RoleAssignmentViewSet(SnippetViewSet):
    model = RoleAssignment
    icon = "group"
    menu_label = _("Role assignments")
    index_view_class = RoleAssignmentIndexView
    add_view_class = RoleAssignmentCreateView
    edit_view_class = RoleAssignmentEditView
    list_display = ["officer", "role", "unit", DayColumn("start_date", label=_("Start date"), sort_key="start_date"),
                    DayColumn("end_date", label=_("End date"), sort_key="end_date")]
    list_per_page = 50
    filterset_class = RoleAssignmentFilterSet
    search_fields = ["officer__search_name"]
    search_backend_name = None
    copy_view_enabled = False
    panels = [
        FieldPanel("officer"),
        FieldRowPanel([FieldPanel("role"), FieldPanel("unit")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
    ]

    def get_queryset(self, request):
        return RoleAssignment.objects.select_related("officer", "role", "unit")


# --- Competencies and requirements ------------------------------------------------------------------------


class CompetencyAreaViewSet(SnippetViewSet):
    model = CompetencyArea
    icon = "folder-open-1"
    menu_label = _("Competency areas")
    list_display = ["name_vi", "code", "name_en"]
    copy_view_enabled = False
    panels = [FieldRowPanel([FieldPanel("code"), FieldPanel("sort_order")]), FieldPanel("name_vi"),
              FieldPanel("name_en")]


class CompetencyFilterSet(WagtailFilterSet):
    area = ModelChoiceFilter(label=_("Area"), queryset=CompetencyArea.objects.all())
    is_active = BooleanFilter(label=_("Active"))

    class Meta:
        model = Competency
        fields = ["area", "is_active"]


class CompetencyViewSet(SnippetViewSet):
    model = Competency
    icon = "success"
    menu_label = _("Competencies")
    list_display = ["code", "name_vi", "area", ActiveColumn()]
    list_per_page = 50
    filterset_class = CompetencyFilterSet
    search_fields = ["code", "name_vi", "name_en"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["code", "area", "name_vi", "name_en", "level_1", "level_2", "level_3", "is_active"]
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("area")]),
        FieldPanel("name_vi"),
        FieldPanel("name_en"),
        MultiFieldPanel([FieldPanel("level_1"), FieldPanel("level_2"), FieldPanel("level_3")],
                        heading=_("Observable behaviour by level")),
        FieldPanel("is_active"),
    ]

    def get_queryset(self, request):
        return Competency.objects.select_related("area")


class NotifyRequirementsMixin(NotifyAfterSaveMixin):
    """Role requirements: courses/ hears role_requirements_changed for the roles concerned."""

    notify_field = "role_id"
    notify_keyword = "role_ids"
    notify_service = staticmethod(services.role_requirements_changed_notify)


class RoleRequirementCreateView(NotifyRequirementsMixin, CreateView):
    pass


class RoleRequirementEditView(NotifyRequirementsMixin, EditView):
    pass


class RoleRequirementFilterSet(WagtailFilterSet):
    role = ModelChoiceFilter(label=_("Desk role"), queryset=DeskRole.objects.all())
    competency__area = ModelChoiceFilter(label=_("Area"), queryset=CompetencyArea.objects.all())

    class Meta:
        model = RoleRequirement
        fields = ["role", "competency__area", "level"]


class RoleRequirementViewSet(SnippetViewSet):
    model = RoleRequirement
    icon = "list-ul"
    menu_label = _("Role requirements")
    add_view_class = RoleRequirementCreateView
    edit_view_class = RoleRequirementEditView
    list_display = ["__str__", "role", "competency", "level",
                    Column("validity_months", label=_("Validity (months)"))]
    list_per_page = 100
    filterset_class = RoleRequirementFilterSet
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [FieldRowPanel([FieldPanel("role"), FieldPanel("competency")]),
              FieldRowPanel([FieldPanel("level"), FieldPanel("validity_months")])]

    def get_queryset(self, request):
        return RoleRequirement.objects.select_related("role", "competency")


class AttainmentFilterSet(WagtailFilterSet):
    competency = ModelChoiceFilter(label=_("Competency"), queryset=Competency.objects.all())
    kind = ChoiceFilter(label=_("Evidence"), choices=Attainment.Kind.choices)

    class Meta:
        model = Attainment
        fields = ["competency", "kind", "level"]


class AttainmentCreateView(CreateView):
    def save_instance(self):
        """Attainments are written by the service (idempotent by evidence), recording who entered them."""
        data = self.form.cleaned_data
        attainment = services.evidence_record(
            officer=data["officer"], competency=data["competency"], level=data["level"],
            achieved_on=data["achieved_on"], expires_on=data.get("expires_on"),
            kind=data["kind"], basis=data.get("evidence_reference", ""), recorded_by=self.request.user,
        )
        log(instance=attainment, action="wagtail.create", user=self.request.user)
        self.form.instance = attainment
        return attainment


class AttainmentRevokeForm(WagtailAdminModelForm):
    def clean_revoked_reason(self):
        reason = (self.cleaned_data.get("revoked_reason") or "").strip()
        if not reason:
            raise forms.ValidationError(_("A reason is required to revoke evidence."))
        return reason


class AttainmentRevokeView(EditView):
    """Evidence is never overwritten: its edit screen only revokes it, with a reason (a correction is a new record
    entered with "Add", plus this revocation of the wrong one). Revoked evidence cannot be changed at all."""

    success_message = _("The evidence was revoked; it no longer counts for any competency.")

    def get_panel(self):
        return ObjectList([FieldPanel("revoked_reason", heading=_("Reason for revoking this evidence"))],
                          base_form_class=AttainmentRevokeForm).bind_to_model(
            Attainment)

    def get_form_class(self):
        return self.panel.get_form_class()

    def dispatch(self, request, *args, **kwargs):
        attainment = Attainment.objects.filter(pk=kwargs.get("pk")).only("revoked_at").first()
        if attainment is not None and attainment.revoked_at is not None:
            messages.warning(request, _("This evidence has already been revoked; it is kept unchanged as history."))
            return redirect(reverse("wagtailsnippets_people_attainment:inspect", args=[attainment.pk]))
        return super().dispatch(request, *args, **kwargs)

    def save_instance(self):
        reason = self.form.cleaned_data.get("revoked_reason", "")
        fresh = Attainment.objects.get(pk=self.object.pk)
        attainment = services.evidence_revoke(attainment=fresh, reason=reason, by=self.request.user)
        log(instance=attainment, action="wagtail.edit", user=self.request.user)
        self.form.instance = attainment
        return attainment


class AttainmentViewSet(SnippetViewSet):
    model = Attainment
    icon = "pick"
    menu_label = _("Attainments")
    index_view_class = RoleAssignmentIndexView
    add_view_class = AttainmentCreateView
    edit_view_class = AttainmentRevokeView
    list_display = ["officer", "competency", "level", DayColumn("achieved_on", label=_("Achieved on"), sort_key="achieved_on"),
                    DayColumn("expires_on", label=_("Expires on"), sort_key="expires_on"), "kind"]
    list_per_page = 50
    filterset_class = AttainmentFilterSet
    search_fields = ["officer__search_name"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [
        FieldPanel("officer"),
        FieldRowPanel([FieldPanel("competency"), FieldPanel("level")]),
        FieldRowPanel([FieldPanel("achieved_on"), FieldPanel("expires_on")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("evidence_reference")]),
    ]

    def get_queryset(self, request):
        return Attainment.objects.select_related("officer", "competency")


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


register_snippet(PeopleViewSetGroup)
