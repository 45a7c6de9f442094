"""Reads on enrolments: lists, waiting lists, places taken (whom to contact: households)."""

from collections import Counter
from collections.abc import Collection

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from programmes.models import Programme
from sessions.models import Session
from sessions.selectors import session_list

from ..access import enrolments_visible_to
from ..errors import EnrolmentError
from ..models import ACTIVE_STATUSES, Enrolment, EnrolmentStatus


def enrolment_list(
    *,
    user,
    status: str | None = None,
    programme_id: int | None = None,
    household_id: int | None = None,
    source: str | None = None,
) -> QuerySet[Enrolment]:
    enrolments = enrolments_visible_to(user).select_related(
        "participant__household", "programme", "session", "referred_by_partner"
    )
    if status:
        enrolments = enrolments.filter(status=status)
    if programme_id is not None:
        enrolments = enrolments.filter(programme_id=programme_id)
    if household_id is not None:
        enrolments = enrolments.filter(participant__household_id=household_id)
    if source:
        enrolments = enrolments.filter(source=source)
    return enrolments.order_by("-created_at", "-pk")


def programme_waitlist(
    *, programme: Programme, session_id: int | None = None
) -> QuerySet[Enrolment]:
    """Waitlisted enrolments of a programme, in order (per session for per-session mode)."""
    waiting = Enrolment.objects.filter(programme=programme, status=EnrolmentStatus.WAITLISTED)
    if session_id is not None:
        waiting = waiting.filter(session_id=session_id)
    return waiting.select_related("participant__household", "session").order_by(
        "session__starts_at", "session_id", "waitlist_position"
    )


def programme_roster(*, programme: Programme, session_id: int | None = None) -> QuerySet[Enrolment]:
    """Confirmed enrolments of a programme; for one session, with the whole-cycle ones."""
    confirmed = Enrolment.objects.filter(programme=programme, status=EnrolmentStatus.CONFIRMED)
    if session_id is not None:
        confirmed = confirmed.filter(Q(session_id=session_id) | Q(session__isnull=True))
    return confirmed.select_related("participant__household", "session").order_by(
        "session__starts_at", "participant__last_name", "participant__first_name"
    )


def seats_taken_for_sessions(sessions: list) -> dict[int, int]:
    """Confirmed places per session id, in one query: the session's own enrolments plus the
    programme's whole-cycle enrolments, which sit in every session."""
    session_ids = [session.pk for session in sessions]
    programme_ids = {session.programme_id for session in sessions}
    rows = (
        Enrolment.objects.filter(status=EnrolmentStatus.CONFIRMED)
        .filter(
            Q(session_id__in=session_ids) | Q(session__isnull=True, programme_id__in=programme_ids)
        )
        .values("session_id", "programme_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    per_session: Counter[int] = Counter()
    whole_cycle: Counter[int] = Counter()
    for row in rows:
        if row["session_id"] is None:
            whole_cycle[row["programme_id"]] += row["count"]
        else:
            per_session[row["session_id"]] += row["count"]
    return {
        session.pk: per_session[session.pk] + whole_cycle[session.programme_id]
        for session in sessions
    }


def seats_taken_in(sessions: QuerySet) -> dict[int, int]:
    """Confirmed places of every session of ``sessions`` (0 included), without loading them:
    the sessions grouped with their own confirmed enrolments, then, when some programmes are
    enrolled by whole cycle, their confirmed count added to each of their sessions."""
    rows = list(
        sessions.order_by()
        .values_list("pk", "programme_id")
        .annotate(own=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.CONFIRMED)))
    )
    whole_cycle = (
        dict(
            Enrolment.objects.filter(
                status=EnrolmentStatus.CONFIRMED,
                session__isnull=True,
                programme_id__in={programme_id for _pk, programme_id, _n in rows},
            )
            .order_by()
            .values("programme_id")
            .annotate(count=Count("pk"))
            .values_list("programme_id", "count")
        )
        if rows
        else {}
    )
    return {pk: own + whole_cycle.get(programme_id, 0) for pk, programme_id, own in rows}


def sessions_with_enrolments(session_ids) -> set[int]:
    """Sessions people expect to attend (per-session enrolments, or any session of a whole-cycle
    programme with enrolments): a schedule's regeneration leaves them to a person."""
    ids = list(session_ids)
    per_session = set(
        Enrolment.objects.filter(session_id__in=ids, status__in=ACTIVE_STATUSES)
        .values_list("session_id", flat=True)
        .distinct()
    )
    whole_cycle = set(
        Session.objects.filter(pk__in=ids)
        .filter(
            Exists(
                Enrolment.objects.filter(
                    programme=OuterRef("programme"),
                    session__isnull=True,
                    status__in=ACTIVE_STATUSES,
                )
            )
        )
        .values_list("pk", flat=True)
    )
    return per_session | whole_cycle


def programme_sessions_chosen(*, programme: Programme, session_ids: Collection[int]) -> list:
    """The published sessions of ``programme`` among ``session_ids``. An id that is not one of
    them refuses the whole request: a date of another programme is a mistake, not a date to
    answer "refused" for."""
    sessions = list(session_list().filter(programme=programme, pk__in=session_ids))
    missing = set(session_ids) - {session.pk for session in sessions}
    if missing:
        raise EnrolmentError(
            _("These dates are not dates of this programme: %(ids)s.")
            % {"ids": ", ".join(map(str, sorted(missing)))},
            field="session_ids",
        )
    return sessions


def sheets_to_complete(*, user, limit: int = 100) -> QuerySet[Enrolment]:
    """Confirmed enrolments still waiting for the safety sheet, in the user's programmes."""
    return (
        enrolments_visible_to(user)
        .filter(status=EnrolmentStatus.CONFIRMED, sheet_pending=True)
        .select_related("participant__household", "programme", "session")
        .order_by("programme__title", "participant__last_name", "participant__first_name")[:limit]
    )
