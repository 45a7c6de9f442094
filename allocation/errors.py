"""The domain error of the allocation app."""

from core.errors import DomainError


class AllocationError(DomainError):
    """A rule of allocation rounds was broken (window, caps, weights, the round's state)."""
