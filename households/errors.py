"""Why a change to a household was refused."""

from core.errors import DomainError


class HouseholdError(DomainError):
    """A household, guardian, participant, consent or safety sheet rule was broken."""
