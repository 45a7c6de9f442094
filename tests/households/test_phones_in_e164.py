"""A mediator searches a demo family by the number as people type it, and finds it: demo
numbers go through the same normalisation as every other (E.164), and numbers stored as typed
before that are converted once by a migration."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps

from accounts.roles import Role
from demo.services import load_demo_data
from households.models import EmergencyContact, Guardian
from households.selectors import household_list
from tests.factories import GuardianFactory, HouseholdFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_a_demo_family_is_found_by_its_number_as_typed():
    with time_machine.travel(datetime.datetime(2026, 11, 25, 8, 0, tzinfo=datetime.UTC)):
        load_demo_data(today=datetime.date(2026, 11, 25))
    phones = list(Guardian.objects.exclude(phone="").values_list("phone", flat=True))
    assert phones and all(phone.startswith("+33") for phone in phones), phones
    coordinator = user_with_role(Role.COORDINATOR)
    for typed in ("06 12 00 00 01", "0612000001", "+33 6 12 00 00 01"):
        found = household_list(user=coordinator, search=typed)
        assert [household.reference for household in found] == ["DEMO-DUR"], typed


def test_numbers_stored_as_typed_are_converted_and_others_left_for_a_person():
    migration = importlib.import_module("households.migrations.0004_phones_in_e164")
    typed = GuardianFactory(phone="06 11 00 00 01")
    wrong = GuardianFactory(phone="abc")
    contact = EmergencyContact.objects.create(
        household=HouseholdFactory(), name="Voisine", phone="01.46.72.00.10"
    )
    migration.numbers_to_e164(apps, None)
    for row, expected in ((typed, "+33611000001"), (wrong, "abc"), (contact, "+33146720010")):
        row.refresh_from_db()
        assert row.phone == expected
