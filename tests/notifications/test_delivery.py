import datetime
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from kombu.exceptions import OperationalError

from notifications import delivery
from notifications.models import Message, MessageState, MessageTemplate
from notifications.tasks import deliver_messages, sweep
from tests.factories import MessageFactory

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=datetime.UTC)  # 12:00 in Paris
NIGHT = datetime.datetime(2026, 12, 1, 22, 0, tzinfo=datetime.UTC)  # 23:00 in Paris


@pytest.fixture
def noon():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def test_sms_is_rendered_in_french_sent_and_recorded(noon, sms_outbox):
    message = MessageFactory()
    assert delivery.message_deliver(message_id=message.pk) == "sent"
    (sms,) = sms_outbox
    assert sms.to == message.address and sms.reference == message.key
    assert "Lina" in sms.body and "mercredi 2 décembre" in sms.body and "14:00" in sms.body
    message.refresh_from_db()
    assert message.state == MessageState.SENT and message.sent_at == NOON
    assert message.body == sms.body and message.provider_message_id == sms.message_id
    assert message.attempts == 1


def test_email_is_rendered_in_english(noon):
    message = MessageFactory(channel="email", address="nadia@example.org", language="en")
    assert delivery.message_deliver(message_id=message.pk) == "sent"
    (email,) = mail.outbox
    assert email.to == ["nadia@example.org"]
    assert email.subject == "Reminder: Atelier cuisine, Wednesday 2 December at 14:00"
    assert "Hello Nadia Durand," in email.body and "Lina" in email.body
    assert "l&#x27;" not in email.body
    assert email.extra_headers["Message-ID"].startswith(f"<{message.key.replace(':', '.')}@")


def test_a_sent_message_is_never_sent_again(noon, sms_outbox):
    message = MessageFactory()
    delivery.message_deliver(message_id=message.pk)
    assert delivery.message_deliver(message_id=message.pk) == "sent"
    assert delivery.message_deliver(message_id=message.pk, claim_token="other") == "sent"
    assert len(sms_outbox) == 1


def test_a_row_claimed_by_another_worker_is_left_alone(noon, sms_outbox):
    message = MessageFactory(state=MessageState.SENDING, claimed_by="worker-a", claimed_at=NOON)
    assert delivery.message_deliver(message_id=message.pk, claim_token="worker-b") == "taken"
    assert sms_outbox == []


def test_the_same_task_delivered_again_after_a_crash_takes_its_row_back(noon, sms_outbox):
    message = MessageFactory(
        state=MessageState.SENDING, claimed_by="task-1", claimed_at=NOON, attempts=1
    )
    assert delivery.message_deliver(message_id=message.pk, claim_token="task-1") == "sent"
    assert len(sms_outbox) == 1


def test_stuck_rows_go_back_to_pending_after_the_timeout(noon, settings):
    settings.NOTIFICATIONS_SENDING_TIMEOUT = 600
    stuck = MessageFactory(
        state=MessageState.SENDING,
        claimed_by="dead",
        claimed_at=NOON - datetime.timedelta(minutes=11),
    )
    busy = MessageFactory(
        state=MessageState.SENDING,
        claimed_by="alive",
        claimed_at=NOON - datetime.timedelta(minutes=2),
    )
    assert delivery.messages_release_stuck() == 1
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.state == MessageState.PENDING and stuck.claimed_by == ""
    assert busy.state == MessageState.SENDING


def test_a_message_not_yet_due_is_not_sent(noon, sms_outbox):
    message = MessageFactory(due_at=NOON + datetime.timedelta(minutes=5))
    assert delivery.message_deliver(message_id=message.pk) == "not-due"
    assert sms_outbox == []


def test_sms_waits_for_the_end_of_quiet_hours(sms_outbox):
    with time_machine.travel(NIGHT, tick=False):
        message = MessageFactory()
        assert delivery.message_deliver(message_id=message.pk) == "quiet-hours"
    assert sms_outbox == []
    message.refresh_from_db()
    assert message.state == MessageState.PENDING
    assert message.due_at == datetime.datetime(2026, 12, 2, 7, 0, tzinfo=datetime.UTC)  # 08:00


def test_email_goes_during_quiet_hours():
    with time_machine.travel(NIGHT, tick=False):
        message = MessageFactory(channel="email", address="a@example.org")
        assert delivery.message_deliver(message_id=message.pk) == "sent"


