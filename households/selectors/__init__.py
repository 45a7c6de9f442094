"""Reads of the households app, one module per area; import them from here."""

from .contacts import (
    Contact,
    contacts_of_participants,
    enrolment_contact,
    guardians_with_phone,
    participant_contact,
    with_contacts,
)
from .households import (
    DUPLICATE_SIGNS,
    duplicate_sign,
    guardian_list,
    guardians_visible,
    household_detail,
    household_duplicates,
    household_list,
    household_of_user,
    households_visible_among,
    member_to_book,
    participant_list,
)
from .safety import current_sheets, safety_sheet_participant, safety_sheet_versions

__all__ = [
    "DUPLICATE_SIGNS",
    "Contact",
    "contacts_of_participants",
    "enrolment_contact",
    "guardians_with_phone",
    "participant_contact",
    "with_contacts",
    "current_sheets",
    "guardian_list",
    "guardians_visible",
    "household_detail",
    "duplicate_sign",
    "household_duplicates",
    "household_list",
    "household_of_user",
    "households_visible_among",
    "member_to_book",
    "participant_list",
    "safety_sheet_participant",
    "safety_sheet_versions",
]
