import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from core.text import InputSchema
from programmes.models import Kind
from programmes.schemas import VenueOut

from .models import ChangeReason, Session
from .selectors import EARLIEST_FILTER_DATE, LATEST_FILTER_DATE


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
    programme: int | None = None
    start: datetime.date | None = Field(None, ge=EARLIEST_FILTER_DATE, le=LATEST_FILTER_DATE)
    end: datetime.date | None = Field(None, ge=EARLIEST_FILTER_DATE, le=LATEST_FILTER_DATE)
    kind: Kind | None = None
    venue: int | None = None

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


class SessionCancelIn(InputSchema):
    """A reason the families will read: ``reason_code`` (sent in each family's language), or
    ``reason`` in words, or both; ``other`` needs words."""

    reason_code: ChangeReason | None = None
    reason: str = Field("", max_length=300)
