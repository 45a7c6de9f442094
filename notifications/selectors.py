"""Reads of the notifications app, shaped for the staff's pages and the API."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.roles import Role, is_staff_member, user_roles
from enrolment.access import households_visible_to

from .models import Message

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


def messages_of_household(*, household_id: int, limit: int = 50) -> list[Message]:
    """What a family was sent, newest first (for its own page)."""
    return list(Message.objects.filter(household_id=household_id)
                .select_related("session__programme").order_by("-created_at", "-pk")[:limit])
