"""GET /api/v1/sessions: filters, bad input, bounded queries."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from programmes.models import Kind, ProgrammeStatus
from tests.factories import ProgrammeFactory, SessionFactory, VenueFactory, build_catalogue

pytestmark = pytest.mark.django_db

URL = "/api/v1/sessions"
PARIS = ZoneInfo("Europe/Paris")


def at(day: int, hour: int = 14, month: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, tzinfo=PARIS)


@pytest.fixture
def sessions():
    workshop = ProgrammeFactory(title="Atelier", kind=Kind.HEALTH_PREVENTION)
    holidays = ProgrammeFactory(title="Vacances", kind=Kind.HOLIDAY_ACTIVITY)
    elsewhere = VenueFactory(name="Collège")

    def make(programme, day, **kwargs):
        return SessionFactory(programme=programme, starts_at=at(day), ends_at=at(day, 16), **kwargs)

    return {
        "workshop-1": make(workshop, 1),
        "workshop-8": make(workshop, 8, venue=elsewhere),
        "holidays-20": make(holidays, 20),
        "holidays-21": make(holidays, 21),
        "draft": make(ProgrammeFactory(status=ProgrammeStatus.DRAFT), 5),
    }


def names(client, sessions, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    by_id = {session.pk: name for name, session in sessions.items()}
    return [by_id[item["id"]] for item in response.json()["items"]]


def test_lists_sessions_of_published_programmes_in_order(client, sessions):
    response = client.get(URL)
    body = response.json()
    assert body["count"] == 4
    assert names(client, sessions) == ["workshop-1", "workshop-8", "holidays-20", "holidays-21"]
    first = body["items"][0]
    assert first["programme"]["title"] == "Atelier"
    assert first["programme"]["kind"] == Kind.HEALTH_PREVENTION
    assert datetime.datetime.fromisoformat(first["starts_at"]) == at(1)
    assert first["venue"]["id"] == sessions["workshop-1"].venue_id
    assert first["places_left"] == first["capacity"]
    assert first["url"].startswith("http")


def test_filter_by_programme(client, sessions):
    programme = sessions["holidays-20"].programme_id
    assert names(client, sessions, programme=programme) == ["holidays-20", "holidays-21"]


def test_filter_by_start_and_end_dates_inclusive(client, sessions):
    assert names(client, sessions, start="2026-10-08") == [
        "workshop-8",
        "holidays-20",
        "holidays-21",
    ]
    assert names(client, sessions, end="2026-10-20") == ["workshop-1", "workshop-8", "holidays-20"]
    assert names(client, sessions, start="2026-10-02", end="2026-10-20") == [
        "workshop-8",
        "holidays-20",
    ]
    assert names(client, sessions, start="2026-10-20", end="2026-10-20") == ["holidays-20"]


def test_filter_by_kind_and_venue(client, sessions):
    assert names(client, sessions, kind=Kind.HOLIDAY_ACTIVITY) == ["holidays-20", "holidays-21"]
    venue = sessions["workshop-8"].venue_id
    assert names(client, sessions, venue=venue) == ["workshop-8"]
    assert names(client, sessions, venue=venue, kind=Kind.HOLIDAY_ACTIVITY) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"programme": "abc"}, "programme"),
        ({"start": "2026-13-01"}, "start"),
        ({"start": "tomorrow"}, "start"),
        ({"end": "01/10/2026"}, "end"),
        ({"start": "2026-10-02", "end": "2026-10-01"}, "end"),
        ({"end": "9999-12-31"}, "end"),
        ({"start": "0001-01-01"}, "start"),
        ({"kind": "yoga"}, "kind"),
        ({"venue": "1.5"}, "venue"),
        ({"limit": "-1"}, "limit"),
        ({"offset": "185739523246007746560"}, "offset"),
        ({"limit": "501"}, "limit"),
    ],
)
def test_bad_filters_answer_422_naming_the_field(client, sessions, params, field):
    response = client.get(URL, params)
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert [error["field"] for error in body["errors"]] == [field]
    assert body["errors"][0]["message"]
    assert field in body["detail"]


def test_one_session_and_404(client, sessions):
    session = sessions["workshop-1"]
    assert client.get(f"{URL}/{session.pk}").json()["id"] == session.pk
    for missing in (sessions["draft"].pk, 999999):
        response = client.get(f"{URL}/{missing}")
        assert response.status_code == 404
        assert response.json()["errors"] == []


# Asserted below and recorded in docs/performance.md ("Pages and API lists").
SESSION_LIST_QUERIES = 3  # count, page with programmes and venues, places taken


def test_list_queries_do_not_grow_with_rows(client, django_assert_max_num_queries):
    build_catalogue(programmes=30, sessions_each=10)
    with django_assert_max_num_queries(SESSION_LIST_QUERIES):
        body = client.get(URL, {"limit": 500}).json()
    assert body["count"] == 300
    assert len(body["items"]) == 300
