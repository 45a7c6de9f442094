"""Phone numbers as people type them ("06 12 34 56 78", "+33 6…", "0033 6…"), stored in E.164
("+33612345678") so that search, duplicate detection and SMS providers agree. One rule, used by
every app that records a number."""

import phonenumbers

DEFAULT_REGION = "FR"


def phone_to_e164(value: str) -> str:
    """The number in E.164; ValueError when it is not a valid number. Empty stays empty."""
    value = value.strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(value) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_for_display(value: str) -> str:
    """A stored number as people read it: national format for French numbers."""
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return value
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
