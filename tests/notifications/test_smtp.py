"""E-mail delivery against a real SMTP server (aiosmtpd) that misbehaves as real ones do:
greylisting, refusing, hanging before answering, hanging after accepting."""

import asyncio
import contextlib
import socket
import time

import pytest
from aiosmtpd.controller import Controller

from notifications import delivery
from notifications.models import Message, MessageState
from tests.factories import MessageFactory

pytestmark = pytest.mark.django_db

TIMEOUT = 1.0  # EMAIL_TIMEOUT in these tests, in seconds


class MisbehavingServer:
    """An aiosmtpd handler whose answers a test chooses.

    ``rcpt_answers`` are answered in turn to RCPT (then 250); ``hang_on`` names the commands
    (``"DATA"``, ``"QUIT"``) after which it waits without answering until the test ends.
    """

    def __init__(self) -> None:
        self.rcpt_answers: list[str] = []
        self.data_answers: list[str] = []
        self.hang_on: set[str] = set()
        self.received: list[bytes] = []
        self.quits = 0
        self._release: asyncio.Event | None = None

    async def _hang(self) -> None:
        if self._release is None:
            self._release = asyncio.Event()
        await self._release.wait()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.rcpt_answers:
            return self.rcpt_answers.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if "DATA" in self.hang_on:
            await self._hang()
        if self.data_answers:
            return self.data_answers.pop(0)
        self.received.append(envelope.content)
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        self.quits += 1
        if "QUIT" in self.hang_on:
            await self._hang()
        return "221 Bye"

    def release(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._release is not None:
            loop.call_soon_threadsafe(self._release.set)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    handler = MisbehavingServer()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = TIMEOUT
    yield handler
    handler.release(controller.loop)
    with contextlib.suppress(Exception):
        controller.stop()


def email_message(**kwargs) -> Message:
    return MessageFactory(channel="email", address="nadia.durand@example.org", kind="reminder",
                          **kwargs)


def deliver(message: Message) -> tuple[str, float]:
    started = time.monotonic()
    outcome = delivery.message_deliver(message_id=message.pk)
    return outcome, time.monotonic() - started


def make_due(message: Message) -> None:
    Message.objects.filter(pk=message.pk).update(due_at=message.created_at)


def test_a_plain_server_receives_the_message_once(smtp_server):
    message = email_message()
    assert deliver(message)[0] == "sent"
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert len(smtp_server.received) == 1 and smtp_server.quits == 1
    assert message.provider_message_id.encode() in smtp_server.received[0]


def test_greylisting_is_retried_then_delivered(smtp_server):
    smtp_server.rcpt_answers = ["451 4.7.1 Greylisted, please try again later"]
    message = email_message()
    assert deliver(message)[0] == "retry"
    message.refresh_from_db()
    assert message.state == MessageState.PENDING and "451" in message.last_error
    assert message.due_at > message.created_at, "tried again after a backoff"
    make_due(message)
    assert deliver(message)[0] == "sent"
    assert len(smtp_server.received) == 1


@pytest.mark.parametrize("answer", ["452 4.2.2 Mailbox full, try later",
                                    "421 4.3.2 Service shutting down"])
def test_other_temporary_answers_to_the_data_are_retried(smtp_server, answer):
    smtp_server.data_answers = [answer]
    message = email_message()
    assert deliver(message)[0] == "retry"
    assert Message.objects.get(pk=message.pk).state == MessageState.PENDING


@pytest.mark.parametrize("where", ["rcpt", "data"])
def test_a_5xx_answer_fails_for_good_at_once(smtp_server, where):
    answer = "550 5.1.1 No such user here"
    if where == "rcpt":
        smtp_server.rcpt_answers = [answer]
    else:
        smtp_server.data_answers = ["554 5.7.1 Message refused"]
    message = email_message()
    assert deliver(message)[0] == "failed"
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and message.attempts == 1
    assert smtp_server.received == []


def test_a_server_that_never_answers_the_data_costs_one_timeout_then_a_retry(smtp_server):
    smtp_server.hang_on = {"DATA"}
    message = email_message()
    outcome, elapsed = deliver(message)
    assert outcome == "retry"
    assert elapsed < TIMEOUT * 4, "bounded by EMAIL_TIMEOUT, not by the task's time limit"
    assert Message.objects.get(pk=message.pk).state == MessageState.PENDING


def test_a_server_that_accepts_connections_and_never_greets_is_retried(settings):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", listener.getsockname()[1]
    settings.EMAIL_TIMEOUT = TIMEOUT
    try:
        outcome, elapsed = deliver(email_message())
    finally:
        listener.close()
    assert outcome == "retry" and elapsed < TIMEOUT * 4


def test_accepted_then_hung_on_quit_counts_as_sent_and_is_never_sent_again(smtp_server):
    smtp_server.hang_on = {"QUIT"}
    message = email_message()
    outcome, elapsed = deliver(message)
    assert outcome == "sent" and elapsed < TIMEOUT * 4
    message.refresh_from_db()
    assert message.state == MessageState.SENT and message.sent_at is not None
    assert smtp_server.quits == 1
    assert deliver(message)[0] == MessageState.SENT, "a second attempt does nothing"
    assert len(smtp_server.received) == 1


def test_the_outcome_is_recorded_before_the_session_ends(smtp_server, monkeypatch):
    """A worker killed while a server hangs on QUIT leaves the row sent, not sending."""
    seen = {}
    real_close = delivery._close_quietly

    def close_and_look(connection):
        seen["state"] = Message.objects.get(pk=message.pk).state
        real_close(connection)

    monkeypatch.setattr(delivery, "_close_quietly", close_and_look)
    message = email_message()
    assert deliver(message)[0] == "sent"
    assert seen["state"] == MessageState.SENT


def test_every_provider_has_a_timeout_by_default():
    """Django leaves EMAIL_TIMEOUT unset (wait for ever); the SMS adapter has its own."""
    from django.conf import settings
    from django.core.mail import get_connection

    assert 0 < settings.EMAIL_TIMEOUT <= 60
    smtp = get_connection("django.core.mail.backends.smtp.EmailBackend")
    assert smtp.timeout == settings.EMAIL_TIMEOUT
    assert 0 < settings.OVH_SMS["TIMEOUT"] <= 60


@pytest.mark.django_db(transaction=True)
def test_a_slow_delivery_keeps_its_claim_while_the_sweep_runs(smtp_server, settings):
    """The sweep takes back claims that are not renewed; a live delivery renews its own."""
    import threading

    settings.NOTIFICATIONS_SENDING_TIMEOUT = 0.9  # renewed every 0.3 s
    settings.EMAIL_TIMEOUT = 3.0
    smtp_server.hang_on = {"DATA"}
    message = email_message()
    outcomes = []
    delivering = threading.Thread(target=lambda: outcomes.append(deliver(message)[0]))
    delivering.start()
    try:
        time.sleep(2.0)  # more than twice the timeout, while the server keeps it waiting
        assert Message.objects.get(pk=message.pk).state == MessageState.SENDING
        assert delivery.messages_release_stuck() == 0
    finally:
        delivering.join(timeout=10)
    assert outcomes == ["retry"], "its own claim was still on it when the server gave up"
