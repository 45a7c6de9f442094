"""Models of the enrolment app, one module per area; import them from here."""

from .enrolments import (
    ACTIVE_STATUSES,
    ENROLMENT_NOTE_LENGTH,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
)
from .feeds import HouseholdFeedToken
from .households import (
    Channel,
    Consent,
    ConsentKind,
    EmergencyContact,
    Guardian,
    HealthNote,
    Household,
    Language,
    Participant,
    Sex,
)
from .safety import FilledAs, SafetySheet

__all__ = [
    "ACTIVE_STATUSES",
    "ENROLMENT_NOTE_LENGTH",
    "Channel",
    "Consent",
    "ConsentKind",
    "EmergencyContact",
    "Enrolment",
    "EnrolmentSource",
    "EnrolmentStatus",
    "FilledAs",
    "Guardian",
    "HealthNote",
    "Household",
    "HouseholdFeedToken",
    "Language",
    "Participant",
    "SafetySheet",
    "Sex",
]
