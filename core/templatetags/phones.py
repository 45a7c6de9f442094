"""``{{ guardian.phone|phone }}``: a stored E.164 number as people read it ("06 12 34 56 78" for
French numbers, international format otherwise); anything that is not a number is left as is."""

from django import template

from core.phones import phone_for_display

register = template.Library()


@register.filter(name="phone")
def phone(value) -> str:
    if not value:
        return ""
    text = str(value)
    if "@" in text:
        return text
    return phone_for_display(text)
