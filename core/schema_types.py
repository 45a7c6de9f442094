"""The bounds of the API's inputs, written once and stated in its OpenAPI schema.

Whatever the API refuses, its schema says, so that a client (and schemathesis) knows what is
accepted before trying: pydantic writes ``minimum``/``maximum``/``maxLength`` of these types into
the schema; dates carry a ``pattern`` on the year, since JSON Schema has no bound for a date.

- ``DbId``: a primary key as the database can hold it (larger numbers are a 422, not a driver
  overflow);
- ``date_between`` / ``datetime_between``: a date (a time) written as text, within whole years,
  the years stated as a pattern; ``BoundedDate`` and ``BoundedDateTime`` the widest such range
  (local midnights and a session's end stay within what Python and the databases hold);
- ``without_defaults``: for a PATCH schema, whose defaults only mean "not sent".
"""

import datetime
from typing import Annotated, Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, WithJsonSchema
from pydantic_core import PydanticCustomError

from .ids import DbId as DbId  # one definition, with the other id rules
from .phones import PHONE_PATTERN
from .text import CONTROL_RANGES

PHONE_MAX_LENGTH = 32


# A phone number, stated as the schema's pattern (see core.phones); ``OptionalPhone`` may be
# empty (when an e-mail address reaches the person instead).
# The service reads more than the pattern says (spaced and dotted forms, foreign numbers with
# their +): the pattern is what a client can count on, and is stated, not enforced, here.
Phone = Annotated[
    str, Field(max_length=PHONE_MAX_LENGTH, json_schema_extra={"pattern": PHONE_PATTERN})
]
OptionalPhone = Annotated[
    str,
    Field(max_length=PHONE_MAX_LENGTH, json_schema_extra={"pattern": f"(?:{PHONE_PATTERN})|^$"}),
]
# An e-mail address as the service's validator reads it (Django's ``validate_email``, in its
# common form), or empty; stated, not enforced, here: the service answers 400 naming ``email``.
EMAIL_PATTERN = (
    r"^$|^[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
OptionalEmail = Annotated[str, Field(max_length=254, json_schema_extra={"pattern": EMAIL_PATTERN})]
# JSON's true and false only (pydantic would also read 0, 1, "yes"...), for bodies.
JsonBool = StrictBool
# A name: some visible character, no control characters (a name of spaces is no name).
NAME_PATTERN = rf"^[^{CONTROL_RANGES}]*[^\s{CONTROL_RANGES}][^{CONTROL_RANGES}]*$"


def name_text(max_length: int) -> Any:
    """A name up to ``max_length``; a name of spaces is refused by the service (400 naming it)."""
    return Annotated[
        str, Field(min_length=1, max_length=max_length, json_schema_extra={"pattern": NAME_PATTERN})
    ]


def contact_rule(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` of a guardian: the messages' channel needs its address (SMS a
    phone, e-mail an address), as the service checks it."""
    schema["anyOf"] = [
        {
            "properties": {"preferred_channel": {"const": "sms"}, "phone": {"minLength": 1}},
            "required": ["phone"],
        },
        {
            "properties": {"preferred_channel": {"const": "email"}, "email": {"minLength": 1}},
            "required": ["preferred_channel", "email"],
        },
    ]


def partial_contact_rule(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` of a guardian's PATCH: what it sends does not break the contact
    rule by itself (SMS without a phone, e-mail without an address, neither). A rule broken
    with a value kept as stored is a conflict with the guardian's state (409)."""
    without_defaults(schema)
    empty = {"maxLength": 0}
    schema["not"] = {
        "anyOf": [
            {
                "required": ["preferred_channel", "phone"],
                "properties": {"preferred_channel": {"const": "sms"}, "phone": empty},
            },
            {
                "required": ["preferred_channel", "email"],
                "properties": {"preferred_channel": {"const": "email"}, "email": empty},
            },
            {"required": ["phone", "email"], "properties": {"phone": empty, "email": empty}},
        ]
    }


FIRST_YEAR = 1900
LAST_YEAR = 2199


def years_pattern(first: int, last: int) -> str:
    """A regular expression for the four-digit years ``first`` to ``last``."""
    parts: list[str] = []
    year = first
    while year <= last:
        if year % 100 == 0 and year + 99 <= last:
            parts.append(f"{year // 100}[0-9]{{2}}")
            year += 100
        elif year % 10 == 0 and year + 9 <= last:
            parts.append(f"{year // 10}[0-9]")
            year += 10
        else:
            parts.append(str(year))
            year += 1
    return "(" + "|".join(parts) + ")"


def _text_only(kind: str):
    def check(value: Any) -> Any:
        # Numbers are not dates (pydantic would read 0 as 1970-01-01), nor a bare day a time:
        # only text as the pattern says, or a value already of the type from Python.
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str) and (kind == "date" or value[10:11] in ("T", "t")):
            return value
        if kind == "date":
            raise PydanticCustomError("date_type", gettext("Give a date as text: YYYY-MM-DD."))
        raise PydanticCustomError(
            "datetime_type", gettext("Give a date and time as text: YYYY-MM-DDTHH:MM.")
        )

    return check


def _within(first: int, last: int, message: str | Promise | None):
    def check(value: datetime.date) -> datetime.date:
        if not first <= value.year <= last:
            text = (
                str(message)
                if message
                else gettext("Give a date between %(first)s and %(last)s.")
                % {"first": first, "last": last}
            )
            raise PydanticCustomError("date_out_of_range", text)
        return value

    return check


def date_between(first: int, last: int, message: str | Promise | None = None) -> Any:
    """A calendar date of the years ``first`` to ``last`` (``YYYY-MM-DD``)."""
    pattern = f"^{years_pattern(first, last)}-[0-9]{{2}}-[0-9]{{2}}$"
    return Annotated[
        datetime.date,
        BeforeValidator(_text_only("date")),
        AfterValidator(_within(first, last, message)),
        WithJsonSchema({"type": "string", "format": "date", "pattern": pattern}),
    ]


def datetime_between(first: int, last: int, message: str | Promise | None = None) -> Any:
    """A date and time of the years ``first`` to ``last``, the year read as written."""
    pattern = f"^{years_pattern(first, last)}-[0-9]{{2}}-[0-9]{{2}}T"
    return Annotated[
        datetime.datetime,
        BeforeValidator(_text_only("datetime")),
        AfterValidator(_within(first, last, message)),
        WithJsonSchema({"type": "string", "format": "date-time", "pattern": pattern}),
    ]


BoundedDate = date_between(FIRST_YEAR, LAST_YEAR)
BoundedDateTime = datetime_between(FIRST_YEAR, LAST_YEAR)


def without_defaults(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` of a PATCH schema: its fields' defaults mean "not sent", not a
    value a client could send."""
    for field in schema.get("properties", {}).values():
        field.pop("default", None)


def exactly_one_of(*names: str):
    """``json_schema_extra`` of a schema that takes exactly one of ``names`` (the service
    answers 400 naming the first otherwise); they are not nullable: absent means not given."""

    def state(schema: dict[str, Any]) -> None:
        for name in names:
            schema.get("properties", {}).get(name, {}).pop("default", None)
        schema["oneOf"] = [{"required": [name]} for name in names]

    return state
