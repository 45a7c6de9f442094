"""``{% menu_url "families" %}``: a link to a role's space without naming the app that serves it
(see core.menu.entry_url)."""

from django import template

from ..menu import entry_url

register = template.Library()


@register.simple_tag
def menu_url(key: str) -> str:
    return entry_url(key)
