"""Reads on sessions, shaped for pages, the API and feeds."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from programmes.models import Mediator, Programme, ProgrammeStatus
from programmes.selectors import programme_list_published

from .hooks import seats_taken
from .models import Session, SessionStatus


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def session_list(
    *,
    programme_id: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    kind: str | None = None,
    venue_id: int | None = None,
    published_only: bool = True,
) -> QuerySet[Session]:
    """Sessions with their programme and venue; ``end`` is inclusive (a whole local day)."""
    sessions = Session.objects.select_related("programme", "venue")
    if published_only:
        sessions = sessions.filter(programme__status=ProgrammeStatus.PUBLISHED)
    if programme_id is not None:
        sessions = sessions.filter(programme_id=programme_id)
    if start is not None:
        sessions = sessions.filter(ends_at__gte=_day_start(start))
    if end is not None:
        sessions = sessions.filter(starts_at__lt=_day_start(end + datetime.timedelta(days=1)))
    if kind:
        sessions = sessions.filter(programme__kind=kind)
    if venue_id is not None:
        sessions = sessions.filter(venue_id=venue_id)
    return sessions.order_by("starts_at", "pk")


def with_places_left(sessions: list[Session]) -> list[Session]:
    """Set ``places_taken`` and ``places_left`` on each session, in one query for the list."""
    taken = seats_taken(sessions)
    for session in sessions:
        session.places_taken = taken.get(session.pk, 0)
        session.places_left = max(session.capacity - session.places_taken, 0)
    return sessions


def upcoming_sessions_for_programme(*, programme: Programme, limit: int = 50) -> list[Session]:
    sessions = list(
        Session.objects.filter(programme=programme, ends_at__gte=timezone.now())
        .select_related("venue", "programme")
        .prefetch_related(Prefetch("facilitators", queryset=Mediator.objects.select_related("user")))
        .order_by("starts_at")[:limit]
    )
    return with_places_left(sessions)


def catalogue_programmes(
    *,
    kind: str | None = None,
    field: str | None = None,
    age: int | None = None,
    on_or_after: datetime.date | None = None,
) -> QuerySet[Programme]:
    """Published programmes, each annotated with its next session's start."""
    programmes = programme_list_published(kind=kind, field=field, age=age)
    from_moment = _day_start(on_or_after) if on_or_after else timezone.now()
    coming = Session.objects.filter(
        programme=OuterRef("pk"), starts_at__gte=from_moment
    ).exclude(status=SessionStatus.CANCELLED)
    programmes = programmes.annotate(
        has_coming_sessions=Exists(coming),
        next_session_start=coming.order_by("starts_at").values("starts_at")[:1],
    )
    if on_or_after:
        programmes = programmes.filter(has_coming_sessions=True)
    return programmes.order_by("next_session_start", "title")