def test_provider_errors_are_retried_with_capped_backoff_then_fail(fake_ovh, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 4
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 60
    fake_ovh.answers.extend([500] * 10)
    with (
        time_machine.travel(NOON, tick=False) as traveller,
        mock.patch.object(delivery, "dispatch_now") as dispatch,
    ):
        message = MessageFactory()
        delays = []
        for _attempt in range(3):
            assert delivery.message_deliver(message_id=message.pk) == "retry"
            message.refresh_from_db()
            delay = (message.due_at - datetime.datetime.now(datetime.UTC)).total_seconds()
            delays.append(delay)
            assert dispatch.call_args.kwargs["countdown"] == delay
            traveller.shift(datetime.timedelta(seconds=delay))
        assert delays == [30, 60, 60]
        assert message.state == MessageState.PENDING and "500" in message.last_error
        assert delivery.message_deliver(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and message.attempts == 4
    assert len(fake_ovh.requests) == 4 and fake_ovh.delivered == []


def test_a_permanent_error_fails_at_once(noon, fake_ovh):
    fake_ovh.answers.append(400)
    message = MessageFactory()
    assert delivery.message_deliver(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and message.attempts == 1


def test_a_coordinators_template_replaces_the_built_in_one(noon, sms_outbox):
    MessageTemplate.objects.create(
        kind="reminder",
        channel="sms",
        language="fr",
        body="N'oubliez pas {{ participant }} le {{ starts_at|date:'j/m' }} !",
    )
    MessageTemplate.objects.create(
        kind="reminder", channel="sms", language="en", body="Ignored", is_active=False
    )
    delivery.message_deliver(message_id=MessageFactory().pk)
    delivery.message_deliver(message_id=MessageFactory(language="en").pk)
    assert sms_outbox[0].body == "N'oubliez pas Lina le 2/12 !"
    assert sms_outbox[1].body.startswith("Reminder: Lina is expected")


def test_a_template_that_does_not_compile_is_refused():
    from django.core.exceptions import ValidationError

    template = MessageTemplate(kind="reminder", channel="sms", language="fr", body="{% if %}oops")
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert "body" in error.value.message_dict


def test_queued_rows_are_delivered_after_commit(
    noon, sms_outbox, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            ids = delivery.messages_queue([MessageFactory.build(), MessageFactory.build()])
        assert len(ids) == 2 and sms_outbox == []
    assert len(sms_outbox) == 2
    # The same keys again change nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            delivery.messages_queue(
                [
                    Message(
                        key=Message.objects.first().key,
                        kind="reminder",
                        channel="sms",
                        address="x",
                        language="fr",
                    )
                ]
            )
            == []
        )
    assert len(sms_outbox) == 2


def test_broker_down_at_commit_leaves_the_row_to_the_sweep(
    noon, sms_outbox, celery_eager, django_capture_on_commit_callbacks
):
    broker_down = mock.patch.object(
        deliver_messages, "apply_async", side_effect=OperationalError("connection refused")
    )
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        (message_id,) = delivery.messages_queue([MessageFactory.build()])
    message = Message.objects.get(pk=message_id)
    assert message.state == MessageState.PENDING and message.dispatched_at is None
    assert sms_outbox == []
    assert sweep.delay().get()["dispatched"] == 1
    assert len(sms_outbox) == 1
    assert sweep.delay().get()["dispatched"] == 0


def test_sweep_requeues_only_rows_not_queued_recently(noon, celery_eager, settings):
    settings.NOTIFICATIONS_REDISPATCH_AFTER = 300
    fresh = MessageFactory(dispatched_at=NOON - datetime.timedelta(minutes=1))
    old = MessageFactory(dispatched_at=NOON - datetime.timedelta(minutes=6))
    later = MessageFactory(due_at=NOON + datetime.timedelta(hours=1))
    with mock.patch.object(delivery, "dispatch_now", return_value=True) as dispatch:
        assert delivery.messages_dispatch_due() == 1
    assert dispatch.call_args.args[0] == [old.pk]
    assert fresh.pk and later.pk


def test_beat_runs_the_sweep_and_a_worker_sweeps_at_start(celery_eager):
    from celery.signals import worker_ready

    from config.celery import app

    schedule = app.conf.beat_schedule
    assert schedule["notifications-sweep"]["task"] == "notifications.tasks.sweep"
    with mock.patch.object(sweep, "delay") as delay:
        worker_ready.send(sender=None)
    delay.assert_called_once()


def test_staff_retry_a_failed_message(
    noon, sms_outbox, celery_eager, django_capture_on_commit_callbacks
):
    from notifications.services import NotificationError, message_retry

    failed = MessageFactory(state=MessageState.FAILED, attempts=6, last_error="500")
    with pytest.raises(NotificationError):
        message_retry(message=MessageFactory(state=MessageState.SENT, sent_at=NOON))
    with django_capture_on_commit_callbacks(execute=True):
        message_retry(message=failed)
    failed.refresh_from_db()
    assert failed.state == MessageState.SENT and failed.attempts == 1
    assert len(sms_outbox) == 1


def test_admin_lists_messages_and_retries(
    admin_client, noon, celery_eager, sms_outbox, django_capture_on_commit_callbacks
):
    failed = MessageFactory(state=MessageState.FAILED, attempts=6)
    response = admin_client.get("/admin/notifications/message/?state=failed")
    assert response.status_code == 200 and failed.address in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/notifications/message/",
            {"action": "retry_failed", "_selected_action": [failed.pk]},
        )
    failed.refresh_from_db()
    assert failed.state == MessageState.SENT
    assert admin_client.get("/admin/notifications/messagetemplate/add/").status_code == 200
