"""Reads on accounts."""

import datetime

from django.contrib.auth.models import User
from django.db.models import F, QuerySet

from core.time import local_midnight

from .models import ApiToken, AuditEvent


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, active ones first, newest first."""
    return ApiToken.objects.filter(user=user).order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at"
    )


def audit_event_list(
    *,
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events, newest first, filtered; ``until`` includes the whole day."""
    events = AuditEvent.objects.order_by("-occurred_at", "-id")
    if actor:
        events = events.filter(actor_label__iexact=actor)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if since:
        events = events.filter(occurred_at__gte=local_midnight(since))
    if until:
        events = events.filter(occurred_at__lt=local_midnight(until + datetime.timedelta(days=1)))
    return events


def audit_object_types() -> list[str]:
    return list(
        AuditEvent.objects.exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
