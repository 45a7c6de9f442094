"""/health watches the outbox: a channel whose oldest due message waits too long is down."""

import datetime

import pytest
import time_machine

from notifications.models import MessageState
from tests.factories import MessageFactory

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _broker_and_worker_answer(monkeypatch):
    # Only the outbox is under test here; tests/config/test_health.py runs a real worker.
    monkeypatch.setattr("core.health._broker_ok", lambda: True)
    monkeypatch.setattr("core.health._worker_alive", lambda: True)


@pytest.fixture
def noon():
    with time_machine.travel(NOON, tick=False):
        yield


def ago(minutes: int) -> datetime.datetime:
    return NOON - datetime.timedelta(minutes=minutes)


def test_an_empty_outbox_is_healthy(client, noon):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["email"] == body["checks"]["sms"] == "ok"
    assert body["email"] == {"due": 0, "oldest_wait_seconds": 0}


def test_a_hung_mail_server_is_named_with_how_many_are_due(client, noon):
    for minutes in (20, 12, 1):
        MessageFactory(channel="email", address="a@example.org", due_at=ago(minutes))
    MessageFactory(channel="email", address="b@example.org", due_at=ago(25),
                   state=MessageState.SENDING)
    MessageFactory(channel="email", address="c@example.org", due_at=ago(60),
                   state=MessageState.SENT, sent_at=ago(59))
    MessageFactory(channel="sms", due_at=ago(2))
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["email"]
    assert body["email"] == {"due": 4, "oldest_wait_seconds": 25 * 60}
    assert body["sms"] == {"due": 1, "oldest_wait_seconds": 120}


def test_messages_not_yet_due_do_not_count(client, noon):
    """An SMS held for the quiet hours, or waiting for its retry, is due later."""
    MessageFactory(channel="sms", due_at=NOON + datetime.timedelta(hours=9),
                   created_at=ago(600))
    MessageFactory(channel="email", address="a@example.org", attempts=2,
                   due_at=NOON + datetime.timedelta(minutes=5), created_at=ago(60))
    assert client.get("/health").status_code == 200


def test_the_age_is_a_setting(client, noon, settings):
    MessageFactory(channel="sms", due_at=ago(20))
    settings.NOTIFICATIONS_HEALTH_MAX_WAIT = 3600
    assert client.get("/health").status_code == 200
    settings.NOTIFICATIONS_HEALTH_MAX_WAIT = 600
    response = client.get("/health")
    assert response.status_code == 503 and response.json()["down"] == ["sms"]


def test_the_check_is_one_query(client, noon, django_assert_max_num_queries):
    for minutes in range(30):
        MessageFactory(channel="email", address="a@example.org", due_at=ago(minutes))
    with django_assert_max_num_queries(2):  # SELECT 1, then the backlog
        client.get("/health")
