import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field as PydanticField

from core.text import InputSchema

from .models import (
    ENROLMENT_NOTE_LENGTH,
    Channel,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    Household,
    Language,
    Sex,
)

# A primary key as the database can hold it: larger numbers are a 422, not a driver overflow.
DbId = Annotated[int, PydanticField(ge=1, le=2**63 - 1)]


class GuardianOut(Schema):
    id: int
    first_name: str
    last_name: str
    phone: str
    email: str
    preferred_channel: str
    language: str
    opt_out_sms: bool
    opt_out_email: bool
    is_primary: bool
    has_account: bool

    @staticmethod
    def resolve_has_account(guardian: Guardian) -> bool:
        return guardian.user_id is not None


class ParticipantOut(Schema):
    id: int
    household_id: int
    first_name: str
    last_name: str
    birth_date: datetime.date
    sex: str
    school: str
    school_class: str


class HouseholdOut(Schema):
    id: int
    reference: str
    neighbourhood: str
    in_qpv: bool
    created_at: datetime.datetime
    guardians: list[GuardianOut]
    participants: list[ParticipantOut]

    @staticmethod
    def resolve_guardians(household: Household) -> list:
        return list(household.guardians.all())

    @staticmethod
    def resolve_participants(household: Household) -> list:
        return list(household.participants.all())


class GuardianIn(InputSchema):
    first_name: str = PydanticField(min_length=1, max_length=100)
    last_name: str = PydanticField(min_length=1, max_length=100)
    phone: str = PydanticField("", max_length=32)
    email: str = PydanticField("", max_length=254)
    preferred_channel: Channel = Channel.SMS
    language: Language = Language.FRENCH


class GuardianUpdateIn(GuardianIn):
    opt_out_sms: bool = False
    opt_out_email: bool = False


class HouseholdIn(GuardianIn):
    """A household with its first guardian: a family registering itself, or a mediator."""

    neighbourhood: str = PydanticField("", max_length=120)
    in_qpv: bool = False


class ChildIn(InputSchema):
    first_name: str = PydanticField(min_length=1, max_length=100)
    last_name: str = PydanticField(min_length=1, max_length=100)
    birth_date: datetime.date
    sex: Sex = Sex.UNSPECIFIED
    school: str = PydanticField("", max_length=200)
    school_class: str = PydanticField("", max_length=40)


class ParticipantIn(ChildIn):
    household_id: DbId


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


class EnrolmentIn(InputSchema):
    participant_id: DbId
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


class PersonIn(Schema):
    name: str = PydanticField(max_length=200)
    relation: str = PydanticField("", max_length=200)
    phone: str = PydanticField(max_length=32)


class PersonOut(Schema):
    name: str
    relation: str
    phone: str


class HealthIn(Schema):
    allergies: str = PydanticField(
        "", max_length=1000, description="Allergies; empty when there is none."
    )
    diet: str = PydanticField("", max_length=1000)
    treatment: str = PydanticField(
        "", max_length=1000, description="A treatment to take; empty when there is none."
    )
    has_pai: bool = PydanticField(False, description="An individual care plan (PAI) exists.")
    pai_details: str = PydanticField("", max_length=1000)
    doctor_name: str = PydanticField("", max_length=200)
    doctor_phone: str = PydanticField("", max_length=32)


class HealthOut(Schema):
    allergies: str = ""
    diet: str = ""
    treatment: str = ""
    has_pai: bool = False
    pai_details: str = ""
    doctor_name: str = ""
    doctor_phone: str = ""


class ImageRightsSchema(Schema):
    internal: bool = False
    printed: bool = False
    web: bool = False
    social: bool = False


class SafetySheetIn(Schema):
    """A whole sheet; a part left null is not answered yet."""

    health: HealthIn | None = None
    emergency_contacts: list[PersonIn] = PydanticField(
        default_factory=list, max_length=10, description="In the order to call them."
    )
    authorised_people: list[PersonIn] = PydanticField(default_factory=list, max_length=10)
    may_leave_alone: bool = False
    leave_alone_signed_on: datetime.date | None = None
    image_rights: ImageRightsSchema | None = None


class SafetySheetOut(Schema):
    participant_id: int
    version: int
    health: HealthOut | None
    emergency_contacts: list[PersonOut]
    authorised_people: list[PersonOut]
    may_leave_alone: bool
    leave_alone_signed_on: datetime.date | None
    image_rights: ImageRightsSchema
    filled_parts: list[str]
    filled_as: str
    filled_by: str | None
    filled_at: datetime.datetime
    health_removed_at: datetime.datetime | None


def safety_sheet_out(sheet) -> dict:
    return {
        "participant_id": sheet.participant_id,
        "version": sheet.version,
        "health": sheet.health,
        "emergency_contacts": sheet.emergency_contacts,
        "authorised_people": sheet.authorised_people,
        "may_leave_alone": sheet.may_leave_alone,
        "leave_alone_signed_on": sheet.leave_alone_signed_on,
        "image_rights": {
            "internal": sheet.image_internal,
            "printed": sheet.image_printed,
            "web": sheet.image_web,
            "social": sheet.image_social,
        },
        "filled_parts": sheet.filled_parts,
        "filled_as": sheet.filled_as,
        "filled_by": sheet.filled_by.get_username() if sheet.filled_by else None,
        "filled_at": sheet.filled_at,
        "health_removed_at": sheet.health_removed_at,
    }


class MemberOut(Schema):
    """A member of a household as a programme sees them: who fits, and why not."""

    key: str
    name: str
    fits: bool
    reason: str | None
    needs_birth_date: bool
    enrolled_in_cycle: bool
    enrolled_session_ids: list[int]


class DatesIn(Schema):
    """Book several dates of a per-session programme: for a participant, or for a guardian who
    takes part (``birth_date`` the first time)."""

    programme_id: DbId
    session_ids: list[DbId] = PydanticField(min_length=1, max_length=60)
    participant_id: DbId | None = None
    guardian_id: DbId | None = None
    birth_date: datetime.date | None = None
    note: str = PydanticField("", max_length=2000)


class DateAnswerOut(Schema):
    session_id: int
    status: str
    position: int | None
    reason: str
    enrolment_id: int | None


class DatesOut(Schema):
    answers: list[DateAnswerOut]
