import datetime

from django.conf import settings
from ninja import Schema
from pydantic import model_validator

from programmes.models import Kind
from programmes.schemas import VenueOut

from .models import Session


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


class SessionFilters(Schema):
    programme: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    kind: Kind | None = None
    venue: int | None = None

    @model_validator(mode="after")
    def end_not_before_start(self) -> "SessionFilters":
        if self.start and self.end and self.end < self.start:
            raise ValueError("end must not be before start")
        return self
