"""The page where a person manages their API tokens, and the command that creates one."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import ApiToken, hash_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/tokens/"


def api_user(raw: str):
    """The account a token opens the API for, from a client with no session."""
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    return response.json()["username"] if response.status_code == 200 else None


@pytest.fixture
def user():
    return UserFactory(username="julie")


def test_login_required(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_create_shows_the_raw_token_once_and_it_works(client, user):
    client.force_login(user)

    response = client.post(URL, {"name": "Synchro agenda"})

    assert response.status_code == 201
    raw = response.context["raw_token"]
    assert raw and raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=user)
    assert token.name == "Synchro agenda"
    assert token.token_hash == hash_token(raw) and raw not in token.token_hash
    again = client.get(URL)
    assert raw not in again.content.decode()
    assert "Synchro agenda" in again.content.decode()
    assert api_user(raw) == "julie"


def test_a_name_is_required(client, user):
    client.force_login(user)
    response = client.post(URL, {"name": "   "})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert 'aria-describedby="id_name-help id_name-errors"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_own_token(client, user):
    token, raw = ApiToken.generate(user=user, name="old script")
    client.force_login(user)

    response = client.post(f"{URL}{token.pk}/revoke/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_user(raw) is None
    assert client.post(f"{URL}{token.pk}/revoke/").status_code == 302  # told, not an error


def test_cannot_see_or_revoke_someone_elses_token(client, user):
    other, _raw = ApiToken.generate(user=UserFactory(), name="not yours")
    client.force_login(user)
    assert "not yours" not in client.get(URL).content.decode()
    assert client.post(f"{URL}{other.pk}/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_revoke_needs_post(client, user):
    token, _raw = ApiToken.generate(user=user, name="script")
    client.force_login(user)
    assert client.get(f"{URL}{token.pk}/revoke/").status_code == 405


def test_command_prints_only_the_token(user):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "julie", "export nightly", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert ApiToken.objects.get(user=user, name="export nightly").token_hash == hash_token(raw)
    assert "julie" in err.getvalue()
    assert api_user(raw) == "julie"


def test_command_refuses_unknown_or_inactive_accounts():
    with pytest.raises(CommandError, match="nobody"):
        call_command("create_api_token", "nobody", "x", stdout=io.StringIO())
    UserFactory(username="gone", is_active=False)
    with pytest.raises(CommandError, match="inactive"):
        call_command("create_api_token", "gone", "x", stdout=io.StringIO())
    assert not ApiToken.objects.exists()
