"""The household feed, and what enrolments add to the feeds of the sessions app (headcounts)."""

from collections import defaultdict

from django.db.models import (
    BigIntegerField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import translation
from django.utils.translation import gettext as _

from households.models import Household
from sessions.feeds import Feed, feed_language
from sessions.ical import EventExtras
from sessions.models import Session
from sessions.selectors import FeedOffer

from ..models import Enrolment, EnrolmentStatus, HouseholdFeedToken


def _covering(**filters) -> QuerySet[Enrolment]:
    """Confirmed enrolments that put someone in the outer session: its own, or a whole-cycle
    enrolment in its programme."""
    return Enrolment.objects.filter(
        Q(session=OuterRef("pk")) | Q(session__isnull=True, programme=OuterRef("programme_id")),
        status=EnrolmentStatus.CONFIRMED,
        **filters,
    )


def _latest_change() -> Func:
    """The latest moment an enrolment row changed (MAX over the rows of a subquery); an
    enrolment keeps no change date, but each of its transitions has one."""
    created = F("created_at")
    return Func(
        Greatest(
            created,
            *(Coalesce(name, created) for name in ("confirmed_at", "promoted_at", "cancelled_at")),
        ),
        function="MAX",
    )


def _per_session(enrolments: QuerySet[Enrolment], function: str, field: str) -> Subquery:
    return Subquery(
        enrolments.order_by().annotate(value=Func(F(field), function=function)).values("value"),
        output_field=BigIntegerField(),
    )


def _weighted(value: Subquery) -> Sum:
    return Sum(ExpressionWrapper(value * F("pk"), output_field=BigIntegerField()))


def headcount_version(sessions: QuerySet[Session]) -> dict:
    """For partner and mediator feeds, which show places taken (sessions.hooks): the headcount
    versions the enrolment services bump on the target they lock (the session, or the programme
    for a whole cycle). Read from the rows the version query scans anyway, so a 304 reads no
    enrolment however many there are. The moments of those bumps are Last-Modified's: a
    change of places taken answers 200 to If-Modified-Since too."""
    return {
        "headcounts": Sum("headcount_version"),
        "cycle_headcounts": Sum("programme__headcount_version"),
        "headcount_changed_at": Max("headcount_changed_at"),
        "cycle_headcount_changed_at": Max("programme__headcount_changed_at"),
    }


def _household_version(household: Household) -> dict:
    """The household feed shows who is enrolled, not only how many: swapping one child for
    another in a session must change its version. An enrolment cancelled takes its session out
    of the feed, so the latest change is taken over all the household's enrolments."""
    covering = _covering(participant__household=household)
    everything = Enrolment.objects.filter(participant__household=household).order_by()
    latest = Subquery(
        everything.annotate(moment=_latest_change()).values("moment")[:1],
        output_field=DateTimeField(),
    )
    return {
        "confirmed": Sum(_per_session(covering, "COUNT", "pk")),
        "participants_weighted": _weighted(_per_session(covering, "SUM", "participant_id")),
        "enrolments_weighted": _weighted(_per_session(covering, "SUM", "pk")),
        "household_changed_at": Max(latest),
    }


def _participant_names(household: Household):
    def extras(sessions: QuerySet[Session]) -> dict[int, EventExtras]:
        programme_of = dict(sessions.values_list("pk", "programme_id"))
        rows = Enrolment.objects.filter(
            Q(session__in=list(programme_of))
            | Q(session__isnull=True, programme__in=set(programme_of.values())),
            status=EnrolmentStatus.CONFIRMED,
            participant__household=household,
        ).values_list("session_id", "programme_id", "participant__first_name")
        by_session: defaultdict[int, set[str]] = defaultdict(set)
        by_programme: defaultdict[int, set[str]] = defaultdict(set)
        for session_id, programme_id, first_name in rows:
            if session_id is None:
                by_programme[programme_id].add(first_name)
            else:
                by_session[session_id].add(first_name)
        return {
            pk: EventExtras(participants=tuple(sorted(by_session[pk] | by_programme[pid])))
            for pk, pid in programme_of.items()
        }

    return extras


def household_feed(*, household: Household, language: str) -> Feed:
    """The sessions a household's members are confirmed for, with their first names."""
    with translation.override(language):
        name = _("Our family's sessions")
    return Feed(
        name=name,
        language=language,
        private=True,
        settings=("household", household.pk),
        sessions=Session.objects.filter(Exists(_covering(participant__household=household))),
        extras=_participant_names(household),
        version_aggregates=lambda _sessions: _household_version(household),
    )


def household_feed_offers(user) -> list[FeedOffer]:
    """The family account's household feed, for the "My calendars" page."""
    if not user.is_authenticated:
        return []
    household = Household.objects.filter(guardians__user=user).first()
    if household is None:
        return []
    language = feed_language(getattr(getattr(user, "guardian", None), "language", None))
    return [
        FeedOffer(
            key=f"household-{household.pk}",
            kind="household",
            title=_("Our family's sessions"),
            active=HouseholdFeedToken.objects.filter(
                household=household, revoked_at__isnull=True
            ).first(),
            new_token=lambda: HouseholdFeedToken(household=household, language=language),
        )
    ]
