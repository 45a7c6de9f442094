"""What the households API reads and answers."""

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
    partial_contact_rule,
)
from core.text import InputSchema

from .models import Channel, Guardian, Household, Language, Sex


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
PersonName = name_text(200)


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

    model_config = ConfigDict(json_schema_extra=partial_contact_rule)

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


class MemberIn(InputSchema):
    """Who takes part: a participant of the household (``participant_id``), or a guardian who
    takes part themselves (``guardian_id``, with ``birth_date`` the first time: the programme's
    ages are checked on it; the guardian then becomes a participant, kept only if a place or a
    waiting-list position was given). Exactly one of the two ids."""

    model_config = ConfigDict(json_schema_extra=exactly_one_of("participant_id", "guardian_id"))

    participant_id: DbId = None  # type: ignore[assignment]
    guardian_id: DbId = None  # type: ignore[assignment]
    birth_date: BoundedDate | None = PydanticField(
        None, description="The guardian's birth date, the first time they take part."
    )


class PersonIn(InputSchema):
    name: PersonName
    relation: str = PydanticField("", max_length=200)
    phone: Phone


class PersonOut(Schema):
    name: str
    relation: str
    phone: str


class HealthIn(InputSchema):
    """The health part as a whole: every field is sent (empty when there is nothing to say),
    so that a field left out is a 422 naming it, not an answer erased."""

    allergies: str = PydanticField(max_length=1000, description="Allergies; empty when none.")
    diet: str = PydanticField(max_length=1000)
    treatment: str = PydanticField(
        max_length=1000, description="A treatment to take; empty when there is none."
    )
    has_pai: JsonBool = PydanticField(description="An individual care plan (PAI) exists.")
    pai_details: str = PydanticField(max_length=1000)
    doctor_name: str = PydanticField(max_length=200)
    doctor_phone: OptionalPhone


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


class ImageRightsIn(InputSchema):
    internal: JsonBool
    printed: JsonBool
    web: JsonBool
    social: JsonBool


def _signed_to_leave_alone(schema: dict) -> None:
    """``json_schema_extra`` of a sheet: a child may leave alone only with the date the
    guardian signed it, as the service checks it (400 naming ``leave_alone_signed_on``)."""
    schema["anyOf"] = [
        {"properties": {"may_leave_alone": {"const": False}}},
        {"properties": {"leave_alone_signed_on": {"type": "string"}}},
    ]


class SafetySheetIn(InputSchema):
    """A whole sheet, as PUT replaces it with a new version: every part is sent, so that a
    part left out (or a key misplaced, refused as unknown) is a 422 naming it rather than an
    answer silently erased. ``null`` says a part is not answered yet; an empty list, nobody."""

    model_config = ConfigDict(json_schema_extra=_signed_to_leave_alone)

    health: HealthIn | None
    emergency_contacts: list[PersonIn] = PydanticField(
        max_length=10, description="In the order to call them."
    )
    authorised_people: list[PersonIn] = PydanticField(max_length=10)
    may_leave_alone: JsonBool
    leave_alone_signed_on: BoundedDate | None
    image_rights: ImageRightsIn | None


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
