"""Admin for units (the tree): indented listing, parent filter, one save with the former names."""

from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_filters import BooleanFilter, ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.admin.ui.tables import TitleColumn
from wagtail.log_actions import log
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView

from lms.snippets import SnippetViewSet

from .. import services
from ..models import (
    Unit,
)
from .common import ActiveColumn, UnitChooserFilterForm, _chooser_viewset_class

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
