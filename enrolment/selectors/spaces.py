"""Reads for the family, mediator and partner pages."""

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households.eligibility import ADULT_AGE, ADULT_AUDIENCES, ineligibility_reason
from households.models import Household
from programmes.models import Audience, Mediator, Programme, ProgrammeStatus
from programmes.selectors import age_on
from sessions.models import Session, SessionStatus
from sessions.selectors import PlacesLeft, with_places_left

from ..models import ACTIVE_STATUSES, Enrolment, EnrolmentSource, EnrolmentStatus

ADULT_FIRST = ADULT_AUDIENCES | {Audience.PARENT_AND_CHILD}


def session_when(session: Session) -> str:
    """A session's day in full with its times: "mardi 1 septembre 2026, 14:00–16:00"."""
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return (
        f"{formats.date_format(start, 'l j F Y')}, {formats.time_format(start, 'H:i')}"
        f"–{formats.time_format(end, 'H:i')}"
    )


class OpenSessionFields(PlacesLeft):
    label: str


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    OpenSession = WithAnnotations[Session, OpenSessionFields]


def open_sessions(*, programme: Programme) -> "list[OpenSession]":
    """Coming, not cancelled sessions of a per-session programme, each with ``places_left``
    and a ``label`` saying when and how full it is."""
    # The same instances: the loop below gives each one its ``label``.
    sessions = cast(
        "list[OpenSession]",
        with_places_left(
            list(
                Session.objects.filter(programme=programme, starts_at__gt=timezone.now())
                .exclude(status=SessionStatus.CANCELLED)
                .select_related("programme", "venue")
                .order_by("starts_at")[:60]
            )
        ),
    )
    for session in sessions:
        when = session_when(session)
        if session.places_left:
            places = ngettext(
                "%(count)d place left", "%(count)d places left", session.places_left
            ) % {"count": session.places_left}
        elif programme.waitlist_enabled:
            places = _("full: waiting list")
        else:
            places = _("full")
        session.label = f"{when} ({places})"
    return sessions


def household_enrolments(*, household: Household) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(participant__household=household)
        .select_related("participant", "programme", "session", "referred_by_partner")
        .order_by("-created_at", "-pk")
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


def programme_lists(*, programme: Programme) -> dict:
    """Enrolled, waiting and proposed people of a programme, for its staff page."""
    base = (
        Enrolment.objects.filter(programme=programme)
        .select_related("participant__household", "session", "referred_by_partner")
        .prefetch_related("participant__household__guardians")
    )
    return {
        "confirmed": base.filter(status=EnrolmentStatus.CONFIRMED).order_by(
            "session__starts_at", "participant__last_name", "participant__first_name"
        ),
        "waiting": base.filter(status=EnrolmentStatus.WAITLISTED).order_by(
            "session__starts_at", "session_id", "waitlist_position"
        ),
        "proposed": base.filter(status=EnrolmentStatus.PROPOSED).order_by("created_at"),
        # Who left or cancelled lately, newest first, with what they said: the mediator follows up.
        "left": base.filter(status=EnrolmentStatus.CANCELLED)
        .select_related("cancelled_by__guardian")
        .order_by("-cancelled_at")[:30],
    }


def published_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(status=ProgrammeStatus.PUBLISHED).order_by("title")


@dataclass(kw_only=True)
class Member:
    """A person of a household as an enrolment page offers them: ``key`` is ``p-<participant>``
    or ``g-<guardian>`` (an adult not yet a participant, whose birth date is then asked)."""

    key: str
    name: str
    first_name: str
    is_adult: bool
    reason: str | None = None
    needs_birth_date: bool = False
    enrolled_session_ids: set[int] = field(default_factory=set)
    enrolled_in_cycle: bool = False

    @property
    def fits(self) -> bool:
        return self.reason is None


def enrolment_members(
    *, household: Household, programme: Programme, day: datetime.date
) -> list[Member]:
    """Every member of ``household`` (prefetched guardians and participants) for
    ``programme``: those who fit first, then the others with the reason beside them; with what
    they already hold in the programme. ``day`` is the day ages are taken on."""
    participants = list(household.participants.all())
    held: dict[int, set[int | None]] = {}
    for participant_id, session_id in Enrolment.objects.filter(
        participant__household=household,
        programme=programme,
        status__in=ACTIVE_STATUSES,
    ).values_list("participant_id", "session_id"):
        held.setdefault(participant_id, set()).add(session_id)
    members = []
    for participant in participants:
        sessions = held.get(participant.pk, set())
        members.append(
            Member(
                key=f"p-{participant.pk}",
                name=participant.full_name,
                first_name=participant.first_name,
                is_adult=age_on(participant.birth_date, day) >= ADULT_AGE,
                reason=ineligibility_reason(
                    first_name=participant.first_name,
                    birth_date=participant.birth_date,
                    sex=participant.sex,
                    programme=programme,
                    day=day,
                ),
                enrolled_in_cycle=None in sessions,
                enrolled_session_ids={pk for pk in sessions if pk is not None},
            )
        )
    taking_part = {p.guardian_record_id for p in participants if p.guardian_record_id}
    for guardian in household.guardians.all():
        if guardian.pk in taking_part:
            continue
        members.append(
            Member(
                key=f"g-{guardian.pk}",
                name=guardian.full_name,
                first_name=guardian.first_name,
                is_adult=True,
                needs_birth_date=True,
                reason=ineligibility_reason(
                    first_name=guardian.first_name,
                    birth_date=None,
                    sex="",
                    programme=programme,
                    day=day,
                ),
            )
        )
    return sorted(
        members,
        key=lambda member: (
            not member.fits,
            not member.is_adult if programme.audience in ADULT_FIRST else member.is_adult,
        ),
    )
