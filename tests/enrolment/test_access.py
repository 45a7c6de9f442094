import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.roles import Role
from enrolment.access import enrolments_visible_to
from enrolment.models import EnrolmentStatus
from households.access import can_see_health_notes, households_visible_to, participants_visible_to
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


@pytest.fixture
def world():
    """Two families; a mediator on one programme; a partner who referred one child."""
    mediator = MediatorFactory()
    other_mediator = MediatorFactory()
    theirs = ProgrammeFactory()
    theirs.mediators.add(mediator)
    elsewhere = ProgrammeFactory()
    elsewhere.mediators.add(other_mediator)
    family_user = user_with_role(Role.FAMILY)
    own = GuardianFactory(user=family_user).household
    own_child = ParticipantFactory(household=own)
    partner = PartnerFactory()
    partner_user = user_with_role(Role.PARTNER)
    partner.members.add(partner_user)
    # A family the partner brought to the service (it registered it).
    other = HouseholdFactory(created_by=partner_user)
    other_child = ParticipantFactory(household=other)
    GuardianFactory(household=other)
    GuardianFactory(household=other, is_primary=False)
    created = HouseholdFactory(created_by=mediator.user)
    mine = EnrolmentFactory(participant=own_child, programme=theirs)
    referral = EnrolmentFactory(
        participant=other_child,
        programme=elsewhere,
        status=EnrolmentStatus.PROPOSED,
        referred_by_partner=partner,
    )
    return {
        "mediator": mediator.user,
        "other_mediator": other_mediator.user,
        "family": family_user,
        "partner": partner_user,
        "own": own,
        "other": other,
        "created": created,
        "own_child": own_child,
        "other_child": other_child,
        "mine": mine,
        "referral": referral,
    }


def test_family_sees_only_its_household(world):
    assert list(households_visible_to(world["family"])) == [world["own"]]
    assert list(participants_visible_to(world["family"])) == [world["own_child"]]
    assert list(enrolments_visible_to(world["family"])) == [world["mine"]]


def test_mediator_sees_households_in_their_programmes_and_those_they_created(world):
    assert set(households_visible_to(world["mediator"])) == {world["own"], world["created"]}
    assert list(enrolments_visible_to(world["mediator"])) == [world["mine"]]
    # Two guardians do not make the household appear twice.
    assert list(households_visible_to(world["other_mediator"])) == [world["other"]]


def test_partner_sees_only_its_referrals(world):
    assert list(enrolments_visible_to(world["partner"])) == [world["referral"]]
    assert list(households_visible_to(world["partner"])) == [world["other"]]


def test_coordinator_sees_everything_and_anonymous_nothing(world):
    coordinator = user_with_role(Role.COORDINATOR)
    assert households_visible_to(coordinator).count() == 3
    assert enrolments_visible_to(coordinator).count() == 2
    assert not households_visible_to(AnonymousUser()).exists()
    assert not enrolments_visible_to(AnonymousUser()).exists()


def test_a_user_without_a_role_sees_nothing(world):
    nobody = user_with_role("unknown")
    assert not households_visible_to(nobody).exists()
    assert not enrolments_visible_to(nobody).exists()


def test_health_notes_for_the_programmes_mediators_and_coordinators_only(world):
    child = world["own_child"]
    assert can_see_health_notes(world["mediator"], child)
    assert not can_see_health_notes(world["other_mediator"], child)
    assert not can_see_health_notes(world["family"], child)
    assert not can_see_health_notes(world["partner"], child)
    assert can_see_health_notes(user_with_role(Role.COORDINATOR), child)
    assert not can_see_health_notes(AnonymousUser(), child)
    world["mine"].status = EnrolmentStatus.CANCELLED
    world["mine"].save()
    assert not can_see_health_notes(world["mediator"], child)


def _bearer(user) -> dict:
    from accounts.models import ApiToken

    _token, raw = ApiToken.generate(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_mediator_who_registered_a_household_cannot_read_or_cancel_it_elsewhere(client, world):
    """Registering a family in the field does not open its enrolments in the programmes of
    other mediators: same answer as their waiting lists."""
    child = ParticipantFactory(household=world["created"])
    elsewhere = world["referral"].programme
    enrolment = EnrolmentFactory(participant=child, programme=elsewhere)
    headers = _bearer(world["mediator"])
    assert client.get(f"/api/v1/enrolments/{enrolment.pk}", **headers).status_code == 404
    assert client.post(f"/api/v1/enrolments/{enrolment.pk}/cancel", **headers).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    # The household itself stays theirs to help.
    assert client.get(f"/api/v1/households/{world['created'].pk}", **headers).status_code == 200


def test_a_partner_sees_the_child_it_referred_not_the_brothers_and_sisters(client, world):
    sibling = ParticipantFactory(household=world["other"], first_name="Siblingname")
    headers = _bearer(world["partner"])
    assert client.get(f"/api/v1/participants/{sibling.pk}", **headers).status_code == 404
    assert (
        client.get(f"/api/v1/participants/{world['other_child'].pk}", **headers).status_code == 200
    )
    household = client.get(f"/api/v1/households/{world['other'].pk}", **headers)
    assert household.status_code == 200
    assert [child["id"] for child in household.json()["participants"]] == [world["other_child"].pk]
    assert "Siblingname" not in household.content.decode()
    listed = client.get("/api/v1/participants", **headers).json()["items"]
    assert [child["id"] for child in listed] == [world["other_child"].pk]
