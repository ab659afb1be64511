"""Content-Security-Policy nonces for the few inline scripts Wagtail's admin still writes.

Our own templates load every script from a static file, so the public pages are served with ``script-src 'self'``.
Wagtail 8's admin still initialises inline panels, date pickers and chooser widgets with inline ``<script>``
elements (wagtail/wagtail#1288, #12940), and form widgets are rendered without a request in their context. This
module keeps the current request in a context variable for the duration of the response, so that those scripts
— and only those, written by our overridden templates and the chooser widget's render — carry the request's
django-csp nonce. django-csp puts ``'nonce-…'`` in the header only when a nonce was used.
"""

from contextvars import ContextVar

from django.utils.html import format_html
from django.utils.safestring import mark_safe

_request: ContextVar = ContextVar("lms_csp_request", default=None)


class CSPNonceRequestMiddleware:
    """Remember the request (and so its lazy ``csp_nonce``) while the response renders. After CSPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def current_nonce(request=None) -> str:
    """The nonce of the given or current request, "" outside a request (e-mails, PDFs, Celery)."""
    request = request if request is not None else _request.get()
    nonce = getattr(request, "csp_nonce", None) if request is not None else None
    # django-csp's lazy nonce is falsy until evaluated (that is how it knows whether to send it): use str().
    return str(nonce) if nonce is not None else ""


def nonce_attr(request=None) -> str:
    """``nonce="…"`` ready to put in a ``<script>`` tag, or "" when there is no nonce."""
    nonce = current_nonce(request)
    return format_html(' nonce="{}"', nonce) if nonce else ""


def patch_chooser_widget() -> None:
    """Give the inline ``<script>`` that BaseChooser.render appends (page, image, document, snippet, task
    choosers) the request's nonce. The rest of the output is left byte for byte as Wagtail wrote it."""
    from wagtail.admin.widgets.chooser import BaseChooser

    original = BaseChooser.render
    if getattr(original, "lms_csp", False):
        return

    def render(self, name, value, attrs=None, renderer=None):
        html = original(self, name, value, attrs=attrs, renderer=renderer)
        start = html.rfind("<script>")  # Wagtail appends f"<script>{js}</script>"; js is its JSON options
        if start < 0 or not html.endswith("</script>"):
            return html
        return mark_safe(f"{html[:start]}<script{nonce_attr()}>{html[start + len('<script>'):]}")  # noqa: S308

    render.lms_csp = True
    BaseChooser.render = render
