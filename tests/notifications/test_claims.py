"""A killed worker's message in flight is taken back within two sweep intervals."""

import datetime

import pytest

from notifications import delivery
from notifications.models import Message, MessageState
from tests.factories import MessageFactory

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=datetime.UTC)


def test_the_default_claim_timeout_is_one_sweep_interval():
    from django.conf import settings

    assert settings.NOTIFICATIONS_SENDING_TIMEOUT == settings.NOTIFICATIONS_SWEEP_INTERVAL


@pytest.mark.parametrize("claimed_after", [0.0, 0.3, 0.99])   # in sweep intervals
@pytest.mark.parametrize("died_after", [0.01, 0.5, 2.7])       # in sweep intervals, after claim
def test_a_dead_workers_message_is_back_within_two_sweeps(settings, claimed_after, died_after):
    interval = datetime.timedelta(seconds=settings.NOTIFICATIONS_SWEEP_INTERVAL)
    claimed_at = T0 + interval * claimed_after
    died_at = claimed_at + interval * died_after
    # The keeper renewed the claim every third of the timeout until the worker died.
    every = datetime.timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT / 3)
    renewals = int((died_at - claimed_at) / every)
    last_renewal = claimed_at + every * renewals
    message = MessageFactory(state=MessageState.SENDING, claimed_by="dead-task",
                             claimed_at=last_renewal, due_at=claimed_at, attempts=1)
    sweep = T0 + interval
    while sweep <= died_at:
        assert delivery.messages_release_stuck(now=sweep) == 0, "a live claim was taken over"
        sweep += interval
    while not delivery.messages_release_stuck(now=sweep):
        sweep += interval
        assert sweep - died_at <= 3 * interval, "never taken back"
    assert sweep - died_at <= 2 * interval
    message.refresh_from_db()
    assert message.state == MessageState.PENDING and message.claimed_by == ""
    assert Message.objects.filter(state=MessageState.SENDING).count() == 0
