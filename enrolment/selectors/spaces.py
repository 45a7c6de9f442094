"""Reads for the family, mediator and partner pages."""

import datetime
from typing import TYPE_CHECKING, cast

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households.eligibility import Member, household_members
from households.models import Household
from programmes.models import Programme, ProgrammeStatus
from sessions.models import Session, SessionStatus
from sessions.selectors import PlacesLeft, with_places_left

from ..models import ACTIVE_STATUSES, Enrolment, EnrolmentStatus


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


def enrolment_members(
    *, household: Household, programme: Programme, day: datetime.date
) -> list[Member]:
    """household_members() for ``programme``, with what each already holds in it."""
    held: dict[int, set[int | None]] = {}
    for participant_id, session_id in Enrolment.objects.filter(
        participant__household=household,
        programme=programme,
        status__in=ACTIVE_STATUSES,
    ).values_list("participant_id", "session_id"):
        held.setdefault(participant_id, set()).add(session_id)
    members = household_members(household=household, programme=programme, day=day)
    for member in members:
        if member.participant_id is not None:
            sessions = held.get(member.participant_id, set())
            member.enrolled_in_cycle = None in sessions
            member.enrolled_session_ids = {pk for pk in sessions if pk is not None}
    return members
