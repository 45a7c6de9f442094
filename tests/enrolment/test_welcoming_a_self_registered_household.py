"""A family registers itself online; a mediator it calls finds it by a name, not only by the
phone number. Rule (enrolment.access): every mediator sees a household that registered itself
and has no enrolment yet; from its first enrolment on, only that programme's mediators do."""

import pytest

from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from households.models import Participant
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    HouseholdFactory,
    MediatorFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/households"


@pytest.fixture
def registered_online(client):
    family = user_with_role(Role.FAMILY, username="famille.keita")
    client.force_login(family)
    response = client.post(
        API,
        {"first_name": "Awa", "last_name": "Keïta", "phone": "06 12 34 56 78"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    household_id = response.json()["id"]
    response = client.post(
        "/api/v1/participants",
        {
            "household_id": household_id,
            "first_name": "Moussa",
            "last_name": "Keïta",
            "birth_date": "2016-03-04",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    client.logout()
    return household_id


def found(client, user, search: str) -> list[int]:
    client.force_login(user)
    response = client.get(API, {"search": search})
    assert response.status_code == 200
    return [household["id"] for household in response.json()["items"]]


def test_any_mediator_finds_it_by_the_guardians_or_the_childs_name(client, registered_online):
    mediator = MediatorFactory().user
    assert found(client, mediator, "Keïta") == [registered_online]
    assert found(client, mediator, "Moussa") == [registered_online]
    assert found(client, mediator, "Awa Keïta") == [registered_online]
    detail = client.get(f"{API}/{registered_online}")
    assert detail.status_code == 200
    assert [p["first_name"] for p in detail.json()["participants"]] == ["Moussa"]
    # The read is recorded like any staff read of a list: one event naming the household.
    event = AuditEvent.objects.filter(actor=mediator, action=AuditAction.VIEW).earliest("pk")
    assert event.object_ids == [registered_online]


def test_once_enrolled_only_that_programmes_mediators_see_it(client, registered_online):
    theirs, other = MediatorFactory(), MediatorFactory()
    programme = ProgrammeFactory()
    programme.mediators.add(theirs)
    EnrolmentFactory(
        participant=Participant.objects.get(household_id=registered_online), programme=programme
    )
    assert found(client, theirs.user, "Keïta") == [registered_online]
    assert found(client, other.user, "Keïta") == []
    assert client.get(f"{API}/{registered_online}").status_code == 404


def test_households_registered_by_staff_and_partners_reads_are_not_opened(
    client, registered_online
):
    by_a_mediator = HouseholdFactory(created_by=MediatorFactory().user)
    GuardianFactory(household=by_a_mediator, last_name="Keïta")
    ParticipantFactory(household=by_a_mediator, first_name="Moussa")
    other_mediator = MediatorFactory().user
    assert found(client, other_mediator, "Keïta") == [registered_online]

    partner = user_with_role(Role.PARTNER)
    PartnerFactory().members.add(partner)
    assert found(client, partner, "Keïta") == []
    assert client.get(f"{API}/{registered_online}").status_code == 404
    assert found(client, user_with_role(Role.FAMILY), "Keïta") == []
