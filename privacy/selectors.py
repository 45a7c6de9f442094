"""Reads for data-protection work: last activity, what retention will do, a household's data."""

import datetime
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import (
    DateTimeField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from enrolment.models import Enrolment, EnrolmentStatus
from households.models import HealthNote, Household, SafetySheet

from .models import Erasure, RetentionWarning


def retention_period() -> datetime.timedelta:
    return datetime.timedelta(days=settings.PRIVACY_RETENTION_DAYS)


def warning_period() -> datetime.timedelta:
    return datetime.timedelta(days=settings.PRIVACY_WARNING_DAYS)


def _last_session_end(*, whole_cycle: bool) -> Subquery:
    """The end of the last session a household's (not cancelled) enrolments cover: the
    session itself, or every session of a whole-cycle programme."""
    ends = "programme__sessions__ends_at" if whole_cycle else "session__ends_at"
    enrolments = Enrolment.objects.filter(
        participant__household=OuterRef("pk"),
        session__isnull=whole_cycle,
    ).exclude(status=EnrolmentStatus.CANCELLED)
    return Subquery(
        enrolments.order_by()
        .values("participant__household")
        .annotate(last=Max(ends))
        .values("last")[:1],
        output_field=DateTimeField(),
    )


class LastActivity(TypedDict):
    last_seen_at: datetime.datetime


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    HouseholdWithActivity = WithAnnotations[Household, LastActivity]


def with_last_activity(households: QuerySet[Household]) -> "QuerySet[HouseholdWithActivity]":
    """Annotates ``last_seen_at``: the later of the household's last change or enrolment and
    the end of the last session it was enrolled in (which may lie in the future)."""
    return households.annotate(
        last_seen_at=Greatest(
            F("last_activity_at"),
            Coalesce(_last_session_end(whole_cycle=False), F("last_activity_at")),
            Coalesce(_last_session_end(whole_cycle=True), F("last_activity_at")),
        )
    )


def _not_erased(households: QuerySet[Household]) -> QuerySet[Household]:
    return households.exclude(Exists(Erasure.objects.filter(household=OuterRef("pk"))))


def _current_warning(**filters) -> Exists:
    # A warning counts only if no activity happened since it was given.
    return Exists(
        RetentionWarning.objects.filter(
            household=OuterRef("pk"), warned_at__gte=OuterRef("last_seen_at"), **filters
        )
    )


def households_to_warn(*, now: datetime.datetime) -> "QuerySet[HouseholdWithActivity]":
    """Inactive long enough to be anonymised within the warning period, not yet warned."""
    cutoff = now - retention_period() + warning_period()
    return (
        with_last_activity(_not_erased(Household.objects.all()))
        .filter(last_seen_at__lt=cutoff)
        .exclude(_current_warning())
        .order_by("last_seen_at", "pk")
    )


def households_to_anonymise(*, now: datetime.datetime) -> "QuerySet[HouseholdWithActivity]":
    """Inactive for the whole retention period, and warned at least the warning period ago."""
    return (
        with_last_activity(_not_erased(Household.objects.all()))
        .filter(last_seen_at__lt=now - retention_period())
        .filter(_current_warning(warned_at__lte=now - warning_period()))
        .order_by("last_seen_at", "pk")
    )


def upcoming_anonymisations(*, now: datetime.datetime) -> QuerySet[RetentionWarning]:
    """Current warnings: what the nightly task will anonymise, soonest first."""
    return (
        RetentionWarning.objects.filter(household__erasure__isnull=True)
        .annotate(
            last_seen_at=with_last_activity(
                Household.objects.filter(pk=OuterRef("household_id"))
            ).values("last_seen_at")[:1]
        )
        .filter(warned_at__gte=F("last_seen_at"))
        .select_related("household")
        .order_by("anonymise_after", "pk")
    )


def health_notes_to_purge(*, now: datetime.datetime) -> QuerySet[HealthNote]:
    """Notes past their expiry date, and notes without one once no programme their participant
    is enrolled in has a session left. A note younger than the grace period stays: it may have
    been written before the enrolment it is for."""
    running_programme = Enrolment.objects.filter(
        participant=OuterRef("participant"),
        status__in=(
            EnrolmentStatus.CONFIRMED,
            EnrolmentStatus.WAITLISTED,
            EnrolmentStatus.PROPOSED,
        ),
        programme__sessions__ends_at__gte=now,
    )
    grace = datetime.timedelta(days=settings.PRIVACY_HEALTH_NOTE_GRACE_DAYS)
    return HealthNote.objects.filter(
        Q(expires_on__lt=timezone.localdate(now))
        | Q(expires_on__isnull=True, created_at__lt=now - grace) & ~Q(Exists(running_programme))
    ).order_by("pk")


def safety_sheets_to_strip(*, now: datetime.datetime) -> QuerySet[SafetySheet]:
    """Sheets whose health details are due to go: the household inactive for
    SAFETY_SHEET_RETENTION_DAYS (shorter than the household's own period) and no programme of
    the child with a session left."""
    running_programme = Enrolment.objects.filter(
        participant=OuterRef("participant"),
        status__in=(
            EnrolmentStatus.CONFIRMED,
            EnrolmentStatus.WAITLISTED,
            EnrolmentStatus.PROPOSED,
        ),
        programme__sessions__ends_at__gte=now,
    )
    cutoff = now - datetime.timedelta(days=settings.SAFETY_SHEET_RETENTION_DAYS)
    return (
        SafetySheet.objects.filter(
            health_removed_at__isnull=True,
            participant__household__last_activity_at__lt=cutoff,
        )
        .exclude(Exists(running_programme))
        .order_by("pk")
    )


def household_export_data(*, household_id: int) -> Household:
    """The household's own record; each app's section reads its own rows (core/personal_data)."""
    return Household.objects.select_related("created_by").get(pk=household_id)


def erasure_for_household(*, household) -> Erasure | None:
    """The erasure of a household, if its data was already erased."""
    return Erasure.objects.filter(household=household).select_related("erased_by").first()


def recent_erasures(*, limit: int = 50) -> list[Erasure]:
    return list(Erasure.objects.select_related("household", "erased_by")[:limit])
