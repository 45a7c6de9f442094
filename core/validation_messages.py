"""Plain-language messages for the API's input errors, one per kind of pydantic error.

pydantic words its errors in English ("Field required", "Input should be a valid integer…");
the error handler gives each error of a 422 the message below for its ``type``, filled from its
``ctx`` (the limit that was crossed), in the language of the request. A type not listed keeps
pydantic's message, which at least names the rule.
"""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext, ngettext


def _count(ctx: dict[str, Any], key: str) -> int:
    try:
        return int(ctx.get(key, 0))
    except (TypeError, ValueError):
        return 0


def _limit(ctx: dict[str, Any], key: str) -> str:
    return str(ctx.get(key, ""))


def _text_too_short(ctx: dict[str, Any]) -> str:
    count = _count(ctx, "min_length")
    return ngettext(
        "Enter at least %(count)d character.", "Enter at least %(count)d characters.", count
    ) % {"count": count}


def _text_too_long(ctx: dict[str, Any]) -> str:
    count = _count(ctx, "max_length")
    return ngettext(
        "Enter at most %(count)d character.", "Enter at most %(count)d characters.", count
    ) % {"count": count}


def _list_too_short(ctx: dict[str, Any]) -> str:
    count = _count(ctx, "min_length")
    return ngettext("Give at least %(count)d item.", "Give at least %(count)d items.", count) % {
        "count": count
    }


def _list_too_long(ctx: dict[str, Any]) -> str:
    count, actual = _count(ctx, "max_length"), _count(ctx, "actual_length")
    return ngettext(
        "Give at most %(count)d item (%(actual)d given).",
        "Give at most %(count)d items (%(actual)d given).",
        count,
    ) % {"count": count, "actual": actual}


def _fixed(text: Callable[[], str]) -> Callable[[dict[str, Any]], str]:
    return lambda ctx: text()


def _own_message(ctx: dict[str, Any]) -> str:
    # The project's own validators already speak the person's language.
    return str(ctx.get("error", "")) or gettext("This value is not valid.")


_WHOLE_NUMBER = _fixed(lambda: gettext("Enter a whole number."))
_NUMBER = _fixed(lambda: gettext("Enter a number."))
_DATE = _fixed(lambda: gettext("Enter a valid date (YYYY-MM-DD)."))
_DATETIME = _fixed(lambda: gettext("Enter a valid date and time (YYYY-MM-DDTHH:MM)."))
_TIME = _fixed(lambda: gettext("Enter a valid time (HH:MM)."))
_BOOLEAN = _fixed(lambda: gettext("Enter true or false."))
_OBJECT = _fixed(lambda: gettext("Send a JSON object."))

MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": _fixed(lambda: gettext("This field is required.")),
    "int_parsing": _WHOLE_NUMBER,
    "int_type": _WHOLE_NUMBER,
    "int_from_float": _WHOLE_NUMBER,
    "int_parsing_size": _WHOLE_NUMBER,
    "float_parsing": _NUMBER,
    "float_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "bool_parsing": _BOOLEAN,
    "bool_type": _BOOLEAN,
    "string_type": _fixed(lambda: gettext("Enter text.")),
    "string_too_short": _text_too_short,
    "string_too_long": _text_too_long,
    "string_pattern_mismatch": _fixed(lambda: gettext("This value is not in the expected form.")),
    "too_short": _list_too_short,
    "too_long": _list_too_long,
    "list_type": _fixed(lambda: gettext("Send a list.")),
    "set_type": _fixed(lambda: gettext("Send a list.")),
    "dict_type": _OBJECT,
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "greater_than": lambda ctx: (
        gettext("Enter a value greater than %(limit)s.") % {"limit": _limit(ctx, "gt")}
    ),
    "greater_than_equal": lambda ctx: (
        gettext("Enter a value of at least %(limit)s.") % {"limit": _limit(ctx, "ge")}
    ),
    "less_than": lambda ctx: (
        gettext("Enter a value less than %(limit)s.") % {"limit": _limit(ctx, "lt")}
    ),
    "less_than_equal": lambda ctx: (
        gettext("Enter a value of at most %(limit)s.") % {"limit": _limit(ctx, "le")}
    ),
    "date_parsing": _DATE,
    "date_type": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "datetime_parsing": _DATETIME,
    "datetime_type": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "timezone_aware": _fixed(lambda: gettext("Give the time zone, for example +01:00.")),
    "time_parsing": _TIME,
    "time_type": _TIME,
    "enum": lambda ctx: (
        gettext("Choose one of: %(choices)s.") % {"choices": _limit(ctx, "expected")}
    ),
    "literal_error": lambda ctx: (
        gettext("Choose one of: %(choices)s.") % {"choices": _limit(ctx, "expected")}
    ),
    "extra_forbidden": _fixed(lambda: gettext("This field is not expected.")),
    "json_invalid": _fixed(lambda: gettext("The request body is not valid JSON.")),
    "uuid_parsing": _fixed(lambda: gettext("Enter a valid identifier.")),
    "uuid_type": _fixed(lambda: gettext("Enter a valid identifier.")),
    "value_error": _own_message,
    "assertion_error": _own_message,
}


def validation_message(error: dict[str, Any]) -> str:
    """The message for one pydantic error (a dict of ``ValidationError.errors()``)."""
    message = MESSAGES.get(str(error.get("type", "")))
    if message is None:
        return str(error.get("msg", ""))
    return message(error.get("ctx") or {})


def body_parse_message() -> str:
    return gettext("The request body is not valid JSON: check the quotes, commas and braces.")
