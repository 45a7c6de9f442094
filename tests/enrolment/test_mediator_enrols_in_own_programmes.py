"""A mediator enrols people in their own programmes only (docs/access.md): another mediator's
programme is refused with a clear 403 on every booking path (one date, several dates, the whole
cycle; page and API), while a coordinator and the family itself may enrol anywhere."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from enrolment.models import Enrolment
from programmes.models import EnrolmentMode
from tests.factories import (
    GuardianFactory,
    HouseholdFactory,
    MediatorFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    sophie = MediatorFactory()  # mediatrice.educ
    amina = MediatorFactory()
    hers = ProgrammeFactory(title="Parcours famille", min_age=0, max_age=99)
    hers.mediators.add(sophie)
    seniors = ProgrammeFactory(title="Seniors : bien chez soi", min_age=0, max_age=99)
    seniors.mediators.add(amina)
    cycle = ProgrammeFactory(
        title="Cycle seniors", min_age=0, max_age=99, enrolment_mode=EnrolmentMode.WHOLE_CYCLE
    )
    cycle.mediators.add(amina)
    soon = (timezone.now() + datetime.timedelta(days=10)).replace(hour=9, minute=0)
    household = HouseholdFactory(created_by=sophie.user)
    GuardianFactory(household=household)
    nadia = ParticipantFactory(household=household, first_name="Nadia")
    return {
        "sophie": sophie.user,
        "hers": hers,
        "seniors": seniors,
        "seniors_dates": [
            SessionFactory(programme=seniors, starts_at=soon + datetime.timedelta(days=day))
            for day in range(3)
        ],
        "hers_date": SessionFactory(programme=hers),
        "cycle": cycle,
        "cycle_date": SessionFactory(programme=cycle),
        "household": household,
        "nadia": nadia,
    }


def _dates(client, world, programme, sessions):
    return client.post(
        "/api/v1/enrolments/dates",
        {
            "participant_id": world["nadia"].pk,
            "programme_id": programme.pk,
            "session_ids": [s.pk for s in sessions],
        },
        content_type="application/json",
    )


def test_the_dates_api_refuses_another_mediators_programme(client, world):
    client.force_login(world["sophie"])
    response = _dates(client, world, world["seniors"], world["seniors_dates"])
    assert response.status_code == 403
    assert "Seniors : bien chez soi" in response.json()["detail"]
    assert not Enrolment.objects.exists()
    # Her own programme still works.
    response = _dates(client, world, world["hers"], [world["hers_date"]])
    assert response.status_code == 200
    assert response.json()["answers"][0]["status"] == "confirmed"


@pytest.mark.parametrize("target", ["one date", "whole cycle"])
def test_the_single_enrolment_api_refuses_it_too(client, world, target):
    client.force_login(world["sophie"])
    programme, session = (
        (world["seniors"], world["seniors_dates"][0])
        if target == "one date"
        else (world["cycle"], None)
    )
    response = client.post(
        "/api/v1/enrolments",
        {
            "participant_id": world["nadia"].pk,
            "programme_id": programme.pk,
            "session_id": session.pk if session else None,
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_the_enrol_page_refuses_with_the_reason(client, world):
    client.force_login(world["sophie"])
    url = reverse("enrolment:enrol", args=[world["seniors"].slug])
    response = client.get(f"{url}?household={world['household'].pk}")
    assert response.status_code == 403
    assert "Only the mediators of" in response.content.decode()
    response = client.post(
        f"{url}?household={world['household'].pk}",
        {"participant": f"p-{world['nadia'].pk}", "sessions": [world["seniors_dates"][0].pk]},
    )
    assert response.status_code == 403
    assert not Enrolment.objects.exists()
    own = reverse("enrolment:enrol", args=[world["hers"].slug])
    assert client.get(f"{own}?household={world['household'].pk}").status_code == 200


def test_a_coordinator_and_the_family_enrol_anywhere(client, world):
    client.force_login(user_with_role(Role.COORDINATOR))
    assert _dates(client, world, world["seniors"], world["seniors_dates"][:1]).status_code == 200
    family = user_with_role(Role.FAMILY)
    GuardianFactory(household=world["household"], user=family, is_primary=False)
    client.force_login(family)
    response = _dates(client, world, world["seniors"], world["seniors_dates"][1:2])
    assert response.json()["answers"][0]["status"] == "confirmed"
    assert Enrolment.objects.count() == 2
