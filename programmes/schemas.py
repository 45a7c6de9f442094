from django.conf import settings
from ninja import Schema

from .models import Programme


def programme_feed_url(programme: Programme) -> str:
    """Absolute URL of a programme's public iCal feed."""
    return f"{settings.SITE_URL}/calendars/programmes/{programme.slug}.ics"


class VenueOut(Schema):
    id: int
    name: str
    address: str
    neighbourhood: str
    in_qpv: bool


class ProgrammeOut(Schema):
    id: int
    title: str
    slug: str
    description: str
    kind: str
    field: str
    audience: str
    min_age: int | None
    max_age: int | None
    enrolment_mode: str
    capacity: int
    waitlist_enabled: bool
    status: str
    venue: VenueOut
    url: str
    feed_url: str

    @staticmethod
    def resolve_url(programme: Programme) -> str:
        return f"{settings.SITE_URL}{programme.get_absolute_url()}"

    @staticmethod
    def resolve_feed_url(programme: Programme) -> str:
        return programme_feed_url(programme)
