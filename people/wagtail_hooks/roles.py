"""Admin for desk roles and role assignments (saving notifies courses for automatic enrolment)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import BooleanFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView

from lms.snippets import SnippetViewSet

from .. import services
from ..models import (
    DeskRole,
    RoleAssignment,
    Unit,
    current_assignment_q,
)
from ..text import fold
from .common import ActiveColumn, DayColumn, FoldedChooserFilterForm, _chooser_viewset_class

# --- Desk roles and assignments ---------------------------------------------------------------------------


class DeskRoleViewSet(SnippetViewSet):
    model = DeskRole
    chooser_viewset_class = _chooser_viewset_class(FoldedChooserFilterForm)
    icon = "tag"
    menu_label = _("Desk roles")
    # The English name is edited in the form, not listed: the trainer's screens stay Vietnamese.
    list_display = ["name_vi", "code", ActiveColumn()]
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
