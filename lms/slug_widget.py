"""The admin's slug field folds Vietnamese as the server does (``lms.slugs``): Wagtail's ``SlugInput`` with formatters."""

from wagtail.admin.widgets import SlugInput

from .slugs import COMBINING_MARKS, VIETNAMESE_LETTERS

# The admin widget's formatters: one character class per base letter (both cases), then stray combining marks.
JS_FORMATTERS = [
    *((f"[{variants}{variants.upper()}]", base) for base, variants in VIETNAMESE_LETTERS.items()),
    (COMBINING_MARKS, ""),
]


class VietnameseSlugInput(SlugInput):
    def __init__(self, attrs=None, formatters=None, locale=None):
        super().__init__(attrs=attrs, formatters=[*JS_FORMATTERS, *(formatters or [])], locale=locale)


def register_slug_widget() -> None:
    """Every SlugField of an admin form (page slugs included) uses ``VietnameseSlugInput``."""
    import wagtail.admin.forms.models  # noqa: F401 - its built-in overrides first, so that ours replaces them
    from django.db import models
    from wagtail.admin.forms.models import register_form_field_override

    register_form_field_override(models.SlugField, override={"widget": VietnameseSlugInput})
