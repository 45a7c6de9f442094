"""Getting outbox rows to people: queueing after commit, claiming, sending, recording.

Exactly once in effect: a row is claimed by a conditional UPDATE (pending -> sending) that only
one worker can win, and its outcome is recorded by another conditional UPDATE on the same claim.
While the provider is being called, a thread of the delivering process renews the claim
(``claimed_at``) every third of NOTIFICATIONS_SENDING_TIMEOUT. A worker killed between the two
UPDATEs stops renewing it: the sweep puts the row back once the claim is older than
NOTIFICATIONS_SENDING_TIMEOUT (one sweep interval by default), so within two sweep intervals, and
never takes over a delivery that is still running. The same task redelivered by the broker
(acks_late) takes its row back at once, since its own claim is on it.
"""

import contextlib
import datetime
import logging
import smtplib
import threading
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connections, transaction
from django.db.models import F, JSONField, Q
from django.utils import timezone
from django.utils.translation import gettext
from kombu.exceptions import OperationalError

from core.tasks import after_commit
from enrolment.models import Enrolment, EnrolmentStatus
from households.models import Guardian

from . import timing
from .errors import DeliveryError, PermanentDeliveryError
from .models import Channel, Message, MessageKind, MessageState
from .rendering import render_message
from .sms import send_sms

logger = logging.getLogger(__name__)

DISPATCH_CHUNK = 100


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


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
    due = [
        message
        for message in messages
        if message.state == MessageState.PENDING and message.due_at <= now
    ]
    if (
        not new_keys
        and len(messages) >= COPY_FROM
        and connections["default"].vendor == "postgresql"
    ):
        ids = _copy_ignoring_conflicts(messages)
        dispatch_on_commit(ids)
        return ids
    if new_keys:
        Message.objects.bulk_create(messages, batch_size=settings.NOTIFICATIONS_BATCH_SIZE)
    else:
        Message.objects.bulk_create(
            messages, ignore_conflicts=True, batch_size=settings.NOTIFICATIONS_BATCH_SIZE
        )
    if new_keys and all(message.pk for message in due):
        ids = [message.pk for message in due]
    else:
        # ignore_conflicts leaves pks unset on some databases: read back the rows just written.
        ids = list(
            Message.objects.filter(
                key__in=[message.key for message in due],
                state=MessageState.PENDING,
                dispatched_at=now,
            ).values_list("pk", flat=True)
        )
    dispatch_on_commit(ids)
    return ids


# From this many rows at once (a sweep's batch), PostgreSQL takes them through COPY.
COPY_FROM = 200
_LOAD_TABLE = "notification_message_load"


def _copy_ignoring_conflicts(messages: list[Message]) -> list[int]:
    """Insert outbox rows as ``bulk_create(ignore_conflicts=True)`` does, on PostgreSQL, and
    return the ids of the due rows actually written (those marked ``dispatched_at``).

    The rows are streamed with COPY into a temporary table, then moved in one statement that
    skips keys already present and returns what it wrote: a bulk INSERT binds every one of the
    thousands of parameters of a batch on its own, which was most of a sweep's time, and needs
    a second query to learn which rows were new."""
    fields = [field for field in Message._meta.concrete_fields if not field.primary_key]
    connection = connections["default"]
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    # Only the JSON column needs Django's preparation (an adapter); the other values (text,
    # numbers, aware datetimes, ids) go to COPY as they are.
    prepared = [isinstance(field, JSONField) for field in fields]
    rows = [
        [
            field.get_db_prep_save(getattr(message, field.attname), connection)
            if needs
            else getattr(message, field.attname)
            for field, needs in zip(fields, prepared, strict=True)
        ]
        for message in messages
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        # Gone at the commit; emptied by the statement that reads it, so that it holds one
        # batch also inside an outer transaction, where it lives on until that commits.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_LOAD_TABLE} ON COMMIT DROP AS "
            f"SELECT {names} FROM {Message._meta.db_table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {_LOAD_TABLE} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"WITH loaded AS (DELETE FROM {_LOAD_TABLE} RETURNING {names}) "
            f"INSERT INTO {Message._meta.db_table} ({names}) SELECT {names} FROM loaded "
            "ON CONFLICT DO NOTHING RETURNING id, dispatched_at IS NOT NULL"
        )
        return [pk for pk, dispatched in cursor.fetchall() if dispatched]


def retry_delay(attempts: int) -> float:
    """Exponential backoff after the n-th failed attempt, capped."""
    delay = settings.NOTIFICATIONS_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return min(delay, settings.NOTIFICATIONS_RETRY_MAX_SECONDS)


