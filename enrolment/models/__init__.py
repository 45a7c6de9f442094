"""Models of the enrolment app, one module per area; import them from here.

Households, participants, consents and safety sheets live in the households app."""

from .enrolments import (
    ACTIVE_STATUSES,
    ENROLMENT_NOTE_LENGTH,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
)
from .feeds import HouseholdFeedToken

__all__ = [
    "ACTIVE_STATUSES",
    "ENROLMENT_NOTE_LENGTH",
    "Enrolment",
    "EnrolmentSource",
    "EnrolmentStatus",
    "HouseholdFeedToken",
]
