"""Writes of the enrolment app, one module per area; import them from here."""

from ..errors import EnrolmentError
from .enrolments import (
    cancellation_deadline,
    eligibility_check,
    eligibility_date,
    enrolment_cancel,
    enrolment_create,
    enrolment_source_for,
    referral_accept,
    referral_create,
)
from .households import (
    consent_give,
    consent_withdraw,
    emergency_contact_create,
    guardian_create,
    guardian_link_account,
    guardian_make_primary,
    guardian_update,
    health_note_create,
    household_register,
    household_update,
    participant_create,
    participant_enrol_guardian,
    participant_update,
)
from .referrals import referral_register

__all__ = [
    "EnrolmentError",
    "cancellation_deadline",
    "consent_give",
    "consent_withdraw",
    "eligibility_check",
    "eligibility_date",
    "emergency_contact_create",
    "enrolment_cancel",
    "enrolment_create",
    "enrolment_source_for",
    "guardian_create",
    "guardian_link_account",
    "guardian_make_primary",
    "guardian_update",
    "health_note_create",
    "household_register",
    "household_update",
    "participant_create",
    "participant_enrol_guardian",
    "participant_update",
    "referral_accept",
    "referral_create",
    "referral_register",
]
