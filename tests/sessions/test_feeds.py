"""Calendar feeds over HTTP: headers, conditional requests, windows, tokens, query counts."""

import datetime

import icalendar
import pytest
import time_machine
from django.urls import reverse
from django.utils.http import http_date

from accounts.roles import Role
from programmes.models import Field, ProgrammeStatus
from sessions import hooks
from sessions.models import FeedToken, SessionStatus
from sessions.services import feed_token_revoke, feed_token_rotate, session_cancel, session_move
from tests.factories import (
    MediatorFactory,
    PartnerFactory,
    ProgrammeFactory,
    SessionFactory,
    VenueFactory,
    feed_token_for,
    user_with_role,
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


def events_of(response) -> list:
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def many_sessions(programme, count: int, start=None):
    start = start or paris(2027, 3, 15, 14, 0)
    return [
        SessionFactory(
            programme=programme,
            starts_at=start + datetime.timedelta(days=i),
            ends_at=start + datetime.timedelta(days=i, hours=2),
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("accept", [None, "application/json", "text/html,*/*;q=0.8"])
def test_public_feed_is_a_calendar_whatever_accept_says(client, dst_sessions, programme, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = client.get(feed_path(programme), **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert len(events_of(response)) == len(dst_sessions)
    assert response["ETag"].startswith('"') and not response["ETag"].startswith("W/")
    assert "Last-Modified" in response
    assert "public" in response["Cache-Control"]


def test_public_feed_path_is_the_one_the_api_announces(client, programme):
    from programmes.schemas import programme_feed_url

    assert programme_feed_url(programme).endswith(feed_path(programme))
    assert client.get(feed_path(programme)).status_code == 200


def test_unpublished_or_unknown_programme_has_no_feed(client, programme):
    programme.status = ProgrammeStatus.DRAFT
    programme.save()
    assert client.get(feed_path(programme)).status_code == 404
    assert client.get("/calendars/programmes/nothing-here.ics").status_code == 404


def test_304_on_a_true_match_only_and_in_two_queries(
    client, programme, django_assert_max_num_queries
):
    many_sessions(programme, 40)
    first = client.get(feed_path(programme))
    with django_assert_max_num_queries(2):
        again = client.get(feed_path(programme), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    with django_assert_max_num_queries(2):
        since = client.get(feed_path(programme), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    assert client.get(feed_path(programme), HTTP_IF_NONE_MATCH='"other"').status_code == 200
    earlier = http_date(NOW.timestamp() - 3 * 86400)
    assert client.get(feed_path(programme), HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_a_304_never_builds(client, programme, monkeypatch):
    many_sessions(programme, 3)
    etag = client.get(feed_path(programme))["ETag"]
    monkeypatch.setattr("sessions.calendar_views.feed_build", lambda *a, **k: pytest.fail("built"))
    assert client.get(feed_path(programme), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_cancel_and_move_bump_sequence_and_last_modified(client, programme, _frozen):
    sessions = many_sessions(programme, 3)
    first = client.get(feed_path(programme))
    _frozen.shift(datetime.timedelta(minutes=5))
    session_cancel(session=sessions[0], reason="Salle indisponible")
    _frozen.shift(datetime.timedelta(minutes=5))
    session_move(
        reason_code="venue_unavailable",
        session=sessions[1],
        starts_at=paris(2027, 4, 2, 10, 0),
        ends_at=paris(2027, 4, 2, 12, 0),
        venue=VenueFactory(name="Gymnase Chaperon"),
    )
    second = client.get(
        feed_path(programme),
        HTTP_IF_NONE_MATCH=first["ETag"],
        HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
    )
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    before = {str(e["UID"]): e for e in events_of(first)}
    after = {str(e["UID"]): e for e in events_of(second)}
    assert before.keys() == after.keys(), "a cancelled session stays in the feed"
    cancelled, moved, untouched = (
        after[str(u)] for u in sorted(before, key=lambda u: int(u.split("-")[1].split("@")[0]))
    )
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]).startswith("Annulé") or "Cancel" in str(cancelled["SUMMARY"])
    assert "Salle indisponible" in str(cancelled["DESCRIPTION"])
    for changed in (cancelled, moved):
        old = before[str(changed["UID"])]
        assert changed["SEQUENCE"] > old["SEQUENCE"]
        assert changed["LAST-MODIFIED"].dt > old["LAST-MODIFIED"].dt
        assert changed["DTSTAMP"].dt == changed["LAST-MODIFIED"].dt
    assert moved["DTSTART"].dt == paris(2027, 4, 2, 10, 0)
    assert "Gymnase Chaperon" in str(moved["LOCATION"])
    old = before[str(untouched["UID"])]
    assert untouched.to_ical() == old.to_ical()


def test_unchanged_feed_is_byte_identical_and_reuses_kept_events(client, programme, monkeypatch):
    many_sessions(programme, 5)
    first = client.get(feed_path(programme)).content
    monkeypatch.setattr(
        "sessions.feeds.EventWriter.event",
        lambda *a, **k: pytest.fail("an unchanged event was rendered again"),
    )
    assert client.get(feed_path(programme)).content == first


def test_a_venue_change_reaches_feed_and_etag(client, programme):
    many_sessions(programme, 2)
    first = client.get(feed_path(programme))
    programme.venue.address = "3 avenue Eugène Thomas"
    programme.venue.save()
    second = client.get(feed_path(programme), HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert all("Eugène Thomas" in str(event["LOCATION"]) for event in events_of(second))


def test_deleting_a_session_changes_last_modified(client, programme, _frozen):
    sessions = many_sessions(programme, 2)
    first = client.get(feed_path(programme))
    _frozen.shift(datetime.timedelta(minutes=1))
    sessions[0].delete()
    again = client.get(feed_path(programme), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200 and len(events_of(again)) == 1


def test_window_and_size_limit(client, programme, settings):
    in_window = [
        SessionFactory(
            programme=programme,
            starts_at=NOW - datetime.timedelta(days=29),
            ends_at=NOW - datetime.timedelta(days=29) + datetime.timedelta(hours=2),
        ),
        SessionFactory(
            programme=programme,
            starts_at=NOW + datetime.timedelta(days=360),
            ends_at=NOW + datetime.timedelta(days=360, hours=2),
        ),
    ]
    for days in (-31, 370):
        SessionFactory(
            programme=programme,
            starts_at=NOW + datetime.timedelta(days=days),
            ends_at=NOW + datetime.timedelta(days=days, hours=2),
        )
    uids = {
        str(event["UID"]).split("@")[0] for event in events_of(client.get(feed_path(programme)))
    }
    assert uids == {f"session-{s.pk}" for s in in_window}

    coming = many_sessions(programme, 4)
    settings.CALENDAR_FEED_MAX_EVENTS = 3
    events = events_of(client.get(feed_path(programme)))
    assert [str(e["UID"]).split("@")[0] for e in events] == [f"session-{s.pk}" for s in coming[:3]]


def test_size_limit_keeps_coming_sessions_first(client, programme, settings):
    past = [
        SessionFactory(
            programme=programme,
            starts_at=NOW - datetime.timedelta(days=d),
            ends_at=NOW - datetime.timedelta(days=d, hours=-2),
        )
        for d in (20, 10)
    ]
    coming = many_sessions(programme, 3)
    full = client.get(feed_path(programme)).content
    event_size = len(full[full.index(b"BEGIN:VEVENT") : full.index(b"END:VEVENT\r\n") + 12])
    settings.CALENDAR_FEED_MAX_BYTES = len(full) - event_size // 2
    trimmed = client.get(feed_path(programme))
    assert len(trimmed.content) <= settings.CALENDAR_FEED_MAX_BYTES
    kept = [str(e["UID"]).split("@")[0] for e in events_of(trimmed)]
    assert kept == [f"session-{s.pk}" for s in [past[1], *coming]], "the oldest goes first"
    settings.CALENDAR_FEED_MAX_BYTES = len(full) - 3 * event_size + event_size // 2
    kept = [str(e["UID"]).split("@")[0] for e in events_of(client.get(feed_path(programme)))]
    assert kept == [f"session-{s.pk}" for s in coming[:2]], "then the farthest coming one"


def test_feed_build_queries_do_not_grow_with_sessions(client, django_assert_max_num_queries):
    for _ in range(3):
        programme = ProgrammeFactory()
        programme.mediators.add(MediatorFactory(), MediatorFactory())
        many_sessions(programme, 30)
    with django_assert_max_num_queries(6):
        response = client.get(feed_path(programme))
    assert len(events_of(response)) == 30


def test_session_download_has_the_feed_event(client, programme):
    session = many_sessions(programme, 1)[0]
    response = client.get(reverse("sessions:calendar", kwargs={"pk": session.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="session-{session.pk}.ics"'
    assert b"\r\nMETHOD:PUBLISH\r\n" in response.content
    feed = client.get(feed_path(programme)).content
    event = response.content[
        response.content.index(b"BEGIN:VEVENT") : response.content.index(b"END:VEVENT")
    ]
    assert event in feed


def test_pages_offer_the_feeds(client, programme):
    session = many_sessions(programme, 1)[0]
    page = client.get(programme.get_absolute_url()).content.decode()
    assert f"http://127.0.0.1:8000/calendars/programmes/{programme.slug}.ics" in page
    assert f'href="webcal://127.0.0.1:8000/calendars/programmes/{programme.slug}.ics"' in page
    detail = client.get(session.get_absolute_url()).content.decode()
    assert reverse("sessions:calendar", kwargs={"pk": session.pk}) in detail


# Private feeds.


def partner_path(raw: str) -> str:
    return reverse("calendars:partner", kwargs={"token": raw})


@pytest.fixture
def partner_setup(programme):
    partner = PartnerFactory(name="Collège Jean Perrin")
    programme.partners.add(partner)
    other = ProgrammeFactory(field=Field.HEALTH_PREVENTION)
    other.partners.add(partner)
    not_theirs = ProgrammeFactory()
    sessions = many_sessions(programme, 2) + many_sessions(other, 1)
    many_sessions(not_theirs, 2)
    token, raw = feed_token_for(partner=partner)
    return partner, token, raw, sessions


def test_partner_feed_shows_their_programmes_with_headcounts(client, partner_setup, monkeypatch):
    partner, token, raw, sessions = partner_setup
    monkeypatch.setattr(
        hooks,
        "_seats_taken_in_provider",
        lambda listed: dict.fromkeys(listed.values_list("pk", flat=True), 4),
    )
    response = client.get(partner_path(raw))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")
    assert "noindex" in response["X-Robots-Tag"]
    events = events_of(response)
    assert {str(e["UID"]).split("@")[0] for e in events} == {f"session-{s.pk}" for s in sessions}
    assert all("4" in str(e["DESCRIPTION"]) for e in events)
    assert str(icalendar.Calendar.from_ical(response.content)["X-WR-CALNAME"]).startswith(
        "Collège Jean Perrin"
    )
    health = client.get(partner_path(raw), {"field": Field.HEALTH_PREVENTION})
    assert [str(e["UID"]).split("@")[0] for e in events_of(health)] == [f"session-{sessions[2].pk}"]
    bad = client.get(partner_path(raw), {"field": "astrology"})
    assert bad.status_code == 400 and b"field" in bad.content


def test_partner_304_costs_two_queries(client, partner_setup, django_assert_max_num_queries):
    _partner, _token, raw, _sessions = partner_setup
    etag = client.get(partner_path(raw))["ETag"]
    with django_assert_max_num_queries(2):
        assert client.get(partner_path(raw), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_tokens_are_hashed_rotated_and_revoked(client, partner_setup):
    partner, token, raw, _sessions = partner_setup
    assert raw not in token.token_hash and len(raw) >= 40
    assert not FeedToken.objects.filter(token_hash=raw).exists()
    assert client.get(partner_path("x" * 43)).status_code == 404
    new_token, new_raw = feed_token_rotate(token=token)
    assert new_raw != raw and new_token.pk != token.pk
    assert client.get(partner_path(raw)).status_code == 410
    assert client.get(partner_path(new_raw)).status_code == 200
    feed_token_revoke(token=new_token)
    gone = client.get(partner_path(new_raw))
    assert gone.status_code == 410 and "noindex" in gone["X-Robots-Tag"]


def test_mediator_feed_has_their_programmes_and_facilitated_sessions(client, programme):
    mediator = programme.mediators.first()
    own = many_sessions(programme, 2)
    elsewhere = ProgrammeFactory()
    facilitated, not_facilitated = many_sessions(elsewhere, 2)
    facilitated.facilitators.add(mediator)
    _token, raw = feed_token_for(mediator=mediator)
    response = client.get(reverse("calendars:mediator", kwargs={"token": raw}))
    assert response.status_code == 200 and response["Cache-Control"].startswith("private")
    uids = [str(e["UID"]).split("@")[0] for e in events_of(response)]
    assert sorted(uids) == sorted(f"session-{s.pk}" for s in [*own, facilitated])


def test_my_calendars_issues_shows_once_and_revokes(client, programme):
    partner = PartnerFactory()
    user = user_with_role(Role.PARTNER)
    partner.members.add(user)
    client.force_login(user)
    page = client.get(reverse("calendars:mine"))
    assert page.status_code == 200 and partner.name in page.content.decode()
    key = f"partner-{partner.pk}"
    posted = client.post(reverse("calendars:mine"), {"feed": key, "action": "issue"})
    # POST/redirect/GET: the secret is shown by the GET the POST redirects to.
    assert posted.status_code == 302 and posted["Location"] == reverse("calendars:mine")
    issued = client.get(posted["Location"])
    assert "no-store" in issued["Cache-Control"]
    html = issued.content.decode()
    token = FeedToken.objects.get(partner=partner, revoked_at__isnull=True)
    start = html.index("http://127.0.0.1:8000/calendars/partners/")
    url = html[start : html.index('"', start)]
    assert f'href="webcal://{url.split("://")[1]}"' in html
    assert client.get(url.removeprefix("http://127.0.0.1:8000")).status_code == 200
    # A reload shows it no more, and neither revokes it nor makes a second link.
    assert url not in client.get(reverse("calendars:mine")).content.decode()
    assert client.get(url.removeprefix("http://127.0.0.1:8000")).status_code == 200
    assert list(FeedToken.objects.filter(partner=partner)) == [token]
    client.post(reverse("calendars:mine"), {"feed": key, "action": "revoke"})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(url.removeprefix("http://127.0.0.1:8000")).status_code == 410
    assert (
        client.post(
            reverse("calendars:mine"), {"feed": "partner-999", "action": "issue"}
        ).status_code
        == 400
    )


def test_my_calendars_needs_login(client):
    assert client.get(reverse("calendars:mine")).status_code == 302


def test_cancelled_session_title_says_so_in_english(client, programme):
    session = session_cancel(
        reason_code="venue_unavailable", session=many_sessions(programme, 1)[0]
    )
    assert session.status == SessionStatus.CANCELLED
    event = events_of(client.get(feed_path(programme), {"lang": "en"}))[0]
    assert str(event["SUMMARY"]) == f"Cancelled: {programme.title}"


def test_my_calendars_queries_do_not_grow_with_feeds(client, programme):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = user_with_role(Role.PARTNER)
    MediatorFactory(user=user)
    client.force_login(user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("calendars:mine")).status_code == 200
        return len(captured)

    PartnerFactory().members.add(user)
    one = queries()
    for _ in range(5):
        partner = PartnerFactory()
        partner.members.add(user)
        feed_token_for(partner=partner)
    assert queries() == one <= 12


def test_a_cancelled_event_says_the_kind_of_reason_and_the_coordinator_words(client, programme):
    """Families read in their calendar why the session is off: the kind of reason, in the
    feed's language, then what the coordinator wrote."""
    session_cancel(
        reason_code="weather",
        reason="Alerte orange",
        session=many_sessions(programme, 1)[0],
    )
    english = events_of(client.get(feed_path(programme), {"lang": "en"}))[0]
    description = " ".join(str(english["DESCRIPTION"]).split())
    assert "The weather does not allow it. Alerte orange" in description
    french = events_of(client.get(feed_path(programme), {"lang": "fr"}))[0]
    assert "La météo ne le permet pas. Alerte orange" in " ".join(
        str(french["DESCRIPTION"]).split()
    )
