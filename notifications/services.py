"""Writes of the notifications app: what to tell whom, as outbox rows, and staff's actions."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .delivery import dispatch_on_commit
from .models import Message, MessageState


class NotificationError(Exception):
    """A rule on messages was broken; the message is meant for the person who asked."""

    def __init__(self, message: str, *, field: str | None = None, status_code: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status_code = status_code


@transaction.atomic
def message_retry(*, message: Message, retried_by=None) -> Message:
    """Send a failed message again, from a fresh count of attempts."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.state != MessageState.FAILED:
        raise NotificationError(_("Only a failed message can be sent again."), field="state",
                                status_code=409)
    now = timezone.now()
    message.state = MessageState.PENDING
    message.attempts = 0
    message.due_at = now
    message.dispatched_at = now
    message.claimed_by = ""
    message.last_error = _("Sent again by %(user)s after: %(error)s") % {
        "user": retried_by or _("the system"), "error": message.last_error}
    message.save(update_fields=["state", "attempts", "due_at", "dispatched_at", "claimed_by",
                                "last_error"])
    dispatch_on_commit([message.pk])
    return message
