"""The reminder sweep reads due enrolments a batch at a time: its queries grow with the batches,
never with the rows, and a reminder is written once whatever the page it falls on."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Message, MessageKind
from notifications.services import reminders_create_due
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 12, 7, 14, tzinfo=PARIS)


def _sessions(
    count: int, *, per_session: int, capacity: int | None = None, whole_cycle: bool = False
) -> list:
    """``count`` sessions within the next two days, each with ``per_session`` confirmed
    families (a whole-cycle programme puts the same families in every session)."""
    programme = ProgrammeFactory(
        reminder_offsets=["2d"],
        capacity=capacity or per_session,
        enrolment_mode="whole_cycle" if whole_cycle else "per_session",
    )
    sessions = [
        SessionFactory(
            programme=programme,
            starts_at=NOW + datetime.timedelta(hours=3 + index),
            ends_at=NOW + datetime.timedelta(hours=4 + index),
        )
        for index in range(count)
    ]
    targets = [None] if whole_cycle else sessions
    for session in targets:
        for _index in range(per_session):
            guardian = GuardianFactory()
            EnrolmentFactory(
                participant=ParticipantFactory(household=guardian.household),
                programme=programme,
                session=session,
            )
    return sessions


def _sweep() -> tuple[int, int]:
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        created = reminders_create_due()
    return created, len(queries)


def _assert_once_each(expected: int) -> None:
    reminders = Message.objects.filter(kind=MessageKind.REMINDER)
    assert reminders.count() == expected
    assert (
        reminders.values("participant", "session", "reminder_offset").distinct().count() == expected
    )


def test_queries_grow_with_batches_not_rows(settings):
    settings.NOTIFICATIONS_BATCH_SIZE = 10
    _sessions(2, per_session=5)  # 10 enrolments: one batch
    created, one_batch = _sweep()
    assert created == 10

    Message.objects.all().delete()
    _sessions(8, per_session=5)  # 50 enrolments in all: five batches
    created, five_batches = _sweep()
    assert created == 50
    _assert_once_each(50)
    # A batch costs the same few queries (reminders already written, page, guardians, insert,
    # read-back or COPY, next sessions).
    per_batch = (five_batches - one_batch) / 4
    assert per_batch <= 6, (one_batch, five_batches)

    settings.NOTIFICATIONS_BATCH_SIZE = 1000
    Message.objects.all().delete()
    created, one_big_batch = _sweep()
    assert created == 50
    # SQLite binds at most 999 variables a statement: 50 outbox rows take two INSERTs there.
    assert one_big_batch <= one_batch + (connection.vendor == "sqlite"), (one_batch, one_big_batch)


def test_a_session_fuller_than_its_places_is_read_in_several_pages(settings):
    settings.NOTIFICATIONS_BATCH_SIZE = 4
    (session,) = _sessions(1, per_session=11, capacity=11)
    # Places lowered after the enrolments: the chunk's estimate is short, the pages follow.
    session.capacity_override = 2
    session.save(update_fields=["capacity_override"])
    _sessions(3, per_session=2)
    assert _sweep()[0] == 17
    _assert_once_each(17)
    assert _sweep()[0] == 0


def test_whole_cycle_enrolments_are_batched_per_session(settings):
    settings.NOTIFICATIONS_BATCH_SIZE = 5
    _sessions(4, per_session=3, whole_cycle=True)
    assert _sweep()[0] == 12
    _assert_once_each(12)
    assert _sweep()[0] == 0
