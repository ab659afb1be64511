"""Admin for competency areas, competencies, role requirements and evidence (attainments)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import BooleanFilter, ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.log_actions import log
from wagtail.snippets.views.snippets import CreateView, EditView

from lms.snippets import SnippetViewSet

from .. import services
from ..models import (
    Attainment,
    Competency,
    CompetencyArea,
    DeskRole,
    RoleRequirement,
)
from .common import ActiveColumn, DayColumn, FoldedChooserFilterForm, _chooser_viewset_class
from .roles import NotifyAfterSaveMixin, RoleAssignmentIndexView

# --- Competencies and requirements ------------------------------------------------------------------------


class CompetencyAreaViewSet(SnippetViewSet):
    model = CompetencyArea
    chooser_viewset_class = _chooser_viewset_class(FoldedChooserFilterForm)
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
    chooser_viewset_class = _chooser_viewset_class(FoldedChooserFilterForm)
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


class RoleRequirementAdminForm(WagtailAdminModelForm):
    """Before a new or changed requirement is saved, the form shows its impact (holders of the role, how many
    lack the competency) and asks to confirm; then it is saved and enrolments follow as for every save."""

    confirm_impact = forms.BooleanField(label=_("I have read the impact and want to save"), required=False)

    def clean(self):
        data = super().clean()
        relevant = {"role", "competency", "level", "validity_months"} & set(self.changed_data)
        if self.errors or not relevant or data.get("confirm_impact"):
            return data
        impact = services.role_requirement_impact(
            role=data["role"], competency=data["competency"], level=data["level"],
            validity_months=data["validity_months"], requirement_pk=self.instance.pk)
        self.add_error("confirm_impact", _(
            "Requiring %(code)s level %(level)s for %(role)s affects %(holders)s officer(s) who hold the role now; "
            "%(lacking)s of them lack it. Tick the box and save again to confirm.") % {
            "code": data["competency"].code, "level": data["level"], "role": data["role"].code,
            "holders": impact.holders, "lacking": impact.lacking})
        return data


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
    edit_handler = ObjectList([FieldRowPanel([FieldPanel("role"), FieldPanel("competency")]),
                               FieldRowPanel([FieldPanel("level"), FieldPanel("validity_months")]),
                               FieldPanel("confirm_impact")], base_form_class=RoleRequirementAdminForm)

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
