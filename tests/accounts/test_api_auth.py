"""API authentication: personal Bearer tokens, and the browser session with CSRF on writes."""

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from accounts.roles import Role
from sessions.models import SessionStatus
from tests.factories import SessionFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_unauthorised(response) -> None:
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"] and body["errors"] == []


@pytest.fixture
def mediator():
    return user_with_role(Role.MEDIATOR, username="amina", first_name="Amina", last_name="Benali")


def test_me_with_a_valid_token(client, mediator):
    token, raw = ApiToken.generate(user=mediator, name="script")

    response = client.get(ME, **bearer(raw))

    assert response.status_code == 200
    assert response.json() == {
        "username": "amina",
        "full_name": "Amina Benali",
        "roles": ["mediator"],
    }
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_me_lists_every_role(client):
    user = UserFactory(roles=[Role.PARTNER, Role.FAMILY])
    _token, raw = ApiToken.generate(user=user, name="script")
    assert client.get(ME, **bearer(raw)).json()["roles"] == ["family", "partner"]


def test_revoked_unknown_and_malformed_tokens_are_refused(client, mediator):
    revoked, raw_revoked = ApiToken.generate(user=mediator, name="old")
    revoked.revoked_at = timezone.now()
    revoked.save()

    assert_unauthorised(client.get(ME, **bearer(raw_revoked)))
    assert_unauthorised(client.get(ME, **bearer("not-a-token")))
    assert_unauthorised(client.get(ME, HTTP_AUTHORIZATION="Token whatever"))
    assert_unauthorised(client.get(ME))


def test_token_of_an_inactive_account_is_refused(client, mediator):
    _token, raw = ApiToken.generate(user=mediator, name="script")
    mediator.is_active = False
    mediator.save()
    assert_unauthorised(client.get(ME, **bearer(raw)))


def test_me_with_the_browser_session(client, mediator):
    client.force_login(mediator)
    assert client.get(ME).json()["username"] == "amina"


def cancel_url(session) -> str:
    return f"/api/v1/sessions/{session.pk}/cancel"


def test_session_write_needs_the_csrf_token():
    coordinator = user_with_role(Role.COORDINATOR)
    session = SessionFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(coordinator)

    refused = browser.post(
        cancel_url(session),
        {"reason_code": "weather", "reason": "Pluie"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert set(refused.json()) == {"detail", "errors"}
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED

    browser.get("/programmes/")  # a page with a form sets the CSRF cookie
    csrf_token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        cancel_url(session),
        {"reason_code": "weather", "reason": "Pluie"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf_token,
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == SessionStatus.CANCELLED
    session.refresh_from_db()
    assert (session.status, session.status_reason) == (SessionStatus.CANCELLED, "Pluie")


def test_token_write_needs_no_csrf_token():
    coordinator = user_with_role(Role.COORDINATOR)
    _token, raw = ApiToken.generate(user=coordinator, name="script")
    session = SessionFactory()
    script = Client(enforce_csrf_checks=True)

    response = script.post(
        cancel_url(session),
        {"reason_code": "weather"},
        content_type="application/json",
        **bearer(raw),
    )

    assert response.status_code == 200, response.content
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED


def test_cancel_is_for_coordinators_and_reports_domain_errors(client):
    session = SessionFactory()
    _token, family_raw = ApiToken.generate(user=user_with_role(Role.FAMILY), name="f")
    forbidden = client.post(
        cancel_url(session), {}, content_type="application/json", **bearer(family_raw)
    )
    assert forbidden.status_code == 403
    assert forbidden.json()["errors"] == []
    assert_unauthorised(client.post(cancel_url(session), {}, content_type="application/json"))

    _token, raw = ApiToken.generate(user=user_with_role(Role.COORDINATOR), name="c")
    # Without a reason the families could read: refused on its field, nothing changes.
    silent = client.post(cancel_url(session), {}, content_type="application/json", **bearer(raw))
    assert silent.status_code == 400
    assert [error["field"] for error in silent.json()["errors"]] == ["reason_code"]
    unknown = client.post(
        cancel_url(session), {"reason_code": "whim"}, content_type="application/json", **bearer(raw)
    )
    assert unknown.status_code == 422
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert (
        client.post(
            cancel_url(session),
            {"reason_code": "too_few"},
            content_type="application/json",
            **bearer(raw),
        ).status_code
        == 200
    )
    again = client.post(
        cancel_url(session),
        {"reason_code": "too_few"},
        content_type="application/json",
        **bearer(raw),
    )
    assert again.status_code == 409  # already cancelled: the session's state
    assert [error["field"] for error in again.json()["errors"]] == ["status"]

    too_long = client.post(
        cancel_url(SessionFactory()),
        {"reason": "x" * 301},
        content_type="application/json",
        **bearer(raw),
    )
    assert too_long.status_code == 422
    assert [error["field"] for error in too_long.json()["errors"]] == ["reason"]
