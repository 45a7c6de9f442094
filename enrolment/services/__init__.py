"""Writes of the enrolment app, one module per area; import them from here."""

from ..errors import EnrolmentError
from .enrolments import (
    CancelPolicy,
    DateAnswer,
    MemberBooking,
    cancellable_online_if_booked,
    cancellation_deadline,
    cancellation_policy,
    eligibility_check,
    eligibility_date,
    enrolment_cancel,
    enrolment_create,
    enrolment_create_many,
    enrolment_source_for,
    member_book,
    referral_accept,
    referral_create,
)
from .referrals import referral_register
from .sheets import programme_sheet_pending_refresh, sheet_pending_refresh

__all__ = [
    "CancelPolicy",
    "cancellable_online_if_booked",
    "cancellation_policy",
    "DateAnswer",
    "MemberBooking",
    "EnrolmentError",
    "programme_sheet_pending_refresh",
    "sheet_pending_refresh",
    "cancellation_deadline",
    "eligibility_check",
    "eligibility_date",
    "enrolment_cancel",
    "enrolment_create",
    "enrolment_create_many",
    "member_book",
    "enrolment_source_for",
    "referral_accept",
    "referral_create",
    "referral_register",
]
