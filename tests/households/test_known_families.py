"""A mediator registering a family the service may already know is told so before a second
household is created: the households they may see are named, to open; of the others, only that
a similar family exists and to ask the coordinator. They can still confirm that it is another
family."""

import pytest
from django.urls import reverse

from households.models import Household, Participant
from tests.factories import (
    GuardianFactory,
    HouseholdFactory,
    MediatorFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db

FORM = {
    "first_name": "Awa",
    "last_name": "Traoré",
    "phone": "06 11 11 11 11",
    "preferred_channel": "sms",
    "language": "fr",
    "neighbourhood": "",
    "child_first_name": "Issa",
    "child_birth_date": "2017-03-01",
}
URL = reverse("households:household-create") + "?enrol_in=parcours"


@pytest.fixture
def mediator(client, english):
    mediator = MediatorFactory()
    client.force_login(mediator.user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return mediator.user


def test_a_family_the_mediator_follows_is_offered_to_open(client, mediator):
    own = HouseholdFactory(created_by=mediator)
    GuardianFactory(household=own, first_name="Awa", last_name="Traoré", phone="+33611111111")
    response = client.post(URL, FORM)
    body = response.content.decode()
    assert response.status_code == 200
    assert "A family with this phone number is already known to the service." in body
    assert f'href="{reverse("households:household", args=[own.pk])}?enrol_in=parcours"' in body
    assert own.reference in body
    assert "ask the coordinator" not in body
    assert Household.objects.count() == 1 and not Participant.objects.exists()


def test_a_family_the_mediator_may_not_see_is_only_mentioned(client, mediator):
    hidden = GuardianFactory(
        first_name="Aminata", last_name="Traoré", email="aminata@example.org"
    ).household
    ParticipantFactory(household=hidden, first_name="Moussa", birth_date="2017-03-01")
    response = client.post(URL, FORM)
    body = response.content.decode()
    assert response.status_code == 200
    assert "already known to the service" in body and "ask the coordinator" in body
    for secret in ("Aminata", "aminata@example.org", "Moussa", hidden.reference):
        assert secret not in body
    assert reverse("households:household", args=[hidden.pk]) not in body

    # Joining it by a posted id is not offered, and not taken.
    response = client.post(URL, FORM | {"known_family": str(hidden.pk)})
    assert response.status_code == 200
    assert not hidden.participants.filter(first_name="Issa").exists()

    response = client.post(URL, FORM | {"known_family": "new"})
    assert response.status_code == 302
    created = Household.objects.exclude(pk=hidden.pk).get()
    assert created.created_by == mediator
    assert list(created.participants.values_list("first_name", flat=True)) == ["Issa"]


def test_no_match_creates_at_once(client, mediator):
    GuardianFactory(last_name="Traoré", phone="+33622222222")
    response = client.post(URL, FORM)
    assert response.status_code == 302
    assert Household.objects.count() == 2
