"""Reads of the enrolment app, one module per area; import them from here."""

from .enrolments import (
    enrolment_list,
    programme_roster,
    programme_sessions_chosen,
    programme_waitlist,
    seats_taken_for_sessions,
    seats_taken_in,
    sessions_with_enrolments,
    sheets_to_complete,
)
from .feeds import headcount_version, household_feed, household_feed_offers

__all__ = [
    "programme_sessions_chosen",
    "sheets_to_complete",
    "enrolment_list",
    "headcount_version",
    "household_feed",
    "household_feed_offers",
    "programme_roster",
    "programme_waitlist",
    "seats_taken_for_sessions",
    "seats_taken_in",
    "sessions_with_enrolments",
]
