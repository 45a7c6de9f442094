"""Calendar feeds: which sessions each feed shows, its version for conditional requests, and a
build that reuses the events kept from earlier builds.

A feed answers ``If-None-Match`` / ``If-Modified-Since`` from :func:`feed_version` (one
aggregate query, no build). :func:`feed_build` makes a bounded number of queries whatever the
number of sessions: the keys of the sessions in the window, the extras
(headcounts, first names) if the feed has any, and, only for the sessions whose event is not
kept yet, their rows and their programmes' mediators.
"""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import hash_token
from core.time import local_midnight
from programmes.models import Mediator, Partner, Programme, ProgrammeStatus

from .hooks import headcount_version, seats_taken_in
from .ical import (
    CALENDAR_TAIL,
    PARIS,
    EventCache,
    EventData,
    EventExtras,
    EventWriter,
    build_context,
    calendar_head,
    contact_line,
)
from .models import FeedContentVersion, FeedTokenBase, Session

# Changes whenever the code writes events differently, so that no ETag survives it.
FORMAT = 2
# Missing events fewer than this are loaded by primary key; more, with the feed's own filter.
_LOAD_BY_KEY_MAX = 500

ExtrasProvider = Callable[[QuerySet[Session]], dict[int, EventExtras]]


@cache
def event_cache() -> EventCache:
    return EventCache(settings.CALENDAR_EVENT_CACHE_SIZE)


@dataclass(frozen=True)
class FeedWindow:
    """Sessions from some days back to some months ahead; it moves once a day, at midnight in
    Paris, so a feed's body (and ETag) depends on the day, not the minute."""

    today: datetime.datetime
    start: datetime.datetime
    end: datetime.datetime

    @classmethod
    def current(cls, now: datetime.datetime | None = None) -> "FeedWindow":
        day = (now or timezone.now()).astimezone(PARIS).date()

        def midnight(offset: int) -> datetime.datetime:
            return local_midnight(day + datetime.timedelta(days=offset))

        return cls(
            today=midnight(0),
            start=midnight(-settings.CALENDAR_FEED_PAST_DAYS),
            end=midnight(settings.CALENDAR_FEED_FUTURE_DAYS + 1),
        )

    def filter(self, sessions: QuerySet[Session]) -> QuerySet[Session]:
        return sessions.filter(ends_at__gt=self.start, starts_at__lt=self.end)


@dataclass(frozen=True)
class Feed:
    """What a feed shows, in which language; ``settings`` are its own options (filters) that
    change its body."""

    name: str
    sessions: QuerySet[Session]
    language: str
    description: str = ""
    private: bool = False
    settings: tuple = ()
    extras: ExtrasProvider | None = None
    # Aggregates over the window's sessions (given as a queryset) added to the version query;
    # those named "..._changed_at" are moments, which Last-Modified also follows.
    version_aggregates: Callable[[QuerySet[Session]], dict] = field(default=lambda sessions: {})
    # Columns of a session that change whenever its extras do (counters bumped with them): read
    # with the keys, they key the kept events in place of the extras, which are then computed
    # for the missing events only.
    extras_key: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedVersion:
    etag: str
    last_modified: datetime.datetime


def _content_version(field_name: str) -> Max:
    return Max(Subquery(FeedContentVersion.objects.filter(pk=1).values(field_name)[:1]))


def feed_version(feed: Feed, window: FeedWindow) -> FeedVersion:
    """Strong ETag and Last-Modified of a feed, in one query and without building it.

    The ETag hashes what the body is made of: which sessions (their count and the sums of
    their keys), how each last changed (what venues, programmes and mediators show is copied
    into the sessions' change date, see sessions.receivers) and the feed's extras. It leaves out
    the content version, which moves with changes to other feeds; Last-Modified keeps it, since
    a session leaving a feed leaves no row to date that.
    """
    windowed = window.filter(feed.sessions)
    figures = windowed.aggregate(
        count=Count("pk"),
        keys=Sum("pk"),
        keys_squared=Sum(F("pk") * F("pk")),
        changed=Max("updated_at"),
        revisions=Sum("revision"),
        programme_changed=Max("programme__updated_at"),
        content_changed_at=_content_version("changed_at"),
        **feed.version_aggregates(windowed),
    )
    identity = (
        FORMAT,
        feed.name,
        feed.description,
        feed.language,
        feed.settings,
        settings.SITE_URL,
        window.start,
        window.end,
        settings.CALENDAR_FEED_MAX_EVENTS,
        settings.CALENDAR_FEED_MAX_BYTES,
        sorted((name, value) for name, value in figures.items() if name != "content_changed_at"),
    )
    etag = '"' + hashlib.sha256(repr(identity).encode()).hexdigest()[:32] + '"'
    moments = [
        figures["changed"],
        figures["programme_changed"],
        window.today,
        *(value for name, value in figures.items() if name.endswith("changed_at")),
    ]
    return FeedVersion(etag=etag, last_modified=max(m for m in moments if m is not None))


