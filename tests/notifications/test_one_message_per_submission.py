"""A family books several dates in one submission: the guardian gets one message listing the
answer for each date (confirmed, waiting list), sent once; another submission gets its own."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from households.models import Channel
from notifications.models import Message, MessageKind, MessageState
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

# Each request commits, as it does in production: the outbox dispatches on commit.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("english", "celery_eager"),
]


@pytest.fixture
def family(client):
    user = user_with_role(Role.FAMILY)
    mother = GuardianFactory(
        user=user,
        first_name="Nadia",
        email="nadia@example.org",
        preferred_channel=Channel.EMAIL,
        language="en",
    )
    child = ParticipantFactory(
        household=mother.household,
        first_name="Lina",
        birth_date=timezone.localdate().replace(year=2016),
    )
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    return client, child


def _days(programme, count):
    monday = timezone.now().replace(hour=9, minute=30, second=0, microsecond=0)
    return [
        SessionFactory(
            programme=programme, starts_at=monday + datetime.timedelta(days=10 + n, hours=0)
        )
        for n in range(count)
    ]


def _book(client, programme, child, days):
    return client.post(
        reverse("enrolment:enrol", args=[programme.slug]),
        {"participant": f"p-{child.pk}", "sessions": [day.pk for day in days]},
    )


def test_three_dates_booked_at_once_give_one_message_listing_them(family):
    client, child = family
    programme = ProgrammeFactory(title="Santé des femmes", capacity=5, min_age=None, max_age=None)
    days = _days(programme, 3)

    _book(client, programme, child, days)

    messages = Message.objects.filter(
        kind__in=[MessageKind.ENROLMENT_CONFIRMED, MessageKind.ENROLMENT_WAITLISTED]
    )
    assert messages.count() == 1
    assert messages.get().state == MessageState.SENT
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "The answer for each date:" in body
    assert body.count("place confirmed") == 3
    for day in days:
        assert timezone.localtime(day.starts_at).strftime("%B %Y") in body


def test_a_full_date_is_listed_with_its_waiting_list_place(family):
    client, child = family
    programme = ProgrammeFactory(title="Vacances", capacity=1, waitlist_enabled=True)
    days = _days(programme, 2)
    EnrolmentFactory(programme=programme, session=days[1])

    _book(client, programme, child, days)

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "place confirmed" in body and "waiting list, number 1" in body


def test_each_submission_has_its_own_message(family):
    client, child = family
    programme = ProgrammeFactory(title="Santé des femmes", capacity=5, min_age=None, max_age=None)
    days = _days(programme, 3)

    _book(client, programme, child, days[:2])
    _book(client, programme, child, days[2:])

    assert Message.objects.filter(kind=MessageKind.ENROLMENT_CONFIRMED).count() == 2
    assert len(mail.outbox) == 2
    assert "The answer for each date:" in mail.outbox[0].body
    assert "The answer for each date:" not in mail.outbox[1].body


def test_an_sms_family_gets_one_sms_for_the_dates_of_one_api_request(client, sms_outbox):
    user = user_with_role(Role.FAMILY)
    mother = GuardianFactory(
        user=user, phone="+33612000001", preferred_channel=Channel.SMS, language="en"
    )
    child = ParticipantFactory(
        household=mother.household,
        first_name="Sami",
        birth_date=timezone.localdate().replace(year=2016),
    )
    programme = ProgrammeFactory(title="Multisport", capacity=5, min_age=None, max_age=None)
    days = _days(programme, 2)
    client.force_login(user)

    response = client.post(
        "/api/v1/enrolments/dates",
        {
            "participant_id": child.pk,
            "programme_id": programme.pk,
            "session_ids": [day.pk for day in days],
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200, response.content
    assert [answer["status"] for answer in response.json()["answers"]] == ["confirmed"] * 2
    assert len(sms_outbox) == 1
    text = sms_outbox[0].body
    assert '"Multisport": 2 dates.' in text and text.count("place confirmed") == 2
