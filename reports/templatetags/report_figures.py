"""A report's figure, or the sign that it is masked: a tag rather than an include, since a
dashboard shows a few hundred figures and each include costs a template render."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def figure(context, value):
    if value is not None:
        return value
    limit = context["summary"].mask_threshold
    return format_html(
        '<span class="masked" title="{}">&lt;&nbsp;{}</span>',
        _("Fewer than %(limit)s: masked") % {"limit": limit},
        limit,
    )
