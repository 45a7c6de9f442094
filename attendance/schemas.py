"""API shapes of registers, marks, follow-ups and attendance rates."""

import datetime
import uuid

from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Schema
from pydantic import Field, field_validator

from core.age_bands import age_band_keys
from core.schema_types import (
    FIRST_YEAR,
    LAST_YEAR,
    NAME_PATTERN,
    DbId,
    JsonBool,
    date_between,
    datetime_between,
    name_text,
)
from core.text import InputSchema
from households.models import Sex
from programmes.models import Field as ProgrammeField

from .models import (
    FOLLOW_UP_NOTE_LENGTH,
    OUTREACH_COUNT_MAX,
    OUTREACH_FIRST_YEAR,
    Attendance,
    AttendanceCorrection,
    AttendanceStatus,
    CollectedBy,
    FollowUpOutcome,
)
from .selectors import (
    ProgrammeFigures,
    Rate,
    Register,
    follow_up_contact,
    register_is_locked,
    register_lock_at,
)

# A device's clock, read as written: years 2000 to 2100, as the schema states.
DeviceTime = datetime_between(
    2000, 2100, gettext_lazy("Check the device's clock: this date is out of range.")
)
OutreachDay = date_between(OUTREACH_FIRST_YEAR, LAST_YEAR)
WalkInName = name_text(100)
WalkInBirthDate = date_between(FIRST_YEAR, 2100)
NOTE_LENGTH = Attendance._meta.get_field("note").max_length
REASON_LENGTH = AttendanceCorrection._meta.get_field("reason").max_length


class MarkIn(InputSchema):
    client_id: uuid.UUID = Field(
        description="Chosen by the device: a mark sent again with the same id changes nothing."
    )
    participant_id: DbId
    status: AttendanceStatus
    note: str = Field("", max_length=NOTE_LENGTH)
    client_marked_at: DeviceTime | None = Field(
        None, description="When the mark was taken on the device: the latest mark wins."
    )
    reason: str = Field(
        "", description="Required once the register is locked.", max_length=REASON_LENGTH
    )
    walk_in: JsonBool = Field(False, description="Someone not enrolled in this session.")

    @field_validator("client_marked_at")
    @classmethod
    def _aware(cls, value: datetime.datetime | None) -> datetime.datetime | None:
        if value is None:
            return value
        if not 2000 <= value.year <= 2100:
            raise ValueError("Check the device's clock: this date is out of range.")
        # A time without an offset is read as the service's local time.
        if timezone.is_naive(value):
            return timezone.make_aware(value)
        return value


