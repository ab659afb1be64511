"""The one HTML sanitiser: every piece of rich text is cleaned with it on its way into the database.

The whitelist is what Wagtail's Draftail editor can produce with the features this project enables (paragraphs,
h2–h4, bold, italic, lists, links, line breaks, horizontal rules) plus Wagtail's own database tags for internal
links and embeds (``<a linktype="page" id="3">``, ``<embed embedtype="image" id="5" format="left" alt="…"/>``),
so that whatever a trainer writes in the admin survives unchanged in meaning. Anything else — scripts, event
handlers, ``style``, ``javascript:`` or ``data:`` URLs, iframes, SVG — is removed by nh3 (the Rust ``ammonia``
sanitiser, an HTML5 parser; no regular expression decides what is safe).

Plain-text fields are not passed through here: they stay text and templates escape them.
"""

import re

import nh3
from django.db import models
from wagtail import blocks
from wagtail.fields import RichTextField
from wagtail.rich_text import RichText

BLOCK_TAGS = {"p", "h2", "h3", "h4", "ol", "ul", "li"}
TAGS = BLOCK_TAGS | {"b", "strong", "i", "em", "a", "br", "hr", "embed"}
# Draftail keys every block (used by comments on rich text); Wagtail's DB format names internal targets by id.
ATTRIBUTES = {
    **{tag: {"data-block-key"} for tag in BLOCK_TAGS},
    "a": {"href", "id"},
    "embed": {"id", "format", "alt", "url"},
}
TAG_ATTRIBUTE_VALUES = {
    "a": {"linktype": {"page", "document"}},
    "embed": {"embedtype": {"image", "media"}},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}  # plus relative URLs ("/khoa-hoc/", "#muc-2"), which nh3 keeps
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "template", "svg", "math", "noscript", "textarea",
                      "select", "title", "xmp", "noembed", "noframes"}

_ID = re.compile(r"^[0-9]{1,19}$")
_TOKEN = re.compile(r"^[\w-]{1,64}$")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Narrow the few free-text attributes: ids are numbers, formats are words, nothing carries ``<`` or ``>``."""
    if attribute == "id":
        return value if _ID.match(value) else None
    if attribute == "format":
        return value if _TOKEN.match(value) else None
    if attribute == "data-block-key":
        return value if _TOKEN.match(value) else None
    if attribute == "url" and not value.lower().startswith(("https://", "http://")):
        return None
    if attribute in ("href", "url"):
        return value.replace("<", "%3C").replace(">", "%3E")
    return value.replace("<", "").replace(">", "")


_VOID = re.compile(r"<(br|hr)>")
_EMBED = re.compile(r"<embed\b([^<>]*)>")


def sanitise_html(value: str | None) -> str:
    """Clean HTML to the rich-text whitelist. Idempotent; None and "" give ""."""
    if not value:
        return ""
    cleaned = nh3.clean(
        str(value), tags=TAGS, clean_content_tags=CLEAN_CONTENT_TAGS, attributes=ATTRIBUTES,
        tag_attribute_values=TAG_ATTRIBUTE_VALUES, attribute_filter=_attribute_filter, url_schemes=URL_SCHEMES,
        link_rel=None, strip_comments=True,
    )
    # Wagtail's database format writes void tags self-closed, and its rewriter only expands "<embed …/>".
    # nh3's output is well-formed and its embed attributes hold no "<" or ">" (see _attribute_filter), so this
    # is a change of spelling on already-safe markup, not a filter.
    cleaned = _VOID.sub(r"<\1/>", cleaned)
    return _EMBED.sub(lambda m: f"<embed{m.group(1).rstrip('/')}/>", cleaned)


class _SanitisedOnWrite:
    """Sanitise on every write (save, bulk_create, update) and on full_clean(), so that a form's instance —
    what a preview renders before anything is saved — is clean too."""

    def clean(self, value, model_instance):
        return super().clean(sanitise_html(value) if value is not None else value, model_instance)

    def pre_save(self, model_instance, add):
        value = sanitise_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def get_db_prep_save(self, value, connection):  # queryset.update() does not call pre_save
        return super().get_db_prep_save(sanitise_html(value) if value is not None else value, connection)


class SanitisedHTMLField(_SanitisedOnWrite, models.TextField):
    """A TextField holding HTML (e.g. a frozen copy of a question's stem), sanitised whenever it is written."""


class SanitisedRichTextField(_SanitisedOnWrite, RichTextField):
    """Wagtail's RichTextField, sanitised whenever it is written (admin forms, imports, services, revisions)."""


class SanitisedRichTextBlock(blocks.RichTextBlock):
    """A StreamField rich-text block whose HTML is sanitised when the stream is saved (pages and revisions)."""

    def get_prep_value(self, value):
        return sanitise_html(super().get_prep_value(value))

    def clean(self, value):  # the value a preview renders
        value = super().clean(value)
        return RichText(sanitise_html(value.source)) if isinstance(value, RichText) else value


def sanitise_stream_data(block, data):
    """Sanitise the rich text inside a StreamField's stored JSON (raw data), following the block definition.

    Used by data migrations on stored pages and revisions, which hold raw JSON rather than block values;
    text of any other block type is left exactly as it was.
    """
    if isinstance(block, blocks.RichTextBlock):
        return sanitise_html(data) if isinstance(data, str) else data
    if isinstance(block, blocks.StreamBlock):
        if not isinstance(data, list):
            return data
        out = []
        for child in data:
            child_block = block.child_blocks.get(child.get("type")) if isinstance(child, dict) else None
            if child_block is not None and "value" in child:
                child = {**child, "value": sanitise_stream_data(child_block, child["value"])}
            out.append(child)
        return out
    if isinstance(block, blocks.StructBlock):
        if not isinstance(data, dict):
            return data
        return {name: sanitise_stream_data(block.child_blocks[name], value) if name in block.child_blocks else value
                for name, value in data.items()}
    if isinstance(block, blocks.ListBlock):
        if not isinstance(data, list):
            return data
        return [{**item, "value": sanitise_stream_data(block.child_block, item["value"])}
                if isinstance(item, dict) and item.get("type") == "item" and "value" in item
                else sanitise_stream_data(block.child_block, item) for item in data]
    return data
