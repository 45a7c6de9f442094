"""Models of the enrolment app, one module per area; import them from here."""

from .attendance import (
    ATTENDED_STATUSES,
    AgeBand,
    AnonymousHeadcount,
    Attendance,
    AttendanceCorrection,
    AttendanceStatus,
    FollowUp,
    FollowUpOutcome,
    FollowUpStatus,
)
from .enrolments import ACTIVE_STATUSES, Enrolment, EnrolmentSource, EnrolmentStatus
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

__all__ = [
    "ATTENDED_STATUSES",
    "AgeBand",
    "AnonymousHeadcount",
    "Attendance",
    "AttendanceCorrection",
    "AttendanceStatus",
    "FollowUp",
    "FollowUpOutcome",
    "FollowUpStatus",
    "ACTIVE_STATUSES",
    "Channel",
    "Consent",
    "ConsentKind",
    "EmergencyContact",
    "Enrolment",
    "EnrolmentSource",
    "EnrolmentStatus",
    "Guardian",
    "HealthNote",
    "Household",
    "HouseholdFeedToken",
    "Language",
    "Participant",
    "Sex",
]
