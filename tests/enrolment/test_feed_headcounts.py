"""Places taken in the partner's and mediator's feeds: counted by the database in grouped
queries, part of the version (so a 304 is never stale) and of the kept events."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from enrolment.models import Enrolment, EnrolmentStatus
from programmes.models import EnrolmentMode
from tests.factories import (
    EnrolmentFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    SessionFactory,
    feed_token_for,
)

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _sessions(programme, count: int) -> list:
    start = NOW + datetime.timedelta(days=5)
    return [
        SessionFactory(
            programme=programme,
            starts_at=start + datetime.timedelta(days=i),
            ends_at=start + datetime.timedelta(days=i, hours=2),
        )
        for i in range(count)
    ]


@pytest.fixture
def partner_world():
    """A partner co-running a per-session programme and a whole-cycle one."""
    partner = PartnerFactory()
    per_session = ProgrammeFactory(capacity=12)
    cycle = ProgrammeFactory(enrolment_mode=EnrolmentMode.WHOLE_CYCLE, capacity=15)
    per_session.partners.add(partner)
    cycle.partners.add(partner)
    sessions = _sessions(per_session, 3)
    cycle_sessions = _sessions(cycle, 2)
    for count, session in zip([2, 0, 5], sessions, strict=True):
        for _index in range(count):
            EnrolmentFactory(programme=per_session, session=session)
    EnrolmentFactory(
        programme=per_session,
        session=sessions[1],
        status=EnrolmentStatus.WAITLISTED,
        waitlist_position=1,
    )
    for _index in range(4):
        EnrolmentFactory(programme=cycle)
    _token, raw = feed_token_for(partner=partner)
    path = reverse("calendars:partner", kwargs={"token": raw})
    return path, per_session, sessions, cycle_sessions


def _places(body: bytes) -> dict[int, str]:
    """Session id -> "taken/capacity" as its event says (French feed, lines unfolded)."""
    text = body.decode().replace("\r\n ", "")
    places = {}
    for event in text.split("BEGIN:VEVENT")[1:]:
        pk = int(re.search(r"UID:session-(\d+)@", event).group(1))
        taken, capacity = re.search(r"Places prises[ \xa0]: (\d+) sur (\d+)", event).groups()
        places[pk] = f"{taken}/{capacity}"
    return places


def test_places_count_whole_cycle_and_own_enrolments(client, partner_world):
    path, _programme, sessions, cycle_sessions = partner_world
    places = _places(client.get(path).content)
    assert [places[s.pk] for s in sessions] == ["2/12", "0/12", "5/12"]
    assert [places[s.pk] for s in cycle_sessions] == ["4/15", "4/15"]


def test_a_swap_of_enrolments_changes_the_etag_and_the_kept_events(client, partner_world):
    path, programme, sessions, _cycle = partner_world
    first = client.get(path)
    etag = first["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304

    # The same count, other people: one leaves, another joins. The version must move.
    leaving = Enrolment.objects.filter(
        session=sessions[0], status=EnrolmentStatus.CONFIRMED
    ).first()
    leaving.status, leaving.cancelled_at = EnrolmentStatus.CANCELLED, timezone.now()
    leaving.save()
    EnrolmentFactory(programme=programme, session=sessions[0])
    swapped = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert swapped.status_code == 200 and swapped["ETag"] != etag

    # One more in the second session: the version and the event change (not a kept copy).
    EnrolmentFactory(programme=programme, session=sessions[1])
    grown = client.get(path, HTTP_IF_NONE_MATCH=swapped["ETag"])
    assert grown.status_code == 200
    assert _places(grown.content)[sessions[1].pk] == "1/12"


def test_a_whole_cycle_enrolment_changes_the_etag(client, partner_world):
    path, _programme, _sessions_, cycle_sessions = partner_world
    etag = client.get(path)["ETag"]
    EnrolmentFactory(programme=cycle_sessions[0].programme, participant=ParticipantFactory())
    response = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert _places(response.content)[cycle_sessions[1].pk] == "5/15"


@pytest.mark.parametrize("sessions_count", [5, 40])
def test_private_feed_queries_do_not_grow_with_sessions_or_enrolments(
    client, sessions_count, django_assert_max_num_queries
):
    partner = PartnerFactory()
    programme = ProgrammeFactory(capacity=30)
    programme.partners.add(partner)
    for session in _sessions(programme, sessions_count):
        for _index in range(3):
            EnrolmentFactory(programme=programme, session=session)
    _token, raw = feed_token_for(partner=partner)
    path = reverse("calendars:partner", kwargs={"token": raw})
    # Cold: token, version, mark read; content version, keys, places (2), rows, mediators.
    with django_assert_max_num_queries(9):
        etag = client.get(path)["ETag"]
    # Warm: token, version, mark read; content version, keys. The kept events are keyed on
    # the headcount versions read with the keys: no place is counted.
    with django_assert_max_num_queries(5):
        assert client.get(path).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_enrolling_and_cancelling_through_the_services_change_the_etag(client, partner_world):
    from enrolment.services import enrolment_cancel, enrolment_create

    path, programme, sessions, _cycle = partner_world
    etag = client.get(path)["ETag"]
    enrolment = enrolment_create(
        participant=ParticipantFactory(), programme=programme, session=sessions[2]
    )
    after_enrolling = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert after_enrolling.status_code == 200
    assert _places(after_enrolling.content)[sessions[2].pk] == "6/12"
    enrolment_cancel(enrolment=enrolment, cancelled_by=None)
    after_cancelling = client.get(path, HTTP_IF_NONE_MATCH=after_enrolling["ETag"])
    assert after_cancelling.status_code == 200
    assert _places(after_cancelling.content)[sessions[2].pk] == "5/12"


def test_places_changed_through_the_services_move_last_modified(
    client, partner_world, django_assert_max_num_queries
):
    """The moment of a headcount bump is set in the same UPDATE: If-Modified-Since answers 200
    after an enrolment or a cancellation, of a session or of a whole cycle, and a 304 still
    reads no enrolment."""
    from enrolment.services import enrolment_cancel, enrolment_create

    path, programme, sessions, cycle_sessions = partner_world
    moment = NOW
    for change in ("session", "cycle", "cancel"):
        before = client.get(path)
        moment += datetime.timedelta(minutes=2)
        with time_machine.travel(moment, tick=False):
            with django_assert_max_num_queries(2):
                assert (
                    client.get(path, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]).status_code
                    == 304
                )
            if change == "session":
                enrolled = enrolment_create(
                    participant=ParticipantFactory(), programme=programme, session=sessions[1]
                )
            elif change == "cycle":
                enrolment_create(
                    participant=ParticipantFactory(),
                    programme=cycle_sessions[0].programme,
                    session=None,
                )
            else:
                enrolment_cancel(enrolment=enrolled, cancelled_by=None)
            after = client.get(path, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
        assert after.status_code == 200, change
        assert after["Last-Modified"] != before["Last-Modified"], change
