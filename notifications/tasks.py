"""Celery tasks: thin wrappers that take primary keys and call the notifications services."""

import datetime
import logging
import uuid

from celery import shared_task
from django.utils import timezone

from . import delivery, services

logger = logging.getLogger(__name__)


@shared_task(bind=True, ignore_result=True)
def deliver_messages(self, message_ids: list[int]) -> dict[str, int]:
    """Deliver outbox rows; each is claimed on its own, so a duplicate task does no harm."""
    # The task id is the claim: the same task redelivered after its worker died takes back the
    # rows it had claimed.
    token = self.request.id or uuid.uuid4().hex
    outcomes: dict[str, int] = {}
    for message_id in message_ids:
        try:
            outcome = delivery.message_deliver(message_id=message_id, claim_token=token)
        except Exception:
            logger.exception("Delivering message %s raised", message_id)
            outcome = "error"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@shared_task(ignore_result=True)
def sweep() -> dict[str, int]:
    """Write the reminders now due and queue every row still undelivered (broker down at the
    time, worker killed)."""
    now = timezone.now()
    released = delivery.messages_release_stuck(now=now)
    created = services.reminders_create_due(now=now)
    created += services.safety_sheet_reminders_create(now=now)
    dispatched = delivery.messages_dispatch_due(now=now)
    summary = {"released": released, "reminders": created, "dispatched": dispatched}
    if any(summary.values()):
        logger.info("Notifications sweep: %s", summary)
    return summary


@shared_task(ignore_result=True)
def send_daily_digests() -> int:
    """Tell mediators and coordinators about tomorrow's sessions."""
    return services.digests_create(day=timezone.localdate() + datetime.timedelta(days=1))
