"""Reads of the enrolment app, one module per area; import them from here."""

from .enrolments import (
    Contact,
    contacts_of_participants,
    enrolment_contact,
    enrolment_list,
    participant_contact,
    programme_roster,
    programme_sessions_chosen,
    programme_waitlist,
    seats_taken_for_sessions,
    seats_taken_in,
    sessions_with_enrolments,
    with_contacts,
)
from .feeds import headcount_version, household_feed, household_feed_offers
from .households import (
    guardian_list,
    guardians_visible,
    household_detail,
    household_duplicates,
    household_list,
    household_of_user,
    participant_list,
)
from .safety import (
    current_sheets,
    safety_sheet_participant,
    safety_sheet_versions,
    sheets_to_complete,
)

__all__ = [
    "programme_sessions_chosen",
    "current_sheets",
    "safety_sheet_participant",
    "safety_sheet_versions",
    "sheets_to_complete",
    "Contact",
    "contacts_of_participants",
    "enrolment_contact",
    "participant_contact",
    "enrolment_list",
    "guardian_list",
    "guardians_visible",
    "headcount_version",
    "household_feed",
    "household_feed_offers",
    "household_detail",
    "household_duplicates",
    "household_list",
    "household_of_user",
    "participant_list",
    "programme_roster",
    "programme_waitlist",
    "seats_taken_for_sessions",
    "seats_taken_in",
    "sessions_with_enrolments",
    "with_contacts",
]
