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


def _valid_national_numbers() -> str:
    """Every kind of valid number of the default region, as the library's metadata has them."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(DEFAULT_REGION)
    kinds = ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "voip", "uan")
    patterns = [
        description.national_number_pattern
        for kind in kinds
        if (description := getattr(metadata, kind, None)) is not None
        and description.national_number_pattern
    ]
    return "|".join(f"(?:{pattern})" for pattern in patterns)


# What the API's schema states a phone number is: a valid French number, written with its
# leading 0 or with +33 / 0033, without separators. (The service also reads the spaced and
# dotted forms people type, and foreign numbers.)
PHONE_PATTERN = rf"^(?:(?:\+|00)33|0)(?:{_valid_national_numbers()})$"
