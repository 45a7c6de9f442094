"""Feeds right at the edges: both caps at once, the repeated hour, tokens of another kind,
headers, and the versions that must follow every input of an event."""

import datetime

import icalendar
import pytest
import time_machine
from django.urls import reverse
from ical.calendar_stream import IcsCalendarStream

from programmes.models import Programme
from sessions.feeds import FeedWindow, feed_build, programme_feed
from tests.factories import (
    MediatorFactory,
    ProgrammeFactory,
    SessionFactory,
    VenueFactory,
    feed_token_for,
)

from .conftest import paris

pytestmark = pytest.mark.django_db
NOW = paris(2027, 3, 10, 9, 0)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def feed_path(programme) -> str:
    return reverse("calendars:programme", kwargs={"slug": programme.slug})


def uids(body: bytes) -> list[str]:
    return [str(e["UID"]).split("@")[0]
            for e in icalendar.Calendar.from_ical(body).walk("VEVENT")]


def sessions_from(programme, first: datetime.datetime, count: int) -> list:
    return [SessionFactory(programme=programme, starts_at=first + datetime.timedelta(days=i),
                           ends_at=first + datetime.timedelta(days=i, hours=2))
            for i in range(count)]


def test_when_both_caps_bite_the_nearest_coming_sessions_stay(client, programme, settings):
    past = sessions_from(programme, paris(2027, 3, 1, 14, 0), 3)
    coming = sessions_from(programme, paris(2027, 3, 11, 14, 0), 8)
    full = client.get(feed_path(programme)).content
    event_size = len(full[full.index(b"BEGIN:VEVENT"):full.index(b"END:VEVENT\r\n") + 12])
    head_and_tail = len(full) - len(full[full.index(b"BEGIN:VEVENT"):full.rindex(b"END:VEVENT")])
    settings.CALENDAR_FEED_MAX_EVENTS = 6
    settings.CALENDAR_FEED_MAX_BYTES = head_and_tail + 3 * event_size + event_size // 2
    kept = uids(client.get(feed_path(programme)).content)
    assert kept == [f"session-{s.pk}" for s in coming[:3]]
    assert not set(kept) & {f"session-{s.pk}" for s in past}


def test_event_cap_alone_keeps_the_latest_past_after_every_coming(client, programme, settings):
    past = sessions_from(programme, paris(2027, 3, 1, 14, 0), 3)
    coming = sessions_from(programme, paris(2027, 3, 11, 14, 0), 2)
    settings.CALENDAR_FEED_MAX_EVENTS = 4
    kept = uids(client.get(feed_path(programme)).content)
    assert kept == [f"session-{s.pk}" for s in [*past[1:], *coming]]


# The repeated hour: on 31 October 2027 Paris goes from 03:00 CEST back to 02:00 CET.

