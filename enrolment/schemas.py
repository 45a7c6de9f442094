import datetime

from ninja import Schema
from pydantic import ConfigDict
from pydantic import Field as PydanticField

from core.schema_types import (
    BoundedDate,
    DbId,
    JsonBool,
    OptionalEmail,
    OptionalPhone,
    Phone,
    contact_rule,
    exactly_one_of,
    name_text,
    without_defaults,
)
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


Name = name_text(100)


class GuardianIn(InputSchema):
    model_config = ConfigDict(json_schema_extra=contact_rule)

    first_name: Name
    last_name: Name
    phone: OptionalPhone = ""
    email: OptionalEmail = ""
    preferred_channel: Channel = Channel.SMS
    language: Language = Language.FRENCH


class GuardianUpdateIn(InputSchema):
    """PUT replaces the whole guardian: every field is required, so that a field left out is a
    422 naming it rather than a value silently reset to its default. PATCH changes only what
    it sends (``GuardianPatchIn``)."""

    model_config = ConfigDict(json_schema_extra=contact_rule)

    first_name: Name
    last_name: Name
    phone: OptionalPhone
    email: OptionalEmail
    preferred_channel: Channel
    language: Language
    opt_out_sms: JsonBool
    opt_out_email: JsonBool


class GuardianPatchIn(InputSchema):
    """PATCH: the fields sent are changed, the others kept as they are. None of them may be
    sent as null (the defaults below only mean "not sent" and are not shown in the schema)."""

    model_config = ConfigDict(json_schema_extra=without_defaults)

    first_name: Name = None  # type: ignore[assignment]
    last_name: Name = None  # type: ignore[assignment]
    phone: OptionalPhone = None  # type: ignore[assignment]
    email: OptionalEmail = None  # type: ignore[assignment]
    preferred_channel: Channel = None  # type: ignore[assignment]
    language: Language = None  # type: ignore[assignment]
    opt_out_sms: JsonBool = None  # type: ignore[assignment]
    opt_out_email: JsonBool = None  # type: ignore[assignment]


class HouseholdIn(GuardianIn):
    """A household with its first guardian: a family registering itself, or a mediator."""

    neighbourhood: str = PydanticField("", max_length=120)
    in_qpv: JsonBool = False


class ChildIn(InputSchema):
    first_name: Name
    last_name: Name
    birth_date: BoundedDate
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
    phone: Phone


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
    has_pai: JsonBool = PydanticField(False, description="An individual care plan (PAI) exists.")
    pai_details: str = PydanticField("", max_length=1000)
    doctor_name: str = PydanticField("", max_length=200)
    doctor_phone: OptionalPhone = ""


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


class SafetySheetIn(InputSchema):
    """A whole sheet; a part left null is not answered yet."""

    health: HealthIn | None = None
    emergency_contacts: list[PersonIn] = PydanticField(
        default_factory=list, max_length=10, description="In the order to call them."
    )
    authorised_people: list[PersonIn] = PydanticField(default_factory=list, max_length=10)
    may_leave_alone: JsonBool = False
    leave_alone_signed_on: BoundedDate | None = None
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


class DatesIn(InputSchema):
    """Book several dates of a per-session programme: for a participant, or for a guardian who
    takes part (``birth_date`` the first time)."""

    model_config = ConfigDict(json_schema_extra=exactly_one_of("participant_id", "guardian_id"))

    programme_id: DbId
    session_ids: list[DbId] = PydanticField(min_length=1, max_length=60)
    participant_id: DbId = None  # type: ignore[assignment]
    guardian_id: DbId = None  # type: ignore[assignment]
    birth_date: BoundedDate | None = None
    note: str = PydanticField("", max_length=2000)


class DateAnswerOut(Schema):
    session_id: int
    status: str
    position: int | None
    reason: str
    enrolment_id: int | None


class DatesOut(Schema):
    answers: list[DateAnswerOut]
