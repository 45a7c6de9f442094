"""A family cannot write another person's sign-in address or number on its own record: the
owner would be locked out of signing in with it (the tester wrote a mediator's e-mail on a
family's guardian through the API, and the mediator's password sign-in with it failed)."""

import pytest

from accounts.roles import Role
from households.models import Guardian
from tests.factories import GuardianFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(client, english):
    user = user_with_role(Role.FAMILY, email="fatou.diallo@example.org")
    guardian = GuardianFactory(
        user=user, first_name="Fatou", last_name="Diallo", phone="+33612000009", email=""
    )
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return {"client": client, "guardian": guardian, "user": user}


def _patch(client, guardian, **changes):
    return client.patch(
        f"/api/v1/households/{guardian.household_id}/guardians/{guardian.pk}",
        changes,
        content_type="application/json",
    )


def test_a_staff_members_e_mail_is_refused_on_a_familys_guardian(family):
    user_with_role(Role.MEDIATOR, username="mediatrice.sante", email="mediatrice.sante@example.org")
    answer = _patch(family["client"], family["guardian"], email="Mediatrice.Sante@example.org")
    assert answer.status_code == 409, answer.content
    assert answer.json()["errors"][0]["field"] == "email"
    assert Guardian.objects.get(pk=family["guardian"].pk).email == ""


def test_another_familys_e_mail_is_refused_on_an_added_guardian(family):
    GuardianFactory(
        user=user_with_role(Role.FAMILY, email="famille.durand@example.org"),
        email="famille.durand@example.org",
    )
    answer = family["client"].post(
        f"/api/v1/households/{family['guardian'].household_id}/guardians",
        {
            "first_name": "Awa",
            "last_name": "Diallo",
            "email": "famille.durand@example.org",
            "preferred_channel": "email",
        },
        content_type="application/json",
    )
    assert answer.status_code == 409, answer.content
    assert answer.json()["errors"][0]["field"] == "email"


def test_the_familys_own_address_and_other_details_still_save(family):
    assert (
        _patch(family["client"], family["guardian"], email="fatou.diallo@example.org").status_code
        == 200
    )
    assert _patch(family["client"], family["guardian"], first_name="Fatoumata").status_code == 200
    guardian = Guardian.objects.get(pk=family["guardian"].pk)
    assert (guardian.first_name, guardian.email) == ("Fatoumata", "fatou.diallo@example.org")
