"""What the enrolment API reads and answers."""

import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field as PydanticField

from core.schema_types import DbId
from core.text import InputSchema
from households.schemas import ChildIn, GuardianIn, MemberIn

from .models import ENROLMENT_NOTE_LENGTH, Enrolment, EnrolmentStatus


class EnrolmentParticipantOut(Schema):
    id: int
    household_id: int
    first_name: str
    last_name: str


class EnrolmentProgrammeOut(Schema):
    id: int
    title: str
    slug: str
    enrolment_mode: str


class EnrolmentSessionOut(Schema):
    id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str


class EnrolmentOut(Schema):
    id: int
    status: str
    position: int | None
    source: str
    participant: EnrolmentParticipantOut
    programme: EnrolmentProgrammeOut
    session: EnrolmentSessionOut | None
    referred_by: str | None
    created_at: datetime.datetime
    promoted_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None
    sheet_to_complete: bool = PydanticField(
        description="Confirmed, but the programme waits for parts of the safety sheet."
    )

    @staticmethod
    def resolve_sheet_to_complete(enrolment: Enrolment) -> bool:
        return enrolment.sheet_pending

    @staticmethod
    def resolve_position(enrolment: Enrolment) -> int | None:
        return enrolment.waitlist_position

    @staticmethod
    def resolve_referred_by(enrolment: Enrolment) -> str | None:
        partner = enrolment.referred_by_partner
        return partner.name if partner else None


class EnrolmentIn(MemberIn):
    """Enrol a participant, or a guardian who takes part (MemberIn), in a whole-cycle programme
    or in one session of a per-session programme."""

    programme_id: DbId
    session_id: DbId | None = None
    note: str = PydanticField("", max_length=ENROLMENT_NOTE_LENGTH)


class EnrolmentFilters(InputSchema):
    status: EnrolmentStatus | None = None
    programme: DbId | None = None
    household: DbId | None = None


class ReferralIn(InputSchema):
    """A partner refers a participant already known to it, or a new family (child and guardian)."""

    programme_id: DbId
    session_id: DbId | None = None
    participant_id: DbId | None = None
    participant: ChildIn | None = None
    guardian: GuardianIn | None = None
    known_family: Literal["use", "new"] | None = PydanticField(
        None,
        description="For a new family whose details match a family the service knows (answered "
        "409 naming the detail): `use` refers the child to that family (the best match), `new` "
        "says it is another family. Nothing of the known family is ever answered.",
    )
    note: str = PydanticField("", max_length=ENROLMENT_NOTE_LENGTH)


class WaitlistEntryOut(Schema):
    id: int
    position: int
    session_id: int | None
    participant_id: int
    participant_name: str
    household_reference: str
    source: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_position(enrolment: Enrolment) -> int:
        return enrolment.waitlist_position

    @staticmethod
    def resolve_participant_name(enrolment: Enrolment) -> str:
        return enrolment.participant.full_name

    @staticmethod
    def resolve_household_reference(enrolment: Enrolment) -> str:
        return enrolment.participant.household.reference


# --- Safety sheets ----------------------------------------------------------------------------


class MemberOut(Schema):
    """A member of a household as a programme sees them: who fits, and why not."""

    key: str
    name: str
    fits: bool
    reason: str | None
    needs_birth_date: bool
    enrolled_in_cycle: bool
    enrolled_session_ids: list[int]


class DatesIn(MemberIn):
    """Book several dates of a per-session programme: for a participant, or for a guardian who
    takes part (``birth_date`` the first time)."""

    programme_id: DbId
    session_ids: list[DbId] = PydanticField(min_length=1, max_length=60)
    note: str = PydanticField("", max_length=2000)


class DateAnswerOut(Schema):
    session_id: int
    status: str
    position: int | None
    reason: str
    enrolment_id: int | None


class DatesOut(Schema):
    answers: list[DateAnswerOut]
