"""Shared pieces of the people admin: no hard delete, date and active columns, searchable choosers."""

from django import forms
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from lms.snippets import ChooseResultsView, ChooseView, SnippetChooserViewSet

from ..models import (
    Attainment,
    Competency,
    CompetencyArea,
    DeskRole,
    Officer,
    RoleAssignment,
    RoleRequirement,
    Unit,
)
from ..text import fold

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
# Every chooser of a person or a competency-related record searches without diacritics ("nguyen" finds "Nguyễn",
# "tiep nhan" finds "Tiếp nhận"), every word of the search in any order.


def _words(query: str) -> list[str]:
    return fold(query).split()


class OfficerChooserFilterForm(BaseFilterForm):
    q = forms.CharField(label=_("Search term"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Name or employee code")}))

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            for word in _words(query) or [query]:
                objects = objects.filter(Q(search_name__contains=word) | Q(employee_code__icontains=word))
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


class FoldedChooserFilterForm(BaseFilterForm):
    """Search a small reference table (competencies, their areas, desk roles: tens to a few hundred rows) by its
    ``search_fields`` without diacritics: the rows' texts are folded in Python (one query for the ids), since the
    database has no folded column for them."""

    q = forms.CharField(label=_("Search term"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Code or name")}))
    search_fields: tuple[str, ...] = ("code", "name_vi", "name_en")

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        words = _words(query)
        if words:
            ids = [row[0] for row in objects.order_by().values_list("pk", *self.search_fields)
                   if all(word in fold(" ".join(str(v) for v in row[1:] if v)) for word in words)]
            objects = objects.filter(pk__in=ids)
            self.is_searching = True
            self.search_query = query
        return objects


def _chooser_viewset_class(form_class):
    choose = type("ChooseView", (ChooseView,), {"filter_form_class": form_class})
    results = type("ChooseResultsView", (ChooseResultsView,), {"filter_form_class": form_class})
    return type("ChooserViewSet", (SnippetChooserViewSet,),
                {"choose_view_class": choose, "choose_results_view_class": results})
