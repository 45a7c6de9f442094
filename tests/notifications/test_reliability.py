"""Reliability with a real Celery worker (threads) on the configured broker: Redis and
PostgreSQL in CI's second pass. Nothing is mocked but a broker outage and a dead worker."""

import datetime
import threading
import time
from unittest import mock

import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app as celery_app
from enrolment.services import enrolment_create
from notifications.models import Message, MessageKind, MessageState
from notifications.services import reminders_create_due
from notifications.tasks import deliver_messages, sweep
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    MessageFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _reset_broker_connections() -> None:
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker(settings):
    # Not at night: SMS wait for the end of the quiet hours.
    settings.NOTIFICATIONS_QUIET_HOURS = ""
    _reset_broker_connections()
    with start_worker(
        celery_app,
        pool="threads",
        concurrency=4,
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=10,
    ):
        yield
    _reset_broker_connections()


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the worker")
        time.sleep(0.1)


def _due_reminders(count: int):
    start = timezone.now() + datetime.timedelta(hours=1)
    programme = ProgrammeFactory(reminder_offsets=["2h"], capacity=count)
    session = SessionFactory(
        programme=programme, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    for _index in range(count):
        guardian = GuardianFactory()
        EnrolmentFactory(
            participant=ParticipantFactory(household=guardian.household),
            programme=programme,
            session=session,
        )
    return session


def test_two_sweeps_at_the_same_time_send_each_reminder_once(worker, sms_outbox):
    _due_reminders(20)
    barrier = threading.Barrier(2)
    errors = []

    def run_sweep():
        try:
            barrier.wait()
            sweep()
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_sweep) for _index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    wait_for(lambda: Message.objects.filter(state=MessageState.SENT).count() == 20)
    sweep()
    time.sleep(1)
    assert Message.objects.count() == 20
    assert len(sms_outbox) == 20
    assert len({sms.reference for sms in sms_outbox}) == 20


def test_a_delivery_interrupted_by_a_dead_worker_ends_delivered_once(worker, sms_outbox):
    # The worker died after claiming the row: it is left "sending", and the broker hands the
    # same task message (same id) to the next worker.
    message = MessageFactory(
        state=MessageState.SENDING,
        claimed_by="task-of-dead-worker",
        claimed_at=timezone.now(),
        attempts=1,
    )
    other = MessageFactory(
        state=MessageState.SENDING,
        claimed_by="another-dead-task",
        claimed_at=timezone.now() - datetime.timedelta(hours=1),
        attempts=1,
    )
    deliver_messages.apply_async(([message.pk],), task_id="task-of-dead-worker")
    sweep.delay()  # releases ``other``, stuck for longer than the timeout
    wait_for(lambda: Message.objects.filter(state=MessageState.SENT).count() == 2)
    deliver_messages.apply_async(([message.pk, other.pk],), task_id="task-of-dead-worker")
    sweep.delay()
    time.sleep(1)
    assert sorted(sms.reference for sms in sms_outbox) == sorted([message.key, other.key])


def test_broker_down_at_commit_still_ends_delivered_once(worker, sms_outbox):
    guardian = GuardianFactory()
    child = ParticipantFactory(household=guardian.household)
    session = SessionFactory()
    down = mock.patch.object(
        deliver_messages,
        "apply_async",
        side_effect=OperationalError("Error 111 connecting: refused"),
    )
    with down:
        enrolment_create(participant=child, programme=session.programme, session=session)
    message = Message.objects.get(kind=MessageKind.ENROLMENT_CONFIRMED)
    assert message.state == MessageState.PENDING and message.dispatched_at is None
    time.sleep(0.5)
    assert sms_outbox == []
    sweep.delay()  # the broker is back
    wait_for(lambda: Message.objects.filter(state=MessageState.SENT).exists())
    sweep.delay()
    time.sleep(1)
    assert len(sms_outbox) == 1


def test_sms_provider_failing_three_times_then_answering_sends_one_sms(worker, fake_ovh, settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0.2
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 1
    fake_ovh.answers.extend([500, 500, 500])
    _due_reminders(1)
    reminders_create_due()
    wait_for(lambda: Message.objects.filter(state=MessageState.SENT).exists())
    message = Message.objects.get()
    assert message.attempts == 4 and message.provider_message_id == "100001"
    assert len(fake_ovh.requests) == 4 and len(fake_ovh.delivered) == 1
