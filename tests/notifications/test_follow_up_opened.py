"""Repeated absences on a register tell the responsible mediator, once, with the rollback."""

import datetime
import uuid

import pytest
import time_machine
from django.core import mail

from attendance.services import MarkInput, attendance_mark
from notifications.models import Message, MessageKind
from tests.factories import GuardianFactory, SessionFactory, build_register

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 25, 17, 0, tzinfo=datetime.UTC)


def absent(session, user, person):
    return attendance_mark(
        session=session,
        marked_by=user,
        marks=[
            MarkInput(
                participant_id=person.pk,
                status="absent",
                client_id=uuid.uuid4(),
                client_marked_at=session.starts_at,
            )
        ],
    )


def test_opening_a_follow_up_sends_the_mediator_a_message(deliver_now):
    with time_machine.travel(NOW, tick=False):
        first, mediator, (person,) = build_register(
            participants=1, starts_at=NOW - datetime.timedelta(days=2)
        )
        GuardianFactory(household=person.household, phone="0611223344")
        second = SessionFactory(
            programme=first.programme, starts_at=NOW - datetime.timedelta(hours=3)
        )
        absent(first, mediator.user, person)
        with deliver_now():
            result = absent(second, mediator.user, person)
    (follow_up,) = result.follow_ups
    message = Message.objects.get(kind=MessageKind.FOLLOW_UP_OPENED)
    assert message.key == f"follow-up:{follow_up.pk}:opened"
    (email,) = mail.outbox
    assert email.to == [mediator.user.email]
    assert person.first_name in email.subject
    assert "0611223344" in email.body and "/attendance/follow-ups/" in email.body
