"""A family that opens an account and types a phone or e-mail the service already has is offered
to sign in to that household with a code, and no second household is created."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from households.models import Household
from tests.factories import GuardianFactory, user_with_role

pytestmark = pytest.mark.django_db


def _register(client, **overrides):
    data = {
        "first_name": "Nadia",
        "last_name": "Durand",
        "phone": "06 55 44 33 22",
        "email": "",
        "preferred_channel": "sms",
        "language": "fr",
        "neighbourhood": "",
    }
    data.update(overrides)
    return client.post(reverse("households:family-register"), data)


@pytest.mark.parametrize(
    "typed", [{"phone": "06 12 34 56 78"}, {"email": "Nadia.Durand@example.org", "phone": ""}]
)
def test_a_known_phone_or_e_mail_offers_a_code_instead_of_a_second_household(client, typed):
    GuardianFactory(user=None, phone="+33612345678", email="nadia.durand@example.org")
    client.force_login(user_with_role(Role.FAMILY))
    response = _register(client, **typed)
    assert response.status_code == 409
    html = response.content.decode()
    assert reverse("accounts:code-request") in html
    assert "+33612345678" not in html and "nadia.durand" not in html.lower()
    assert Household.objects.count() == 1


def test_a_new_family_registers_its_household(client):
    client.force_login(user_with_role(Role.FAMILY))
    response = _register(client)
    assert response.status_code == 302
    assert Household.objects.count() == 1
