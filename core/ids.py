"""Ids that arrive as text (a form field, a query parameter): read them once, here.

``"abc"``, ``"²"`` (a digit to Python's ``isdigit``, not to ``int``), ``"-1"`` or a number past
what the database holds are not ids: the page answers 404 or 400 instead of a server error.
``parse_id`` / ``id_or_404`` read a raw value, ``IdField`` is the form field (a filter's
``?household=``), ``DbId`` the API's type.
"""

from typing import Annotated, Any

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy
from pydantic import Field as PydanticField

DB_ID_MAX = 2**63 - 1

# A primary key in an API schema or path: larger numbers are a 422, not a driver overflow.
DbId = Annotated[int, PydanticField(ge=1, le=DB_ID_MAX)]


def parse_id(value: object) -> int | None:
    """The id ``value`` spells in ASCII digits, within the database's range; None otherwise."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdecimal():
        return None
    number = int(text)
    return number if 1 <= number <= DB_ID_MAX else None


def id_or_404(value: object) -> int:
    """For lookups: an id that cannot exist is an object that is not there."""
    number = parse_id(value)
    if number is None:
        raise Http404
    return number


class IdField(forms.IntegerField):
    """A form field for an id typed or passed in a query string (``?household=12``): ASCII
    digits within the database's range, so that a filter page shows a form error instead of
    sending the database a number it cannot hold."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", DB_ID_MAX)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise forms.ValidationError(
                gettext_lazy("Give a number as written on the page."), code="invalid"
            )
        return number
