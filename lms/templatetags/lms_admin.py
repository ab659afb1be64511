"""Template filters for the admin templates lms overrides (lms/templates/wagtailadmin/)."""

from django import template
from django.apps import apps

register = template.Library()


@register.filter
def app_verbose_name(app_label: str) -> str:
    """An app's verbose name ("Khóa học"), or its label when it has none."""
    try:
        return str(apps.get_app_config(app_label).verbose_name)
    except LookupError:
        return app_label


@register.filter
def page_type_name(content_type) -> str:
    """A content type by its model's verbose_name, in the active language (ContentType.name is the same in
    Django, but only when the model class is found)."""
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model is not None else content_type.name
