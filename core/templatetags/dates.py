"""Moments in lists, written one way on every page (core.time.short_datetime)."""

from django import template

from core.time import short_datetime as _short_datetime

register = template.Library()


@register.filter(name="short_datetime")
def short_datetime(value) -> str:
    return _short_datetime(value)
