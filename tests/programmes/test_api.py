"""GET /api/v1/programmes: paginated, filtered, absolute feed URLs, bounded queries."""

import pytest

from programmes.models import Field, Kind, ProgrammeStatus
from tests.factories import ProgrammeFactory, build_catalogue

pytestmark = pytest.mark.django_db

URL = "/api/v1/programmes"


def test_list_is_paginated_with_the_documented_fields(client, settings):
    settings.SITE_URL = "https://mediation.example.org"
    programme = ProgrammeFactory(title="Atelier cuisine", slug="atelier-cuisine", capacity=14)
    ProgrammeFactory(title="Brouillon", status=ProgrammeStatus.DRAFT)
    ProgrammeFactory(title="Archivé", status=ProgrammeStatus.ARCHIVED)

    response = client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 1
    [item] = body["items"]
    assert {
        key: item[key]
        for key in ("id", "title", "kind", "field", "enrolment_mode", "capacity", "feed_url")
    } == {
        "id": programme.pk,
        "title": "Atelier cuisine",
        "kind": programme.kind,
        "field": programme.field,
        "enrolment_mode": programme.enrolment_mode,
        "capacity": 14,
        "feed_url": "https://mediation.example.org/calendars/programmes/atelier-cuisine.ics",
    }
    assert item["url"] == "https://mediation.example.org/programmes/atelier-cuisine/"


def test_limit_and_offset(client):
    for letter in "ABCDE":
        ProgrammeFactory(title=f"Atelier {letter}")
    body = client.get(URL, {"limit": 2, "offset": 2}).json()
    assert body["count"] == 5
    assert [item["title"] for item in body["items"]] == ["Atelier C", "Atelier D"]


def test_filters_kind_field_and_age(client):
    sport = ProgrammeFactory(
        title="Sport",
        kind=Kind.HOLIDAY_ACTIVITY,
        field=Field.SOCIO_EDUCATIONAL,
        min_age=6,
        max_age=11,
    )
    health = ProgrammeFactory(
        title="Santé",
        kind=Kind.HEALTH_PREVENTION,
        field=Field.HEALTH_PREVENTION,
        min_age=18,
        max_age=None,
    )
    seniors = ProgrammeFactory(
        title="Seniors", kind=Kind.HEALTH_PREVENTION, field=Field.HOUSING, min_age=60, max_age=None
    )

    def titles(**params):
        return sorted(item["title"] for item in client.get(URL, params).json()["items"])

    assert titles(kind=Kind.HEALTH_PREVENTION) == sorted([health.title, seniors.title])
    assert titles(field=Field.HOUSING) == [seniors.title]
    assert titles(age=8) == [sport.title]
    assert titles(age=65) == sorted([health.title, seniors.title])
    assert titles(kind=Kind.HEALTH_PREVENTION, field=Field.HEALTH_PREVENTION) == [health.title]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "yoga"}, "kind"),
        ({"field": "sport"}, "field"),
        ({"age": "old"}, "age"),
        ({"age": -1}, "age"),
        ({"limit": 0}, "limit"),
        ({"offset": "x"}, "offset"),
        ({"offset": 10**20}, "offset"),
    ],
)
def test_bad_filters_answer_422_naming_the_field(client, params, field):
    response = client.get(URL, params)
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert [error["field"] for error in body["errors"]] == [field]
    assert field in body["detail"]
    assert body["errors"][0]["message"]


def test_unknown_programme_answers_404_in_the_shared_shape(client):
    draft = ProgrammeFactory(status=ProgrammeStatus.DRAFT)
    for url in (f"{URL}/999999", f"{URL}/{draft.pk}", "/api/v1/no-such-thing"):
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.json()
        assert body["errors"] == [] and body["detail"]


def test_one_programme(client):
    programme = ProgrammeFactory()
    response = client.get(f"{URL}/{programme.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == programme.pk


# Asserted below and recorded in docs/performance.md ("Pages and API lists").
PROGRAMME_LIST_QUERIES = 2  # count, page with venues


def test_list_queries_do_not_grow_with_rows(client, django_assert_max_num_queries):
    build_catalogue(programmes=30, sessions_each=10)
    with django_assert_max_num_queries(PROGRAMME_LIST_QUERIES):
        body = client.get(URL, {"limit": 100}).json()
    assert body["count"] == 30
    assert len(body["items"]) == 30
