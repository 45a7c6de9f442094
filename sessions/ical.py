"""RFC 5545 calendars built from sessions: a pure function from sessions to bytes.

Each point below comes from a real client that broke without it:

- CRLF line ends, lines folded at 75 octets without splitting a UTF-8 character (nor a TEXT
  escape, which some clients mis-read across a fold), TEXT values escaped;
- NAME / X-WR-CALNAME, X-WR-TIMEZONE, REFRESH-INTERVAL;VALUE=DURATION and X-PUBLISHED-TTL;
- one rule-based VTIMEZONE (Outlook mishandles the date-list form), TZID on every local time,
  DTSTAMP and LAST-MODIFIED in UTC;
- stable UIDs, DTSTAMP derived from the session's last change (an unchanged feed is
  byte-identical between renders), SEQUENCE from the session's revision.

``icalendar`` writes the VTIMEZONE and escapes text; events are written as strings because
building an ``icalendar.Event`` per session costs about ten times more (see docs/performance.md),
and each event's text is kept in an :class:`EventCache` until the session changes.
"""

import datetime
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur, vText

from programmes.models import Mediator

from .models import Session, SessionStatus

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
    """A TEXT value escaped for a content line (backslash, semicolon, comma, newline)."""
    return vText(_CONTROL_CHARACTERS.sub("", value)).to_ical().decode()


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


def utc_stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def local_stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y%m%dT%H%M%S")


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


def event_key(
    *,
    session_id: int,
    revision: int,
    updated_at: datetime.datetime,
    programme_updated_at: datetime.datetime,
    content_version: object,
    extras: EventExtras,
) -> tuple:
    """What an event's text depends on, beyond code: ``content_version`` stands for venues and
    mediators, which keep no change date of their own."""
    return (session_id, revision, updated_at, programme_updated_at, content_version,
            translation.get_language(), settings.SITE_URL, extras)


def contact_line(mediators: Iterable[Mediator]) -> str:
    """Whom to call about a session: its programme's mediators, with their phones."""
    return ", ".join(f"{mediator} ({mediator.phone})" if mediator.phone else str(mediator)
                     for mediator in mediators)


def _summary(session: Session, extras: EventExtras) -> str:
    title = session.programme.title
    if extras.participants:
        title = _("%(title)s – %(names)s") % {
            "title": title, "names": ", ".join(extras.participants)}
    if session.status == SessionStatus.CANCELLED:
        return _("Cancelled: %(title)s") % {"title": title}
    return title


def _description(session: Session, url: str, contacts: str, extras: EventExtras) -> str:
    programme, venue = session.programme, session.venue
    lines = []
    if session.status == SessionStatus.CANCELLED:
        lines.append(_("This session is cancelled."))
    elif session.status == SessionStatus.MOVED:
        lines.append(_("This session was moved: the time or place is the new one."))
    if session.status_reason and session.status != SessionStatus.SCHEDULED:
        lines.append(session.status_reason)
    if programme.what_to_bring:
        lines.append(_("What to bring: %(items)s") % {"items": programme.what_to_bring})
    if contacts:
        lines.append(_("Whom to call: %(people)s") % {"people": contacts})
    if venue.accessibility_notes:
        lines.append(_("Access: %(notes)s") % {"notes": venue.accessibility_notes})
    if extras.places_taken is not None:
        lines.append(_("Places taken: %(taken)d of %(capacity)d") % {
            "taken": extras.places_taken, "capacity": session.capacity})
    lines.append(_("Details: %(url)s") % {"url": url})
    return "\n".join(lines)


def render_event(
    session: Session, *, host: str, contacts: str, extras: EventExtras = NO_EXTRAS
) -> bytes:
    """One VEVENT, as folded UTF-8 content lines; ``session`` needs its programme and venue."""
    changed = utc_stamp(session.updated_at)
    url = f"{settings.SITE_URL}{session.get_absolute_url()}"
    venue = session.venue
    cancelled = session.status == SessionStatus.CANCELLED
    lines = (
        "BEGIN:VEVENT",
        f"UID:{session_uid(session.pk, host)}",
        f"DTSTAMP:{changed}",
        f"CREATED:{utc_stamp(session.created_at)}",
        f"LAST-MODIFIED:{changed}",
        f"SEQUENCE:{session.revision}",
        f"DTSTART;TZID={TZID}:{local_stamp(session.starts_at)}",
        f"DTEND;TZID={TZID}:{local_stamp(session.ends_at)}",
        f"SUMMARY:{escape_text(_summary(session, extras))}",
        f"LOCATION:{escape_text(f'{venue.name}, {venue.address}')}",
        f"DESCRIPTION:{escape_text(_description(session, url, contacts, extras))}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"TRANSP:{'TRANSPARENT' if cancelled else 'OPAQUE'}",
        "END:VEVENT",
    )
    return b"".join(fold(line) for line in lines)


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
        lines += [f"DESCRIPTION:{escape_text(description)}",
                  f"X-WR-CALDESC:{escape_text(description)}"]
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
    host = site_host()
    extras = extras or {}
    events = [render_event(session, host=host,
                           contacts=contact_line(session.programme.mediators.all()),
                           extras=extras.get(session.pk, NO_EXTRAS))
              for session in sessions]
    return join_calendar(name=name, description=description, events=events)
