"""What each role sees first after logging in, read through the other apps' selectors.

Every function runs a fixed number of queries, whatever the number of enrolments, sessions or
programmes (asserted in tests/workspace/test_homes.py).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attendance.selectors import (
    children_not_checked_out,
    follow_up_list,
    sessions_of_day,
    sessions_to_complete,
)
from core.time import local_today
from enrolment.models import ACTIVE_STATUSES, Enrolment, EnrolmentSource, EnrolmentStatus
from enrolment.selectors import enrolment_list, sheets_to_complete
from enrolment.services import cancellation_policy
from households.selectors import household_of_user
from programmes.models import Mediator, Programme, ProgrammeStatus
from sessions.models import Session, SessionStatus
from sessions.selectors import session_list, with_places_left

COORDINATOR_WEEK_DAYS = 7
# A session this soon with fewer than this share of its places taken is "under-filled".
UNDER_FILLED_WITHIN_DAYS = 14
UNDER_FILLED_SHARE = 0.34


@dataclass
class FamilySession:
    session: Session
    participants: list[str]


@dataclass
class FamilyHome:
    household: object | None
    enrolments: list[Enrolment]
    coming: list[FamilySession]

    @property
    def waitlisted(self) -> list[Enrolment]:
        return [e for e in self.enrolments if e.status == EnrolmentStatus.WAITLISTED]

    @property
    def to_bring(self) -> list[Programme]:
        seen: dict[int, Programme] = {}
        for item in self.coming:
            programme = item.session.programme
            if programme.what_to_bring and not item.session.is_cancelled:
                seen.setdefault(programme.pk, programme)
        return list(seen.values())


def family_home(*, user, limit: int = 8) -> FamilyHome:
    """The household's active enrolments, and its coming sessions with who goes to each."""
    now = timezone.now()
    enrolments = list(
        enrolment_list(user=user)
        .filter(status__in=ACTIVE_STATUSES)
        .select_related("programme__venue", "session__venue", "participant")
        .order_by("status", "programme__title", "session__starts_at")
    )
    going: dict[object, list[str]] = defaultdict(list)
    for enrolment in enrolments:
        if enrolment.status != EnrolmentStatus.CONFIRMED:
            continue
        key = (
            ("session", enrolment.session_id)
            if enrolment.session_id
            else ("programme", enrolment.programme_id)
        )
        going[key].append(enrolment.participant.first_name)
    session_ids = [key[1] for key in going if key[0] == "session"]
    programme_ids = [key[1] for key in going if key[0] == "programme"]
    coming: list[FamilySession] = []
    if going:
        sessions = (
            Session.objects.filter(
                Q(pk__in=session_ids) | Q(programme_id__in=programme_ids), ends_at__gte=now
            )
            .select_related("programme", "venue")
            .order_by("starts_at")[:limit]
        )
        for session in sessions:
            names = going.get(("session", session.pk)) or going.get(
                ("programme", session.programme_id), []
            )
            coming.append(FamilySession(session, sorted(set(names))))
    return FamilyHome(household=household_of_user(user=user), enrolments=enrolments, coming=coming)


@dataclass
class PartnerProgramme:
    programme: Programme
    coming_sessions: int
    confirmed: int
    waitlisted: int


@dataclass
class PartnerHome:
    referrals: list[Enrolment]
    programmes: list[PartnerProgramme]
    referral_counts: dict[str, int] = field(default_factory=dict)


def partner_home(*, user, limit: int = 10) -> PartnerHome:
    """The partner's latest referrals and the programmes it co-runs, with their figures."""
    referrals = enrolment_list(user=user, source=EnrolmentSource.PARTNER_REFERRAL)
    counts = dict(referrals.order_by().values_list("status").annotate(count=Count("pk")))
    now = timezone.now()
    programmes = (
        Programme.objects.filter(partners__members=user)
        .exclude(status=ProgrammeStatus.ARCHIVED)
        .distinct()
        .annotate(
            coming_sessions=Count(
                "sessions",
                distinct=True,
                filter=Q(sessions__starts_at__gte=now)
                & ~Q(sessions__status=SessionStatus.CANCELLED),
            ),
            confirmed=Count(
                "enrolments", distinct=True, filter=Q(enrolments__status=EnrolmentStatus.CONFIRMED)
            ),
            waitlisted=Count(
                "enrolments", distinct=True, filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)
            ),
        )
        .order_by("title")
    )
    return PartnerHome(
        referrals=list(referrals[:limit]),
        programmes=[
            PartnerProgramme(p, p.coming_sessions, p.confirmed, p.waitlisted) for p in programmes
        ],
        referral_counts=counts,
    )


