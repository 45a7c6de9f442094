import datetime

import pytest
import time_machine

from demo.services import load_demo_data
from enrolment.models import Enrolment
from notifications.models import Message, MessageKind, MessageState
from notifications.services import reminders_create_due

pytestmark = pytest.mark.django_db


def test_demo_families_get_their_reminders_with_no_server(sms_outbox, deliver_now):
    # Wednesday 25 November 2026, 19:00 in Paris: Yanis's remobilisation session is tomorrow.
    with time_machine.travel(
        datetime.datetime(2026, 11, 25, 18, 0, tzinfo=datetime.UTC), tick=False
    ):
        load_demo_data(today=datetime.date(2026, 11, 25))
        enrolments = Enrolment.objects.count()
        load_demo_data(today=datetime.date(2026, 11, 25))
        assert Enrolment.objects.count() == enrolments > 0
        with deliver_now():
            assert reminders_create_due() >= 1
    reminder = Message.objects.filter(kind=MessageKind.REMINDER).first()
    assert reminder.state == MessageState.SENT
    assert any("Yanis" in sms.body for sms in sms_outbox)
