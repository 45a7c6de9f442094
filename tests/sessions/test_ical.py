"""The calendar builder, without HTTP: each point real clients need, checked on the bytes and by
parsing them back with icalendar, ical (strict) and recurring-ical-events."""

import datetime
import re

import icalendar
import pytest
import recurring_ical_events
from ical.calendar_stream import IcsCalendarStream

from sessions.ical import build_calendar, escape_text, fold
from sessions.selectors import session_for_download

from .conftest import DST_STARTS, PARIS, paris

pytestmark = pytest.mark.django_db


def calendar_of(sessions, **kwargs) -> bytes:
    loaded = session_for_download().filter(pk__in=[s.pk for s in sessions])
    return build_calendar(list(loaded), name=kwargs.pop("name", "Atelier; santé, test"), **kwargs)


def physical_lines(body: bytes) -> list[bytes]:
    assert body.endswith(b"\r\n")
    return body[:-2].split(b"\r\n")


def test_starts_at_byte_zero_and_uses_crlf_only(dst_sessions):
    body = calendar_of(dst_sessions)
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert b"\r" not in body.replace(b"\r\n", b"")


def test_lines_are_folded_at_75_octets_without_splitting_characters(dst_sessions):
    body = calendar_of(dst_sessions)
    lines = physical_lines(body)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines), "the data should need folding"
    for line in lines:
        line.decode("utf-8")  # a split multi-byte character would raise here
        assert not re.search(rb"(?<!\\)(\\\\)*\\$", line), "a TEXT escape split across a fold"


@pytest.mark.parametrize(
    "text",
    [
        "é" * 80,
        "a" * 74 + "é" * 3,
        "x" * 73 + "\\,",
        "; , \\ \n ü " * 20,
        "🙂" * 30,
    ],
)
def test_fold_round_trips_any_text(text):
    line = "DESCRIPTION:" + escape_text(text)
    folded = fold(line)
    parts = folded[:-2].split(b"\r\n")
    assert all(len(part) <= 75 for part in parts)
    assert all(part.startswith(b" ") for part in parts[1:])
    assert b"".join(part[1:] if i else part for i, part in enumerate(parts)).decode() == line


def test_text_values_are_escaped_and_parse_back(dst_sessions, programme):
    body = calendar_of(dst_sessions)
    assert (
        b"LOCATION:Centre social Germaine Tillion\\, salle 2\\, 12 rue de l'\xc3\x89glise\\;"
        in body.replace(b"\r\n ", b"")
    )
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == programme.title
    assert str(event["LOCATION"]) == f"{programme.venue.name}, {programme.venue.address}"
    description = str(event["DESCRIPTION"])
    assert programme.what_to_bring in description
    assert "Ascenseur\\rampe; entrée côté cour" in description


def test_calendar_properties(dst_sessions):
    body = calendar_of(dst_sessions).replace(b"\r\n ", b"")
    for line in (
        b"VERSION:2.0",
        b"PRODID:-//",
        b"NAME:Atelier\\; sant\xc3\xa9\\, test",
        b"X-WR-CALNAME:Atelier\\; sant\xc3\xa9\\, test",
        b"X-WR-TIMEZONE:Europe/Paris",
        b"REFRESH-INTERVAL;VALUE=DURATION:PT6H",
        b"X-PUBLISHED-TTL:PT6H",
        b"METHOD:PUBLISH",
    ):
        assert b"\r\n" + line in body


