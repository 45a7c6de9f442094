"""A family changes a guardian through the API: PUT replaces the whole guardian (every field
required, so nothing is reset by being left out), PATCH changes only what it sends."""

import pytest

from accounts.roles import Role
from households.models import Channel, Guardian, Language
from tests.factories import GuardianFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def guardian(client, english):
    user = user_with_role(Role.FAMILY)
    guardian = GuardianFactory(
        user=user,
        first_name="Amina",
        last_name="Diallo",
        phone="+33612345678",
        email="amina@example.org",
        preferred_channel=Channel.EMAIL,
        language=Language.ENGLISH,
        opt_out_sms=True,
    )
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return guardian


def url(guardian: Guardian) -> str:
    return f"/api/v1/households/{guardian.household_id}/guardians/{guardian.pk}"


def as_stored(guardian: Guardian) -> dict:
    guardian.refresh_from_db()
    return {
        "first_name": guardian.first_name,
        "last_name": guardian.last_name,
        "phone": guardian.phone,
        "email": guardian.email,
        "preferred_channel": guardian.preferred_channel,
        "language": guardian.language,
        "opt_out_sms": guardian.opt_out_sms,
        "opt_out_email": guardian.opt_out_email,
    }


def test_a_put_without_the_channel_is_refused_naming_it_and_changes_nothing(client, guardian):
    before = as_stored(guardian)
    response = client.put(
        url(guardian),
        {"first_name": "Amina", "last_name": "Diallo-Sow", "phone": "+33612345678"},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"preferred_channel", "language", "email", "opt_out_sms", "opt_out_email"} <= fields
    assert as_stored(guardian) == before


def test_a_whole_put_replaces_every_field(client, guardian):
    body = as_stored(guardian) | {"last_name": "Diallo-Sow", "opt_out_sms": False}
    response = client.put(url(guardian), body, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert as_stored(guardian) == body


def test_a_patch_changes_what_it_sends_and_keeps_the_rest(client, guardian):
    before = as_stored(guardian)
    response = client.patch(
        url(guardian), {"last_name": "Diallo-Sow"}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["preferred_channel"] == Channel.EMAIL
    assert as_stored(guardian) == before | {"last_name": "Diallo-Sow"}


def test_a_patch_keeps_the_same_rules_as_a_replacement(client, guardian):
    before = as_stored(guardian)
    # E-mail messages with no e-mail address: the rule of guardian_update, field named; a
    # conflict with the channel stored (409), a wrong body when it sends both (400).
    response = client.patch(url(guardian), {"email": ""}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "email"
    both = {"email": "", "preferred_channel": "email", "phone": ""}
    response = client.patch(url(guardian), both, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "phone"
    # null is not "leave as it is": refused, naming the field.
    response = client.patch(
        url(guardian), {"preferred_channel": None}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "preferred_channel"
    assert as_stored(guardian) == before


def test_the_schema_says_put_needs_everything_and_patch_nothing(client):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    assert set(components["GuardianUpdateIn"]["required"]) == {
        "first_name",
        "last_name",
        "phone",
        "email",
        "preferred_channel",
        "language",
        "opt_out_sms",
        "opt_out_email",
    }
    patch = components["GuardianPatchIn"]
    assert "required" not in patch
    assert all("default" not in field for field in patch["properties"].values())
