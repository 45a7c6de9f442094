"""Getting outbox rows to people: queueing after commit, claiming, sending, recording.

Exactly once in effect: a row is claimed by a conditional UPDATE (pending -> sending) that only
one worker can win, and its outcome is recorded by another conditional UPDATE on the same claim.
A worker killed between the two leaves the row "sending"; the sweep puts it back after
NOTIFICATIONS_SENDING_TIMEOUT, and the same task redelivered by the broker (acks_late) takes it
back at once, since its own claim is on it.
"""

import datetime
import logging
import smtplib
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.tasks import after_commit

from . import timing
from .errors import DeliveryError, PermanentDeliveryError
from .models import Channel, Message, MessageState
from .rendering import render_message
from .sms import send_sms

logger = logging.getLogger(__name__)

DISPATCH_CHUNK = 100


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def dispatch_now(message_ids: Iterable[int], *, countdown: float | None = None) -> bool:
    """Queue delivery tasks. With the broker down, log and leave the rows to the sweep."""
    from .tasks import deliver_messages

    ids = list(message_ids)
    try:
        for chunk in _chunks(ids, DISPATCH_CHUNK):
            deliver_messages.apply_async((chunk,), countdown=countdown)
    except OperationalError:
        logger.warning("Broker unreachable: %d message(s) left to the sweep", len(ids))
        Message.objects.filter(pk__in=ids, state=MessageState.PENDING).update(dispatched_at=None)
        return False
    return True


def dispatch_on_commit(message_ids: Iterable[int]) -> None:
    ids = list(message_ids)
    if not ids:
        return

    def dispatch_after_commit() -> None:
        dispatch_now(ids)

    after_commit(dispatch_after_commit)


def messages_queue(messages: list[Message], *, new_keys: bool = False) -> list[int]:
    """Insert outbox rows (a key already present is skipped) and queue the due ones after commit.

    Call inside the transaction of the change that causes the messages. ``new_keys`` says that
    no key can be present yet (it names a row inserted in this transaction): the insert then
    returns the ids itself, one query instead of two.
    """
    if not messages:
        return []
    now = timezone.now()
    for message in messages:
        if message.state == MessageState.PENDING and message.due_at <= now:
            message.dispatched_at = now
    due = [message for message in messages
           if message.state == MessageState.PENDING and message.due_at <= now]
    if new_keys:
        Message.objects.bulk_create(messages, batch_size=settings.NOTIFICATIONS_BATCH_SIZE)
    else:
        Message.objects.bulk_create(messages, ignore_conflicts=True,
                                    batch_size=settings.NOTIFICATIONS_BATCH_SIZE)
    if new_keys and all(message.pk for message in due):
        ids = [message.pk for message in due]
    else:
        # ignore_conflicts leaves pks unset on some databases: read back the rows just written.
        ids = list(Message.objects.filter(
            key__in=[message.key for message in due], state=MessageState.PENDING,
            dispatched_at=now).values_list("pk", flat=True))
    dispatch_on_commit(ids)
    return ids


def retry_delay(attempts: int) -> float:
    """Exponential backoff after the n-th failed attempt, capped."""
    delay = settings.NOTIFICATIONS_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return min(delay, settings.NOTIFICATIONS_RETRY_MAX_SECONDS)


def _send(message: Message, subject: str, body: str) -> str:
    if message.channel == Channel.SMS:
        return send_sms(to=message.address, body=body, reference=message.key)
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
    email = EmailMessage(
        subject=subject, body=body, to=[message.address],
        # Stable across retries, so a mail client can tell a resent copy from a new message.
        headers={"Message-ID": f"<{message.key.replace(':', '.')}@{domain}>"},
    )
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        raise PermanentDeliveryError(f"Address refused: {error}") from error
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"Mail server: {error}") from error
    return email.extra_headers["Message-ID"]


