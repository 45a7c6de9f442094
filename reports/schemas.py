import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from core.schema_types import DbId, date_between
from core.text import InputSchema
from programmes.models import Field, Kind

from .filters import EARLIEST_DATE, LATEST_DATE, date_in_range

# The years as the schema states them; the message as the dashboard's form gives it.
ReportDate = date_between(
    EARLIEST_DATE.year, LATEST_DATE.year, gettext_lazy("Choose a date between 2000 and 2100.")
)


class ReportQuery(InputSchema):
    """The dashboard's filters; without dates, the current school year."""

    start: ReportDate | None = None
    end: ReportDate | None = None
    kind: Kind | None = None
    field: Field | None = None
    programme: DbId | None = None
    venue: DbId | None = None
    partner: DbId | None = None
    anonymous: bool = False

    @field_validator("start", "end")
    @classmethod
    def within_range(cls, day: datetime.date | None) -> datetime.date | None:
        if not date_in_range(day):
            raise PydanticCustomError(
                "date_out_of_range", _("Choose a date between 2000 and 2100.")
            )
        return day

    @field_validator("end")
    @classmethod
    def end_not_before_start(
        cls, end: datetime.date | None, info: ValidationInfo
    ) -> datetime.date | None:
        start = info.data.get("start")
        if start and end and end < start:
            raise PydanticCustomError(
                "end_before_start", _("The end must not be before the start.")
            )
        return end


class RateOut(Schema):
    """Marks of people who came; people expected and those of them who came, over the
    sessions whose register was taken; their rate in percent."""

    attendances: int | None
    expected: int | None
    attended: int | None
    attendance_rate: float | None


class BreakdownOut(Schema):
    key: str
    label: str
    participants: int | None
    households: int | None = None


class ProgrammeRowOut(RateOut):
    programme_id: int
    title: str
    kind: str
    sessions_planned: int | None
    sessions_held: int | None
    sessions_cancelled: int | None
    sessions_held_without_register: int | None
    sessions_register_missing: int | None
    participants: int | None


class MissingRegisterOut(Schema):
    session_id: int
    programme_id: int
    title: str
    starts_at: datetime.datetime


class KindRowOut(RateOut):
    kind: str
    label: str
    sessions_held: int | None
    participants: int | None


class MonthOut(RateOut):
    month: datetime.date
    sessions_held: int | None


class CountOut(Schema):
    key: str
    label: str
    count: int | None


class PeriodOut(Schema):
    start: datetime.date
    end: datetime.date


class ReportSummaryOut(RateOut):
    """Counts are null when masked (from 1 to mask_threshold − 1 people)."""

    period: PeriodOut
    masked: bool
    mask_threshold: int | None
    age_reference: str
    participants: int | None
    households: int | None
    new_households: int | None
    returning_households: int | None
    sessions_planned: int | None
    sessions_held: int | None
    sessions_cancelled: int | None
    sessions_held_without_register: int | None
    sessions_register_missing: int | None
    sessions_signed: int | None
    missing_registers: list[MissingRegisterOut]
    outreach_contacts: int | None
    outreach_referrals: int | None
    outreach_people: int | None
    outreach_people_in_qpv: int | None
    outreach_by_age_band: list[CountOut]
    outreach_by_sex: list[CountOut]
    enrolments: int | None
    enrolments_confirmed: int | None
    enrolments_waitlisted: int | None
    enrolments_cancelled: int | None
    anonymous_headcount: int | None
    follow_up_participants: int | None
    follow_ups: int | None
    check_outs_unlisted: int | None
    anonymous_by_age_band: list[CountOut]
    follow_up_outcomes: list[CountOut]
    by_age_band: list[BreakdownOut]
    by_neighbourhood: list[BreakdownOut]
    by_qpv: list[BreakdownOut]
    by_sex: list[BreakdownOut]
    by_programme: list[ProgrammeRowOut]
    by_kind: list[KindRowOut]
    over_time: list[MonthOut]

    @staticmethod
    def resolve_period(summary) -> dict:
        return {"start": summary.filters.start, "end": summary.filters.end}
