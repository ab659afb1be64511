"""``{% csp_nonce_attr %}``: the current request's CSP nonce attribute for an inline ``<script>`` (see lms.csp)."""

from django import template

from lms.csp import nonce_attr

register = template.Library()


@register.simple_tag(takes_context=True)
def csp_nonce_attr(context):
    return nonce_attr(context.get("request"))
