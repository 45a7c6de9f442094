"""The indicators, aggregated in the database: a fixed number of queries whatever the data size.

Definitions (also on the pages, in docs and in the API's description):
- the period is a range of local dates (Europe/Paris), both ends included; a session belongs to
  it by its start;
- a session is *planned* when it belongs to the period whatever its status, *cancelled* when
  cancelled, *held* when not cancelled and already started;
- *enrolments* are those recorded during the period, counted by their status today;
- a participant is *reached* by a programme when holding a confirmed enrolment in one of its
  held sessions of the period, or in the whole cycle of a programme with a held session in the
  period; a household is reached through its participants;
- a reached household is *returning* when one of its participants was reached before the
  period (in any programme), *new* otherwise;
- ages are taken at the period's start, so that every participant falls in one band.
"""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Kind, Programme
from sessions.models import Session, SessionStatus

from ..models import Enrolment, EnrolmentStatus, Participant, Sex
from .access import ReportScope
from .filters import ReportFilters, years_before
from .masking import mask_summary

# (key, label, oldest age in the band); the last band has no upper age.
AGE_BANDS: list[tuple[str, str, int | None]] = [
    ("0-5", _("0–5 years"), 5),
    ("6-10", _("6–10 years"), 10),
    ("11-14", _("11–14 years"), 14),
    ("15-17", _("15–17 years"), 17),
    ("18-25", _("18–25 years"), 25),
    ("26-59", _("26–59 years"), 59),
    ("60+", _("60 years and over"), None),
]
UNKNOWN_NEIGHBOURHOOD = _("Not recorded")


@dataclass
class BreakdownRow:
    key: str
    label: str
    participants: int | None
    households: int | None = None


@dataclass
class ProgrammeRow:
    programme_id: int
    title: str
    kind: str
    kind_label: str
    sessions_planned: int | None
    sessions_held: int | None
    sessions_cancelled: int | None
    participants: int | None


@dataclass
class KindRow:
    kind: str
    label: str
    sessions_held: int | None
    participants: int | None


@dataclass
class TimeRow:
    month: datetime.date
    sessions_held: int


@dataclass
class ReportSummary:
    filters: ReportFilters
    participants: int | None
    households: int | None
    new_households: int | None
    returning_households: int | None
    sessions_planned: int | None
    sessions_held: int | None
    sessions_cancelled: int | None
    enrolments: int | None
    enrolments_confirmed: int | None
    enrolments_waitlisted: int | None
    enrolments_cancelled: int | None
    by_age_band: list[BreakdownRow] = field(default_factory=list)
    by_neighbourhood: list[BreakdownRow] = field(default_factory=list)
    by_qpv: list[BreakdownRow] = field(default_factory=list)
    by_sex: list[BreakdownRow] = field(default_factory=list)
    by_programme: list[ProgrammeRow] = field(default_factory=list)
    by_kind: list[KindRow] = field(default_factory=list)
    over_time: list[TimeRow] = field(default_factory=list)
    masked: bool = False
    mask_threshold: int | None = None
    age_reference: str = "period_start"


def report_programmes(*, programmes: QuerySet[Programme], filters: ReportFilters
                      ) -> QuerySet[Programme]:
    """The programmes in scope that the filters keep, as a subquery (no query of its own)."""
    if filters.kind:
        programmes = programmes.filter(kind=filters.kind)
    if filters.field:
        programmes = programmes.filter(field=filters.field)
    if filters.programme_id is not None:
        programmes = programmes.filter(pk=filters.programme_id)
    if filters.partner_id is not None:
        programmes = programmes.filter(partners=filters.partner_id)
    return Programme.objects.filter(pk__in=programmes.values("pk"))


def report_sessions(*, programmes: QuerySet[Programme], filters: ReportFilters
                    ) -> QuerySet[Session]:
    sessions = Session.objects.filter(
        programme__in=report_programmes(programmes=programmes, filters=filters),
        starts_at__gte=filters.starts_at, starts_at__lt=filters.ends_before,
    )
    if filters.venue_id is not None:
        sessions = sessions.filter(venue_id=filters.venue_id)
    return sessions


def held_sessions(sessions: QuerySet[Session], *, now: datetime.datetime) -> QuerySet[Session]:
    return sessions.exclude(status=SessionStatus.CANCELLED).filter(starts_at__lt=now)


def reaching_enrolments(sessions: QuerySet[Session]) -> QuerySet[Enrolment]:
    """Confirmed enrolments in one of ``sessions``, or in the whole cycle of their programmes."""
    return Enrolment.objects.filter(status=EnrolmentStatus.CONFIRMED).filter(
        Q(session__in=sessions)
        | Q(session__isnull=True, programme__in=sessions.values("programme_id"))
    )