def _smtp_failure(error: Exception) -> DeliveryError:
    """What an SMTP error means for the message: a 5xx answer is final, a 4xx one (greylisting,
    mailbox busy, server overloaded) and a lost or silent connection are worth another try.
    A refused login is the service's configuration, not the message's: tried again too."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        code = max(codes) if codes else None
    else:
        code = getattr(error, "smtp_code", None)
    permanent = (
        isinstance(code, int)
        and 500 <= code < 600
        and not isinstance(error, smtplib.SMTPAuthenticationError)
    )
    kind = PermanentDeliveryError if permanent else DeliveryError
    return kind(f"Mail server: {error}")


def _close_quietly(connection) -> None:
    """End an SMTP session whose message was accepted. A server that hangs or drops on QUIT
    changes nothing for the message (bounded by EMAIL_TIMEOUT)."""
    smtp = getattr(connection, "connection", None)
    try:
        connection.close()
    except Exception as error:
        logger.info("Mail server did not end the session cleanly after accepting: %r", error)
        if smtp is not None:
            with contextlib.suppress(Exception):
                smtp.close()


def _no_cleanup() -> None:
    return None


def _send(message: Message, subject: str, body: str) -> tuple[str, Callable[[], None]]:
    """Hand the message to its channel; return the provider's id and what to do once the
    outcome is recorded (ending the SMTP session), so that a server that accepted the message
    and then hangs or fails on QUIT cannot make it count as not sent."""
    if message.channel == Channel.SMS:
        return send_sms(to=message.address, body=body, reference=message.key), _no_cleanup
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
    # EMAIL_TIMEOUT bounds the connection and each answer awaited from the server.
    connection = get_connection(fail_silently=False)
    email = EmailMessage(
        subject=subject,
        body=body,
        to=[message.address],
        connection=connection,
        # Stable across retries, so a mail client can tell a resent copy from a new message.
        headers={"Message-ID": f"<{message.key.replace(':', '.')}@{domain}>"},
    )
    try:
        # Opened here, so that sending does not also close: the message is sent once the
        # server's answer to its data is read.
        connection.open()
        email.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        _close_quietly(connection)
        raise _smtp_failure(error) from error
    except BaseException:
        _close_quietly(connection)
        raise
    return email.extra_headers["Message-ID"], lambda: _close_quietly(connection)


def _claim(message: Message, token: str, now) -> bool:
    claimable = Q(state=MessageState.PENDING)
    if message.state == MessageState.SENDING and message.claimed_by == token:
        # This very task was delivered again after its worker died mid-delivery.
        claimable = Q(state=MessageState.SENDING, claimed_by=token)
    return bool(
        Message.objects.filter(claimable, pk=message.pk, due_at__lte=now).update(
            state=MessageState.SENDING,
            claimed_at=now,
            claimed_by=token,
            attempts=F("attempts") + 1,
        )
    )


class ClaimKeeper:
    """Renews a claim from a thread while the provider is being called, so that the sweep can
    tell a delivery that is running (however slow the provider) from one whose worker died."""

    def __init__(self, *, message_id: int, token: str) -> None:
        self.message_id, self.token = message_id, token
        self.every = max(settings.NOTIFICATIONS_SENDING_TIMEOUT / 3, 0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, daemon=True, name=f"claim-{message_id}")

    def __enter__(self) -> "ClaimKeeper":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        # Bounded: a renewal blocked on the database must not hold the delivery back.
        self._thread.join(timeout=self.every)

    def _renew(self) -> None:
        try:
            while not self._stop.wait(self.every):
                Message.objects.filter(
                    pk=self.message_id,
                    state=MessageState.SENDING,
                    claimed_by=self.token,
                ).update(claimed_at=timezone.now())
        except Exception:
            logger.exception("Could not renew the claim on message %s", self.message_id)
        finally:
            connections.close_all()  # this thread's own connections


def _no_longer_wanted(message: Message) -> str:
    """Why a message queued earlier must not go now ("" when it may): the person opted out of
    its channel since it was queued (overnight SMS wait for the morning), or the enrolment a
    reminder is about was cancelled meanwhile."""
    if message.household_id and message.address:
        guardians = Guardian.objects.filter(household_id=message.household_id)
        if (
            message.channel == Channel.SMS
            and guardians.filter(phone=message.address, opt_out_sms=True).exists()
        ):
            return gettext("The person no longer wants text messages.")
        if (
            message.channel == Channel.EMAIL
            and guardians.filter(email__iexact=message.address, opt_out_email=True).exists()
        ):
            return gettext("The person no longer wants e-mails.")
    reminders = (MessageKind.REMINDER, MessageKind.SAFETY_SHEET_REMINDER)
    if (
        message.enrolment_id
        and message.kind in reminders
        and Enrolment.objects.filter(
            pk=message.enrolment_id, status=EnrolmentStatus.CANCELLED
        ).exists()
    ):
        return gettext("The enrolment was cancelled.")
    return ""


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
    if message.state == MessageState.PENDING and (reason := _no_longer_wanted(message)):
        Message.objects.filter(pk=message.pk, state=MessageState.PENDING).update(
            state=MessageState.CANCELLED, cancel_reason=reason
        )
        return "unwanted"
    if message.channel == Channel.SMS:
        allowed_from = timing.sms_allowed_from(now)
        starts_at = message.session_starts_at
        if (
            allowed_from > now
            and message.kind == MessageKind.REMINDER
            and starts_at
            and (allowed_from >= starts_at)
        ):
            # Held until the morning it would come after the session: a reminder then is noise.
            reason = gettext("No SMS could go before the session outside the quiet hours.")
            if Message.objects.filter(pk=message.pk, state=MessageState.PENDING).update(
                state=MessageState.CANCELLED, cancel_reason=reason
            ):
                logger.info("Reminder %s dropped: %s", message.pk, reason)
            return "too-late"
        if allowed_from > now:
            Message.objects.filter(pk=message.pk, state=MessageState.PENDING).update(
                due_at=allowed_from, dispatched_at=None
            )
            return "quiet-hours"
    if not _claim(message, token, now):
        return "taken"
    message.refresh_from_db()

    claimed = Message.objects.filter(pk=message.pk, state=MessageState.SENDING, claimed_by=token)
    try:
        subject, body = render_message(
            kind=message.kind,
            channel=message.channel,
            language=message.language,
            context=message.context,
            recipient_name=message.recipient_name,
        )
        with ClaimKeeper(message_id=message.pk, token=token):
            provider_id, finish = _send(message, subject, body)
    except PermanentDeliveryError as error:
        claimed.update(state=MessageState.FAILED, last_error=str(error)[:2000])
        logger.warning("Message %s failed for good: %s", message.pk, error)
        return "failed"
    except Exception as error:  # any other error (provider, template) is worth another try
        if message.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            claimed.update(state=MessageState.FAILED, last_error=str(error)[:2000])
            logger.warning(
                "Message %s failed after %d attempts: %s", message.pk, message.attempts, error
            )
            return "failed"
        delay = retry_delay(message.attempts)
        retry_at = timezone.now() + datetime.timedelta(seconds=delay)
        if claimed.update(
            state=MessageState.PENDING,
            due_at=retry_at,
            last_error=str(error)[:2000],
            dispatched_at=timezone.now(),
        ):
            dispatch_now([message.pk], countdown=delay)
        logger.info(
            "Message %s attempt %d failed (%s); next in %.0fs",
            message.pk,
            message.attempts,
            error,
            delay,
        )
        return "retry"
    recorded = claimed.update(
        state=MessageState.SENT,
        sent_at=timezone.now(),
        subject=subject,
        body=body,
        provider_message_id=str(provider_id)[:120],
        last_error="",
    )
    if not recorded:
        logger.error("Message %s was sent but its claim had been taken over", message.pk)
    finish()
    return "sent"


def messages_release_stuck(*, now=None) -> int:
    """Rows left "sending" by a worker that died go back to pending: their claim was not
    renewed for NOTIFICATIONS_SENDING_TIMEOUT (a running delivery renews it, see ClaimKeeper)."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT)
    return Message.objects.filter(state=MessageState.SENDING, claimed_at__lt=limit).update(
        state=MessageState.PENDING,
        claimed_by="",
        dispatched_at=None,
        last_error="The delivery was interrupted; trying again.",
    )


def messages_dispatch_due(*, now=None) -> int:
    """Queue every pending row that is due and not queued recently (batched by primary key);
    return how many rows this call queued."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_REDISPATCH_AFTER)
    due = Message.objects.filter(state=MessageState.PENDING, due_at__lte=now).filter(
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=stale)
    )
    dispatched, last_pk = 0, 0
    while True:
        ids = list(
            due.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[: settings.NOTIFICATIONS_BATCH_SIZE]
        )
        if not ids:
            return dispatched
        last_pk = ids[-1]
        # Marked under the same condition they were read with: of two sweeps reading the same
        # rows, each queues (and counts) only those it marked itself.
        due.filter(pk__in=ids).update(dispatched_at=now)
        mine = list(
            Message.objects.filter(
                pk__in=ids, state=MessageState.PENDING, dispatched_at=now
            ).values_list("pk", flat=True)
        )
        if mine and not dispatch_now(mine):
            return dispatched
        dispatched += len(mine)
