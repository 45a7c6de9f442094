"""The API offers what the pages offer: who in a household fits a programme (and why not), and
several dates in one request with an answer per date."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from enrolment.models import Enrolment, EnrolmentStatus
from households.models import Participant
from programmes.models import Audience, EnrolmentMode
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    HouseholdFactory,
    MediatorFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _messages_in_english(english, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def family(client):
    user = user_with_role(Role.FAMILY)
    mother = GuardianFactory(user=user, first_name="Nadia")
    child = ParticipantFactory(
        household=mother.household, first_name="Lina", birth_date=datetime.date(2018, 3, 1)
    )
    client.force_login(user)
    return {"client": client, "mother": mother, "child": child}


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_members_say_who_fits_a_womens_workshop(family):
    programme = ProgrammeFactory(audience=Audience.WOMEN, min_age=18, max_age=None)
    SessionFactory(programme=programme)
    response = family["client"].get(f"{API}/programmes/{programme.pk}/members")
    assert response.status_code == 200
    members = {member["key"]: member for member in response.json()}
    mother = members[f"g-{family['mother'].pk}"]
    child = members[f"p-{family['child'].pk}"]
    assert (mother["fits"], mother["needs_birth_date"]) == (True, True)
    assert child["fits"] is False and "aged 18 and over" in child["reason"]


def test_a_mother_books_three_dates_with_an_answer_per_date(family):
    programme = ProgrammeFactory(audience=Audience.WOMEN, min_age=18, max_age=None, capacity=1)
    start = timezone.now() + datetime.timedelta(days=5)
    days = [
        SessionFactory(programme=programme, starts_at=start + datetime.timedelta(days=n))
        for n in range(3)
    ]
    EnrolmentFactory(programme=programme, session=days[1])
    days[2].status = "cancelled"
    days[2].save()
    response = post(
        family["client"],
        f"{API}/enrolments/dates",
        {
            "programme_id": programme.pk,
            "guardian_id": family["mother"].pk,
            "birth_date": "1988-05-04",
            "session_ids": [d.pk for d in days],
        },
    )
    assert response.status_code == 200, response.content
    answers = {a["session_id"]: a for a in response.json()["answers"]}
    assert answers[days[0].pk]["status"] == "confirmed"
    assert (answers[days[1].pk]["status"], answers[days[1].pk]["position"]) == ("waitlisted", 1)
    assert answers[days[2].pk]["status"] == "refused"
    assert "cancelled" in answers[days[2].pk]["reason"]


def test_a_wrong_request_names_the_field_and_books_nothing(family):
    programme = ProgrammeFactory()
    other = SessionFactory()
    mine = SessionFactory(programme=programme)
    client = family["client"]
    response = post(
        client,
        f"{API}/enrolments/dates",
        {
            "programme_id": programme.pk,
            "participant_id": family["child"].pk,
            "session_ids": [mine.pk, other.pk],
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "session_ids"
    response = post(
        client,
        f"{API}/enrolments/dates",
        {
            "programme_id": programme.pk,
            "guardian_id": family["mother"].pk,
            "session_ids": [mine.pk],
        },
    )
    # Needed while the guardian is not a participant yet: stored state, a conflict.
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "birth_date"
    response = post(
        client,
        f"{API}/enrolments/dates",
        {"programme_id": programme.pk, "participant_id": family["child"].pk, "session_ids": []},
    )
    assert response.status_code in (400, 422)
    stranger = ParticipantFactory()
    response = post(
        client,
        f"{API}/enrolments/dates",
        {"programme_id": programme.pk, "participant_id": stranger.pk, "session_ids": [mine.pk]},
    )
    assert response.status_code == 404
    assert not Enrolment.objects.filter(status=EnrolmentStatus.CONFIRMED).exists()


# --- POST /enrolments for a guardian who takes part -------------------------------------------


@pytest.fixture
def womens_cycle():
    programme = ProgrammeFactory(
        audience=Audience.WOMEN, min_age=18, max_age=None, enrolment_mode=EnrolmentMode.WHOLE_CYCLE
    )
    SessionFactory(programme=programme)
    return programme


def test_a_mother_joins_a_whole_cycle_workshop_through_the_api(family, womens_cycle):
    client, mother = family["client"], family["mother"]
    body = {"programme_id": womens_cycle.pk, "guardian_id": mother.pk, "birth_date": "1988-05-04"}
    response = post(client, f"{API}/enrolments", body)
    assert response.status_code == 201, response.content
    participant = Participant.objects.get(guardian_record=mother)
    assert (response.json()["status"], response.json()["participant"]["id"]) == (
        "confirmed",
        participant.pk,
    )
    # Once a participant, she is found again without her birth date; twice is refused.
    again = post(
        client, f"{API}/enrolments", {"programme_id": womens_cycle.pk, "guardian_id": mother.pk}
    )
    assert again.status_code == 409
    assert Participant.objects.filter(guardian_record=mother).count() == 1


def test_a_guardian_books_one_session_of_a_per_session_programme(family):
    programme = ProgrammeFactory(audience=Audience.WOMEN, min_age=18, max_age=None)
    session = SessionFactory(programme=programme)
    body = {
        "programme_id": programme.pk,
        "session_id": session.pk,
        "guardian_id": family["mother"].pk,
        "birth_date": "1988-05-04",
    }
    response = post(family["client"], f"{API}/enrolments", body)
    assert response.status_code == 201, response.content
    assert response.json()["session"]["id"] == session.pk


@pytest.mark.parametrize(
    ("member", "status", "field"),
    [
        ({"participant_id": "child", "guardian_id": "mother"}, 400, "participant_id"),
        ({}, 400, "participant_id"),
        ({"guardian_id": "mother"}, 409, "birth_date"),
        ({"guardian_id": "mother", "birth_date": "2016-01-01"}, 409, "participant"),
        ({"guardian_id": "stranger", "birth_date": "1988-05-04"}, 404, "guardian_id"),
        ({"participant_id": "stranger_child"}, 404, "participant_id"),
    ],
)
def test_the_api_names_the_field_and_keeps_no_new_participant(
    family, womens_cycle, member, status, field
):
    stranger = GuardianFactory()
    people = {
        "child": family["child"].pk,
        "mother": family["mother"].pk,
        "stranger": stranger.pk,
        "stranger_child": ParticipantFactory(household=stranger.household).pk,
    }
    body = {"programme_id": womens_cycle.pk} | {
        name: people.get(value, value) for name, value in member.items()
    }
    response = post(family["client"], f"{API}/enrolments", body)
    assert response.status_code == status, response.content
    assert response.json()["errors"][0]["field"] == field
    assert not Participant.objects.filter(guardian_record__isnull=False).exists()
    assert not Enrolment.objects.exists()


def test_a_mediator_books_guardians_of_the_households_they_may_see_only(client, womens_cycle):
    mediator = MediatorFactory()
    womens_cycle.mediators.add(mediator)  # mediators enrol in their own programmes only
    client.force_login(mediator.user)
    stranger = GuardianFactory()
    body = {"programme_id": womens_cycle.pk, "birth_date": "1980-01-01"}
    response = post(client, f"{API}/enrolments", body | {"guardian_id": stranger.pk})
    assert response.status_code == 404
    followed = GuardianFactory(household=HouseholdFactory(created_by=mediator.user))
    response = post(client, f"{API}/enrolments", body | {"guardian_id": followed.pk})
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "mediator"


def test_the_schema_says_participant_or_guardian(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["EnrolmentIn"]
    assert schema["oneOf"] == [{"required": ["participant_id"]}, {"required": ["guardian_id"]}]
    assert "birth_date" in schema["properties"]
