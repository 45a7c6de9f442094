"""Reads on sessions, shaped for pages, the API and feeds."""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.time import local_midnight
from programmes.models import Mediator, Partner, Programme, ProgrammeStatus
from programmes.selectors import programme_list_published

from .hooks import feed_offers_from_other_apps, seats_taken
from .models import FeedScope, FeedToken, FeedTokenBase, Session, SessionStatus

# Dates that filters accept: beyond them, day arithmetic and the conversion to UTC overflow
# (9999-12-31 plus one day, 0001-01-01 in Paris), and no session is planned there anyway.
EARLIEST_FILTER_DATE = datetime.date(2000, 1, 1)
LATEST_FILTER_DATE = datetime.date(2199, 12, 31)


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
        sessions = sessions.filter(ends_at__gte=local_midnight(start))
    if end is not None:
        sessions = sessions.filter(starts_at__lt=local_midnight(end + datetime.timedelta(days=1)))
    if kind:
        sessions = sessions.filter(programme__kind=kind)
    if venue_id is not None:
        sessions = sessions.filter(venue_id=venue_id)
    return sessions.order_by("starts_at", "pk")


class PlacesLeft(TypedDict):
    places_taken: int
    places_left: int


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    SessionWithPlaces = WithAnnotations[Session, PlacesLeft]


def with_places_left(sessions: list[Session]) -> "list[SessionWithPlaces]":
    """Set ``places_taken`` and ``places_left`` on each session, in one query for the list."""
    taken = seats_taken(sessions)
    # The same instances: the loop below gives each one the two attributes.
    counted = cast("list[SessionWithPlaces]", sessions)
    for session in counted:
        session.places_taken = taken.get(session.pk, 0)
        session.places_left = max(session.capacity - session.places_taken, 0)
    return counted


def upcoming_sessions_for_programme(
    *, programme: Programme, limit: int = 50
) -> "list[SessionWithPlaces]":
    sessions = list(
        Session.objects.filter(programme=programme, ends_at__gte=timezone.now())
        .select_related("venue", "programme")
        .prefetch_related(
            Prefetch("facilitators", queryset=Mediator.objects.select_related("user"))
        )
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
    from_moment = local_midnight(on_or_after) if on_or_after else timezone.now()
    coming = Session.objects.filter(programme=OuterRef("pk"), starts_at__gte=from_moment).exclude(
        status=SessionStatus.CANCELLED
    )
    programmes = programmes.annotate(
        has_coming_sessions=Exists(coming),
        next_session_start=coming.order_by("starts_at").values("starts_at")[:1],
    )
    if on_or_after:
        programmes = programmes.filter(has_coming_sessions=True)
    return programmes.order_by("next_session_start", "title")


def session_for_download() -> QuerySet[Session]:
    """Sessions of published programmes, with what their calendar event shows."""
    return session_list().prefetch_related(
        Prefetch(
            "programme__mediators",
            queryset=Mediator.objects.select_related("user").order_by(
                "user__last_name", "user__first_name", "pk"
            ),
        )
    )


@dataclass
class FeedOffer:
    """A private feed a person may subscribe to, with its active token if any."""

    key: str
    title: str
    kind: str
    active: FeedTokenBase | None
    new_token: Callable[[], FeedTokenBase]


def feed_tokens_of_user(user) -> list[FeedOffer]:
    """The private feeds of a partner's staff member or of a mediator (and those other apps
    offer), each with its active token."""
    offers: list[FeedOffer] = []
    partners = list(Partner.objects.filter(members=user).order_by("name"))
    mediator = Mediator.objects.select_related("user").filter(user=user).first()
    owners = Q(partner__in=partners)
    if mediator is not None:
        owners |= Q(mediator=mediator)
    active = {
        (token.scope, token.partner_id or token.mediator_id): token
        for token in FeedToken.objects.filter(owners, revoked_at__isnull=True)
    }
    language = getattr(getattr(user, "profile", None), "language", None) or settings.LANGUAGE_CODE
    for partner in partners:
        offers.append(
            FeedOffer(
                key=f"partner-{partner.pk}",
                kind=FeedScope.PARTNER,
                title=_("Sessions of %(partner)s") % {"partner": partner.name},
                active=active.get((FeedScope.PARTNER, partner.pk)),
                new_token=functools.partial(
                    FeedToken, scope=FeedScope.PARTNER, partner=partner, language=language
                ),
            )
        )
    if mediator is not None:
        offers.append(
            FeedOffer(
                key=f"mediator-{mediator.pk}",
                kind=FeedScope.MEDIATOR,
                title=_("My sessions"),
                active=active.get((FeedScope.MEDIATOR, mediator.pk)),
                new_token=lambda: FeedToken(
                    scope=FeedScope.MEDIATOR, mediator=mediator, language=language
                ),
            )
        )
    return offers + feed_offers_from_other_apps(user)


def venue_clashes(
    *, venue_id: int, occurrences: list, exclude_schedule_id: int | None = None
) -> dict[datetime.date, Session]:
    """For each planned occurrence, a session of another programme or schedule already held at
    the same venue at an overlapping time (one query for the whole plan)."""
    if not occurrences:
        return {}
    others = (
        Session.objects.filter(
            venue_id=venue_id,
            starts_at__lt=max(occ.ends_at for occ in occurrences),
            ends_at__gt=min(occ.starts_at for occ in occurrences),
        )
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("programme")
        .order_by("starts_at")
    )
    if exclude_schedule_id is not None:
        others = others.exclude(schedule_id=exclude_schedule_id)
    clashes: dict[datetime.date, Session] = {}
    held = list(others)
    for occurrence in occurrences:
        for session in held:
            if session.starts_at < occurrence.ends_at and session.ends_at > occurrence.starts_at:
                clashes[occurrence.date] = session
                break
    return clashes


def coordination_programmes(*, status: str | None = None) -> QuerySet[Programme]:
    """Every programme with its venue, its coming sessions' count and the next one's start."""
    now = timezone.now()
    coming = Q(sessions__starts_at__gte=now) & ~Q(sessions__status=SessionStatus.CANCELLED)
    programmes = Programme.objects.select_related("venue").annotate(
        coming_sessions=Count("sessions", filter=coming, distinct=True),
        next_session_start=Min("sessions__starts_at", filter=coming),
        schedule_count=Count("schedules", distinct=True),
    )
    if status:
        programmes = programmes.filter(status=status)
    return programmes.order_by("status", "title")


def coordination_programme_sessions(
    *, programme: Programme, limit: int = 60
) -> "list[SessionWithPlaces]":
    sessions = list(
        Session.objects.filter(programme=programme, ends_at__gte=timezone.now())
        .select_related("venue", "programme")
        .order_by("starts_at")[:limit]
    )
    return with_places_left(sessions)


def session_for_change(*, pk: int) -> Session:
    session = Session.objects.select_related("programme", "venue").get(pk=pk)
    return with_places_left([session])[0]
