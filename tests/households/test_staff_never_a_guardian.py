"""A mediator who opens the family sign-up page with their own staff login is sent to register
the family from the mediation space: a staff account never becomes a family's guardian."""

from html import unescape

import pytest
from django.urls import reverse

from accounts.roles import Role
from households.errors import HouseholdError
from households.models import Guardian, Household
from households.services import guardian_link_account, household_register
from tests.factories import GuardianFactory, MediatorFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def mediator(client, english):
    mediator = MediatorFactory()
    client.force_login(mediator.user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return mediator.user


def test_the_family_sign_up_page_sends_a_mediator_to_the_mediation_space(client, mediator):
    url = reverse("households:family-register")
    for response in (
        client.get(url, follow=True),
        client.post(
            url,
            {
                "first_name": "Awa",
                "last_name": "Traoré",
                "phone": "0611111111",
                "preferred_channel": "sms",
                "language": "fr",
            },
            follow=True,
        ),
    ):
        assert response.redirect_chain[0][0] == reverse("households:household-create")
        assert "A staff account cannot be a family's guardian." in unescape(
            response.content.decode()
        )
    assert not Household.objects.exists()


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.COORDINATOR, Role.ADMINISTRATOR])
def test_no_service_links_a_staff_login_to_a_household(role):
    staff = user_with_role(role)
    with pytest.raises(HouseholdError) as refused:
        household_register(
            created_by=staff, first_name="A", last_name="B", phone="0611111111", link_account=True
        )
    assert (refused.value.field, refused.value.status) == ("user", 403)
    with pytest.raises(HouseholdError):
        guardian_link_account(guardian=GuardianFactory(), user=staff)
    assert not Guardian.objects.filter(user=staff).exists()


def test_a_mediator_still_registers_a_family_without_an_account(mediator):
    household = household_register(
        created_by=mediator, first_name="A", last_name="B", phone="0611111111"
    )
    assert household.guardians.get().user is None
    family = user_with_role(Role.FAMILY)
    assert (
        household_register(
            created_by=family, first_name="C", last_name="D", phone="0622222222", link_account=True
        )
        .guardians.get()
        .user
        == family
    )
