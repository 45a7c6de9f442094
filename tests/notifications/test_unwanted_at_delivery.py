"""What waited in the outbox (SMS held overnight until 08:00) is checked again when it goes: a
person who opted out of the channel meanwhile gets nothing by it, and a reminder about an
enrolment cancelled meanwhile is not sent."""

import pytest
from django.utils import timezone

from enrolment.models import EnrolmentStatus
from notifications.delivery import message_deliver
from notifications.models import Message, MessageState
from tests.factories import EnrolmentFactory, GuardianFactory, MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_sms(settings):
    settings.NOTIFICATIONS_QUIET_HOURS = None
    guardian = GuardianFactory(phone="+33612345678", email="karim@example.org")
    message = MessageFactory(
        household=guardian.household, address=guardian.phone, due_at=timezone.now()
    )
    return guardian, message


def test_an_sms_queued_before_the_opt_out_is_not_sent(queued_sms, sms_outbox):
    guardian, message = queued_sms
    guardian.opt_out_sms = True
    guardian.save()
    assert message_deliver(message_id=message.pk) == "unwanted"
    message.refresh_from_db()
    assert message.state == MessageState.CANCELLED
    assert "text messages" in message.cancel_reason
    assert sms_outbox == []


def test_an_email_queued_before_the_opt_out_is_not_sent(queued_sms, mailoutbox):
    guardian, _sms = queued_sms
    message = MessageFactory(
        household=guardian.household, channel="email", address="KARIM@example.org"
    )
    guardian.opt_out_email = True
    guardian.save()
    assert message_deliver(message_id=message.pk) == "unwanted"
    assert mailoutbox == []


def test_a_reminder_about_a_cancelled_enrolment_is_not_sent(queued_sms, sms_outbox):
    guardian, message = queued_sms
    enrolment = EnrolmentFactory(status=EnrolmentStatus.CANCELLED)
    Message.objects.filter(pk=message.pk).update(enrolment=enrolment)
    assert message_deliver(message_id=message.pk) == "unwanted"
    message.refresh_from_db()
    assert message.state == MessageState.CANCELLED
    assert sms_outbox == []


def test_a_message_still_wanted_goes(queued_sms, sms_outbox):
    _guardian, message = queued_sms
    assert message_deliver(message_id=message.pk) == "sent"
    assert len(sms_outbox) == 1
