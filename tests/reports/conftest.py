"""A small, fully known data set: every indicator of the reports is checked against it.

Period: 1 September – 31 December 2026, seen on 15 December 2026 at noon (Paris).

| programme | kind, mode | venue | sessions |
|---|---|---|---|
| Cuisine (mediator M1, partner A) | holiday, per session | Martinets (QPV) | S0 10 June (held, before the period), S1 21 Oct (held), S2 22 Oct (cancelled), S3 20 Dec (to come) |
| Parcours (mediator M2) | family course, whole cycle | Centre (not QPV) | T1 4 Nov (held), T2 18 Nov at Martinets (held), T3 6 Jan 2027 (after) |

| who | household | born | sex | enrolments |
|---|---|---|---|---|
| a | H1 Les Martinets, QPV | 2022-03-01 (4) | – | S1 confirmed, S3 waitlisted |
| b | H1 | 2018-05-10 (8) | F | S1 confirmed, Parcours confirmed |
| c | H2 Les Martinets, QPV | 2014-01-01 (12) | M | S1 confirmed, S0 confirmed (June) |
| d | H3 Centre-ville | 1986-06-06 (40) | F | Parcours confirmed |
| e | H4 (no neighbourhood) | 2010-02-02 (16) | – | S2 confirmed (cancelled session), Parcours cancelled |
| f | H5 Les Martinets, QPV | 1956-01-01 (70) | M | S3 confirmed (to come) |

Registers: S0 c present; S1 a present, b late, c present, f present as a walk-in; T1 b present,
d absent; T2 none taken. Anonymous headcounts at S1: 3 aged 6–11, 2 aged 26–64. Follow-ups:
c in Cuisine opened 25 Oct (open), d in Parcours opened 10 Nov (closed: family reached), e in
Parcours opened 1 Aug (closed: withdrawn, before the period).
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.roles import Role
from attendance.models import (
    AnonymousHeadcount,
    Attendance,
    AttendanceStatus,
    FollowUp,
    FollowUpOutcome,
    FollowUpStatus,
)
from enrolment.models import EnrolmentStatus
from households.models import Sex
from programmes.models import EnrolmentMode, Field, Kind
from reports.filters import ReportFilters
from sessions.models import SessionStatus
from tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    MediatorFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
    user_with_role,
)

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 12, 15, 12, 0, tzinfo=PARIS)
PERIOD = ReportFilters(start=datetime.date(2026, 9, 1), end=datetime.date(2026, 12, 31))


def at(day: str, hour: int = 14) -> datetime.datetime:
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=PARIS
    )


@dataclass
class KnownData:
    cuisine: object
    parcours: object
    martinets: object
    centre: object
    partner: object
    coordinator: object
    mediator_cuisine: object
    mediator_parcours: object
    partner_member: object
    family: object
    sessions: dict
    participants: dict
    households: dict


@pytest.fixture
def frozen_now():
    # Ticking: the browser test waits on real clocks while the server sees this day.
    with time_machine.travel(NOW, tick=True):
        yield NOW


@pytest.fixture
def known_data(db, frozen_now) -> KnownData:
    martinets = VenueFactory(
        name="Maison des Martinets", neighbourhood="Les Martinets", in_qpv=True
    )
    centre = VenueFactory(name="Centre social", neighbourhood="Centre-ville", in_qpv=False)
    partner = PartnerFactory(name="Association A")
    partner_member = user_with_role(Role.PARTNER, username="partenaire")
    partner.members.add(partner_member)
    mediator_cuisine = MediatorFactory(user=UserFactory(username="m1", roles=[Role.MEDIATOR]))
    mediator_parcours = MediatorFactory(user=UserFactory(username="m2", roles=[Role.MEDIATOR]))

    cuisine = ProgrammeFactory(
        title="Cuisine",
        kind=Kind.HOLIDAY_ACTIVITY,
        venue=martinets,
        field=Field.SOCIO_EDUCATIONAL,
        enrolment_mode=EnrolmentMode.PER_SESSION,
        min_age=None,
        max_age=None,
    )
    cuisine.mediators.add(mediator_cuisine)
    cuisine.partners.add(partner)
    parcours = ProgrammeFactory(
        title="Parcours",
        kind=Kind.FAMILY_COURSE,
        venue=centre,
        field=Field.SOCIO_EDUCATIONAL,
        enrolment_mode=EnrolmentMode.WHOLE_CYCLE,
        min_age=None,
        max_age=None,
    )
    parcours.mediators.add(mediator_parcours)

    def session(programme, day, venue=None, status=SessionStatus.SCHEDULED):
        starts_at = at(day)
        return SessionFactory(
            programme=programme,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
            venue=venue or programme.venue,
            status=status,
        )

    sessions = {
        "S0": session(cuisine, "2026-06-10"),
        "S1": session(cuisine, "2026-10-21"),
        "S2": session(cuisine, "2026-10-22", status=SessionStatus.CANCELLED),
        "S3": session(cuisine, "2026-12-20"),
        "T1": session(parcours, "2026-11-04"),
        "T2": session(parcours, "2026-11-18", venue=martinets),
        "T3": session(parcours, "2027-01-06"),
    }
    households = {
        "H1": HouseholdFactory(neighbourhood="Les Martinets", in_qpv=True),
        "H2": HouseholdFactory(neighbourhood="Les Martinets", in_qpv=True),
        "H3": HouseholdFactory(neighbourhood="Centre-ville", in_qpv=False),
        "H4": HouseholdFactory(neighbourhood="", in_qpv=False),
        "H5": HouseholdFactory(neighbourhood="Les Martinets", in_qpv=True),
    }
    people = {
        "a": ("H1", "2022-03-01", Sex.UNSPECIFIED),
        "b": ("H1", "2018-05-10", Sex.FEMALE),
        "c": ("H2", "2014-01-01", Sex.MALE),
        "d": ("H3", "1986-06-06", Sex.FEMALE),
        "e": ("H4", "2010-02-02", Sex.UNSPECIFIED),
        "f": ("H5", "1956-01-01", Sex.MALE),
    }
    participants = {
        name: ParticipantFactory(
            household=households[household],
            first_name=name.upper(),
            last_name="Test",
            birth_date=datetime.date.fromisoformat(born),
            sex=sex,
        )
        for name, (household, born, sex) in people.items()
    }
    october = at("2026-10-01", 10)

    def enrol(name, target, status=EnrolmentStatus.CONFIRMED, created_at=october, **extra):
        if target in sessions:
            fields = {"programme": sessions[target].programme, "session": sessions[target]}
        else:
            fields = {"programme": {"Parcours": parcours}[target]}
        if status == EnrolmentStatus.WAITLISTED:
            extra["waitlist_position"] = 1
        if status == EnrolmentStatus.CANCELLED:
            extra["cancelled_at"] = created_at
        return EnrolmentFactory(
            participant=participants[name], status=status, created_at=created_at, **fields, **extra
        )

    enrol("a", "S1")
    enrol("a", "S3", EnrolmentStatus.WAITLISTED)
    enrol("b", "S1")
    enrol("b", "Parcours")
    enrol("c", "S1")
    enrol("c", "S0", created_at=at("2026-06-01", 10))
    enrol("d", "Parcours")
    enrol("e", "S2")
    enrol("e", "Parcours", EnrolmentStatus.CANCELLED)
    enrol("f", "S3")

    for session, name, status, walk_in in (
        ("S0", "c", AttendanceStatus.PRESENT, False),
        ("S1", "a", AttendanceStatus.PRESENT, False),
        ("S1", "b", AttendanceStatus.LATE, False),
        ("S1", "c", AttendanceStatus.PRESENT, False),
        ("S1", "f", AttendanceStatus.PRESENT, True),
        ("T1", "b", AttendanceStatus.PRESENT, False),
        ("T1", "d", AttendanceStatus.ABSENT, False),
    ):
        Attendance.objects.create(
            session=sessions[session],
            participant=participants[name],
            status=status,
            walk_in=walk_in,
        )
    AnonymousHeadcount.objects.create(session=sessions["S1"], age_band="6-11", count=3)
    AnonymousHeadcount.objects.create(session=sessions["S1"], age_band="26-64", count=2)
    for name, programme, opened, outcome in (
        ("c", cuisine, "2026-10-25", ""),
        ("d", parcours, "2026-11-10", FollowUpOutcome.REACHED),
        ("e", parcours, "2026-08-01", FollowUpOutcome.WITHDRAWN),
    ):
        FollowUp.objects.create(
            participant=participants[name],
            programme=programme,
            opened_at=at(opened),
            status=FollowUpStatus.CLOSED if outcome else FollowUpStatus.OPEN,
            outcome=outcome,
            closed_at=at(opened) + datetime.timedelta(days=3) if outcome else None,
        )

    family = user_with_role(Role.FAMILY, username="famille")
    return KnownData(
        cuisine=cuisine,
        parcours=parcours,
        martinets=martinets,
        centre=centre,
        partner=partner,
        coordinator=user_with_role(Role.COORDINATOR, username="coord"),
        mediator_cuisine=mediator_cuisine.user,
        mediator_parcours=mediator_parcours.user,
        partner_member=partner_member,
        family=family,
        sessions=sessions,
        participants=participants,
        households=households,
    )