def _nearest_first(coming: list[bool]) -> list[int]:
    """Indices of a list sorted by start in the order a capped feed keeps them: the coming
    sessions from the nearest, then the past ones from the latest."""
    ahead = [index for index, flag in enumerate(coming) if flag]
    behind = [index for index, flag in enumerate(coming) if not flag]
    return ahead + behind[::-1]


def _within_cap(rows: list[tuple]) -> list[tuple]:
    """At most CALENDAR_FEED_MAX_EVENTS rows (sorted by start, each ending with whether it is
    still coming), the nearest first: Google stops reading feeds much larger than a thousand
    events."""
    cap = settings.CALENDAR_FEED_MAX_EVENTS
    if len(rows) <= cap:
        return rows
    kept = sorted(_nearest_first([row[-1] for row in rows])[:cap])
    return [rows[index] for index in kept]


def _within_bytes(events: list[bytes], coming: list[bool], room: int) -> list[bytes]:
    """Events (sorted by start) that fit in ``room`` bytes, the nearest first: Google also
    stops reading feeds much larger than 1 MB. ``coming`` says which events are still coming;
    it is taken from the same list as ``events``, so that both caps agree on what is near."""
    if sum(map(len, events)) <= room:
        return events
    kept, used = set(), 0
    for index in _nearest_first(coming):
        used += len(events[index])
        if used > room:
            break
        kept.add(index)
    return [event for index, event in enumerate(events) if index in kept]


def _programme_contacts(programme_ids: set[int]) -> dict[int, str]:
    links = (
        Programme.mediators.through.objects.filter(programme_id__in=programme_ids)
        .select_related("mediator__user")
        .order_by("mediator__user__last_name", "mediator__user__first_name", "mediator_id")
    )
    mediators: dict[int, list[Mediator]] = defaultdict(list)
    for link in links:
        mediators[link.programme_id].append(link.mediator)
    return {pid: contact_line(people) for pid, people in mediators.items()}


def _missing_rows(windowed: QuerySet[Session], missing: list[int]) -> list[tuple]:
    """Plain rows (``EventData.COLUMNS`` then the programme id) of the sessions to render."""
    sessions = (
        windowed if len(missing) > _LOAD_BY_KEY_MAX else Session.objects.filter(pk__in=missing)
    )
    wanted = set(missing)
    return [
        row for row in sessions.values_list(*EventData.COLUMNS, "programme_id") if row[0] in wanted
    ]


