"""Report pages and the API make the same number of queries whatever the data size."""

import datetime

import pytest

from attendance.models import AnonymousHeadcount, Attendance, AttendanceStatus, FollowUp
from enrolment.models import Enrolment, EnrolmentStatus
from households.models import Household, Participant
from tests.factories import MediatorFactory, PartnerFactory, ProgrammeFactory, SessionFactory

from .conftest import PERIOD, at

pytestmark = pytest.mark.django_db

# Recorded in docs/performance.md ("Reports"): the request's session, user and roles, thirteen
# aggregate queries (check-outs to people not on the list included), the registers missing,
# two for outreach, and for the page the three lists of filter choices.
DASHBOARD_QUERIES = 22
API_QUERIES = 19


def grow(known_data, *, programmes: int, participants_each: int) -> None:
    """More programmes, sessions, households and enrolments, made in a few bulk inserts."""
    partner, mediator = PartnerFactory(), MediatorFactory()
    households = Household.objects.bulk_create(
        [
            Household(neighbourhood=f"Quartier {n % 7}", in_qpv=n % 2 == 0)
            for n in range(programmes * participants_each)
        ]
    )
    people = Participant.objects.bulk_create(
        [
            Participant(
                household=household,
                first_name="X",
                last_name="Y",
                birth_date=datetime.date(1960 + n % 60, 1 + n % 12, 1),
            )
            for n, household in enumerate(households)
        ]
    )
    enrolments, marks, headcounts, follow_ups = [], [], [], []
    statuses = list(AttendanceStatus)
    for index in range(programmes):
        programme = ProgrammeFactory(venue=known_data.martinets)
        programme.partners.add(partner, known_data.partner)
        programme.mediators.add(mediator)
        for day in (5, 12, 19):
            session = SessionFactory(
                programme=programme,
                starts_at=at(f"2026-10-{day:02d}"),
                ends_at=at(f"2026-10-{day:02d}", 16),
            )
            group = people[index * participants_each : (index + 1) * participants_each]
            enrolments += [
                Enrolment(
                    participant=person,
                    programme=programme,
                    session=session,
                    status=EnrolmentStatus.CONFIRMED,
                    source="mediator",
                )
                for person in group
            ]
            marks += [
                Attendance(session=session, participant=person, status=statuses[n % len(statuses)])
                for n, person in enumerate(group)
            ]
            headcounts.append(AnonymousHeadcount(session=session, age_band="26-64", count=4))
        follow_ups.append(
            FollowUp(participant=group[0], programme=programme, opened_at=at("2026-10-20"))
        )
    Enrolment.objects.bulk_create(enrolments)
    Attendance.objects.bulk_create(marks)
    AnonymousHeadcount.objects.bulk_create(headcounts)
    FollowUp.objects.bulk_create(follow_ups)


@pytest.mark.parametrize("size", [0, 1])
def test_dashboard_queries_are_bounded(client, known_data, django_assert_max_num_queries, size):
    if size:
        grow(known_data, programmes=12, participants_each=15)
    query = {"start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()}
    for user in (known_data.coordinator, known_data.mediator_cuisine, known_data.partner_member):
        client.force_login(user)
        with django_assert_max_num_queries(DASHBOARD_QUERIES):
            response = client.get("/reports/", query)
        assert response.status_code == 200
        with django_assert_max_num_queries(API_QUERIES):
            assert client.get("/api/v1/reports/summary", query).status_code == 200
    client.force_login(known_data.coordinator)
    summary = client.get("/reports/", query).context["summary"]
    # Half of each group is marked present or late (statuses in turn).
    assert summary.participants == 4 + 96 * size
    assert summary.follow_ups == 2 + 12 * size