def _claim(message: Message, token: str, now) -> bool:
    claimable = Q(state=MessageState.PENDING)
    if message.state == MessageState.SENDING and message.claimed_by == token:
        # This very task was delivered again after its worker died mid-delivery.
        claimable = Q(state=MessageState.SENDING, claimed_by=token)
    return bool(
        Message.objects.filter(claimable, pk=message.pk, due_at__lte=now).update(
            state=MessageState.SENDING, claimed_at=now, claimed_by=token,
            attempts=F("attempts") + 1,
        )
    )


def message_deliver(*, message_id: int, claim_token: str | None = None) -> str:
    """Try to deliver one message; return what happened (for logs and tests)."""
    token = claim_token or uuid.uuid4().hex
    now = timezone.now()
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        return "missing"
    if message.state not in (MessageState.PENDING, MessageState.SENDING):
        return message.state
    if message.due_at > now:
        return "not-due"
    if message.channel == Channel.SMS:
        allowed_from = timing.sms_allowed_from(now)
        if allowed_from > now:
            Message.objects.filter(pk=message.pk, state=MessageState.PENDING).update(
                due_at=allowed_from, dispatched_at=None)
            return "quiet-hours"
    if not _claim(message, token, now):
        return "taken"
    message.refresh_from_db()

    claimed = Message.objects.filter(pk=message.pk, state=MessageState.SENDING, claimed_by=token)
    try:
        subject, body = render_message(
            kind=message.kind, channel=message.channel, language=message.language,
            context=message.context, recipient_name=message.recipient_name,
        )
        provider_id = _send(message, subject, body)
    except PermanentDeliveryError as error:
        claimed.update(state=MessageState.FAILED, last_error=str(error)[:2000])
        logger.warning("Message %s failed for good: %s", message.pk, error)
        return "failed"
    except Exception as error:  # any other error (provider, template) is worth another try
        if message.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            claimed.update(state=MessageState.FAILED, last_error=str(error)[:2000])
            logger.warning("Message %s failed after %d attempts: %s", message.pk,
                           message.attempts, error)
            return "failed"
        delay = retry_delay(message.attempts)
        retry_at = timezone.now() + datetime.timedelta(seconds=delay)
        if claimed.update(state=MessageState.PENDING, due_at=retry_at, last_error=str(error)[:2000],
                          dispatched_at=timezone.now()):
            dispatch_now([message.pk], countdown=delay)
        logger.info("Message %s attempt %d failed (%s); next in %.0fs", message.pk,
                    message.attempts, error, delay)
        return "retry"
    recorded = claimed.update(
        state=MessageState.SENT, sent_at=timezone.now(), subject=subject, body=body,
        provider_message_id=str(provider_id)[:120], last_error="",
    )
    if not recorded:
        logger.error("Message %s was sent but its claim had been taken over", message.pk)
    return "sent"


def messages_release_stuck(*, now=None) -> int:
    """Rows left "sending" by a worker that died go back to pending."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT)
    return Message.objects.filter(state=MessageState.SENDING, claimed_at__lt=limit).update(
        state=MessageState.PENDING, claimed_by="", dispatched_at=None,
        last_error="The delivery was interrupted; trying again.",
    )


def messages_dispatch_due(*, now=None) -> int:
    """Queue every pending row that is due and not queued recently (batched by primary key)."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_REDISPATCH_AFTER)
    due = Message.objects.filter(state=MessageState.PENDING, due_at__lte=now).filter(
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=stale))
    dispatched, last_pk = 0, 0
    while True:
        ids = list(due.filter(pk__gt=last_pk).order_by("pk")
                   .values_list("pk", flat=True)[:settings.NOTIFICATIONS_BATCH_SIZE])
        if not ids:
            return dispatched
        last_pk = ids[-1]
        Message.objects.filter(pk__in=ids).update(dispatched_at=now)
        if not dispatch_now(ids):
            return dispatched
        dispatched += len(ids)
