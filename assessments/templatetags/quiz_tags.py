"""The open attempt's questions, rendered fast: `{% open_question item %}`.

A one-page quiz shows 30 questions; through the include (assessments/includes/question.html) each costs about
0.2 ms of template work, 6–8 ms a page, on every page of every officer at 8:00. The three kinds that make up
almost every exam (single choice, true/false, multiple choice) are written here in Python instead, with the
question's body — its stem as rich text — taken from the shared cache by version (a version never changes, so
the cache needs no invalidation). The markup is the include's, to the byte after whitespace: a test renders both
for every kind and compares them. Any other kind, a question with an image, or a preview goes through the
include as before.
"""

import html

from django import template
from django.core.cache import cache
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail.templatetags.wagtailcore_tags import richtext

register = template.Library()

FAST_KINDS = {"single": "radio", "true_false": "radio", "multiple": "checkbox"}
STEM_CACHE_KEY = "assessments:stem-html:1:{}"  # by question version: its stem never changes
STEM_CACHE_SECONDS = 24 * 60 * 60


def stem_html(*, version_id: int, stem: str) -> str:
    """A version's stem rendered as rich text, from the shared cache (a version's stem never changes)."""
    key = STEM_CACHE_KEY.format(version_id)
    html_text = cache.get(key)
    if html_text is None:
        html_text = str(richtext(stem))
        cache.set(key, html_text, STEM_CACHE_SECONDS)
    return html_text


def prefetch_stems(items) -> None:
    """The stems of a page's questions in one read of the shared cache (each `{% open_question %}` would make
    one): put on each item as `stem_html`, the misses rendered and stored together."""
    wanted = {i.response.version_id: i.stem for i in items if i.response is not None and i.kind in FAST_KINDS}
    keys = {STEM_CACHE_KEY.format(vid): vid for vid in wanted}
    found = {keys[k]: v for k, v in cache.get_many(list(keys)).items()}
    missing = {vid: str(richtext(stem)) for vid, stem in wanted.items() if vid not in found}
    if missing:
        cache.set_many({STEM_CACHE_KEY.format(vid): h for vid, h in missing.items()}, STEM_CACHE_SECONDS)
    found.update(missing)
    for item in items:
        if item.response is not None and item.response.version_id in found:
            item.stem_html = found[item.response.version_id]


def render_open_question(item) -> str | None:
    """The question of an open attempt as the include would render it, or None when the include must.

    Plain string building: the numbers are ints, the tokens hex, the texts escaped with the standard library's
    html.escape (what Django's escape calls, without its lazy-string wrapper: that wrapper, through format_html
    or a template, was most of the cost)."""
    input_type = FAST_KINDS.get(item.kind)
    if input_type is None or item.response is None or item.image or item.cloze:
        return None
    rid = int(item.response.pk)
    number = int(item.number)
    stem = getattr(item, "stem_html", None) or stem_html(version_id=item.response.version_id, stem=item.stem)
    badge = (f'<span class="badge badge-muted">{html.escape(_("Choose all that apply"))}</span>'
             if item.kind == "multiple" else "")
    options = "\n".join(
        f'<li><label class="quiz-option"><input type="{input_type}" name="q{rid}" value="{_token(c.token)}"'
        f'{" checked" if c.selected else ""}> <span>{html.escape(c.text)}</span></label></li>'
        for c in item.choices)
    label = html.escape(_("Question %(n)s") % {"n": number})
    return mark_safe(  # noqa: S308 — every part is escaped above, or digits and hex
        f'<fieldset class="card quiz-question" id="cau-{number}" data-response="{rid}" data-kind="{item.kind}">\n'
        f'<legend class="quiz-question__legend">\n<span class="quiz-question__number">{label}</span>\n{badge}\n'
        f'</legend>\n<input type="hidden" name="shown" value="{rid}"><input type="hidden" name="q{rid}_rev" '
        f'value="{int(item.response.revision)}" data-revision>\n'
        f'<div class="rich-text quiz-question__stem">{stem}</div>\n'
        f'<ul class="quiz-options">\n{options}\n</ul>\n'
        '<p class="quiz-save-status muted" aria-live="polite" data-status></p>\n</fieldset>\n')


def _token(value: str) -> str:
    if not value.isalnum():  # assessments.tokens makes hex; anything else is escaped, never trusted
        return html.escape(value)
    return value


@register.simple_tag(takes_context=True)
def open_question(context, item):
    html = render_open_question(item)
    if html is not None:
        return html
    with context.push(item=item):
        return context.template.engine.get_template("assessments/includes/question.html").render(context)


@register.simple_tag(takes_context=True)
def page_trail(context, page, skip: int = 2):
    """The page's ancestors below the first `skip` levels (the tree root and the site's home) as (url, title),
    for the breadcrumb: from the shared cache under the page tree's version (lms.routing.pages_version), so the
    quiz pages at 8:00 neither read the ancestors nor build their URLs again."""
    from lms.routing import pages_version

    request = context.get("request")
    host = request.get_host() if request is not None else ""
    key = f"lms:trail:{pages_version()}:{host}:{page.pk}:{skip}"
    trail = cache.get(key)
    if trail is None:
        trail = [(a.get_url(request), a.title) for a in page.get_ancestors()[skip:]]
        cache.set(key, trail, 300)
    return trail