def test_one_rule_based_vtimezone_and_no_floating_times(dst_sessions):
    body = calendar_of(dst_sessions).decode()
    calendar = icalendar.Calendar.from_ical(body)
    zones = calendar.walk("VTIMEZONE")
    assert [str(zone["TZID"]) for zone in zones] == ["Europe/Paris"]
    assert {sub.name for sub in zones[0].subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert all("RRULE" in sub and "RDATE" not in sub for sub in zones[0].subcomponents)
    events = body[body.index("BEGIN:VEVENT") :]
    for line in events.split("\r\n"):
        if re.search(r":\d{8}T\d{6}Z?$", line):
            name = line.split(":")[0]
            if name in {"DTSTAMP", "LAST-MODIFIED", "CREATED"}:
                assert line.endswith("Z")
            else:
                assert name.endswith(";TZID=Europe/Paris"), line
    assert "RRULE" not in events, "sessions are expanded, never recurring"


def test_uids_are_stable_and_unique(dst_sessions, settings):
    settings.SITE_URL = "https://mediation.example.fr"
    first = calendar_of(dst_sessions)
    events = icalendar.Calendar.from_ical(first).walk("VEVENT")
    uids = [str(event["UID"]) for event in events]
    assert uids == [f"session-{s.pk}@mediation.example.fr" for s in dst_sessions]
    assert len(set(uids)) == len(uids)
    assert calendar_of(dst_sessions) == first, "an unchanged calendar is byte-identical"


def test_stamps_come_from_the_last_change(dst_sessions):
    session = dst_sessions[0]
    event = icalendar.Calendar.from_ical(calendar_of([session])).walk("VEVENT")[0]
    changed = session.updated_at.replace(microsecond=0).astimezone(datetime.UTC)
    assert event["DTSTAMP"].dt == changed
    assert event["LAST-MODIFIED"].dt == changed
    assert event["SEQUENCE"] == 0


def _expected(sessions):
    return sorted(
        (
            f"session-{s.pk}",
            s.starts_at.astimezone(datetime.UTC),
            s.ends_at.astimezone(datetime.UTC),
        )
        for s in sessions
    )


def test_strict_parser_reads_the_same_occurrences_across_dst(dst_sessions):
    body = calendar_of(dst_sessions).decode()
    calendar = IcsCalendarStream.calendar_from_ics(body)
    found = sorted(
        (
            event.uid.split("@")[0],
            event.dtstart.astimezone(datetime.UTC),
            event.dtend.astimezone(datetime.UTC),
        )
        for event in calendar.events
    )
    assert found == _expected(dst_sessions)
    # Local wall-clock times survive both changes: 14:00 stays 14:00 in Paris.
    local = sorted(event.dtstart.astimezone(PARIS) for event in calendar.events)
    assert [moment.time() for moment in local] == [start.time() for start in DST_STARTS]


def test_recurring_ical_events_reads_the_same_occurrences_across_dst(dst_sessions):
    calendar = icalendar.Calendar.from_ical(calendar_of(dst_sessions))
    window = recurring_ical_events.of(calendar).between(paris(2027, 3, 1), paris(2027, 12, 1))
    found = sorted(
        (
            str(event["UID"]).split("@")[0],
            event["DTSTART"].dt.astimezone(datetime.UTC),
            event["DTEND"].dt.astimezone(datetime.UTC),
        )
        for event in window
    )
    assert found == _expected(dst_sessions)
    march = recurring_ical_events.of(calendar).at((2027, 3, 28))
    assert [event["DTSTART"].dt.utcoffset() for event in march] == [datetime.timedelta(hours=2)]
    october = recurring_ical_events.of(calendar).at((2027, 10, 31))
    assert [event["DTSTART"].dt.utcoffset() for event in october] == [datetime.timedelta(hours=1)]


def test_two_events_sharing_a_uid_would_be_caught(dst_sessions):
    """The check above is meaningful: a duplicated UID loses an occurrence."""
    body = calendar_of(dst_sessions[:2]).decode()
    second = f"session-{dst_sessions[1].pk}@"
    body = body.replace(second, f"session-{dst_sessions[0].pk}@")
    calendar = icalendar.Calendar.from_ical(body)
    found = list(recurring_ical_events.of(calendar).between(paris(2027, 3, 1), paris(2027, 4, 1)))
    assert len(found) < 2


def test_same_events_as_plain_icalendar(dst_sessions):
    """What icalendar itself would write for the same data reads back identically."""
    ours = icalendar.Calendar.from_ical(calendar_of(dst_sessions))
    reference = icalendar.Calendar()
    for parsed in ours.walk("VEVENT"):
        event = icalendar.Event()
        for name in ("UID", "SUMMARY", "LOCATION", "DESCRIPTION", "DTSTART", "DTEND"):
            event.add(
                name.lower(), parsed.decoded(name) if name.startswith("DT") else str(parsed[name])
            )
        reference.add_component(event)
    again = icalendar.Calendar.from_ical(reference.to_ical())
    for mine, theirs in zip(ours.walk("VEVENT"), again.walk("VEVENT"), strict=True):
        for name in ("UID", "SUMMARY", "LOCATION", "DESCRIPTION"):
            assert str(mine[name]) == str(theirs[name])
        assert mine["DTSTART"].dt == theirs["DTSTART"].dt


@pytest.mark.parametrize(
    "text",
    [
        "a, b; c\\d",
        "line\nnext\r\nthird\rfourth",
        "« Santé » — 12,5 €; ok",
        "\\n is not a newline",
    ],
)
def test_escaping_matches_icalendar(text):
    assert escape_text(text) == icalendar.vText(text).to_ical().decode()
