"""The login lock-out counts failures against the account, however its e-mail or phone is spelt:
changing the case of an e-mail or the spacing of a phone gives no fresh tries."""

import pytest

from accounts.services import sign_in_code_request
from tests.factories import GuardianFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _fail(client, username: str):
    return client.post("/accounts/login/", {"username": username, "password": "wrong-password"})


def test_changing_the_case_of_the_e_mail_does_not_reset_the_lock_out(client, settings):
    settings.AXES_FAILURE_LIMIT = 5
    UserFactory(username="mediatrice.sante", email="mediatrice.sante@example.org")
    for _ in range(4):
        assert _fail(client, "mediatrice.sante@example.org").status_code == 200
    # The attacker's next spellings: the fifth failure locks, whatever the case.
    assert _fail(client, "Mediatrice.sante@example.org").status_code == 429
    assert _fail(client, "mEdiatrice.sante@example.org").status_code == 429
    assert _fail(client, "mediatrice.sante").status_code == 429  # the user name too
    response = client.post(
        "/accounts/login/", {"username": "MEDIATRICE.SANTE@EXAMPLE.ORG", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_phone_spellings_share_one_counter(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    guardian = GuardianFactory(phone="+33611223344", user=UserFactory(username="famille.x"))
    assert guardian.user is not None
    for typed in ("0611223344", "06 11 22 33 44"):
        assert _fail(client, typed).status_code == 200
    assert _fail(client, "+33 6 11 22 33 44").status_code == 429


def test_an_unknown_address_is_counted_lower_cased(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert _fail(client, "Personne@example.org").status_code == 200
    assert _fail(client, "PERSONNE@example.org").status_code == 429


def test_the_code_limiter_counts_every_spelling_as_one(settings, sms_outbox):
    settings.SIGN_IN_CODE_PER_IDENTIFIER_PER_HOUR = 2
    settings.SIGN_IN_CODE_PER_IP_PER_HOUR = 100
    sign_in_code_request(identifier="Nadia@example.org", ip_address="10.0.0.1")
    sign_in_code_request(identifier="NADIA@EXAMPLE.ORG", ip_address="10.0.0.2")
    with pytest.raises(Exception) as refused:
        sign_in_code_request(identifier="nadia@example.org ", ip_address="10.0.0.3")
    assert getattr(refused.value, "status", None) == 429
    sign_in_code_request(identifier="0611223344", ip_address="10.0.0.1")
    sign_in_code_request(identifier="06 11 22 33 44", ip_address="10.0.0.1")
    with pytest.raises(Exception) as refused:
        sign_in_code_request(identifier="+33 6 11 22 33 44", ip_address="10.0.0.1")
    assert getattr(refused.value, "status", None) == 429
