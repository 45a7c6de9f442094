"""Cancelling that makes sense: before a cycle starts the deadline applies to its first session;
once it has started a family can leave at any time, saying why if it wishes, and the mediator
sees it. Every refusal says what is possible now, with the date in full and the service's
contact."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from enrolment.models import Enrolment, EnrolmentStatus
from enrolment.services import enrolment_cancel, enrolment_create
from notifications.models import Message, MessageKind
from notifications.rendering import render_message
from programmes.models import EnrolmentMode
from tests.factories import (
    GuardianFactory,
    MediatorFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
PARIS = datetime.timezone(datetime.timedelta(hours=2))  # CEST in September
PEOPLE_PAGE_QUERIES = 14


@pytest.fixture(autouse=True)
def _messages_in_english(english, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def cycle_family(client, settings):
    settings.SERVICE_CONTACT = {
        "phone": "01 23 45 67 89",
        "address": "1 place de la Mairie",
        "hours": "9:00–17:00",
    }
    with time_machine.travel(datetime.datetime(2026, 8, 20, 10, 0, tzinfo=datetime.UTC)):
        programme = ProgrammeFactory(
            title="Parcours",
            enrolment_mode=EnrolmentMode.WHOLE_CYCLE,
            capacity=1,
            waitlist_enabled=True,
            cancellation_deadline_hours=48,
        )
        for day in (1, 8, 15):
            SessionFactory(
                programme=programme, starts_at=datetime.datetime(2026, 9, day, 14, 0, tzinfo=PARIS)
            )
        user = user_with_role(Role.FAMILY)
        guardian = GuardianFactory(user=user)
        child = ParticipantFactory(household=guardian.household, first_name="Lina")
        enrolment = enrolment_create(participant=child, programme=programme, created_by=user)
        waiting = enrolment_create(participant=ParticipantFactory(), programme=programme)
    client.force_login(user)
    return {
        "client": client,
        "user": user,
        "programme": programme,
        "enrolment": enrolment,
        "waiting": waiting,
    }


def test_before_the_start_the_deadline_is_the_first_sessions_and_is_said_in_full(cycle_family):
    client, enrolment = cycle_family["client"], cycle_family["enrolment"]
    url = reverse("enrolment:cancel", args=[enrolment.pk])
    with time_machine.travel(datetime.datetime(2026, 8, 25, 10, 0, tzinfo=datetime.UTC)):
        body = client.get(url).content.decode()
        assert "You can cancel online until Sunday 30 August 2026, 14:00." in body
    # Between the deadline and the start: not online, and the page says whom to call.
    with time_machine.travel(datetime.datetime(2026, 8, 31, 10, 0, tzinfo=datetime.UTC)):
        body = client.get(url).content.decode()
        assert "the deadline was Sunday 30 August 2026, 14:00" in body
        assert "01 23 45 67 89" in body and "1 place de la Mairie" in body
        assert "Yes, cancel" not in body
        response = client.post(url, follow=True)
        assert "01 23 45 67 89" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED


def test_once_started_a_family_leaves_with_a_reason_and_the_place_is_not_offered_again(
    cycle_family, client, django_assert_max_num_queries
):
    family_client, enrolment = cycle_family["client"], cycle_family["enrolment"]
    url = reverse("enrolment:cancel", args=[enrolment.pk])
    with time_machine.travel(datetime.datetime(2026, 9, 10, 10, 0, tzinfo=datetime.UTC)):
        body = family_client.get(url).content.decode()
        assert "The cycle started on Tuesday 1 September 2026, 14:00." in body
        response = family_client.post(url, {"reason": "Nous déménageons."}, follow=True)
        assert "has left “Parcours”" in response.content.decode()
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.cancel_reason) == (
        EnrolmentStatus.CANCELLED,
        "Nous déménageons.",
    )
    cycle_family["waiting"].refresh_from_db()
    assert cycle_family["waiting"].status == EnrolmentStatus.WAITLISTED

    # The programme's mediator sees who left, when, and why.
    mediator = MediatorFactory()
    cycle_family["programme"].mediators.add(mediator)
    client.force_login(mediator.user)
    with django_assert_max_num_queries(PEOPLE_PAGE_QUERIES):
        body = client.get(
            reverse("enrolment:programme-people", args=[cycle_family["programme"].pk])
        ).content.decode()
    assert "Left or cancelled lately" in body
    assert "Reason given: Nous déménageons." in body and "by the family" in body


def test_staff_cancel_at_any_time_and_the_place_goes_to_the_waiting_list(cycle_family):
    coordinator = user_with_role(Role.COORDINATOR)
    with time_machine.travel(datetime.datetime(2026, 8, 31, 10, 0, tzinfo=datetime.UTC)):
        enrolment_cancel(enrolment=cycle_family["enrolment"], cancelled_by=coordinator)
    cycle_family["waiting"].refresh_from_db()
    assert cycle_family["waiting"].status == EnrolmentStatus.CONFIRMED
    assert Enrolment.objects.filter(status=EnrolmentStatus.CANCELLED).count() == 1


def test_the_programmes_mediators_are_told_when_a_family_leaves_and_not_when_staff_cancel(
    cycle_family,
):
    programme = cycle_family["programme"]
    mediator = MediatorFactory()
    mediator.user.email = "mediatrice@example.org"
    mediator.user.save()
    programme.mediators.add(mediator)
    other_programmes_mediator = MediatorFactory()
    with time_machine.travel(datetime.datetime(2026, 9, 10, 10, 0, tzinfo=datetime.UTC)):
        cycle_family["client"].post(
            reverse("enrolment:cancel", args=[cycle_family["enrolment"].pk]),
            {"reason": "Nous déménageons."},
        )
    told = Message.objects.get(kind=MessageKind.FAMILY_LEFT)
    assert told.recipient_user == mediator.user
    assert told.address == "mediatrice@example.org"
    assert not Message.objects.filter(
        kind=MessageKind.FAMILY_LEFT, recipient_user=other_programmes_mediator.user
    ).exists()
    subject, body = render_message(
        kind=told.kind,
        channel=told.channel,
        language="en",
        context=told.context,
        recipient_name=told.recipient_name,
    )
    assert "Lina" in subject and "Parcours" in subject
    assert "Reason given: Nous déménageons." in body
    assert f"/mediation/programmes/{programme.pk}/" in body

    # Staff who cancel know already: nobody is told.
    coordinator = user_with_role(Role.COORDINATOR)
    with time_machine.travel(datetime.datetime(2026, 8, 21, 10, 0, tzinfo=datetime.UTC)):
        programme.capacity = 3
        programme.save()
        again = enrolment_create(
            participant=ParticipantFactory(), programme=programme, created_by=coordinator
        )
        assert again.status == EnrolmentStatus.CONFIRMED
        enrolment_cancel(enrolment=again, cancelled_by=coordinator)
    assert Message.objects.filter(kind=MessageKind.FAMILY_LEFT).count() == 1
