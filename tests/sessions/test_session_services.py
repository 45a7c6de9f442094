"""Cancelling and moving a session: revision, signals, and clear refusals."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from sessions import signals
from sessions.models import Session, SessionStatus
from sessions.services import SessionError, session_cancel, session_move
from tests.factories import SessionFactory, UserFactory, VenueFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 9, 1, 9, tzinfo=PARIS)
SESSION_START = datetime.datetime(2026, 9, 9, 14, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def session():
    return SessionFactory(
        starts_at=SESSION_START, ends_at=SESSION_START + datetime.timedelta(hours=2)
    )


@pytest.fixture
def received():
    """Calls of both signals, with whether they came inside the service's transaction.

    The test itself runs in a transaction: the service's own atomic block is one level deeper.
    """
    calls: list[tuple[str, dict, bool]] = []
    test_depth = len(connection.atomic_blocks)

    def on_cancelled(sender, **kwargs):
        calls.append(("cancelled", kwargs, len(connection.atomic_blocks) > test_depth))

    def on_moved(sender, **kwargs):
        calls.append(("moved", kwargs, len(connection.atomic_blocks) > test_depth))

    signals.session_cancelled.connect(on_cancelled)
    signals.session_moved.connect(on_moved)
    yield calls
    signals.session_cancelled.disconnect(on_cancelled)
    signals.session_moved.disconnect(on_moved)


def test_cancel_bumps_revision_and_sends_the_signal(session, received):
    coordinator = UserFactory()
    cancelled = session_cancel(
        session=session, reason="Grève des transports", changed_by=coordinator
    )

    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.status_reason == "Grève des transports"
    assert session.revision == cancelled.revision == 1
    assert session.edited_by_hand
    [(name, kwargs, in_transaction)] = received
    assert name == "cancelled"
    assert kwargs["session"].pk == session.pk
    assert kwargs["session"].status == SessionStatus.CANCELLED
    assert kwargs["changed_by"] == coordinator
    assert in_transaction


def test_a_failing_receiver_rolls_the_cancellation_back(session):
    def broken(sender, **kwargs):
        raise RuntimeError("outbox unavailable")

    signals.session_cancelled.connect(broken)
    try:
        with pytest.raises(RuntimeError):
            session_cancel(reason_code="venue_unavailable", session=session)
    finally:
        signals.session_cancelled.disconnect(broken)
    session.refresh_from_db()
    assert (session.status, session.revision) == (SessionStatus.SCHEDULED, 0)


def test_cancelling_twice_is_refused(session, received):
    session_cancel(reason_code="venue_unavailable", session=session)
    with pytest.raises(SessionError) as error:
        session_cancel(reason_code="venue_unavailable", session=session)
    assert error.value.field == "status"
    assert "already cancelled" in error.value.message
    session.refresh_from_db()
    assert session.revision == 1
    assert len(received) == 1


def test_a_past_session_cannot_be_cancelled(session, received):
    with (
        time_machine.travel(SESSION_START + datetime.timedelta(hours=3), tick=False),
        pytest.raises(SessionError) as error,
    ):
        session_cancel(reason_code="venue_unavailable", session=session)
    assert "already taken place" in error.value.message
    session.refresh_from_db()
    assert (session.status, session.revision) == (SessionStatus.SCHEDULED, 0)
    assert received == []


def test_move_bumps_revision_and_sends_the_previous_time_and_place(session, received):
    new_venue = VenueFactory()
    new_start = datetime.datetime(2026, 9, 10, 10, tzinfo=PARIS)
    previous = {
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "venue_id": session.venue_id,
    }

    session_move(
        session=session,
        starts_at=new_start,
        ends_at=new_start + datetime.timedelta(hours=2),
        venue=new_venue,
        reason="Salle prise",
    )

    session.refresh_from_db()
    assert session.starts_at == new_start
    assert session.venue_id == new_venue.pk
    assert session.status == SessionStatus.MOVED
    assert session.revision == 1
    [(name, kwargs, in_transaction)] = received
    assert name == "moved"
    assert kwargs["previous"] == previous
    assert kwargs["session"].starts_at == new_start
    assert kwargs["changed_by"] is None
    assert in_transaction


def test_moving_twice_bumps_the_revision_each_time(session):
    for hours in (1, 2):
        start = SESSION_START + datetime.timedelta(hours=hours)
        session_move(
            reason_code="venue_unavailable",
            session=session,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
        )
    session.refresh_from_db()
    assert session.revision == 2


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "field", "words"),
    [
        (SESSION_START, SESSION_START - datetime.timedelta(hours=1), "ends_at", "after the start"),
        (SESSION_START, SESSION_START, "ends_at", "after the start"),
        (
            datetime.datetime(2026, 9, 9, 14),
            datetime.datetime(2026, 9, 9, 16),
            "starts_at",
            "time zone",
        ),
        (
            NOW - datetime.timedelta(days=1),
            NOW - datetime.timedelta(hours=22),
            "starts_at",
            "future",
        ),
        (SESSION_START, SESSION_START + datetime.timedelta(hours=2), "starts_at", "same"),
    ],
    ids=["end-before-start", "end-equals-start", "naive", "past", "unchanged"],
)
def test_move_refuses_bad_times(session, received, starts_at, ends_at, field, words):
    with pytest.raises(SessionError) as error:
        session_move(
            reason_code="venue_unavailable", session=session, starts_at=starts_at, ends_at=ends_at
        )
    assert error.value.field == field
    assert words in error.value.message
    unchanged = Session.objects.get(pk=session.pk)
    assert (unchanged.starts_at, unchanged.revision) == (SESSION_START, 0)
    assert received == []


def test_a_cancelled_session_cannot_be_moved(session):
    session_cancel(reason_code="venue_unavailable", session=session)
    start = SESSION_START + datetime.timedelta(days=1)
    with pytest.raises(SessionError) as error:
        session_move(
            reason_code="venue_unavailable",
            session=session,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
        )
    assert error.value.field == "status"
