"""A mother joins a women's workshop herself; a family books a holiday week in one form; the
same through the API. Pages offer every member of the household, with the reason beside those
who do not fit."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from enrolment.models import Enrolment, EnrolmentSource, EnrolmentStatus
from households.models import Participant, Sex
from programmes.models import Audience, EnrolmentMode
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    MediatorFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
ENROL_PAGE_QUERIES = 16


@pytest.fixture(autouse=True)
def _messages_in_english(english, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def family(client):
    user = user_with_role(Role.FAMILY)
    mother = GuardianFactory(user=user, first_name="Nadia", last_name="Durand")
    child = ParticipantFactory(
        household=mother.household,
        first_name="Lina",
        last_name="Durand",
        birth_date=timezone.localdate().replace(year=2018),
    )
    client.force_login(user)
    return {
        "client": client,
        "user": user,
        "mother": mother,
        "child": child,
        "household": mother.household,
    }


def _women_programme(**kwargs):
    programme = ProgrammeFactory(
        title="Santé des femmes", audience=Audience.WOMEN, min_age=18, max_age=None, **kwargs
    )
    return programme, SessionFactory(programme=programme)


def test_a_mother_joins_a_womens_workshop_with_her_birth_date(family):
    programme, session = _women_programme()
    client = family["client"]
    url = reverse("enrolment:enrol", args=[programme.slug])
    body = client.get(url).content.decode()
    assert f'value="g-{family["mother"].pk}"' in body
    # Her daughter is listed, not offered, with the reason.
    assert f'value="p-{family["child"].pk}"' not in body
    assert "Lina will be 8" in body and "aged 18 and over" in body

    response = client.post(
        url, {"participant": f"g-{family['mother'].pk}", "sessions": [session.pk]}
    )
    assert response.status_code == 200
    assert "Enter the birth date of Nadia" in response.content.decode()
    assert not Enrolment.objects.exists()

    response = client.post(
        url,
        {
            "participant": f"g-{family['mother'].pk}",
            "birth_date": "1988-05-04",
            "sessions": [session.pk],
        },
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert enrolment.participant.guardian_record == family["mother"]
    assert enrolment.participant.birth_date == datetime.date(1988, 5, 4)
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    # Next time she is a participant: offered directly, no birth date asked again.
    body = client.get(url).content.decode()
    assert f'value="p-{enrolment.participant.pk}"' in body
    assert f'value="g-{family["mother"].pk}"' not in body
    assert Participant.objects.filter(guardian_record=family["mother"]).count() == 1


def test_a_father_is_told_why_a_womens_workshop_is_not_for_him(family):
    programme, _session = _women_programme()
    father = ParticipantFactory(
        household=family["household"],
        first_name="Karim",
        birth_date=datetime.date(1985, 1, 1),
        sex=Sex.MALE,
    )
    body = family["client"].get(reverse("enrolment:enrol", args=[programme.slug])).content.decode()
    assert f'value="p-{father.pk}"' not in body
    assert "This programme is for women." in body


def test_parents_come_to_a_parent_and_child_cycle_whatever_the_childrens_ages(family):
    programme = ProgrammeFactory(
        title="Parcours",
        audience=Audience.PARENT_AND_CHILD,
        min_age=6,
        max_age=14,
        enrolment_mode=EnrolmentMode.WHOLE_CYCLE,
    )
    SessionFactory(programme=programme)
    client = family["client"]
    url = reverse("enrolment:enrol", args=[programme.slug])
    client.post(url, {"participant": f"g-{family['mother'].pk}", "birth_date": "1988-05-04"})
    client.post(url, {"participant": f"p-{family['child'].pk}"})
    assert (
        Enrolment.objects.filter(programme=programme, status=EnrolmentStatus.CONFIRMED).count() == 2
    )
    body = client.get(url).content.decode()
    assert body.count("already enrolled") == 2


def test_a_holiday_week_is_booked_in_one_submission_with_an_answer_per_date(family):
    programme = ProgrammeFactory(title="Vacances", capacity=1, waitlist_enabled=True)
    monday = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) + datetime.timedelta(
        days=10
    )
    days = [
        SessionFactory(programme=programme, starts_at=monday + datetime.timedelta(days=n))
        for n in range(3)
    ]
    EnrolmentFactory(programme=programme, session=days[1])  # Tuesday's only place is taken
    clash = SessionFactory(starts_at=days[2].starts_at)  # another programme at the same time
    EnrolmentFactory(programme=clash.programme, session=clash, participant=family["child"])
    client = family["client"]
    url = reverse("enrolment:enrol", args=[programme.slug])

    response = client.post(
        url,
        {"participant": f"p-{family['child'].pk}", "sessions": [d.pk for d in days]},
        follow=True,
    )
    body = response.content.decode()
    statuses = {
        e.session_id: (e.status, e.waitlist_position)
        for e in Enrolment.objects.filter(participant=family["child"], programme=programme)
    }
    assert statuses == {
        days[0].pk: (EnrolmentStatus.CONFIRMED, None),
        days[1].pk: (EnrolmentStatus.WAITLISTED, 1),
    }
    assert "place confirmed for Lina" in body
    assert "number 1 on the waiting list" in body
    assert "not booked" in body and "at the same time" in body
    # Back on the page, the booked dates are marked.
    body = client.get(url).content.decode()
    assert body.count("Lina: already booked") == 2


def test_choosing_no_date_names_the_field_and_books_nothing(family):
    programme = ProgrammeFactory()
    SessionFactory(programme=programme)
    response = family["client"].post(
        reverse("enrolment:enrol", args=[programme.slug]),
        {"participant": f"p-{family['child'].pk}"},
    )
    assert response.status_code == 200
    assert 'id="sessions-errors"' in response.content.decode()
    assert not Enrolment.objects.exists()


def test_the_enrol_page_makes_a_bounded_number_of_queries(family, django_assert_max_num_queries):
    programme = ProgrammeFactory(capacity=5)
    for n in range(12):
        session = SessionFactory(
            programme=programme, starts_at=timezone.now() + datetime.timedelta(days=3 + n)
        )
        EnrolmentFactory(programme=programme, session=session)
    for n in range(6):
        ParticipantFactory(household=family["household"], first_name=f"Enfant{n}")
    GuardianFactory(household=family["household"], first_name="Karim", is_primary=False)
    with django_assert_max_num_queries(ENROL_PAGE_QUERIES):
        response = family["client"].get(reverse("enrolment:enrol", args=[programme.slug]))
    assert response.status_code == 200


def test_a_mediator_enrols_a_grandmother_in_a_seniors_workshop(client):
    programme = ProgrammeFactory(
        title="Seniors", audience=Audience.SENIORS, min_age=60, max_age=None
    )
    session = SessionFactory(programme=programme)
    mediator = MediatorFactory()
    programme.mediators.add(mediator)
    grandmother = GuardianFactory(
        first_name="Fatou", last_name="Sow", household__created_by=mediator.user
    )
    client.force_login(mediator.user)
    url = reverse("enrolment:enrol", args=[programme.slug])
    response = client.post(
        url,
        {
            "household": grandmother.household_id,
            "participant": f"g-{grandmother.pk}",
            "birth_date": "1950-02-01",
            "sessions": [session.pk],
        },
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert enrolment.source == EnrolmentSource.MEDIATOR
    assert enrolment.participant.guardian_record == grandmother
    # Too young by her birth date: refused on the field, nothing kept but her record.
    younger = GuardianFactory(first_name="Awa", household__created_by=mediator.user)
    response = client.post(
        url,
        {
            "household": younger.household_id,
            "participant": f"g-{younger.pk}",
            "birth_date": "1990-02-01",
            "sessions": [session.pk],
        },
        follow=True,
    )
    assert "aged 60 and over" in response.content.decode()
    assert Enrolment.objects.count() == 1


def test_a_birth_date_typed_wrong_is_refused_and_kept_nowhere_so_the_right_one_can_follow(
    family, client
):
    """Found by trying the product: a mother typed 2015 for 1988; the refusal had still made
    her a participant aged 11, and she could never be enrolled in an adult programme again."""
    programme, session = _women_programme()
    url = reverse("enrolment:enrol", args=[programme.slug])
    mother = f"g-{family['mother'].pk}"
    response = client.post(
        url, {"participant": mother, "birth_date": "2015-01-01", "sessions": [session.pk]}
    )
    assert response.status_code in (200, 302)
    assert not Enrolment.objects.exists()
    assert not Participant.objects.filter(guardian_record=family["mother"]).exists()
    response = client.post(
        url, {"participant": mother, "birth_date": "1988-05-04", "sessions": [session.pk]}
    )
    assert response.status_code == 302
    assert Enrolment.objects.get().participant.birth_date == datetime.date(1988, 5, 4)


def test_the_api_keeps_no_adult_participant_when_every_date_is_refused(family, client):
    from accounts.models import ApiToken

    programme, session = _women_programme()
    _token, raw = ApiToken.generate(user=family["user"], name="t")
    body = {
        "programme_id": programme.pk,
        "session_ids": [session.pk],
        "guardian_id": family["mother"].pk,
        "birth_date": "2015-01-01",
    }
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    answer = client.post("/api/v1/enrolments/dates", body, content_type="application/json", **auth)
    assert answer.status_code == 200, answer.content
    assert answer.json()["answers"][0]["status"] == "refused"
    assert not Participant.objects.filter(guardian_record=family["mother"]).exists()
    body["birth_date"] = "1988-05-04"
    answer = client.post("/api/v1/enrolments/dates", body, content_type="application/json", **auth)
    assert answer.json()["answers"][0]["status"] == "confirmed"