def age_band_case(reference: datetime.date) -> Case:
    """The age band of a participant on ``reference``, computed by the database."""
    whens = [
        When(birth_date__gt=years_before(reference, oldest + 1), then=Value(key))
        for key, _label, oldest in AGE_BANDS if oldest is not None
    ]
    return Case(*whens, default=Value(AGE_BANDS[-1][0]), output_field=CharField())


def report_summary(
    *, programmes: QuerySet[Programme], filters: ReportFilters,
    now: datetime.datetime | None = None,
) -> ReportSummary:
    """Every indicator for ``filters`` over ``programmes``, unmasked."""
    now = now or timezone.now()
    sessions = report_sessions(programmes=programmes, filters=filters)
    held = held_sessions(sessions, now=now)
    reaching = reaching_enrolments(held)
    reached = Participant.objects.filter(pk__in=reaching.values("participant_id"))

    session_counts = sessions.aggregate(**_session_counts(now))
    enrolment_counts = _enrolment_counts(programmes=programmes, filters=filters)

    earlier = reaching_enrolments(held_sessions(
        Session.objects.filter(starts_at__lt=filters.starts_at), now=now))
    returning = Exists(earlier.filter(participant__household_id=OuterRef("household_id")))
    reach = reached.aggregate(
        participants=Count("pk"),
        households=Count("household_id", distinct=True),
        returning=Count("household_id", distinct=True, filter=Q(returning)),
    )
    summary = ReportSummary(
        filters=filters,
        participants=reach["participants"],
        households=reach["households"],
        new_households=reach["households"] - reach["returning"],
        returning_households=reach["returning"],
        sessions_planned=session_counts["planned"],
        sessions_held=session_counts["held"],
        sessions_cancelled=session_counts["cancelled"],
        **enrolment_counts,
    )
    summary.by_age_band = _by_age_band(reached, reference=filters.start)
    summary.by_neighbourhood, summary.by_qpv = _by_neighbourhood(reached)
    summary.by_sex = _by_sex(reached)
    summary.by_programme = _by_programme(sessions, reaching=reaching, now=now)
    summary.by_kind = _by_kind(summary.by_programme, reaching=reaching)
    summary.over_time = _over_time(held, filters=filters)
    return summary


def report_summary_for(*, scope: ReportScope, filters: ReportFilters, anonymous: bool = False
                       ) -> ReportSummary:
    """The summary as ``scope`` may see it: masked for partners and for anonymous exports."""
    summary = report_summary(programmes=scope.programmes, filters=filters)
    return mask_summary(summary) if scope.masked or anonymous else summary


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def report_enrolments(*, programmes: QuerySet[Programme], filters: ReportFilters
                      ) -> QuerySet[Enrolment]:
    """Enrolments recorded during the period in the programmes and venue kept by the filters."""
    enrolments = Enrolment.objects.filter(
        programme__in=report_programmes(programmes=programmes, filters=filters),
        created_at__gte=filters.starts_at, created_at__lt=filters.ends_before,
    )
    if filters.venue_id is not None:
        enrolments = enrolments.filter(
            Q(session__venue_id=filters.venue_id)
            | Q(session__isnull=True, programme__venue_id=filters.venue_id)
        )
    return enrolments


def _session_counts(now: datetime.datetime) -> dict[str, Count]:
    return {
        "planned": Count("pk"),
        "cancelled": Count("pk", filter=Q(status=SessionStatus.CANCELLED)),
        "held": Count("pk", filter=~Q(status=SessionStatus.CANCELLED) & Q(starts_at__lt=now)),
    }


def _enrolment_counts(*, programmes: QuerySet[Programme], filters: ReportFilters) -> dict:
    enrolments = report_enrolments(programmes=programmes, filters=filters)
    return enrolments.aggregate(
        enrolments=Count("pk"),
        enrolments_confirmed=Count("pk", filter=Q(status=EnrolmentStatus.CONFIRMED)),
        enrolments_waitlisted=Count("pk", filter=Q(status=EnrolmentStatus.WAITLISTED)),
        enrolments_cancelled=Count("pk", filter=Q(status=EnrolmentStatus.CANCELLED)),
    )


def _by_age_band(reached: QuerySet[Participant], *, reference: datetime.date
                 ) -> list[BreakdownRow]:
    rows = dict(
        reached.annotate(band=age_band_case(reference)).values("band")
        .annotate(count=Count("pk")).order_by().values_list("band", "count")
    )
    return [BreakdownRow(key, str(label), rows.get(key, 0)) for key, label, _oldest in AGE_BANDS]


