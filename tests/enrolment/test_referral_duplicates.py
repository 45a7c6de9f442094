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


# --- The same through the API -----------------------------------------------------------------


def refer(client, body):
    return client.post("/api/v1/referrals", body, content_type="application/json")


@pytest.fixture
def api_referral(referral):
    """The partner of the page above, sending the same family to the API."""
    programme_id = int(referral["url"].rsplit("=", 1)[1])
    body = {
        "programme_id": programme_id,
        "participant": {"first_name": "Lina", "last_name": "Durand", "birth_date": "2018-03-10"},
        "guardian": {"first_name": "Nadia", "last_name": "Durand", "phone": "0612000001"},
    }
    return referral | {"body": body}


def test_the_api_answers_409_naming_the_detail_and_nothing_of_the_known_family(api_referral):
    response = refer(api_referral["client"], api_referral["body"])
    assert response.status_code == 409
    assert response.json() == {
        "detail": "A family with this phone number is already known to the service.",
        "errors": [
            {
                "field": "phone",
                "message": "A family with this phone number is already known to the service.",
            }
        ],
    }
    assert not Enrolment.objects.exists() and Household.objects.count() == 1


def test_the_api_refers_the_child_to_the_known_family_when_asked(api_referral):
    client, known = api_referral["client"], api_referral["known"]
    response = refer(client, api_referral["body"] | {"known_family": "use"})
    assert response.status_code == 201, response.content
    body = response.content.decode()
    assert "+33612000001" not in body and "Nadia" not in body
    assert Household.objects.count() == 1
    enrolment = Enrolment.objects.get()
    assert (enrolment.participant, enrolment.status) == (api_referral["lina"], "proposed")
    # Referring a known family opens nothing of it to the partner.
    assert client.get(f"/api/v1/households/{known.household_id}").status_code == 404


def test_the_api_registers_another_family_when_told_it_is_one(api_referral):
    response = refer(api_referral["client"], api_referral["body"] | {"known_family": "new"})
    assert response.status_code == 201, response.content
    assert Household.objects.count() == 2


@pytest.mark.parametrize(
    ("guardian", "field"),
    [
        ({"phone": "0698765432", "email": "NADIA@example.org"}, "email"),
        ({"phone": "0698765432", "last_name": "DURAND"}, "birth_date"),
    ],
)
def test_the_api_names_each_kind_of_match(api_referral, guardian, field):
    known = api_referral["known"]
    known.email = "nadia@example.org"
    known.save()
    body = api_referral["body"]
    body = body | {"guardian": body["guardian"] | guardian}
    response = refer(api_referral["client"], body)
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == field


def test_use_without_any_known_family_is_refused_on_its_field(api_referral):
    body = api_referral["body"]
    body = body | {
        "guardian": body["guardian"] | {"phone": "0698765432", "last_name": "Martin"},
        "known_family": "use",
    }
    response = refer(api_referral["client"], body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "known_family"
    assert not Enrolment.objects.exists()


def test_the_schema_documents_the_409_and_how_to_answer_it(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/referrals"]["post"]
    assert "known_family" in operation["responses"]["409"]["description"]
    assert operation["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert "known_family" in schema["components"]["schemas"]["ReferralIn"]["properties"]
