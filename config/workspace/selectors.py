"""Reads for the coordination pages."""

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from programmes.models import Programme
from sessions.models import Session, SessionStatus
from sessions.selectors import with_places_left


def coordination_programmes(*, status: str | None = None) -> QuerySet[Programme]:
    """Every programme with its venue, its coming sessions' count and the next one's start."""
    now = timezone.now()
    coming = Q(sessions__starts_at__gte=now) & ~Q(sessions__status=SessionStatus.CANCELLED)
    programmes = Programme.objects.select_related("venue").annotate(
        coming_sessions=Count("sessions", filter=coming, distinct=True),
        next_session_start=Min("sessions__starts_at", filter=coming),
        schedule_count=Count("schedules", distinct=True),
    )
    if status:
        programmes = programmes.filter(status=status)
    return programmes.order_by("status", "title")


def coordination_programme_sessions(*, programme: Programme, limit: int = 60) -> list[Session]:
    sessions = list(
        Session.objects.filter(programme=programme, ends_at__gte=timezone.now())
        .select_related("venue", "programme").order_by("starts_at")[:limit]
    )
    return with_places_left(sessions)


def session_for_change(*, pk: int) -> Session:
    session = Session.objects.select_related("programme", "venue").get(pk=pk)
    return with_places_left([session])[0]