def _aware_or_local(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is None:
        return value
    if not 2000 <= value.year <= 2100:
        raise ValueError("Check the device's clock: this date is out of range.")
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class CheckOutIn(InputSchema):
    client_id: uuid.UUID = Field(
        description="Chosen by the device: sent again, it changes nothing."
    )
    participant_id: DbId
    collected_by: CollectedBy
    collector_name: str = Field(
        "", max_length=200, description="Required unless the child left alone."
    )
    note: str = Field("", max_length=300, description="Required for someone not on the list.")
    checked_out_at: DeviceTime | None = Field(
        None, description="When the child left, on the device's clock."
    )

    @field_validator("checked_out_at")
    @classmethod
    def _aware(cls, value: datetime.datetime | None) -> datetime.datetime | None:
        return _aware_or_local(value)


class SheetOpeningIn(InputSchema):
    client_id: uuid.UUID
    participant_id: DbId
    opened_at: DeviceTime | None = None

    @field_validator("opened_at")
    @classmethod
    def _aware(cls, value: datetime.datetime | None) -> datetime.datetime | None:
        return _aware_or_local(value)


class WalkInIn(InputSchema):
    client_id: uuid.UUID = Field(
        description="Chosen by the device: sent again, it finds the person it created."
    )
    first_name: WalkInName
    last_name: WalkInName
    birth_date: WalkInBirthDate
    neighbourhood: str = Field("", max_length=120)
    in_qpv: JsonBool = Field(False, description="Lives in a priority neighbourhood (QPV).")
    registered_at: DeviceTime | None = Field(
        None, description="When the newcomer was typed, on the device's clock."
    )

    @field_validator("registered_at")
    @classmethod
    def _aware(cls, value: datetime.datetime | None) -> datetime.datetime | None:
        return _aware_or_local(value)


class WalkInOut(Schema):
    client_id: uuid.UUID
    participant_id: int
    created: bool = Field(description="False when this client id had already been received.")


class AttendanceBatchIn(InputSchema):
    walk_ins: list[WalkInIn] = Field(
        default_factory=list,
        max_length=50,
        description="Newcomers typed on the phone, registered as present before the marks.",
    )
    marks: list[MarkIn] = Field(default_factory=list, max_length=500)
    check_outs: list[CheckOutIn] = Field(default_factory=list, max_length=500)
    openings: list[SheetOpeningIn] = Field(
        default_factory=list,
        max_length=500,
        description="Safety details opened on the register (each is audited).",
    )


class RateOut(Schema):
    expected: int
    attended: int
    percent: int | None


class FlagsOut(Schema):
    allergy: bool
    pai: bool
    may_not_leave_alone: bool
    no_photos: bool


class CheckOutOut(Schema):
    collected_by: str
    collector_name: str
    note: str
    checked_out_at: datetime.datetime


class RegisterRowOut(Schema):
    participant_id: int
    name: str
    expected: bool
    status: str | None
    note: str
    marked_at: datetime.datetime | None
    client_marked_at: datetime.datetime | None
    check_out: CheckOutOut | None
    needs_check_out: bool
    flags: FlagsOut | None = Field(
        None,
        description="Only for the session's facilitators; details through the sheet "
        "API, each read audited.",
    )


class HeadcountOut(Schema):
    age_band: str
    count: int


class RegisterOut(Schema):
    session_id: int
    programme_id: int
    programme: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    locked: bool
    lock_at: datetime.datetime
    rate: RateOut
    rows: list[RegisterRowOut]
    headcounts: list[HeadcountOut]


class MarkResultOut(Schema):
    applied: list[uuid.UUID]
    ignored: list[uuid.UUID]
    check_outs_applied: list[uuid.UUID]
    check_outs_ignored: list[uuid.UUID]
    follow_ups_opened: list[int]
    walk_ins: list[WalkInOut] = Field(default_factory=list)
    state: RegisterOut = Field(description="The register after the marks.")


class ContactOut(Schema):
    name: str
    phone: str
    email: str


class FollowUpOut(Schema):
    id: int
    participant_id: int
    participant: str
    programme_id: int
    programme: str
    mediator: str | None
    status: str
    outcome: str
    outcome_note: str
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    sessions_missed: list[datetime.datetime]
    contact: ContactOut | None

    @staticmethod
    def resolve_participant(follow_up) -> str:
        return follow_up.participant.full_name

    @staticmethod
    def resolve_programme(follow_up) -> str:
        return follow_up.programme.title

    @staticmethod
    def resolve_mediator(follow_up) -> str | None:
        return str(follow_up.mediator) if follow_up.mediator else None

    @staticmethod
    def resolve_sessions_missed(follow_up) -> list[datetime.datetime]:
        return [session.starts_at for session in follow_up.sessions.all()]

    @staticmethod
    def resolve_contact(follow_up) -> dict | None:
        contact = follow_up_contact(follow_up)
        if contact is None:
            return None
        return {"name": contact.name, "phone": contact.phone, "email": contact.email}


class FollowUpCloseIn(InputSchema):
    outcome: FollowUpOutcome
    note: str = Field("", max_length=FOLLOW_UP_NOTE_LENGTH)


class SessionRateOut(Schema):
    session_id: int
    starts_at: datetime.datetime
    rate: RateOut


class ParticipantRateOut(Schema):
    participant_id: int
    name: str
    rate: RateOut


class ProgrammeFiguresOut(Schema):
    programme_id: int
    overall: RateOut
    sessions: list[SessionRateOut]
    participants: list[ParticipantRateOut]


def rate_out(rate: Rate) -> dict:
    return {"expected": rate.expected, "attended": rate.attended, "percent": rate.percent}


def register_out(register: Register) -> dict:
    session = register.session
    return {
        "session_id": session.pk,
        "programme_id": session.programme_id,
        "programme": session.programme.title,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "locked": register_is_locked(session),
        "lock_at": register_lock_at(session),
        "rate": rate_out(register.rate),
        "rows": [
            {
                "participant_id": row.participant.pk,
                "name": row.participant.full_name,
                "expected": row.expected,
                "status": row.status or None,
                "note": row.note,
                "marked_at": row.attendance.marked_at if row.attendance else None,
                "client_marked_at": row.attendance.client_marked_at if row.attendance else None,
                "check_out": {
                    "collected_by": row.check_out.collected_by,
                    "collector_name": row.check_out.collector_name,
                    "note": row.check_out.note,
                    "checked_out_at": row.check_out.checked_out_at,
                }
                if row.check_out
                else None,
                "needs_check_out": row.needs_check_out,
                "flags": {
                    "allergy": row.safety.allergy,
                    "pai": row.safety.pai,
                    "may_not_leave_alone": not row.safety.may_leave_alone,
                    "no_photos": row.safety.no_photos,
                }
                if row.safety is not None
                else None,
            }
            for row in register.rows
        ],
        "headcounts": [
            {"age_band": headcount.age_band, "count": headcount.count}
            for headcount in register.headcounts
        ],
    }


def figures_out(figures: ProgrammeFigures) -> dict:
    return {
        "programme_id": figures.programme.pk,
        "overall": rate_out(figures.overall),
        "sessions": [
            {"session_id": session.pk, "starts_at": session.starts_at, "rate": rate_out(rate)}
            for session, rate in figures.sessions
        ],
        "participants": [
            {"participant_id": row.participant_id, "name": row.name, "rate": rate_out(row.rate)}
            for row in figures.participants
        ],
    }


class OutreachCountIn(InputSchema):
    age_band: str = Field(max_length=8, json_schema_extra={"enum": age_band_keys()})
    sex: Sex
    # Cells of people met only (a cell left at 0 is not sent): at least one person in all.
    count: int = Field(ge=1, le=OUTREACH_COUNT_MAX)


class OutreachIn(InputSchema):
    """An outreach contact as a phone sends it, possibly long after it was recorded offline."""

    client_id: uuid.UUID
    day: OutreachDay
    place: str = Field(max_length=150, json_schema_extra={"pattern": NAME_PATTERN})
    neighbourhood: str = Field("", max_length=120)
    in_qpv: JsonBool = False
    theme: ProgrammeField
    referral: JsonBool = False
    counts: list[OutreachCountIn] = Field(min_length=1, max_length=100)


class OutreachOut(Schema):
    id: int
    client_id: uuid.UUID
    day: datetime.date
    people: int
