import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from core.schema_types import NAME_PATTERN, DbId, date_between
from core.text import InputSchema
from programmes.models import Kind
from programmes.schemas import VenueOut

from .models import ChangeReason, Session
from .selectors import EARLIEST_FILTER_DATE, LATEST_FILTER_DATE

FilterDate = date_between(EARLIEST_FILTER_DATE.year, LATEST_FILTER_DATE.year)


class SessionProgrammeOut(Schema):
    id: int
    title: str
    kind: str
    field: str
    enrolment_mode: str


class SessionOut(Schema):
    id: int
    programme: SessionProgrammeOut
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    venue: VenueOut
    status: str
    capacity: int
    places_left: int | None = None
    revision: int
    url: str

    @staticmethod
    def resolve_url(session: Session) -> str:
        return f"{settings.SITE_URL}{session.get_absolute_url()}"

    @staticmethod
    def resolve_places_left(session: Session) -> int | None:
        return getattr(session, "places_left", None)


class SessionFilters(InputSchema):
    programme: DbId | None = None
    start: FilterDate | None = None
    end: FilterDate | None = None
    kind: Kind | None = None
    venue: DbId | None = None

    @field_validator("end")
    @classmethod
    def end_not_before_start(
        cls, end: datetime.date | None, info: ValidationInfo
    ) -> datetime.date | None:
        # A field validator, not a model one, so that the error names the "end" field.
        start = info.data.get("start")
        if start and end and end < start:
            raise PydanticCustomError(
                "end_before_start", _("The end must not be before the start.")
            )
        return end


def _reason_given(schema: dict) -> None:
    """A reason kind other than "other", or words (what the service checks, stated)."""
    kinds = [code for code in ChangeReason.values if code != ChangeReason.OTHER]
    schema["anyOf"] = [
        {"required": ["reason_code"], "properties": {"reason_code": {"enum": kinds}}},
        {"required": ["reason"], "properties": {"reason": {"pattern": NAME_PATTERN}}},
    ]


class SessionCancelIn(InputSchema):
    """A reason the families will read: ``reason_code`` (sent in each family's language), or
    ``reason`` in words, or both; ``other`` needs words."""

    model_config = ConfigDict(json_schema_extra=_reason_given)

    reason_code: ChangeReason | None = None
    reason: str = Field("", max_length=300)
