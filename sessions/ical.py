"""RFC 5545 calendars built from sessions: a pure function from sessions to bytes.

Each point below comes from a real client that broke without it:

- CRLF line ends, lines folded at 75 octets without splitting a UTF-8 character (nor a TEXT
  escape, which some clients mis-read across a fold), TEXT values escaped;
- NAME / X-WR-CALNAME, X-WR-TIMEZONE, REFRESH-INTERVAL;VALUE=DURATION and X-PUBLISHED-TTL;
- one rule-based VTIMEZONE (Outlook mishandles the date-list form), TZID on every local time,
  DTSTAMP and LAST-MODIFIED in UTC; a time in October's repeated hour in UTC, since a TZID
  cannot say which of the two it is;
- stable UIDs, DTSTAMP derived from the session's last change (an unchanged feed is
  byte-identical between renders), SEQUENCE from the session's revision.

``icalendar`` writes the VTIMEZONE (and is the reference the tests compare with); events are
written as strings because
building an ``icalendar.Event`` per session costs about ten times more (see docs/performance.md),
and each event's text is kept in an :class:`EventCache` until the session changes.
"""

import datetime
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

from programmes.models import Mediator

from .models import Session, SessionStatus, change_reason_text

TZID = "Europe/Paris"
PARIS = ZoneInfo(TZID)
UTC = datetime.UTC
PRODID = "-//Mediation service//Workshop calendars 1.0//EN"
REFRESH = "PT6H"
CRLF = b"\r\n"
LINE_OCTETS = 75
# C0 controls other than tab, newline and carriage return are not allowed in TEXT values.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape_text(value: str) -> str:
    """A TEXT value escaped for a content line (backslash, semicolon, comma, newline).

    The same rules as icalendar's ``vText`` (tests compare them), without building an object
    per value: a cold build of 10,000 events spends a third of its time here otherwise.
    """
    return (
        _CONTROL_CHARACTERS.sub("", value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> bytes:
    """One content line as UTF-8, folded at 75 octets, ending with CRLF.

    A fold never splits a UTF-8 sequence, nor a backslash from the character it escapes.
    """
    data = line.encode()
    if len(data) <= LINE_OCTETS:
        return data + CRLF
    parts = []
    start, limit, end = 0, LINE_OCTETS, len(data)
    while end - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte
            cut -= 1
        backslashes = 0
        while data[cut - 1 - backslashes] == 0x5C and cut - 1 - backslashes > start:
            backslashes += 1
        if backslashes % 2:
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, LINE_OCTETS - 1  # the leading space of a continuation counts
    parts.append(data[start:])
    return b"\r\n ".join(parts) + CRLF


def _stamp(m: datetime.datetime) -> str:
    # Faster than strftime, which is called four times per event.
    return f"{m.year:04}{m.month:02}{m.day:02}T{m.hour:02}{m.minute:02}{m.second:02}"


def utc_stamp(moment: datetime.datetime) -> str:
    return _stamp(moment.astimezone(UTC)) + "Z"


def local_stamp(moment: datetime.datetime) -> str:
    return _stamp(moment.astimezone(PARIS))


def is_repeated_local_time(local: datetime.datetime) -> bool:
    """Whether a Paris wall-clock time occurs twice (02:00 to 03:00 on the last Sunday of
    October): with a TZID alone a client cannot tell the first 02:30 from the second, and
    parsers disagree on which they pick."""
    if local.month != 10 or local.hour != 2:  # the only hour it can be, checked cheaply first
        return False
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def date_time_lines(starts_at: datetime.datetime, ends_at: datetime.datetime) -> tuple[str, str]:
    """DTSTART and DTEND in Paris time, or both in UTC when either falls in the repeated hour
    (RFC 5545 3.3.5 allows UTC for any DATE-TIME; every client reads it the same)."""
    start, end = starts_at.astimezone(PARIS), ends_at.astimezone(PARIS)
    if is_repeated_local_time(start) or is_repeated_local_time(end):
        return f"DTSTART:{utc_stamp(start)}", f"DTEND:{utc_stamp(end)}"
    return f"DTSTART;TZID={TZID}:{_stamp(start)}", f"DTEND;TZID={TZID}:{_stamp(end)}"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def session_uid(session_id: int, host: str | None = None) -> str:
    """The same UID for a session in every feed and every render."""
    return f"session-{session_id}@{host or site_host()}"


@cache
def vtimezone() -> bytes:
    """A rule-based VTIMEZONE for Europe/Paris (EU rules since 1996), written by icalendar."""
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("tzoffsetfrom", datetime.timedelta(hours=1))
    daylight.add("tzoffsetto", datetime.timedelta(hours=2))
    daylight.add("dtstart", datetime.datetime(1996, 3, 31, 2, 0))  # noqa: DTZ001 (floating by RFC)
    daylight.add("rrule", vRecur(freq="YEARLY", bymonth=3, byday="-1SU"))
    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("tzoffsetfrom", datetime.timedelta(hours=2))
    standard.add("tzoffsetto", datetime.timedelta(hours=1))
    standard.add("dtstart", datetime.datetime(1996, 10, 27, 3, 0))  # noqa: DTZ001
    standard.add("rrule", vRecur(freq="YEARLY", bymonth=10, byday="-1SU"))
    timezone = Timezone()
    timezone.add("tzid", TZID)
    timezone.add("x-lic-location", TZID)
    timezone.add_component(daylight)
    timezone.add_component(standard)
    return timezone.to_ical()


@dataclass(frozen=True, slots=True)
class EventExtras:
    """What some feeds add to an event: a headcount (partners, mediators), first names (a
    household). Part of the cache key, since it changes without the session changing."""

    places_taken: int | None = None
    participants: tuple[str, ...] = ()


NO_EXTRAS = EventExtras()


class EventCache:
    """Rendered events kept per process until their session (or what they show) changes.

    Keys carry the session's revision and last change, so a changed session simply misses;
    the oldest entries go first once the cache is full.
    """

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._events: dict[tuple, bytes] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._events)

    def get(self, key: tuple) -> bytes | None:
        return self._events.get(key)

    def put(self, key: tuple, event: bytes) -> None:
        with self._lock:
            if len(self._events) >= self.max_entries:
                for old in list(self._events)[: max(1, self.max_entries // 10)]:
                    del self._events[old]
            self._events[key] = event

    def clear(self) -> None:
        with self._lock:
            self._events.clear()


def build_context() -> tuple:
    """What every event of a build depends on besides its own data: the language and the
    site. Part of each event's cache key. (What venues, programmes and mediators show moves
    the change date of the sessions showing it, see sessions.receivers.)"""
    return (translation.get_language(), settings.SITE_URL)


def contact_line(mediators: Iterable[Mediator]) -> str:
    """Whom to call about a session: its programme's mediators, with their phones."""
    return ", ".join(
        f"{mediator} ({mediator.phone})" if mediator.phone else str(mediator)
        for mediator in mediators
    )


@dataclass(frozen=True, slots=True)
class EventData:
    """What an event shows of a session, its programme and its venue.

    Feeds fill it from plain rows (instantiating 10,000 models triples a cold build's time);
    :meth:`from_session` fills it from a loaded session.
    """

    pk: int
    revision: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str
    status_reason: str
    status_reason_code: str
    capacity: int
    title: str
    what_to_bring: str
    venue_name: str
    venue_address: str
    venue_access: str

    # The columns feeds select, in the order of the fields above (capacity is computed).
    COLUMNS = (
        "pk",
        "revision",
        "created_at",
        "updated_at",
        "starts_at",
        "ends_at",
        "status",
        "status_reason",
        "status_reason_code",
        "capacity_override",
        "programme__capacity",
        "programme__title",
        "programme__what_to_bring",
        "venue__name",
        "venue__address",
        "venue__accessibility_notes",
    )

    @classmethod
    def from_row(cls, row: tuple) -> "EventData":
        override, programme_capacity = row[9], row[10]
        # One tuple, then unpacked: mypy cannot count arguments placed after a ``*row[:9]``.
        return cls(*(*row[:9], programme_capacity if override is None else override, *row[11:]))

    @classmethod
    def from_session(cls, session: Session) -> "EventData":
        programme, venue = session.programme, session.venue
        return cls(
            session.pk,
            session.revision,
            session.created_at,
            session.updated_at,
            session.starts_at,
            session.ends_at,
            session.status,
            session.status_reason,
            session.status_reason_code,
            session.capacity,
            programme.title,
            programme.what_to_bring,
            venue.name,
            venue.address,
            venue.accessibility_notes,
        )


# Titles and places repeat across a feed's events: escape each once.
_escaped_cached = lru_cache(maxsize=4096)(escape_text)


class EventWriter:
    """Writes the events of one build: labels translated once, in the active language."""

    def __init__(self) -> None:
        self.host = site_host()
        placeholder = 987654321
        path = reverse("sessions:detail", kwargs={"pk": placeholder})
        self.url_prefix, self.url_suffix = f"{settings.SITE_URL}{path}".split(str(placeholder))
        self.labels = {
            "named": _("%(title)s – %(names)s"),
            "cancelled_title": _("Cancelled: %(title)s"),
            "cancelled": _("This session is cancelled."),
            "moved": _("This session was moved: the time or place is the new one."),
            "bring": _("What to bring: %(items)s"),
            "call": _("Whom to call: %(people)s"),
            "access": _("Access: %(notes)s"),
            "places": _("Places taken: %(taken)d of %(capacity)d"),
            "details": _("Details: %(url)s"),
        }

    def summary(self, data: EventData, extras: EventExtras) -> str:
        title = data.title
        if extras.participants:
            title = self.labels["named"] % {"title": title, "names": ", ".join(extras.participants)}
        if data.status == SessionStatus.CANCELLED:
            return self.labels["cancelled_title"] % {"title": title}
        return title

    def description(self, data: EventData, url: str, contacts: str, extras: EventExtras) -> str:
        labels, lines = self.labels, []
        if data.status == SessionStatus.CANCELLED:
            lines.append(labels["cancelled"])
        elif data.status == SessionStatus.MOVED:
            lines.append(labels["moved"])
        reason = change_reason_text(data.status_reason_code, data.status_reason)
        if reason and data.status != SessionStatus.SCHEDULED:
            # The kind of reason in words (as the families' messages say it), then the
            # coordinator's own words.
            lines.append(reason)
        if data.what_to_bring:
            lines.append(labels["bring"] % {"items": data.what_to_bring})
        if contacts:
            lines.append(labels["call"] % {"people": contacts})
        if data.venue_access:
            lines.append(labels["access"] % {"notes": data.venue_access})
        if extras.places_taken is not None:
            lines.append(
                labels["places"] % {"taken": extras.places_taken, "capacity": data.capacity}
            )
        lines.append(labels["details"] % {"url": url})
        return "\n".join(lines)

    def event(self, data: EventData, *, contacts: str, extras: EventExtras = NO_EXTRAS) -> bytes:
        """One VEVENT, as folded UTF-8 content lines."""
        changed = utc_stamp(data.updated_at)
        url = f"{self.url_prefix}{data.pk}{self.url_suffix}"
        cancelled = data.status == SessionStatus.CANCELLED
        dtstart, dtend = date_time_lines(data.starts_at, data.ends_at)
        lines = (
            "BEGIN:VEVENT",
            f"UID:{session_uid(data.pk, self.host)}",
            f"DTSTAMP:{changed}",
            f"CREATED:{utc_stamp(data.created_at)}",
            f"LAST-MODIFIED:{changed}",
            f"SEQUENCE:{data.revision}",
            dtstart,
            dtend,
            f"SUMMARY:{_escaped_cached(self.summary(data, extras))}",
            f"LOCATION:{_escaped_cached(f'{data.venue_name}, {data.venue_address}')}",
            f"DESCRIPTION:{escape_text(self.description(data, url, contacts, extras))}",
            f"URL:{url}",
            f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
            f"TRANSP:{'TRANSPARENT' if cancelled else 'OPAQUE'}",
            "END:VEVENT",
        )
        return b"".join(map(fold, lines))


def calendar_head(*, name: str, description: str = "") -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape_text(name)}",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    if description:
        lines += [
            f"DESCRIPTION:{escape_text(description)}",
            f"X-WR-CALDESC:{escape_text(description)}",
        ]
    lines += [
        f"X-WR-TIMEZONE:{TZID}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
    ]
    return b"".join(fold(line) for line in lines) + vtimezone()


CALENDAR_TAIL = b"END:VCALENDAR\r\n"


def join_calendar(*, name: str, description: str = "", events: Iterable[bytes]) -> bytes:
    """A VCALENDAR around already rendered events."""
    return b"".join((calendar_head(name=name, description=description), *events, CALENDAR_TAIL))


def build_calendar(
    sessions: Sequence[Session],
    *,
    name: str,
    description: str = "",
    extras: Mapping[int, EventExtras] | None = None,
) -> bytes:
    """A whole calendar of ``sessions`` (with programme, its mediators, and venue loaded), in the
    active language. Feeds go through :mod:`sessions.feeds`, which also keeps rendered events."""
    writer, extras = EventWriter(), extras or {}
    events = [
        writer.event(
            EventData.from_session(session),
            contacts=contact_line(session.programme.mediators.all()),
            extras=extras.get(session.pk, NO_EXTRAS),
        )
        for session in sessions
    ]
    return join_calendar(name=name, description=description, events=events)
