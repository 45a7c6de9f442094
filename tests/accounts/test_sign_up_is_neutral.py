"""The sign-up page does not tell anyone whether an address has an account: a known address gets
the same answer as a new one, and its owner is told by e-mail, with the links to sign in."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.roles import Role
from tests.factories import GuardianFactory, user_with_role

pytestmark = pytest.mark.django_db


def _sign_up(client, email: str):
    return client.post(
        reverse("accounts:sign-up"),
        {
            "first_name": "Inconnu",
            "last_name": "Curieux",
            "email": email,
            "password": "une-phrase-assez-longue",
        },
    )


@pytest.fixture
def durand():
    user = user_with_role(Role.FAMILY, email="famille.durand@example.org")
    GuardianFactory(user=user, email="famille.durand@example.org", phone="+33612000001")
    return user


@pytest.mark.parametrize("typed", ["famille.durand@example.org", "Famille.Durand@Example.org"])
def test_a_known_address_gets_the_same_answer_as_a_new_one(client, durand, typed):
    known = _sign_up(client, typed)
    register = client.get(known["Location"]).content.decode()
    client.logout()
    new = _sign_up(client, "quelquun.de.nouveau@example.org")
    assert (
        (known.status_code, known["Location"])
        == (new.status_code, new["Location"])
        == (
            302,
            reverse("households:family-register"),
        )
    )
    # The household form offers the address typed either way.
    assert 'value="famille.durand@example.org"' in register
    # The owner is told, with the ways back in; the stranger's account did not take the address.
    notice = [m for m in mail.outbox if m.to == ["famille.durand@example.org"]]
    assert len(notice) == 1
    assert "/accounts/login/" in notice[0].body and "/accounts/password_reset/" in notice[0].body
    users = get_user_model().objects
    assert list(users.filter(email__iexact="famille.durand@example.org")) == [durand]


def test_the_new_account_cannot_then_take_the_address_for_its_household(client, durand):
    _sign_up(client, "famille.durand@example.org")
    response = client.post(
        reverse("households:family-register"),
        {
            "first_name": "Inconnu",
            "last_name": "Curieux",
            "phone": "06 55 44 33 21",
            "email": "famille.durand@example.org",
            "preferred_channel": "email",
            "language": "fr",
            "neighbourhood": "",
        },
    )
    # Either answer keeps the address with its owner: the "already known" page or a field error.
    assert response.status_code in (200, 409)
    assert (
        not GuardianFactory._meta.model.objects.exclude(user=durand)
        .filter(email__iexact="famille.durand@example.org")
        .exists()
    )
