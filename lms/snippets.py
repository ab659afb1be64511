"""One base for every snippet viewset of the project: its chooser respects the model's permissions and scope.

Wagtail's snippet choosers (`/admin/snippets/choose/<app>/<model>/`: choose, results, chosen, chosen-multiple,
create) only ask for admin access, so any trainer could read attainments, role assignments or enrolments through
them. Every SnippetViewSet of the project derives from `SnippetViewSet` below (a test walks the registry), whose
chooser views:

* answer 403 unless `may_choose(user, model)`: the user holds a permission on the model (view, add, change or
  delete — what its listing asks), or may fill in a form that points at it and so needs its chooser
  (add/change on the referring model, or page editing rights when the form is a page's);
* list and return only the objects of the viewset's own `get_queryset(request)` — the listing's scope.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import ForeignKey, OneToOneField
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser
from wagtail.snippets.views.snippets import SnippetViewSet as WagtailSnippetViewSet

ANY_PERMISSION = ["view", "add", "change", "delete"]


def _policy(model):
    return policy_registry.get_by_type(model) or ModelPermissionPolicy(model)


def _page_form_model(model) -> bool:
    """A page, or an inline (orderable) of a page edited in the page's form."""
    if issubclass(model, Page):
        return True
    return any(
        getattr(field, "remote_field", None) is not None and isinstance(field.remote_field.model, type)
        and issubclass(field.remote_field.model, Page) and type(field).__name__ == "ParentalKey"
        for field in model._meta.get_fields()
    )


def may_choose(user, model) -> bool:
    """May `user` open the chooser of `model`? (See the module docstring.)"""
    if not getattr(user, "is_authenticated", False):
        return False
    if _policy(model).user_has_any_permission(user, ANY_PERMISSION):
        return True
    for relation in model._meta.related_objects:
        if not isinstance(relation.field, ForeignKey | OneToOneField):
            continue
        referring = relation.related_model
        if _page_form_model(referring):
            if PagePermissionPolicy().user_has_any_permission(user, ["add", "change"]):
                return True
        elif _policy(referring).user_has_any_permission(user, ["add", "change"]):
            return True
    return False


class ScopedChooserMixin:
    """For the chooser views: the permission check, and the snippet viewset's queryset as the object list."""

    def dispatch(self, request, *args, **kwargs):
        if not may_choose(request.user, self.model_class):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def scoped_queryset(self):
        viewset = getattr(self.model_class, "snippet_viewset", None)
        queryset = viewset.get_queryset(self.request) if viewset is not None else None
        return queryset if queryset is not None else self.model_class._default_manager.all()

    def get_object_list(self):
        return self.scoped_queryset()

    def get_object(self, pk):
        return self.scoped_queryset().get(pk=pk)

    def get_objects(self, pks):
        return self.scoped_queryset().filter(pk__in=pks)


class ChooseView(ScopedChooserMixin, chooser.ChooseView):
    pass


class ChooseResultsView(ScopedChooserMixin, chooser.ChooseResultsView):
    pass


class ChosenView(ScopedChooserMixin, chooser.SnippetChosenView):
    pass


class ChosenMultipleView(ScopedChooserMixin, chooser.SnippetChosenMultipleView):
    pass


class CreateView(ScopedChooserMixin, chooser.SnippetCreateView):
    pass


class SnippetChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView
    create_view_class = CreateView


class SnippetViewSet(WagtailSnippetViewSet):
    """Use instead of Wagtail's SnippetViewSet; a custom chooser_viewset_class must derive from ours."""

    chooser_viewset_class = SnippetChooserViewSet
    # Ids in the admin's URLs are bounded like every other id of the project (lms.converters): a 30-digit id is a
    # 404, not an overflow in the database driver.
    pk_path_converter = "id"
