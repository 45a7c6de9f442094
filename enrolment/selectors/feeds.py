"""The household feed, and what enrolments add to the feeds of the sessions app (headcounts)."""

from collections import defaultdict

from django.db.models import (
    BigIntegerField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import translation
from django.utils.translation import gettext as _

from sessions.feeds import Feed, feed_language
from sessions.ical import EventExtras
from sessions.models import Session
from sessions.selectors import FeedOffer

from ..models import Enrolment, EnrolmentStatus, Household, HouseholdFeedToken


def _covering(**filters) -> QuerySet[Enrolment]:
    """Confirmed enrolments that put someone in the outer session: its own, or a whole-cycle
    enrolment in its programme."""
    return Enrolment.objects.filter(
        Q(session=OuterRef("pk")) | Q(session__isnull=True, programme=OuterRef("programme_id")),
        status=EnrolmentStatus.CONFIRMED, **filters,
    )


def _count_version(**filters) -> dict:
    """Aggregates over sessions that change when any of their confirmed counts change."""
    count = Subquery(_covering(**filters).order_by().annotate(
        n=Func(F("pk"), function="COUNT")).values("n"), output_field=BigIntegerField())
    return {
        "confirmed": Sum(count),
        "confirmed_weighted": Sum(ExpressionWrapper(count * F("pk"),
                                                    output_field=BigIntegerField())),
    }


def headcount_version() -> dict:
    """For partner and mediator feeds, which show places taken (sessions.hooks)."""
    return _count_version()


def _participant_names(household: Household):
    def extras(sessions: QuerySet[Session]) -> dict[int, EventExtras]:
        programme_of = dict(sessions.values_list("pk", "programme_id"))
        rows = Enrolment.objects.filter(
            Q(session__in=list(programme_of)) | Q(session__isnull=True,
                                                  programme__in=set(programme_of.values())),
            status=EnrolmentStatus.CONFIRMED, participant__household=household,
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
        name=name, language=language, private=True, settings=("household", household.pk),
        sessions=Session.objects.filter(Exists(_covering(participant__household=household))),
        extras=_participant_names(household),
        version_aggregates=lambda: _count_version(participant__household=household),
    )


def household_feed_offers(user) -> list[FeedOffer]:
    """The family account's household feed, for the "My calendars" page."""
    if not user.is_authenticated:
        return []
    household = Household.objects.filter(guardians__user=user).first()
    if household is None:
        return []
    language = feed_language(getattr(getattr(user, "guardian", None), "language", None))
    return [FeedOffer(
        key=f"household-{household.pk}", kind="household", title=_("Our family's sessions"),
        active=HouseholdFeedToken.objects.filter(household=household,
                                                 revoked_at__isnull=True).first(),
        new_token=lambda: HouseholdFeedToken(household=household, language=language),
    )]
