"""``{% abbr "qpv" %}`` inside a sentence; ``{% explain "waitlist" %}`` as a block of help."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..glossary import TERMS

register = template.Library()


@register.simple_tag
def abbr(key: str, text: str = "") -> str:
    term = TERMS[key]
    return format_html('<abbr title="{}">{}</abbr>', term.expansion, text or term.label)


@register.simple_tag
def explain(key: str) -> str:
    """A disclosure that works with a keyboard, a screen reader and a finger, without script."""
    term = TERMS[key]
    return format_html(
        '<details class="term-help"><summary>{}</summary><p>{}</p></details>',
        _("What does “%(term)s” mean?") % {"term": term.label},
        term.explanation,
    )
