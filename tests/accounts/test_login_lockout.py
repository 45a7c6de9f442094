import pytest

from accounts.models import AuditAction, AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _fail(client, url: str, username: str, times: int):
    for _ in range(times):
        response = client.post(url, {"username": username, "password": "wrong-password"})
    return response


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_repeated_failures_lock_the_account_out_with_a_clear_message(client, settings, url):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(username="mediatrice", is_staff=True)

    response = _fail(client, url, "mediatrice", 2)
    assert response.status_code == 200  # the form again, with its error

    response = _fail(client, url, "mediatrice", 1)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "15 minutes" in response.content.decode()

    # Locked: even the right password is refused until the cool-off ends.
    response = client.post(url, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_name_and_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="victime")
    other = UserFactory(username="collegue")
    _fail(client, "/accounts/login/", "victime", 2)

    # A colleague behind the same address still logs in.
    response = client.post("/accounts/login/", {"username": other.username, "password": PASSWORD})
    assert response.status_code == 302
    # The same user from another address is not locked either.
    client.logout()
    response = client.post(
        "/accounts/login/", {"username": "victime", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 302


def test_success_resets_the_failure_count(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="distraite")
    _fail(client, "/accounts/login/", "distraite", 2)
    assert (
        client.post("/accounts/login/", {"username": "distraite", "password": PASSWORD}).status_code
        == 302
    )
    client.logout()
    response = _fail(client, "/accounts/login/", "distraite", 2)
    assert response.status_code == 200


def test_failures_and_lockouts_go_to_the_audit_trail(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="cible")
    _fail(client, "/accounts/login/", "cible", 2)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count(AuditAction.LOGIN_FAILURE) == 2
    assert AuditAction.LOCKOUT in actions
    failure = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILURE).first()
    assert failure.summary == "user name: cible"
    assert failure.ip_address == "127.0.0.1"
    assert failure.path == "/accounts/login/"
    assert "wrong-password" not in str(list(AuditEvent.objects.values()))


def test_test_client_login_still_works(client):
    user = UserFactory()
    assert client.login(username=user.username, password=PASSWORD)


def test_password_rules_refuse_weak_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = UserFactory(username="jeanne.dupont")
    for weak in ["short1", "1234567890123", "password123", "jeanne.dupont1"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("un-cheval-correct-agrafe", user)
