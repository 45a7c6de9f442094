"""Reads for the family, mediator and partner pages."""

from typing import TYPE_CHECKING, cast

from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.models import Mediator, Programme, ProgrammeStatus
from sessions.models import Session, SessionStatus
from sessions.selectors import PlacesLeft, with_places_left

from ..models import Enrolment, EnrolmentSource, EnrolmentStatus, Household


class OpenSessionFields(PlacesLeft):
    label: str


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    OpenSession = WithAnnotations[Session, OpenSessionFields]


def open_sessions(*, programme: Programme) -> "list[OpenSession]":
    """Coming, not cancelled sessions of a per-session programme, each with ``places_left``
    and a ``label`` saying when and how full it is."""
    # The same instances: the loop below gives each one its ``label``.
    sessions = cast("list[OpenSession]", with_places_left(list(
        Session.objects.filter(programme=programme, starts_at__gt=timezone.now())
        .exclude(status=SessionStatus.CANCELLED).select_related("programme", "venue")
        .order_by("starts_at")[:60]
    )))
    for session in sessions:
        start = timezone.localtime(session.starts_at)
        end = timezone.localtime(session.ends_at)
        when = (f"{formats.date_format(start, 'l j F')}, {formats.time_format(start, 'H:i')}"
                f"–{formats.time_format(end, 'H:i')}")
        if session.places_left:
            places = ngettext("%(count)d place left", "%(count)d places left",
                              session.places_left) % {"count": session.places_left}
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
    base = Enrolment.objects.filter(programme=programme).select_related(
        "participant__household", "session", "referred_by_partner"
    ).prefetch_related("participant__household__guardians")
    return {
        "confirmed": base.filter(status=EnrolmentStatus.CONFIRMED).order_by(
            "session__starts_at", "participant__last_name", "participant__first_name"),
        "waiting": base.filter(status=EnrolmentStatus.WAITLISTED).order_by(
            "session__starts_at", "session_id", "waitlist_position"),
        "proposed": base.filter(status=EnrolmentStatus.PROPOSED).order_by("created_at"),
    }


def published_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(status=ProgrammeStatus.PUBLISHED).order_by("title")