def test_the_repeated_hour_is_written_in_utc_and_read_alike_by_two_parsers(client, programme):
    first = paris(2027, 10, 31, 2, 30)  # fold=0: CEST, 00:30 UTC
    second = first.replace(fold=1)      # CET, 01:30 UTC
    assert second.astimezone(datetime.UTC) - first.astimezone(datetime.UTC) == datetime.timedelta(
        hours=1)
    sessions = [SessionFactory(programme=programme, starts_at=start,
                               ends_at=start + datetime.timedelta(minutes=45))
                for start in (first, second)]
    ordinary = SessionFactory(programme=programme, starts_at=paris(2027, 10, 31, 14, 0),
                              ends_at=paris(2027, 10, 31, 16, 0))
    with time_machine.travel(paris(2027, 10, 20, 9, 0), tick=False):
        body = client.get(feed_path(programme)).content
    expected = {f"session-{s.pk}": (s.starts_at.astimezone(datetime.UTC),
                                    s.ends_at.astimezone(datetime.UTC))
                for s in [*sessions, ordinary]}
    assert expected[f"session-{sessions[0].pk}"][0] == datetime.datetime(
        2027, 10, 31, 0, 30, tzinfo=datetime.UTC)

    read_by_icalendar = {
        str(e["UID"]).split("@")[0]: (e["DTSTART"].dt.astimezone(datetime.UTC),
                                      e["DTEND"].dt.astimezone(datetime.UTC))
        for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    strict = IcsCalendarStream.calendar_from_ics(body.decode())
    read_by_ical = {e.uid.split("@")[0]: (e.dtstart.astimezone(datetime.UTC),
                                          e.dtend.astimezone(datetime.UTC))
                    for e in strict.events}
    assert read_by_icalendar == expected
    assert read_by_ical == expected
    text = body.decode()
    assert "DTSTART:20271031T003000Z" in text and "DTSTART:20271031T013000Z" in text
    assert "DTSTART;TZID=Europe/Paris:20271031T140000" in text, "other times keep their TZID"


# Tokens, headers.

def test_a_token_on_another_kind_of_feed_is_not_found(client, programme):
    mediator = programme.mediators.first()
    _token, mediator_raw = feed_token_for(mediator=mediator)
    from tests.factories import PartnerFactory

    partner = PartnerFactory()
    _token, partner_raw = feed_token_for(partner=partner)
    assert client.get(reverse("calendars:partner", kwargs={"token": mediator_raw})
                      ).status_code == 404
    assert client.get(reverse("calendars:mediator", kwargs={"token": partner_raw})
                      ).status_code == 404
    assert client.get(reverse("household_calendars:household", kwargs={"token": partner_raw})
                      ).status_code == 404
    assert client.get(reverse("calendars:partner", kwargs={"token": partner_raw})
                      ).status_code == 200


def test_content_language_is_the_feeds_and_nothing_varies(client, programme):
    sessions_from(programme, paris(2027, 3, 11, 14, 0), 1)
    client.cookies["sessionid"] = "whatever"
    english = client.get(feed_path(programme), {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert english["Content-Language"] == "en"
    assert b"Details: " in english.content
    french = client.get(feed_path(programme), {"lang": "fr"}, HTTP_ACCEPT_LANGUAGE="en")
    assert french["Content-Language"] == "fr"
    assert "Détails : ".encode() in french.content
    for response in (english, french):
        assert not response.has_header("Vary"), response.get("Vary")
    _token, raw = feed_token_for(mediator=programme.mediators.first(), language="fr")
    private = client.get(reverse("calendars:mediator", kwargs={"token": raw}),
                         HTTP_ACCEPT_LANGUAGE="en")
    assert private["Content-Language"] == "fr" and not private.has_header("Vary")
    page = client.get(programme.get_absolute_url())
    assert "Accept-Language" in page["Vary"], "pages still vary on what they depend on"


# Versions follow venues, programmes and mediators, for the feeds that show them only.

@pytest.fixture
def two_programmes(programme):
    other = ProgrammeFactory(venue=VenueFactory(name="Gymnase"))
    other.mediators.add(MediatorFactory())
    sessions_from(programme, paris(2027, 3, 11, 14, 0), 2)
    theirs = sessions_from(other, paris(2027, 3, 11, 10, 0), 2)
    return programme, other, theirs


def _stamps(body: bytes) -> dict[str, tuple]:
    return {str(e["UID"]): (e["DTSTAMP"].dt, e["LAST-MODIFIED"].dt, int(e["SEQUENCE"]))
            for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


@pytest.mark.parametrize("edit", ["venue address", "programme title", "what to bring",
                                  "mediator name", "mediator phone", "mediator removed"])
def test_what_events_show_moves_their_stamps_and_only_their_feeds(client, two_programmes, edit,
                                                                  _frozen, monkeypatch):
    programme, other, _theirs = two_programmes
    before = client.get(feed_path(programme))
    other_before = client.get(feed_path(other))
    _frozen.shift(datetime.timedelta(minutes=3))
    programme = Programme.objects.get(pk=programme.pk)
    mediator = programme.mediators.order_by("pk").first()
    if edit == "venue address":
        programme.venue.address = "3 avenue Eugène Thomas"
        programme.venue.save()
    elif edit == "programme title":
        programme.title = "Atelier sommeil"
        programme.save()
    elif edit == "what to bring":
        programme.what_to_bring = "Un pyjama"
        programme.save()
    elif edit == "mediator name":
        mediator.user.last_name = "Benali-Durand"
        mediator.user.save()
    elif edit == "mediator phone":
        mediator.phone = "06 00 00 00 00"
        mediator.save()
    else:
        programme.mediators.remove(mediator)

    after = client.get(feed_path(programme), HTTP_IF_NONE_MATCH=before["ETag"],
                       HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert before.content != after.content
    old, new = _stamps(before.content), _stamps(after.content)
    for uid, (stamp, modified, sequence) in new.items():
        assert stamp == modified == NOW.astimezone(datetime.UTC) + datetime.timedelta(minutes=3)
        assert stamp > old[uid][0] and sequence == old[uid][2] + 1

    # The other programme's feed neither changed nor had its events rendered again.
    monkeypatch.setattr("sessions.feeds.EventWriter.event",
                        lambda *a, **k: pytest.fail("an unaffected event was rendered again"))
    assert client.get(feed_path(other), HTTP_IF_NONE_MATCH=other_before["ETag"]
                      ).status_code == 304
    assert client.get(feed_path(other)).content == other_before.content


def test_an_edit_that_events_do_not_show_changes_nothing(client, two_programmes):
    programme, _other, _theirs = two_programmes
    before = client.get(feed_path(programme))
    programme.venue.in_qpv = not programme.venue.in_qpv
    programme.venue.save()
    assert client.get(feed_path(programme), HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304


def test_a_session_leaving_a_partner_feed_changes_its_version(client, two_programmes, _frozen):
    from tests.factories import PartnerFactory

    programme, other, _theirs = two_programmes
    partner = PartnerFactory()
    programme.partners.add(partner)
    _token, raw = feed_token_for(partner=partner)
    path = reverse("calendars:partner", kwargs={"token": raw})
    before = client.get(path)
    _frozen.shift(datetime.timedelta(minutes=1))
    programme.partners.remove(partner)
    other.partners.add(partner)  # as many sessions as before, older change dates
    assert client.get(path, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]).status_code == 200


def test_feed_build_no_longer_reads_a_global_version(programme, django_assert_num_queries):
    sessions_from(programme, paris(2027, 3, 11, 14, 0), 3)
    feed = programme_feed(programme=programme, language="fr")
    # The sessions' keys, their rows, their programmes' mediators.
    with django_assert_num_queries(3):
        feed_build(feed, window=FeedWindow.current())
