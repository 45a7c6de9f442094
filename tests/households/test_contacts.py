"""Clean contacts: phone numbers typed as people type them, stored in E.164; e-mails checked;
a wrong number is refused on its field and nothing is saved."""

import pytest

from accounts.roles import Role
from core.phones import phone_for_display, phone_to_e164
from households.errors import HouseholdError
from households.models import Guardian, Household
from households.selectors import household_list
from households.services import household_register
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    ["06 12 34 56 78", "0612345678", "06.12.34.56.78", "+33 6 12 34 56 78", "0033612345678"],
)
def test_french_numbers_as_people_type_them(typed):
    assert phone_to_e164(typed) == "+33612345678"
    assert phone_for_display("+33612345678") == "06 12 34 56 78"


@pytest.mark.parametrize("typed", ["abc", "06", "06 12 34", "+33 0 00"])
def test_not_a_number_is_refused(typed):
    with pytest.raises(ValueError):
        phone_to_e164(typed)


def test_a_household_is_registered_with_its_number_in_e164_and_found_as_typed(english):
    mediator = user_with_role(Role.COORDINATOR)
    household = household_register(
        created_by=mediator, first_name="Awa", last_name="Traoré", phone="06 11 22 33 44"
    )
    assert household.guardians.get().phone == "+33611223344"
    assert list(household_list(user=mediator, search="06 11 22 33 44")) == [household]
    assert list(household_list(user=mediator, search="0611223344")) == [household]


@pytest.mark.parametrize(
    ("phone", "email", "field"),
    [
        ("abc", "", "phone"),
        ("", "not-an-address", "email"),
        ("06 12", "a@example.org", "phone"),
    ],
)
def test_bad_contacts_are_refused_on_their_field_and_nothing_is_saved(english, phone, email, field):
    with pytest.raises(HouseholdError) as error:
        household_register(
            created_by=user_with_role(Role.COORDINATOR),
            first_name="Awa",
            last_name="Traoré",
            phone=phone,
            email=email,
            preferred_channel="email" if email else "sms",
        )
    assert error.value.field == field
    assert not Household.objects.exists() and not Guardian.objects.exists()
