"""The indicators, aggregated in the database: a fixed number of queries whatever the data size.

Definitions (also on the pages, in docs and in the API's description):
- the period is a range of local dates (Europe/Paris), both ends included; a session belongs to
  it by its start;
- a session is *planned* when it belongs to the period whatever its status, *cancelled* when
  cancelled, *held* when not cancelled, already started and its register was taken (a mark,
  or an anonymous headcount of at least one person) or a coordinator declared it held without
  a register (counted apart as *held without a register*); a past session with neither is
  *register missing* and is not held;
- *enrolments* are those recorded during the period, counted by their status today;
- a participant is *reached* when marked present or late (walk-ins included) at a held session
  of the period; a household is reached through its participants; *attendances* count those
  marks;
- a reached household is *returning* when one of its participants was marked present or late
  before the period (in any programme), *new* otherwise;
- the *attendance rate* is, as on the programme pages, over the held sessions whose register was
  taken: the expected people (confirmed in the session or in the programme's whole cycle) marked
  present or late, over the expected people;
- *anonymous headcounts* (people who came without giving their names) are added up apart;
- *follow-ups* are those opened during the period, with their outcome today;
- ages are taken at the period's start, so that every participant falls in one band.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendance.models import (
    ATTENDED_STATUSES,
    AnonymousHeadcount,
    Attendance,
    CheckOut,
    CollectedBy,
    FollowUp,
    FollowUpOutcome,
    FollowUpStatus,
    OutreachContact,
    OutreachCount,
)
from attendance.selectors import held_declared, register_taken, sessions_held, signed
from core.age_bands import age_band_keys, age_band_label, age_bands
from enrolment.models import Enrolment, EnrolmentStatus
from households.models import Participant, Sex
from programmes.models import Kind, Programme
from sessions.models import Session, SessionStatus

from .access import ReportScope
from .filters import ReportFilters, years_before
from .masking import mask_summary, rate

UNKNOWN_NEIGHBOURHOOD = _("Not recorded")


@dataclass(kw_only=True)
class RateFields:
    """Marks of people who came; people expected and those of them who came, over the
    sessions whose register was taken; their rate in percent."""

    attendances: int | None = 0
    expected: int | None = 0
    attended: int | None = 0
    attendance_rate: float | None = None


def _counted(value: int | None) -> int:
    """A count of the summary being built: only mask_summary() (on a copy) makes one None."""
    assert value is not None, "counts are masked only after the summary is complete"
    return value


@dataclass
class BreakdownRow:
    key: str
    label: str
    participants: int | None
    households: int | None = None


@dataclass
class ProgrammeRow(RateFields):
    programme_id: int
    title: str
    kind: str
    kind_label: str
    sessions_planned: int | None
    sessions_held: int | None
    sessions_cancelled: int | None
    participants: int | None
    sessions_held_without_register: int | None = 0
    sessions_register_missing: int | None = 0


@dataclass
class MissingRegisterRow:
    session_id: int
    programme_id: int
    title: str
    starts_at: datetime.datetime


@dataclass
class KindRow(RateFields):
    kind: str
    label: str
    sessions_held: int | None
    participants: int | None


@dataclass
class TimeRow(RateFields):
    month: datetime.date
    sessions_held: int


@dataclass
class CountRow:
    key: str
    label: str
    count: int | None


@dataclass
class ReportSummary(RateFields):
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
    sessions_held_without_register: int | None = 0
    sessions_register_missing: int | None = 0
    sessions_signed: int | None = 0
    missing_registers: list[MissingRegisterRow] = field(default_factory=list)
    outreach_contacts: int | None = 0
    outreach_referrals: int | None = 0
    outreach_people: int | None = 0
    outreach_people_in_qpv: int | None = 0
    outreach_by_age_band: list[CountRow] = field(default_factory=list)
    outreach_by_sex: list[CountRow] = field(default_factory=list)
    anonymous_headcount: int | None = 0
    follow_up_participants: int | None = 0
    follow_ups: int | None = 0
    # Children collected by someone not on their safety sheet's list: a count, never a name.
    check_outs_unlisted: int | None = 0
    anonymous_by_age_band: list[CountRow] = field(default_factory=list)
    follow_up_outcomes: list[CountRow] = field(default_factory=list)
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


def report_programmes(
    *, programmes: QuerySet[Programme], filters: ReportFilters
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


def report_sessions(
    *, programmes: QuerySet[Programme], filters: ReportFilters
) -> QuerySet[Session]:
    sessions = Session.objects.filter(
        programme__in=report_programmes(programmes=programmes, filters=filters),
        starts_at__gte=filters.starts_at,
        starts_at__lt=filters.ends_before,
    )
    if filters.venue_id is not None:
        sessions = sessions.filter(venue_id=filters.venue_id)
    return sessions


def held_sessions(sessions: QuerySet[Session], *, now: datetime.datetime) -> QuerySet[Session]:
    """Held means held: the one definition, kept with the registers (attendance.selectors)."""
    return sessions_held(sessions, now=now)


def attendances_in(sessions: QuerySet[Session]) -> QuerySet[Attendance]:
    """Marks of people who came (present or late, walk-ins included) to ``sessions``."""
    return Attendance.objects.filter(session__in=sessions, status__in=ATTENDED_STATUSES)


def _count(queryset: QuerySet, key: str) -> Coalesce:
    """A correlated COUNT(*) of ``queryset``, grouped on ``key``, as an integer (0 for none)."""
    counted = queryset.order_by().values(key).annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _session_attendance() -> dict[str, Case | Coalesce]:
    """Per outer session: marks of people who came; and, when its register was taken, the
    people expected (confirmed in it or in its programme's cycle) and those of them who came.

    Correlated counts on each session rather than joins: a session's month or programme is then
    computed once per session, not once per mark. Each count or EXISTS tests one target (the
    session, or the programme's cycle) rather than both with OR, so that each uses an index."""
    came = Attendance.objects.filter(session_id=OuterRef("pk"), status__in=ATTENDED_STATUSES)
    confirmed = Enrolment.objects.filter(status=EnrolmentStatus.CONFIRMED)
    in_session = confirmed.filter(session_id=OuterRef("pk"))
    in_cycle = confirmed.filter(programme_id=OuterRef("programme_id"), session__isnull=True)
    came_in_session = confirmed.filter(
        session_id=OuterRef(OuterRef("pk")), participant_id=OuterRef("participant_id")
    )
    came_in_cycle = confirmed.filter(
        programme_id=OuterRef(OuterRef("programme_id")),
        session__isnull=True,
        participant_id=OuterRef("participant_id"),
    )
    registered = Exists(Attendance.objects.filter(session_id=OuterRef("pk")))
    expected = _count(in_session, "session_id") + _count(in_cycle, "programme_id")
    return {
        "attendances": _count(came, "session_id"),
        "expected": Case(When(registered, then=expected), default=0),
        "attended": _count(
            came.filter(Exists(came_in_session) | Exists(came_in_cycle)), "session_id"
        ),
    }


def _attendance_by_session(held: QuerySet[Session]) -> list[dict]:
    """One row per held session: its programme, its local month, and its attendance counts.
    One query; the rows grow with the sessions of the period (a few hundred a year), not with
    the marks."""
    month = TruncMonth("starts_at", tzinfo=ZoneInfo(settings.TIME_ZONE))
    # Prefixed: "attendances" is already the name of the sessions' marks.
    counts = {f"count_{name}": value for name, value in _session_attendance().items()}
    rows = held.annotate(month=month, **counts).values("programme_id", "month", *counts)
    return [
        {
            "programme_id": row["programme_id"],
            "month": row["month"],
            **{name: row[f"count_{name}"] for name in ATTENDANCE_COUNTS},
        }
        for row in rows.order_by()
    ]


ATTENDANCE_COUNTS = ("attendances", "expected", "attended")


def _sum_by(rows: list[dict], key: str) -> dict:
    sums: dict = {}
    for row in rows:
        group = sums.setdefault(row[key], dict.fromkeys(("sessions", *ATTENDANCE_COUNTS), 0))
        group["sessions"] += 1
        for name in ATTENDANCE_COUNTS:
            group[name] += row[name]
    return sums


def age_band_case(reference: datetime.date) -> Case:
    """The age band (core/age_bands.py) of a participant on ``reference``, computed by the
    database."""
    bands = age_bands()
    whens = [
        When(birth_date__gt=years_before(reference, band.oldest + 1), then=Value(band.key))
        for band in bands
        if band.oldest is not None
    ]
    return Case(*whens, default=Value(bands[-1].key), output_field=CharField())


def report_summary(
    *,
    programmes: QuerySet[Programme],
    filters: ReportFilters,
    now: datetime.datetime | None = None,
    outreach: bool = True,
) -> ReportSummary:
    """Every indicator for ``filters`` over ``programmes``, unmasked; with the outreach
    tallies of the period unless ``outreach`` is false (they belong to no programme)."""
    now = now or timezone.now()
    sessions = report_sessions(programmes=programmes, filters=filters)
    held = held_sessions(sessions, now=now)
    came = attendances_in(held)
    reached = Participant.objects.filter(pk__in=came.values("participant_id"))

    session_rows = _session_counts_by_programme(sessions, now=now)
    # Each session belongs to one programme: the totals are the sums of the programmes' rows.
    session_counts = {name: sum(row[name] for row in session_rows) for name in _session_counts(now)}
    enrolment_counts = _enrolment_counts(programmes=programmes, filters=filters)

    earlier = attendances_in(
        held_sessions(Session.objects.filter(starts_at__lt=filters.starts_at), now=now)
    )
    reach = _reach(reached, earlier=earlier, reference=filters.start)
    summary = ReportSummary(
        filters=filters,
        participants=reach.participants,
        households=len(reach.households),
        new_households=len(reach.households) - len(reach.returning),
        returning_households=len(reach.returning),
        sessions_planned=session_counts["planned"],
        sessions_held=session_counts["held"],
        sessions_cancelled=session_counts["cancelled"],
        sessions_held_without_register=session_counts["held_without_register"],
        sessions_register_missing=session_counts["register_missing"],
        sessions_signed=session_counts["signed"],
        **enrolment_counts,
    )
    summary.missing_registers = _missing_registers(sessions, now=now)
    summary.by_age_band = _by_age_band(reach)
    summary.by_neighbourhood, summary.by_qpv = _by_neighbourhood(reach)
    summary.by_sex = _by_sex(reach)
    by_session = _attendance_by_session(held)
    summary.by_programme = _by_programme(session_rows, came=came, by_session=by_session)
    summary.by_kind = _by_kind(summary.by_programme, came=came)
    for name in ("attendances", "expected", "attended"):
        setattr(summary, name, sum(getattr(row, name) for row in summary.by_programme))
    summary.attendance_rate = rate(summary.attended, summary.expected)
    summary.over_time = _over_time(by_session, filters=filters)
    summary.anonymous_by_age_band = _anonymous_headcounts(held)
    summary.anonymous_headcount = sum(_counted(row.count) for row in summary.anonymous_by_age_band)
    _follow_ups(summary, programmes=programmes, filters=filters)
    if (
        outreach
        and filters.programme_id is None
        and filters.venue_id is None
        and filters.partner_id is None
        and not filters.kind
    ):
        _outreach(summary, filters=filters)
    summary.check_outs_unlisted = CheckOut.objects.filter(
        session__in=held, collected_by=CollectedBy.OTHER
    ).count()
    return summary


def _outreach(summary: ReportSummary, *, filters: ReportFilters) -> None:
    """People met on outreach ("personnes rencontrées"), beside the participants and never
    added to them: they gave no name, so nobody can tell whether they also enrolled."""
    contacts = OutreachContact.objects.filter(day__gte=filters.start, day__lte=filters.end)
    if filters.field:
        contacts = contacts.filter(theme=filters.field)
    totals = contacts.aggregate(
        contacts=Count("pk"), referrals=Count("pk", filter=Q(referral=True))
    )
    rows = (
        OutreachCount.objects.filter(contact__in=contacts)
        .values("age_band", "sex", "contact__in_qpv")
        .annotate(people=Sum("count"))
        .order_by()
    )
    by_band: dict[str, int] = {}
    by_sex: dict[str, int] = {}
    people = in_qpv = 0
    for row in rows:
        by_band[row["age_band"]] = by_band.get(row["age_band"], 0) + row["people"]
        by_sex[row["sex"]] = by_sex.get(row["sex"], 0) + row["people"]
        people += row["people"]
        in_qpv += row["people"] if row["contact__in_qpv"] else 0
    summary.outreach_contacts, summary.outreach_referrals = totals["contacts"], totals["referrals"]
    summary.outreach_people, summary.outreach_people_in_qpv = people, in_qpv
    keys = age_band_keys()
    keys += sorted(key for key in by_band if key not in keys)
    summary.outreach_by_age_band = [
        CountRow(key, age_band_label(key), by_band.get(key, 0)) for key in keys
    ]
    summary.outreach_by_sex = [
        CountRow(str(sex), str(label), by_sex.get(sex, 0)) for sex, label in Sex.choices
    ]


def report_summary_for(
    *, scope: ReportScope, filters: ReportFilters, anonymous: bool = False
) -> ReportSummary:
    """The summary as ``scope`` may see it: masked for partners and for anonymous exports."""
    summary = report_summary(programmes=scope.programmes, filters=filters, outreach=scope.lists)
    return mask_summary(summary) if scope.masked or anonymous else summary


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def report_enrolments(
    *, programmes: QuerySet[Programme], filters: ReportFilters
) -> QuerySet[Enrolment]:
    """Enrolments recorded during the period in the programmes and venue kept by the filters."""
    enrolments = Enrolment.objects.filter(
        programme__in=report_programmes(programmes=programmes, filters=filters),
        created_at__gte=filters.starts_at,
        created_at__lt=filters.ends_before,
    )
    if filters.venue_id is not None:
        enrolments = enrolments.filter(
            Q(session__venue_id=filters.venue_id)
            | Q(session__isnull=True, programme__venue_id=filters.venue_id)
        )
    return enrolments


def _session_counts(now: datetime.datetime) -> dict[str, Count]:
    past = ~Q(status=SessionStatus.CANCELLED) & Q(starts_at__lt=now)
    taken, declared = register_taken(), held_declared()
    return {
        "planned": Count("pk"),
        "cancelled": Count("pk", filter=Q(status=SessionStatus.CANCELLED)),
        "held": Count("pk", filter=past & (taken | declared)),
        "held_without_register": Count("pk", filter=past & ~taken & declared),
        "register_missing": Count("pk", filter=past & ~taken & ~declared),
        "signed": Count("pk", filter=past & signed()),
    }


MISSING_REGISTERS_SHOWN = 100


def _missing_registers(
    sessions: QuerySet[Session], *, now: datetime.datetime
) -> list[MissingRegisterRow]:
    """The past sessions of the period without a register nor a declaration, oldest first
    (at most MISSING_REGISTERS_SHOWN; the count says how many in all)."""
    rows = (
        sessions.exclude(status=SessionStatus.CANCELLED)
        .filter(starts_at__lt=now)
        .exclude(register_taken() | held_declared())
        .order_by("starts_at", "pk")
        .values_list("pk", "programme_id", "programme__title", "starts_at")
    )[:MISSING_REGISTERS_SHOWN]
    return [MissingRegisterRow(*row) for row in rows]


def _enrolment_counts(*, programmes: QuerySet[Programme], filters: ReportFilters) -> dict:
    enrolments = report_enrolments(programmes=programmes, filters=filters)
    return enrolments.aggregate(
        enrolments=Count("pk"),
        enrolments_confirmed=Count("pk", filter=Q(status=EnrolmentStatus.CONFIRMED)),
        enrolments_waitlisted=Count("pk", filter=Q(status=EnrolmentStatus.WAITLISTED)),
        enrolments_cancelled=Count("pk", filter=Q(status=EnrolmentStatus.CANCELLED)),
    )


@dataclass
class _Reach:
    """The participants reached in a period, counted once in Python from one row each:
    the breakdowns are a few thousand rows at most, and each grouped query would evaluate
    which sessions were held all over again."""

    participants: int = 0
    households: set = field(default_factory=set)
    returning: set = field(default_factory=set)
    bands: dict = field(default_factory=dict)
    sexes: dict = field(default_factory=dict)
    # (neighbourhood, in a QPV) -> [participants, their households]
    places: dict = field(default_factory=dict)


def _reach(
    reached: QuerySet[Participant], *, earlier: QuerySet[Attendance], reference: datetime.date
) -> _Reach:
    returning = Exists(earlier.filter(participant__household_id=OuterRef("household_id")))
    rows = reached.order_by().values_list(
        "household_id",
        "household__neighbourhood",
        "household__in_qpv",
        "sex",
        age_band_case(reference),
        returning,
    )
    reach = _Reach()
    for household_id, neighbourhood, in_qpv, sex, band, came_before in rows:
        reach.participants += 1
        reach.households.add(household_id)
        if came_before:
            reach.returning.add(household_id)
        reach.bands[band] = reach.bands.get(band, 0) + 1
        reach.sexes[sex] = reach.sexes.get(sex, 0) + 1
        place = reach.places.setdefault((neighbourhood, in_qpv), [0, set()])
        place[0] += 1
        place[1].add(household_id)
    return reach


def _by_age_band(reach: _Reach) -> list[BreakdownRow]:
    return [
        BreakdownRow(band.key, band.label, reach.bands.get(band.key, 0)) for band in age_bands()
    ]


def _by_neighbourhood(reach: _Reach) -> tuple[list[BreakdownRow], list[BreakdownRow]]:
    by_neighbourhood = []
    qpv = {True: [0, 0], False: [0, 0]}
    # In a QPV first, then by name (no name last), as the grouped query ordered them.
    places = sorted(reach.places.items(), key=lambda item: (not item[0][1], item[0][0] or ""))
    for (name, in_qpv), (participants, households) in places:
        by_neighbourhood.append(
            BreakdownRow(
                key=f"{name}|{'qpv' if in_qpv else 'other'}",
                label=name or str(UNKNOWN_NEIGHBOURHOOD),
                participants=participants,
                households=len(households),
            )
        )
        # A household lives in one neighbourhood: the sums are distinct counts.
        qpv[in_qpv][0] += participants
        qpv[in_qpv][1] += len(households)
    by_qpv = [
        BreakdownRow("qpv", str(_("In a QPV")), *qpv[True]),
        BreakdownRow("other", str(_("Outside QPVs")), *qpv[False]),
    ]
    return by_neighbourhood, by_qpv


def _by_sex(reach: _Reach) -> list[BreakdownRow]:
    labels = {Sex.FEMALE: _("Female"), Sex.MALE: _("Male"), Sex.UNSPECIFIED: _("Not recorded")}
    return [
        BreakdownRow(str(sex), str(label), reach.sexes.get(sex, 0)) for sex, label in labels.items()
    ]


def _session_counts_by_programme(
    sessions: QuerySet[Session], *, now: datetime.datetime
) -> list[Mapping[str, Any]]:
    # Mapping: the plugin cannot see the counts that _session_counts() annotates.
    rows: QuerySet[Session, Mapping[str, Any]] = (
        sessions.values("programme_id", "programme__title", "programme__kind")
        .annotate(**_session_counts(now))
        .order_by("programme__title", "programme_id")
    )
    return list(rows)


def _by_programme(
    rows: list[Mapping[str, Any]],
    *,
    came: QuerySet[Attendance],
    by_session: list[dict],
) -> list[ProgrammeRow]:
    participants = dict(
        came.values("session__programme_id")
        .annotate(count=Count("participant_id", distinct=True))
        .order_by()
        .values_list("session__programme_id", "count")
    )
    sums = _sum_by(by_session, "programme_id")
    kind_labels = dict(Kind.choices)
    result = []
    for row in rows:
        programme_id = row["programme_id"]
        counts = sums.get(programme_id, {})
        expected, attended = counts.get("expected", 0), counts.get("attended", 0)
        result.append(
            ProgrammeRow(
                programme_id=programme_id,
                title=row["programme__title"],
                kind=row["programme__kind"],
                kind_label=str(kind_labels[row["programme__kind"]]),
                sessions_planned=row["planned"],
                sessions_held=row["held"],
                sessions_cancelled=row["cancelled"],
                sessions_held_without_register=row["held_without_register"],
                sessions_register_missing=row["register_missing"],
                participants=participants.get(programme_id, 0),
                attendances=counts.get("attendances", 0),
                expected=expected,
                attended=attended,
                attendance_rate=rate(attended, expected),
            )
        )
    return result


def _by_kind(by_programme: list[ProgrammeRow], *, came: QuerySet[Attendance]) -> list[KindRow]:
    # A participant may come to two programmes of one kind: count them once, in the database.
    participants = dict(
        came.values("session__programme__kind")
        .annotate(count=Count("participant_id", distinct=True))
        .order_by()
        .values_list("session__programme__kind", "count")
    )
    rows = {
        str(kind): KindRow(
            kind=str(kind),
            label=str(label),
            sessions_held=0,
            participants=participants.get(kind, 0),
        )
        for kind, label in Kind.choices
    }
    # Sessions belong to one programme: the other sums add up.
    for programme in by_programme:
        row = rows[programme.kind]
        row.sessions_held = _counted(row.sessions_held) + _counted(programme.sessions_held)
        row.attendances = _counted(row.attendances) + _counted(programme.attendances)
        row.expected = _counted(row.expected) + _counted(programme.expected)
        row.attended = _counted(row.attended) + _counted(programme.attended)
    for row in rows.values():
        row.attendance_rate = rate(row.attended, row.expected)
    return list(rows.values())


def _over_time(by_session: list[dict], *, filters: ReportFilters) -> list[TimeRow]:
    paris = ZoneInfo(settings.TIME_ZONE)
    sums = {
        (timezone.localtime(key, paris).date() if isinstance(key, datetime.datetime) else key): row
        for key, row in _sum_by(by_session, "month").items()
    }
    result = []
    for day in months_between(filters.start, filters.end):
        counts = sums.get(day, {})
        expected, attended = counts.get("expected", 0), counts.get("attended", 0)
        result.append(
            TimeRow(
                month=day,
                sessions_held=counts.get("sessions", 0),
                attendances=counts.get("attendances", 0),
                expected=expected,
                attended=attended,
                attendance_rate=rate(attended, expected),
            )
        )
    return result


def _anonymous_headcounts(held: QuerySet[Session]) -> list[CountRow]:
    counts = dict(
        AnonymousHeadcount.objects.filter(session__in=held)
        .values("age_band")
        .annotate(total=Sum("count"))
        .order_by()
        .values_list("age_band", "total")
    )
    # Counts recorded under bands of an earlier setting are shown after, not dropped.
    keys = age_band_keys()
    keys += sorted(key for key in counts if key not in keys)
    return [CountRow(key, age_band_label(key), counts.get(key, 0) or 0) for key in keys]


def _follow_ups(
    summary: ReportSummary, *, programmes: QuerySet[Programme], filters: ReportFilters
) -> None:
    follow_ups = FollowUp.objects.filter(
        programme__in=report_programmes(programmes=programmes, filters=filters),
        opened_at__gte=filters.starts_at,
        opened_at__lt=filters.ends_before,
    )
    outcomes = {
        str(outcome): Count("pk", filter=Q(status=FollowUpStatus.CLOSED, outcome=outcome))
        for outcome in FollowUpOutcome.values
    }
    counts = follow_ups.aggregate(
        participants=Count("participant_id", distinct=True),
        total=Count("pk"),
        open=Count("pk", filter=Q(status=FollowUpStatus.OPEN)),
        **outcomes,
    )
    summary.follow_up_participants, summary.follow_ups = counts["participants"], counts["total"]
    summary.follow_up_outcomes = [CountRow("open", str(_("Still open")), counts["open"])] + [
        CountRow(str(outcome), str(label), counts[str(outcome)])
        for outcome, label in FollowUpOutcome.choices
    ]


ENROLMENT_LIST_FIELDS = (
    "participant__household__reference",
    "participant__last_name",
    "participant__first_name",
    "participant__birth_date",
    "participant__sex",
    "participant__household__neighbourhood",
    "participant__household__in_qpv",
    "programme__title",
    "programme__kind",
    "session__starts_at",
    "status",
    "source",
    "created_at",
    "cancelled_at",
)


def enrolment_list_rows(*, programmes: QuerySet[Programme], filters: ReportFilters) -> QuerySet:
    """The enrolments of the period as tuples of ENROLMENT_LIST_FIELDS, for exports: one
    query, read in chunks."""
    return (
        report_enrolments(programmes=programmes, filters=filters)
        .order_by(
            "programme__title",
            "session__starts_at",
            "participant__last_name",
            "participant__first_name",
            "pk",
        )
        .values_list(*ENROLMENT_LIST_FIELDS)
    )


ATTENDANCE_LIST_FIELDS = (
    "participant__household__reference",
    "participant__last_name",
    "participant__first_name",
    "participant__birth_date",
    "participant__sex",
    "participant__household__neighbourhood",
    "participant__household__in_qpv",
    "session__programme__title",
    "session__programme__kind",
    "session__starts_at",
    "status",
    "walk_in",
)


def attendance_list_rows(*, programmes: QuerySet[Programme], filters: ReportFilters) -> QuerySet:
    """Every mark taken at the sessions of the period, as tuples of ATTENDANCE_LIST_FIELDS."""
    sessions = report_sessions(programmes=programmes, filters=filters)
    return (
        Attendance.objects.filter(session__in=sessions)
        .order_by(
            "session__starts_at",
            "session_id",
            "participant__last_name",
            "participant__first_name",
            "pk",
        )
        .values_list(*ATTENDANCE_LIST_FIELDS)
    )
