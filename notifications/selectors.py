"""Reads of the notifications app, shaped for the staff's pages and the API."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.roles import Role, is_staff_member, user_roles
from households.access import households_visible_to
from households.models import Guardian

from .models import Channel, Message, MessageState

_EVERYTHING = {Role.COORDINATOR, Role.ADMINISTRATOR}


def messages_visible_to(user) -> QuerySet[Message]:
    """Coordinators see every message; a mediator those of the households they may see, of
    their programmes' sessions, and their own; anyone else nothing."""
    if not is_staff_member(user):
        return Message.objects.none()
    if user_roles(user) & _EVERYTHING:
        return Message.objects.all()
    households = households_visible_to(user).filter(pk=OuterRef("household_id"))
    return Message.objects.filter(
        Q(Exists(households)) | Q(programme__mediators__user=user) | Q(recipient_user=user)
    ).distinct()


def message_list(
    *,
    user,
    session_id: int | None = None,
    household_id: int | None = None,
    state: str | None = None,
    channel: str | None = None,
    kind: str | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> QuerySet[Message]:
    messages = messages_visible_to(user).select_related("session__programme", "household")
    if session_id is not None:
        messages = messages.filter(session_id=session_id)
    if household_id is not None:
        messages = messages.filter(household_id=household_id)
    if state:
        messages = messages.filter(state=state)
    if channel:
        messages = messages.filter(channel=channel)
    if kind:
        messages = messages.filter(kind=kind)
    if since is not None:
        messages = messages.filter(created_at__gte=since)
    if until is not None:
        messages = messages.filter(created_at__lt=until)
    return messages.order_by("-created_at", "-pk")


def messages_of_household(*, household_id: int) -> QuerySet[Message]:
    """What the family itself was sent, newest first (for its own page): messages addressed to
    its guardians, not those that told staff about it (a family that left a programme, a
    child collected by someone unlisted), which are written to a member of staff."""
    guardians = Guardian.objects.filter(household_id=household_id, user__isnull=False)
    return (
        Message.objects.filter(household_id=household_id)
        .filter(Q(recipient_user__isnull=True) | Q(recipient_user__in=guardians.values("user")))
        .select_related("session__programme")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class ChannelBacklog:
    """Messages of a channel that are due and not delivered yet, and how long the oldest waits."""

    channel: str
    due: int
    oldest_wait: datetime.timedelta

    @property
    def late(self) -> bool:
        return self.oldest_wait.total_seconds() > settings.NOTIFICATIONS_HEALTH_MAX_WAIT


def outbox_backlog(*, now: datetime.datetime | None = None) -> list[ChannelBacklog]:
    """Per channel, in one query on the (state, due_at) index: due rows still pending or being
    sent. An SMS held for the quiet hours is not due (its due time is the morning), nor a
    message waiting for its retry; so a wait longer than a few sweeps means a provider or the
    workers are stuck."""
    now = now or timezone.now()
    rows = (
        Message.objects.filter(
            state__in=[MessageState.PENDING, MessageState.SENDING], due_at__lte=now
        )
        .values("channel")
        .annotate(due=Count("pk"), oldest=Min("due_at"))
        .order_by()
    )
    found = {row["channel"]: row for row in rows}
    return [
        ChannelBacklog(
            channel=channel,
            due=found[channel]["due"] if channel in found else 0,
            oldest_wait=(now - found[channel]["oldest"])
            if channel in found
            else datetime.timedelta(0),
        )
        for channel in Channel.values
    ]
