"""``{% household_links household as links %}``: links other apps add to a household's page."""

from django import template

from core import links as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def household_links(context, household) -> list[registry.Link]:
    request = context.get("request")
    return registry.household_links(request, household) if request is not None else []
