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
    guardian_list,
    guardians_visible,
    household_detail,
    household_duplicates,
    household_list,
    household_of_user,
    participant_list,
)
from .safety import current_sheets, safety_sheet_participant, safety_sheet_versions

__all__ = [
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
    "household_duplicates",
    "household_list",
    "household_of_user",
    "participant_list",
    "safety_sheet_participant",
    "safety_sheet_versions",
]
