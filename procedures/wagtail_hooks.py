"""Wagtail admin for procedures/: the procedure catalogue and the legal documents (one "Procedures" menu).

Both listings search without diacritics (the folded `search_text` column: "chung thuc" finds "Chứng thực").
Procedures are usually loaded with `manage.py import_procedures FILE`; the admin edits single ones.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import BooleanFilter, ChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSetGroup

from lms.snippets import SnippetViewSet
from people.text import fold
from people.wagtail_hooks.common import NoDeletePermissionPolicy

from .models import LegalDocument, Procedure, Status

# A procedure or document that no longer applies is marked repealed, never deleted (courses and questions cite it).
for _model in (Procedure, LegalDocument):
    register_permission_policy(_model, NoDeletePermissionPolicy(_model), exact_class=True)


class FoldedSearchIndexView(IndexView):
    """Search ignores Vietnamese diacritics (the model keeps a folded `search_text`)."""

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()
        return queryset.filter(Q(search_text__contains=fold(query)) | Q(search_text__contains=query.casefold()))


class ProcedureFilterSet(WagtailFilterSet):
    field = ChoiceFilter(label=_("Field"), choices=Procedure.Field.choices)
    level = ChoiceFilter(label=_("Level of government"), choices=Procedure.Level.choices)
    status = ChoiceFilter(label=_("Status"), choices=Status.choices)
    boundary_free = BooleanFilter(label=_("Boundary-free (phi địa giới)"))

    class Meta:
        model = Procedure
        fields = ["field", "level", "status", "boundary_free"]


class ProcedureViewSet(SnippetViewSet):
    model = Procedure
    icon = "list-ul"
    menu_label = _("Administrative procedures")
    index_view_class = FoldedSearchIndexView
    list_display = ["code", "name", "field", "level", Column("processing_display", label=_("Processing time")),
                    "status"]
    list_per_page = 50
    filterset_class = ProcedureFilterSet
    search_fields = ["search_text"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("field"), FieldPanel("level")]),
        FieldPanel("name"),
        MultiFieldPanel([FieldRowPanel([FieldPanel("processing_days"), FieldPanel("processing_note")]),
                         FieldRowPanel([FieldPanel("fee_amount"), FieldPanel("fee")]),
                         FieldRowPanel([FieldPanel("online"), FieldPanel("boundary_free")])],
                        heading=_("Time, fee and channels")),
        MultiFieldPanel([FieldPanel("legal_documents"), FieldPanel("legal_basis"),
                         FieldRowPanel([FieldPanel("status"), FieldPanel("status_since")])],
                        heading=_("Legal basis")),
        MultiFieldPanel([FieldPanel("unconfirmed"), FieldPanel("source")], heading=_("Sources")),
    ]

    def get_queryset(self, request):
        return Procedure.objects.all()


class LegalDocumentFilterSet(WagtailFilterSet):
    status = ChoiceFilter(label=_("Status"), choices=Status.choices)
    is_confirmed = BooleanFilter(label=_("Confirmed"))

    class Meta:
        model = LegalDocument
        fields = ["status", "is_confirmed"]


class LegalDocumentViewSet(SnippetViewSet):
    model = LegalDocument
    icon = "doc-full"
    menu_label = _("Legal documents")
    index_view_class = FoldedSearchIndexView
    list_display = ["number", "kind", "title", "effective_on", "status"]
    list_per_page = 50
    filterset_class = LegalDocumentFilterSet
    search_fields = ["search_text"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("kind")]),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("issued_on"), FieldPanel("effective_on")]),
        FieldRowPanel([FieldPanel("status"), FieldPanel("ended_on")]),
        FieldPanel("replaces"),
        FieldPanel("amends"),
        FieldRowPanel([FieldPanel("is_confirmed"), FieldPanel("source")]),
    ]


class ProceduresViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Procedures and law")
    menu_icon = "list-ul"
    menu_order = 250
    items = (ProcedureViewSet, LegalDocumentViewSet)


register_snippet(ProceduresViewSetGroup)
