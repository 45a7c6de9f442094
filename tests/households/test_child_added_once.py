"""A family on a slow phone taps "Save" twice on the "add a child" form: the child is added
once, and both answers say it was added. The same child typed again later is the same child
too, within a few minutes, and refused later on (one child, one record); a brother or sister
born the same day (twins) is another child."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from households.errors import HouseholdError
from households.services import participant_create
from households.services.households import RESUBMIT_WINDOW
from tests.enrolment.test_concurrency import run_concurrently
from tests.factories import GuardianFactory, user_with_role

pytestmark = pytest.mark.django_db
SAMI = {"first_name": "Sami", "last_name": "Durand", "birth_date": "2019-04-02", "sex": "male"}


@pytest.fixture
def family(client, english):
    user = user_with_role(Role.FAMILY)
    household = GuardianFactory(user=user, first_name="Nadia").household
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return {"client": client, "household": household}


def test_a_double_submit_adds_the_child_once(family):
    url = reverse("households:child-add", args=[family["household"].pk])
    first = family["client"].post(url, SAMI)
    second = family["client"].post(url, SAMI | {"first_name": " sami "})
    assert first.status_code == second.status_code == 302
    assert family["household"].participants.filter(first_name__iexact="sami").count() == 1
    messages = family["client"].get(reverse("workspace:family")).content.decode()
    assert "Sami Durand was added." in messages


def test_twins_are_two_children(family):
    url = reverse("households:child-add", args=[family["household"].pk])
    family["client"].post(url, SAMI)
    family["client"].post(url, SAMI | {"first_name": "Lina", "sex": "female"})
    assert family["household"].participants.count() == 2


def test_the_same_child_long_after_is_refused_naming_the_field(family):
    household = family["household"]
    born = datetime.date(2019, 4, 2)
    first = participant_create(
        household=household, first_name="Sami", last_name="D", birth_date=born
    )
    assert (
        participant_create(household=household, first_name="Sami", last_name="D", birth_date=born)
        == first
    )
    later = datetime.datetime.now(tz=datetime.UTC) + RESUBMIT_WINDOW + datetime.timedelta(minutes=1)
    with time_machine.travel(later), pytest.raises(HouseholdError) as refused:
        participant_create(household=household, first_name="sami", last_name="D", birth_date=born)
    assert refused.value.field == "first_name" and refused.value.status == 409
    assert household.participants.count() == 1


def test_the_api_refuses_a_child_the_household_already_has(family):
    """The tester's case: Lina added again through the API, long after, then booked twice."""
    household = family["household"]
    participant_create(
        household=household,
        first_name="Lina",
        last_name="Durand",
        birth_date=datetime.date(2018, 3, 10),
    )
    later = datetime.datetime.now(tz=datetime.UTC) + RESUBMIT_WINDOW + datetime.timedelta(minutes=1)
    with time_machine.travel(later):
        answer = family["client"].post(
            "/api/v1/participants",
            {
                "household_id": household.pk,
                "first_name": "Lina",
                "last_name": "Durand",
                "birth_date": "2018-03-10",
                "sex": "female",
            },
            content_type="application/json",
        )
    assert answer.status_code == 409, answer.content
    assert answer.json()["errors"][0]["field"] == "first_name"
    assert "already a member of this household" in answer.json()["detail"]
    assert household.participants.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_the_same_moment_add_the_child_once():
    household = GuardianFactory().household
    born = datetime.date(2019, 4, 2)

    def add(index: int) -> None:
        participant_create(household=household, first_name="Sami", last_name="D", birth_date=born)

    assert run_concurrently(add, 4) == []
    assert household.participants.filter(first_name="Sami").count() == 1
