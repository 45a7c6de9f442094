import re


class BaseSmsBackend:
    """Send one SMS. ``reference`` is the outbox key (logged by providers that accept one).

    Return the provider's message id; raise ``DeliveryError`` for a failure worth retrying,
    ``PermanentDeliveryError`` for one that is not.
    """

    def __init__(self, **kwargs) -> None:
        self.options = kwargs

    def send(self, *, to: str, body: str, reference: str) -> str:
        raise NotImplementedError


def international_number(raw: str, default_country_code: str = "33") -> str:
    """'06 12 34 56 78' -> '+33612345678'; numbers already international are kept."""
    digits = re.sub(r"[^\d+]", "", raw or "")
    if digits.startswith("+"):
        return "+" + digits[1:].replace("+", "")
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return f"+{default_country_code}{digits[1:]}"
    return f"+{digits}" if digits else ""