def _by_neighbourhood(reached: QuerySet[Participant]
                      ) -> tuple[list[BreakdownRow], list[BreakdownRow]]:
    rows = (
        reached.values("household__neighbourhood", "household__in_qpv")
        .annotate(participants=Count("pk"), households=Count("household_id", distinct=True))
        .order_by("-household__in_qpv", "household__neighbourhood")
    )
    by_neighbourhood = []
    qpv = {True: [0, 0], False: [0, 0]}
    for row in rows:
        name, in_qpv = row["household__neighbourhood"], row["household__in_qpv"]
        by_neighbourhood.append(BreakdownRow(
            key=f"{name}|{'qpv' if in_qpv else 'other'}",
            label=name or str(UNKNOWN_NEIGHBOURHOOD),
            participants=row["participants"], households=row["households"],
        ))
        # A household lives in one neighbourhood: the sums are distinct counts.
        qpv[in_qpv][0] += row["participants"]
        qpv[in_qpv][1] += row["households"]
    by_qpv = [
        BreakdownRow("qpv", str(_("In a QPV")), *qpv[True]),
        BreakdownRow("other", str(_("Outside QPVs")), *qpv[False]),
    ]
    return by_neighbourhood, by_qpv


def _by_sex(reached: QuerySet[Participant]) -> list[BreakdownRow]:
    rows = dict(reached.values("sex").annotate(count=Count("pk")).order_by()
                .values_list("sex", "count"))
    labels = {Sex.FEMALE: _("Female"), Sex.MALE: _("Male"),
              Sex.UNSPECIFIED: _("Not recorded")}
    return [BreakdownRow(str(sex), str(label), rows.get(sex, 0)) for sex, label in labels.items()]


def _by_programme(sessions: QuerySet[Session], *, reaching: QuerySet[Enrolment],
                  now: datetime.datetime) -> list[ProgrammeRow]:
    rows = (
        sessions.values("programme_id", "programme__title", "programme__kind")
        .annotate(**_session_counts(now))
        .order_by("programme__title", "programme_id")
    )
    participants = dict(
        reaching.values("programme_id").annotate(count=Count("participant_id", distinct=True))
        .order_by().values_list("programme_id", "count")
    )
    kind_labels = dict(Kind.choices)
    return [
        ProgrammeRow(
            programme_id=row["programme_id"], title=row["programme__title"],
            kind=row["programme__kind"], kind_label=str(kind_labels[row["programme__kind"]]),
            sessions_planned=row["planned"], sessions_held=row["held"],
            sessions_cancelled=row["cancelled"],
            participants=participants.get(row["programme_id"], 0),
        )
        for row in rows
    ]


def _by_kind(by_programme: list[ProgrammeRow], *, reaching: QuerySet[Enrolment]
             ) -> list[KindRow]:
    # A participant may come to two programmes of one kind: count them once, in the database.
    participants = dict(
        reaching.values("programme__kind")
        .annotate(count=Count("participant_id", distinct=True))
        .order_by().values_list("programme__kind", "count")
    )
    held: dict[str, int] = {}
    for row in by_programme:
        held[row.kind] = held.get(row.kind, 0) + (row.sessions_held or 0)
    return [
        KindRow(kind=str(kind), label=str(label), sessions_held=held.get(kind, 0),
                participants=participants.get(kind, 0))
        for kind, label in Kind.choices
    ]


def _over_time(held: QuerySet[Session], *, filters: ReportFilters) -> list[TimeRow]:
    paris = ZoneInfo(settings.TIME_ZONE)
    rows = {
        (timezone.localtime(month, paris).date() if isinstance(month, datetime.datetime)
         else month): count
        for month, count in held.annotate(month=TruncMonth("starts_at", tzinfo=paris))
        .values("month").annotate(count=Count("pk")).order_by().values_list("month", "count")
    }
    return [TimeRow(month=month, sessions_held=rows.get(month, 0))
            for month in months_between(filters.start, filters.end)]


ENROLMENT_LIST_FIELDS = (
    "participant__household__reference", "participant__last_name", "participant__first_name",
    "participant__birth_date", "participant__sex", "participant__household__neighbourhood",
    "participant__household__in_qpv", "programme__title", "programme__kind", "session__starts_at",
    "status", "source", "created_at", "cancelled_at",
)


def enrolment_list_rows(*, programmes: QuerySet[Programme], filters: ReportFilters
                        ) -> QuerySet:
    """The enrolments of the period as tuples of ENROLMENT_LIST_FIELDS, for exports: one
    query, read in chunks."""
    return (
        report_enrolments(programmes=programmes, filters=filters)
        .order_by("programme__title", "session__starts_at", "participant__last_name",
                  "participant__first_name", "pk")
        .values_list(*ENROLMENT_LIST_FIELDS)
    )
