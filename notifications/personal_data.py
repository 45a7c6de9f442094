"""What notifications hold about a household, for export and erasure (see core/personal_data.py)."""

import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.personal_data import HouseholdDataHolder, household_data

from .models import Message, MessageState

ERASED_MESSAGE_REASON = "personal data erased"


def household_messages(household) -> list[Message]:
    """Messages about the household, or sent to its guardians' addresses or accounts."""
    guardians = list(household.guardians.all())
    addresses = {g.phone for g in guardians if g.phone} | {g.email for g in guardians if g.email}
    users = [g.user_id for g in guardians if g.user_id]
    return list(
        Message.objects.filter(
            Q(household=household) | Q(address__in=addresses) | Q(recipient_user_id__in=users)
        ).order_by("created_at", "pk")
    )


def _messages(household) -> list[dict[str, Any]]:
    return [
        {
            "id": message.pk,
            "kind": message.kind,
            "channel": message.channel,
            "address": message.address,
            "subject": message.subject,
            "body": message.body,
            "state": message.state,
            "created_at": message.created_at.isoformat(),
            "sent_at": message.sent_at.isoformat() if message.sent_at else None,
        }
        for message in household_messages(household)
    ]


def _erase_messages(household, now: datetime.datetime) -> int:
    ids = [message.pk for message in household_messages(household)]
    Message.objects.filter(
        pk__in=ids,
        state__in=(MessageState.PENDING, MessageState.SENDING, MessageState.FAILED),
    ).update(state=MessageState.CANCELLED, cancel_reason=ERASED_MESSAGE_REASON)
    # Kept, emptied, rather than deleted: their keys are what stops a reminder going twice.
    return Message.objects.filter(pk__in=ids).update(
        address="",
        recipient_name="",
        subject="",
        body="",
        context={},
        last_error="",
        recipient_user=None,
    )


def register() -> None:
    household_data.register(
        HouseholdDataHolder(
            key="messages",
            covers={
                Message: ("address", "recipient_name", "subject", "body", "context", "last_error")
            },
            export=_messages,
            erase=_erase_messages,
            title=_("Messages sent"),
            codes={
                "kind": Message._meta.get_field("kind").choices,
                "channel": Message._meta.get_field("channel").choices,
                "state": Message._meta.get_field("state").choices,
            },
        )
    )
