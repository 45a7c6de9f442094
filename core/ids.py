"""Ids that arrive as text (a form field, a query parameter): read them once, here.

``"abc"``, ``"²"`` (a digit to Python's ``isdigit``, not to ``int``), ``"-1"`` or a number past
what the database holds are not ids: the page answers 404 or 400 instead of a server error.
"""

from typing import Annotated

from django.http import Http404
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
