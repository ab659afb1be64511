"""Wagtail admin for assessments/: the question bank (categories tree, questions with inline answers, preview,
duplicate), import/export, the essay marking queue and item analysis — one "Question bank" menu for trainers."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django_filters import BooleanFilter, ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView

from lms.snippets import SnippetViewSet
from people.models import Competency
from people.roles import is_trainer
from people.wagtail_hooks.common import DayColumn

from . import admin_views, services
from .models import Question, QuestionCategory, QuestionKind, QuizOverride


class TrainerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_trainer(request.user)


# --- Categories -------------------------------------------------------------------------------------------

class CategorySaveMixin:
    def save_instance(self):
        """Through the service, so that the paths of sub-categories follow a rename or a move."""
        return services.category_save(category=self.form.save(commit=False))


class CategoryCreateView(CategorySaveMixin, CreateView):
    pass


class CategoryEditView(CategorySaveMixin, EditView):
    pass


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    add_view_class = CategoryCreateView
    edit_view_class = CategoryEditView
    list_display = ["__str__", "competency"]
    search_fields = ["path"]
    search_backend_name = None
    copy_view_enabled = False
    list_per_page = 100

    def get_queryset(self, request):
        return QuestionCategory.objects.select_related("competency")


# --- Questions --------------------------------------------------------------------------------------------

class QuestionFilterSet(WagtailFilterSet):
    category = ModelChoiceFilter(label=_("Category"), queryset=QuestionCategory.objects.all())
    kind = ChoiceFilter(label=_("Question type"), choices=QuestionKind.choices)
    is_active = BooleanFilter(label=_("Active"))
    category__competency = ModelChoiceFilter(label=_("Competency"), queryset=Competency.objects.all())

    class Meta:
        model = Question
        fields = ["category", "kind", "is_active"]


class QuestionIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        buttons.append(Button(_("Duplicate"), url=reverse("wagtailsnippets_assessments_question:duplicate",
                                                          args=[instance.pk]), icon_name="copy", priority=25))
        return buttons


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    index_view_class = QuestionIndexView
    list_display = ["label", "kind", "category", DayColumn("valid_until", label=_("Valid until"), sort_key="valid_until"),
                    BooleanColumn("is_active", label=_("Active"))]
    list_filter = None
    filterset_class = QuestionFilterSet
    search_fields = ["title", "stem", "legal_reference"]
    search_backend_name = None
    copy_view_enabled = False
    list_per_page = 50

    def get_queryset(self, request):
        return self.model.objects.select_related("category")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("duplicate/<id:pk>/", admin_views.question_duplicate, name="duplicate"),
        ]


class OverrideSaveMixin:
    def save_instance(self):
        """Through the service, recording the trainer who granted it (zero for both removes it)."""
        data = self.form.cleaned_data
        override = services.quiz_override_set(
            quiz=data["quiz"], officer=data["officer"], extra_minutes=data["extra_minutes"] or 0,
            extra_attempts=data["extra_attempts"] or 0, reason=data.get("reason", ""), granted_by=self.request.user)
        return override or self.form.instance


class OverrideCreateView(OverrideSaveMixin, CreateView):
    pass


class OverrideEditView(OverrideSaveMixin, EditView):
    pass


class QuizOverrideViewSet(SnippetViewSet):
    model = QuizOverride
    icon = "time"
    menu_label = _("Overrides")
    add_view_class = OverrideCreateView
    edit_view_class = OverrideEditView
    list_display = ["officer", "quiz", "extra_minutes", "extra_attempts", "granted_by"]
    panels = [FieldPanel("quiz"), FieldPanel("officer"),
              FieldRowPanel([FieldPanel("extra_minutes"), FieldPanel("extra_attempts")]), FieldPanel("reason")]
    copy_view_enabled = False

    def get_queryset(self, request):
        return QuizOverride.objects.select_related("officer", "quiz", "granted_by")


# --- Import / export, marking, analysis -------------------------------------------------------------------

class TransferViewSet(ViewSet):
    name = "assessments_transfer"
    url_prefix = "question-files"
    icon = "upload"
    menu_label = _("Import / export")
    menu_item_class = TrainerMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.question_import, name="import"),
            path("export/", admin_views.question_export, name="export"),
            path("mau-cau-hoi.xlsx", admin_views.question_template_xlsx, name="template"),
            path("viec/<id:pk>/", admin_views.question_import_job, name="job"),
        ]


class MarkingViewSet(ViewSet):
    name = "assessments_marking"
    url_prefix = "essay-marking"
    icon = "edit"
    menu_label = _("Essays to mark")
    menu_item_class = TrainerMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.marking_queue, name="queue"),
            path("<id:pk>/", admin_views.marking_detail, name="mark"),
        ]


class AnalysisViewSet(ViewSet):
    name = "assessments_analysis"
    url_prefix = "item-analysis"
    icon = "table"
    menu_label = _("Item analysis")
    menu_item_class = TrainerMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.analysis_index, name="index"),
            path("<id:quiz_id>/", admin_views.analysis_detail, name="detail"),
            path("<id:quiz_id>/xlsx/", admin_views.analysis_xlsx, name="xlsx"),
        ]


class QuestionBankGroup(ViewSetGroup):
    menu_label = _("Question bank")
    menu_icon = "help"
    menu_order = 250
    items = (QuestionViewSet, QuestionCategoryViewSet, TransferViewSet, MarkingViewSet, AnalysisViewSet,
             QuizOverrideViewSet)


register_snippet(QuestionBankGroup)
