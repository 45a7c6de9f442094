import datetime

from ninja import Schema
from pydantic import Field as PydanticField

from core.schema_types import BoundedDate, BoundedDateTime, DbId, JsonBool
from core.text import InputSchema

from .models import MAX_WEIGHT


class Weights(InputSchema):
    qpv: int = PydanticField(3, ge=0, le=MAX_WEIGHT)
    first_time: int = PydanticField(2, ge=0, le=MAX_WEIGHT)
    referred: int = PydanticField(2, ge=0, le=MAX_WEIGHT)
    sibling_group: int = PydanticField(1, ge=0, le=MAX_WEIGHT)
    granted_before: int = PydanticField(1, ge=0, le=MAX_WEIGHT)


class ActivityOut(Schema):
    id: int
    programme_id: int
    programme: str
    session_id: int | None
    starts_at: datetime.datetime | None


class RoundOut(Schema):
    id: int
    title: str
    status: str
    wishes_open_at: datetime.datetime
    wishes_close_at: datetime.datetime
    results_on: datetime.date
    max_per_child: int
    max_per_household: int | None
    weights: Weights
    seed: str
    result_digest: str
    url: str


class RoundDetailOut(RoundOut):
    activities: list[ActivityOut]


class RoundIn(InputSchema):
    title: str = PydanticField(min_length=1, max_length=200)
    wishes_open_at: BoundedDateTime
    wishes_close_at: BoundedDateTime
    results_on: BoundedDate
    programme_ids: list[DbId] = PydanticField(min_length=1, max_length=200)
    max_per_child: int = PydanticField(2, ge=1, le=20)
    max_per_household: int | None = PydanticField(None, ge=1, le=100)
    weights: Weights = Weights()


class RulesIn(InputSchema):
    max_per_child: int = PydanticField(ge=1, le=20)
    max_per_household: int | None = PydanticField(None, ge=1, le=100)
    weights: Weights


class WishesIn(InputSchema):
    participant_ids: list[DbId] = PydanticField(min_length=1, max_length=10)
    activity_ids: list[DbId] = PydanticField(min_length=0, max_length=10)
    grouped: JsonBool = False


class WishOut(Schema):
    id: int
    participant_id: int
    activity_id: int
    rank: int
    source: str
    outcome: str
    pass_number: int | None
    enrolment_id: int | None

    # A wish read from the round's list carries what its reader may see (``outcome_shown``,
    # ``pass_shown``: empty before publication except for coordinators).
    @staticmethod
    def resolve_outcome(wish) -> str:
        if isinstance(wish, dict):
            return wish["outcome"]
        return getattr(wish, "outcome_shown", wish.outcome)

    @staticmethod
    def resolve_pass_number(wish) -> int | None:
        if isinstance(wish, dict):
            return wish.get("pass_number")
        return getattr(wish, "pass_shown", wish.pass_number)


class JobOut(Schema):
    job_id: int
    url: str


class ShareOut(Schema):
    label: str
    children: int
    served: int
    percent: int


class FillOut(Schema):
    activity_id: int
    activity: str
    places: int
    wishes: int
    wishes_per_place: float
    granted: int
    waitlisted: int


class ReportOut(Schema):
    children: int
    granted: int
    first_choices_granted: int
    unlucky: int
    fill: list[FillOut]
    by_qpv: list[ShareOut]
    by_age: list[ShareOut]
