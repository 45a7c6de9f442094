"""A client of the French service reads every 422 in French: each field's message by the kind
of error pydantic found, the field path kept; a body that is not JSON is said plainly."""

import pytest

from accounts.models import ApiToken
from accounts.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def french(settings):
    settings.LANGUAGE_CODE = "fr"
    return {"HTTP_ACCEPT_LANGUAGE": "fr"}


def bearer(user) -> dict:
    _token, raw = ApiToken.generate(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, french, path, body):
    user = user_with_role(Role.MEDIATOR)
    return client.post(
        path,
        body,
        content_type="application/json",
        **french,
        **bearer(user),
    )


def messages(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_a_missing_field_is_required_in_french(client, french):
    errors = messages(post(client, french, "/api/v1/households", {"first_name": "Nadia"}))
    assert errors == {"last_name": "Ce champ est obligatoire."}


def test_an_empty_name_asks_for_at_least_one_character(client, french):
    errors = messages(
        post(client, french, "/api/v1/households", {"first_name": "", "last_name": "Durand"})
    )
    assert errors == {"first_name": "Saisissez au moins 1 caractère."}


def test_a_name_too_long_gives_the_limit(client, french):
    errors = messages(
        post(client, french, "/api/v1/households", {"first_name": "N" * 500, "last_name": "D"})
    )
    assert errors["first_name"].startswith("Saisissez au plus ")


def test_a_word_for_a_number_asks_for_a_whole_number(client, french):
    errors = messages(
        post(
            client,
            french,
            "/api/v1/enrolments/dates",
            {"participant_id": 1, "programme_id": "trois", "session_ids": [1]},
        )
    )
    assert errors == {"programme_id": "Saisissez un nombre entier."}


def test_too_many_dates_gives_the_limit_and_the_count(client, french):
    errors = messages(
        post(
            client,
            french,
            "/api/v1/enrolments/dates",
            {"participant_id": 1, "programme_id": 1, "session_ids": list(range(1, 2000))},
        )
    )
    assert errors == {"session_ids": "Indiquez au plus 60 éléments (1999 reçus)."}


def test_no_dates_asks_for_one(client, french):
    errors = messages(
        post(
            client,
            french,
            "/api/v1/enrolments/dates",
            {"participant_id": 1, "programme_id": 1, "session_ids": []},
        )
    )
    assert errors == {"session_ids": "Indiquez au moins 1 élément."}


def test_the_field_path_of_a_nested_error_is_kept(client, french):
    errors = messages(
        post(
            client,
            french,
            "/api/v1/enrolments/dates",
            {"participant_id": 1, "programme_id": 1, "session_ids": ["x"]},
        )
    )
    assert errors == {"session_ids.0": "Saisissez un nombre entier."}


def test_the_project_s_own_rules_keep_their_message(client, french):
    errors = messages(
        post(client, french, "/api/v1/households", {"first_name": "Li\x07na", "last_name": "D"})
    )
    assert errors == {"first_name": "Retirez les caractères de contrôle de ce texte."}


def test_a_body_that_is_not_json_is_said_plainly(client, french):
    response = post(client, french, "/api/v1/households", "{first_name: 'Nadia'}")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("Le contenu de la requête n’est pas du JSON valide")
    assert "Cannot parse" not in detail and "Expecting" not in detail