def feed_build(feed: Feed, *, window: FeedWindow, cache: EventCache | None = None) -> bytes:
    cache = cache if cache is not None else event_cache()
    windowed = window.filter(feed.sessions)
    still_coming = Case(
        When(ends_at__gt=window.today, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    # Change dates as the database writes them: they only need to compare equal, and parsing
    # 20,000 of them would be most of a warm build.
    rows = _within_cap(
        list(
            windowed.order_by("starts_at", "pk").values_list(
                "pk",
                "revision",
                Cast("updated_at", CharField()),
                Cast("programme__updated_at", CharField()),
                *feed.extras_key,
                still_coming,
            )
        )
    )
    # With an extras key, the kept events are looked up without computing any extras.
    keyed_extras = bool(feed.extras and feed.extras_key)
    extras = feed.extras(windowed) if feed.extras and rows and not keyed_extras else {}
    no_extras = EventExtras()
    with translation.override(feed.language):
        context = build_context()
        # A row: the session's key (4 columns), its extras key if any, whether it is coming.
        keys = [
            (row[:4], row[4:-1] if keyed_extras else extras.get(row[0], no_extras), context)
            for row in rows
        ]
        events = [cache.get(key) for key in keys]
        missing = {rows[i][0]: i for i, event in enumerate(events) if event is None}
        if missing:
            if keyed_extras and feed.extras:
                extras = feed.extras(
                    windowed
                    if len(missing) > _LOAD_BY_KEY_MAX
                    else Session.objects.filter(pk__in=list(missing))
                )
            loaded = _missing_rows(windowed, list(missing))
            contacts = _programme_contacts({row[-1] for row in loaded})
            writer = EventWriter()
            for row in loaded:
                index = missing[row[0]]
                event = writer.event(
                    EventData.from_row(row[:-1]),
                    contacts=contacts.get(row[-1], ""),
                    extras=extras.get(row[0], no_extras),
                )
                events[index] = event
                cache.put(keys[index], event)
        head = calendar_head(name=feed.name, description=feed.description)
        room = settings.CALENDAR_FEED_MAX_BYTES - len(head) - len(CALENDAR_TAIL)
        written = [
            (event, row[-1]) for event, row in zip(events, rows, strict=True) if event is not None
        ]
        kept = _within_bytes([event for event, _ in written], [flag for _, flag in written], room)
        return b"".join((head, *kept, CALENDAR_TAIL))


def webcal_url(https_url: str) -> str:
    """The same feed for clients that subscribe on a webcal:// link (Apple, Outlook desktop)."""
    return "webcal://" + https_url.split("://", 1)[1]


# The feeds of the service.


def feed_language(requested: str | None) -> str:
    languages = dict(settings.LANGUAGES)
    return requested if requested in languages else settings.LANGUAGE_CODE


def programme_feed(*, programme: Programme, language: str) -> Feed:
    """The public feed of a published programme."""
    with translation.override(language):
        description = _("Sessions of %(programme)s") % {"programme": programme.title}
    return Feed(
        name=programme.title,
        description=description,
        language=language,
        sessions=Session.objects.filter(programme=programme),
    )


# Bumped whenever a session's places taken may have changed (its own enrolments, or its
# programme's whole cycle): they key the kept events of the feeds that show headcounts.
HEADCOUNT_KEY = ("headcount_version", "programme__headcount_version")


def _headcount_extras(sessions: QuerySet[Session]) -> dict[int, EventExtras]:
    # Grouped counts, no model: a warm build of 10,000 events must stay close to a public one.
    return {pk: EventExtras(places_taken=taken) for pk, taken in seats_taken_in(sessions).items()}


def partner_feed(*, partner: Partner, language: str, field: str | None = None) -> Feed:
    """Sessions of the published programmes a partner co-runs: times, places and headcounts,
    never who is enrolled."""
    programmes = Programme.objects.filter(partners=partner, status=ProgrammeStatus.PUBLISHED)
    if field:
        programmes = programmes.filter(field=field)
    with translation.override(language):
        name = _("%(partner)s – sessions") % {"partner": partner.name}
    return Feed(
        name=name,
        language=language,
        private=True,
        settings=("partner", partner.pk, field),
        sessions=Session.objects.filter(programme__in=programmes),
        extras=_headcount_extras,
        version_aggregates=headcount_version,
        extras_key=HEADCOUNT_KEY,
    )


def mediator_feed(*, mediator: Mediator, language: str) -> Feed:
    """Sessions of the programmes a mediator is responsible for and those they facilitate."""
    facilitated = Session.facilitators.through.objects.filter(
        session_id=OuterRef("pk"), mediator=mediator
    )
    sessions = Session.objects.filter(
        Q(programme__in=Programme.objects.filter(mediators=mediator)) | Q(Exists(facilitated))
    ).exclude(programme__status=ProgrammeStatus.ARCHIVED)
    with translation.override(language):
        name = _("%(mediator)s – my sessions") % {"mediator": mediator}
    return Feed(
        name=name,
        language=language,
        private=True,
        settings=("mediator", mediator.pk),
        sessions=sessions,
        extras=_headcount_extras,
        version_aggregates=headcount_version,
        extras_key=HEADCOUNT_KEY,
    )


def feed_token_find(
    model: type[FeedTokenBase], raw_token: str, *, related: tuple = (), kind: dict | None = None
):
    """The token (revoked or not) whose secret is ``raw_token`` and whose fields match ``kind``
    (e.g. its scope: a partner's secret on a mediator's path finds nothing), or None; one
    query."""
    return (
        model._default_manager.select_related(*related)
        .filter(token_hash=hash_token(raw_token), **(kind or {}))
        .first()
    )