def coordinator_week(*, days: int = COORDINATOR_WEEK_DAYS) -> list[Session]:
    today = local_today()
    sessions = list(
        session_list(
            start=today, end=today + datetime.timedelta(days=days - 1), published_only=False
        )
    )
    return with_places_left(sessions)


def programmes_needing_attention(
    *,
    week: list[Session],
    absences: dict[int, int] | None = None,
) -> list[tuple[Programme, list[str]]]:
    """Programmes with a full or under-filled session soon, or many open absence follow-ups.

    ``week`` is the coming sessions (with places); ``absences`` maps a programme id to its
    open follow-ups, when the attendance app provides them.
    """
    now = timezone.now()
    soon = now + datetime.timedelta(days=UNDER_FILLED_WITHIN_DAYS)
    reasons: dict[int, list[str]] = defaultdict(list)
    programmes: dict[int, Programme] = {}
    for session in week:
        if session.is_cancelled:
            continue
        programmes[session.programme_id] = session.programme
        if session.places_left == 0 and _("Full") not in reasons[session.programme_id]:
            reasons[session.programme_id].append(_("Full"))
        elif (
            session.starts_at <= soon
            and session.places_taken < session.capacity * UNDER_FILLED_SHARE
            and _("Few enrolments") not in reasons[session.programme_id]
        ):
            reasons[session.programme_id].append(_("Few enrolments"))
    if absences:
        missing = [pk for pk in absences if pk not in programmes]
        programmes.update(Programme.objects.in_bulk(missing))
        for programme_id, count in absences.items():
            reasons[programme_id].append(
                ngettext(
                    "%(count)d open follow-up of absences",
                    "%(count)d open follow-ups of absences",
                    count,
                )
                % {"count": count}
            )
    return sorted(
        ((programmes[pk], why) for pk, why in reasons.items() if why),
        key=lambda item: item[0].title,
    )


@dataclass
class MediatorHome:
    today: list[Session]
    to_complete: list[Session]
    follow_ups: list
    open_follow_ups: int
    not_checked_out: list[tuple[Session, int]] = field(default_factory=list)
    sheets_to_complete: list[Enrolment] = field(default_factory=list)


def mediator_home(*, user, limit: int = 5) -> MediatorHome:
    """Today's sessions (one tap to each register), registers left behind, open follow-ups."""
    follow_ups = follow_up_list(user=user)
    return MediatorHome(
        today=sessions_of_day(user=user),
        to_complete=sessions_to_complete(user=user),
        follow_ups=list(follow_ups[:limit]),
        open_follow_ups=follow_ups.count(),
        not_checked_out=children_not_checked_out(user=user),
        sheets_to_complete=list(sheets_to_complete(user=user, limit=20)),
    )


def open_follow_ups_per_programme(*, user) -> dict[int, int]:
    return dict(
        follow_up_list(user=user)
        .order_by()
        .values_list("programme_id")
        .annotate(count=Count("pk"))
        .values_list("programme_id", "count")
    )


def programmes_managed_by(*, user, everything: bool) -> QuerySet[Programme]:
    """Programmes a mediator runs (every programme for coordinators), with their counts."""
    programmes = Programme.objects.exclude(status=ProgrammeStatus.ARCHIVED)
    if not everything:
        programmes = programmes.filter(
            pk__in=Mediator.objects.filter(user=user).values("programmes")
        )
    return programmes.annotate(
        confirmed=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.CONFIRMED)),
        waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)),
        proposed=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.PROPOSED)),
    ).order_by("title")


def pending_referrals(*, enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return enrolments.filter(
        source=EnrolmentSource.PARTNER_REFERRAL, status=EnrolmentStatus.PROPOSED
    ).order_by("created_at")


def with_cancel_policy(enrolments: QuerySet[Enrolment]) -> list[Enrolment]:
    """A family's enrolments, each confirmed one with ``cancel_policy``: the rule that refuses a
    late cancellation also hides the button that would lead to that refusal."""
    first_session = (
        Session.objects.filter(programme=OuterRef("programme"))
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    # The start of a whole cycle in the same query, not one more per enrolment.
    enrolments = list(enrolments.annotate(cycle_start=Subquery(first_session)))
    for enrolment in enrolments:
        if enrolment.status == EnrolmentStatus.CONFIRMED:
            enrolment.cancel_policy = cancellation_policy(enrolment)  # type: ignore[attr-defined]
    return enrolments
