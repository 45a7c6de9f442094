"""The API offers what the pages offer: who in a household fits a programme (and why not), and
several dates in one request with an answer per date."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from enrolment.models import Enrolment, EnrolmentStatus
from programmes.models import Audience
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
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
