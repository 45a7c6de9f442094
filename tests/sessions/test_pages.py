"""Public pages: the catalogue and a programme, their filters and their query counts."""

import datetime

import pytest
from django.utils import timezone

from programmes.models import Field, Kind, ProgrammeStatus
from sessions.models import SessionStatus
from tests.factories import ProgrammeFactory, SessionFactory, build_catalogue

pytestmark = pytest.mark.django_db

# Asserted below and recorded in docs/performance.md ("Pages and API lists").
CATALOGUE_QUERIES = 1  # programmes with venue and next session, annotated in one query
PROGRAMME_PAGE_QUERIES = 7  # programme, mediators, partners, sessions, facilitators, places taken,
# allocation rounds holding it


def titles(response) -> list[str]:
    return [programme.title for programme in response.context["programmes"]]


def test_catalogue_filters(client):
    soon = timezone.now() + datetime.timedelta(days=3)
    later = timezone.now() + datetime.timedelta(days=60)
    kids = ProgrammeFactory(title="Sport", kind=Kind.HOLIDAY_ACTIVITY, min_age=6, max_age=11)
    women = ProgrammeFactory(
        title="Santé des femmes",
        kind=Kind.HEALTH_PREVENTION,
        field=Field.HEALTH_PREVENTION,
        min_age=18,
        max_age=None,
    )
    ProgrammeFactory(title="Brouillon", status=ProgrammeStatus.DRAFT)
    SessionFactory(programme=kids, starts_at=soon, ends_at=soon + datetime.timedelta(hours=2))
    SessionFactory(programme=women, starts_at=later, ends_at=later + datetime.timedelta(hours=2))

    assert titles(client.get("/programmes/")) == ["Sport", "Santé des femmes"]
    assert titles(client.get("/programmes/", {"kind": Kind.HEALTH_PREVENTION})) == [
        "Santé des femmes"
    ]
    assert titles(client.get("/programmes/", {"field": Field.SOCIO_EDUCATIONAL})) == ["Sport"]
    assert titles(client.get("/programmes/", {"age": 30})) == ["Santé des femmes"]
    from_date = (soon + datetime.timedelta(days=10)).date().isoformat()
    assert titles(client.get("/programmes/", {"date": from_date})) == ["Santé des femmes"]


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "2026-02-30"])
def test_catalogue_shows_errors_for_bad_filters_and_still_lists(client, date):
    ProgrammeFactory(title="Sport")
    response = client.get("/programmes/", {"age": "old", "kind": "yoga", "date": date})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"age", "kind", "date"}
    assert titles(response) == ["Sport"]
    assert 'id="id_age_error"' in response.content.decode()


def test_programme_page_shows_coming_sessions_only(client):
    programme = ProgrammeFactory(title="Atelier cuisine")
    past = timezone.now() - datetime.timedelta(days=2)
    SessionFactory(programme=programme, starts_at=past, ends_at=past + datetime.timedelta(hours=2))
    coming = SessionFactory(programme=programme)
    cancelled = SessionFactory(
        programme=programme,
        status=SessionStatus.CANCELLED,
        starts_at=coming.starts_at + datetime.timedelta(days=7),
        ends_at=coming.ends_at + datetime.timedelta(days=7),
    )

    response = client.get(programme.get_absolute_url())

    assert response.status_code == 200
    assert [s.pk for s in response.context["sessions"]] == [coming.pk, cancelled.pk]
    assert coming.get_absolute_url() in response.content.decode()


def test_draft_programme_is_not_found(client):
    draft = ProgrammeFactory(status=ProgrammeStatus.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_page_queries_do_not_grow_with_rows(client, django_assert_max_num_queries):
    programmes = build_catalogue(programmes=30, sessions_each=10)

    with django_assert_max_num_queries(CATALOGUE_QUERIES):
        response = client.get("/programmes/")
    assert len(titles(response)) == 30

    with django_assert_max_num_queries(PROGRAMME_PAGE_QUERIES):
        response = client.get(programmes[0].get_absolute_url())
    assert len(response.context["sessions"]) == 10
