"""An id past what the database holds is a 422 naming it, on SQLite and PostgreSQL alike."""

import pytest

from core.ids import DB_ID_MAX

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["1" * 20, str(DB_ID_MAX + 1), "99999999999999999999"])
@pytest.mark.parametrize("name", ["programme", "venue"])
def test_a_twenty_digit_id_filter_is_a_422_naming_it(client, name, value):
    response = client.get("/api/v1/sessions", {name: value})
    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == [name]


def test_a_twenty_digit_id_in_a_path_is_a_422(client):
    response = client.get(f"/api/v1/sessions/{'9' * 20}")
    assert response.status_code in (404, 422), response.content


def test_the_largest_id_is_simply_not_found(client):
    assert client.get("/api/v1/sessions", {"programme": DB_ID_MAX}).json()["items"] == []
    assert client.get(f"/api/v1/sessions/{DB_ID_MAX}").status_code == 404
