"""A partner refers a family the service already knows: the existing household is offered
(named without revealing its details), and choosing it adds no second household."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from enrolment.models import Enrolment, EnrolmentStatus
from households.models import Household, Participant
from programmes.models import EnrolmentMode
from tests.factories import (
    GuardianFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english(english, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def referral(client):
    programme = ProgrammeFactory(enrolment_mode=EnrolmentMode.WHOLE_CYCLE)
    SessionFactory(programme=programme)
    partner = PartnerFactory()
    user = user_with_role(Role.PARTNER)
    partner.members.add(user)
    client.force_login(user)
    known = GuardianFactory(first_name="Nadia", last_name="Durand", phone="+33612000001")
    lina = ParticipantFactory(
        household=known.household,
        first_name="Lina",
        last_name="Durand",
        birth_date=datetime.date(2018, 3, 10),
    )
    url = reverse("enrolment:partner-refer") + f"?programme={programme.pk}"
    data = {
        "first_name": "Lina",
        "last_name": "Durand",
        "birth_date": "2018-03-10",
        "sex": "female",
        "guardian_first_name": "Nadia",
        "guardian_last_name": "Durand",
        "guardian_phone": "06 12 00 00 01",
        "note": "",
    }
    return {"client": client, "url": url, "data": data, "known": known, "lina": lina}


def test_the_existing_household_is_offered_then_used(referral):
    client = referral["client"]
    response = client.post(referral["url"], referral["data"])
    body = response.content.decode()
    assert response.status_code == 200
    assert "may already be known" in body and "The family of Nadia D. (…01)" in body
    assert "+33612000001" not in body
    assert not Enrolment.objects.exists()

    response = client.post(
        referral["url"], referral["data"] | {"use_household": str(referral["known"].household_id)}
    )
    assert response.status_code == 302
    assert Household.objects.count() == 1
    enrolment = Enrolment.objects.get()
    assert (enrolment.participant, enrolment.status) == (referral["lina"], EnrolmentStatus.PROPOSED)


def test_another_family_can_still_be_registered_and_a_forged_choice_is_ignored(referral):
    client = referral["client"]
    stranger = GuardianFactory()
    response = client.post(
        referral["url"], referral["data"] | {"use_household": str(stranger.household_id)}
    )
    assert response.status_code == 200 and not Enrolment.objects.exists()
    response = client.post(referral["url"], referral["data"] | {"use_household": "new"})
    assert response.status_code == 302
    assert Household.objects.count() == 3
    assert Participant.objects.filter(first_name="Lina").count() == 2


def test_a_phone_that_is_not_one_is_refused_on_its_field(referral):
    response = referral["client"].post(
        referral["url"], referral["data"] | {"guardian_phone": "abc"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This phone number is not valid" in body
    assert not Enrolment.objects.exists()
