"""Outcomes of a delivery attempt that are not a success."""


class DeliveryError(Exception):
    """A channel could not deliver; worth trying again later."""


class PermanentDeliveryError(DeliveryError):
    """Trying again will not help (invalid number or address, refused message)."""
