"""A family whose child's safety sheet is still incomplete is reminded once, before the first
session; a complete sheet or a far session sends nothing."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from enrolment.models import Enrolment, EnrolmentSource, EnrolmentStatus
from notifications.models import Message, MessageKind
from notifications.services import safety_sheet_reminders_create
from tests.factories import GuardianFactory, ParticipantFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db


def enrolled(days_ahead: int, *, pending: bool = True) -> Enrolment:
    guardian = GuardianFactory(is_primary=True, phone="0600000001")
    child = ParticipantFactory(household=guardian.household)
    programme = ProgrammeFactory(safety_sheet_parts=["health"])
    session = SessionFactory(
        programme=programme, starts_at=timezone.now() + datetime.timedelta(days=days_ahead)
    )
    return Enrolment.objects.create(
        participant=child,
        programme=programme,
        session=session,
        status=EnrolmentStatus.CONFIRMED,
        sheet_pending=pending,
        source=EnrolmentSource.FAMILY_ONLINE,
    )


def test_reminded_once_within_the_days_before_the_first_session(settings):
    settings.SAFETY_SHEET_REMINDER_DAYS = 7
    soon = enrolled(5)
    enrolled(5, pending=False)
    enrolled(20)
    assert safety_sheet_reminders_create() == 1
    assert safety_sheet_reminders_create() == 0
    message = Message.objects.get(kind=MessageKind.SAFETY_SHEET_REMINDER)
    assert message.enrolment == soon and message.household_id == soon.participant.household_id
    with time_machine.travel(timezone.now() + datetime.timedelta(days=14)):
        assert safety_sheet_reminders_create() == 1  # the far one, now near
