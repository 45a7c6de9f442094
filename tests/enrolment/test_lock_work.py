"""What an enrolment does while it holds its target's row lock.

Every enrolment in a programme (or session) waits for the one before it to commit, so the
throughput at a holiday opening is the inverse of the time the lock is held. Under the lock only
the count, the insert of the enrolment and the rows that must commit with it (its audit event,
its message) are left: whom to tell and about which session is read before.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enrolment.models import EnrolmentStatus
from enrolment.services import enrolment_create
from notifications.models import Message, MessageKind, MessageState
from programmes.models import EnrolmentMode
from tests.factories import GuardianFactory, ParticipantFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db

# The lock: the UPDATE that bumps the target's headcount version (the programme's row for a
# whole cycle, the session's for a per-session programme) takes the row lock until the commit.
LOCK = {
    EnrolmentMode.WHOLE_CYCLE: re.compile(
        r'^UPDATE "programmes_programme" SET "headcount_version"'
    ),
    EnrolmentMode.PER_SESSION: re.compile(
        r'^UPDATE "workshop_sessions_session" SET "headcount_version"'
    ),
}
# Under the lock: capacity, places and waiting list read (1), enrolment (1), audit event (1), message (1).
UNDER_LOCK_BUDGET = 4


def _family():
    guardian = GuardianFactory(preferred_channel="email")
    return ParticipantFactory(household=guardian.household)


def _queries_under_lock(queries, mode: str) -> list[str]:
    statements = [query["sql"] for query in queries.captured_queries]
    locks = [index for index, sql in enumerate(statements) if LOCK[mode].match(sql)]
    assert len(locks) == 1, statements
    lock = locks[0]
    return [
        sql
        for sql in statements[lock + 1 :]
        if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


@pytest.mark.parametrize("mode", [EnrolmentMode.WHOLE_CYCLE, EnrolmentMode.PER_SESSION])
def test_only_count_insert_audit_and_message_run_under_the_lock(mode):
    programme = ProgrammeFactory(enrolment_mode=mode, capacity=1)
    sessions = [SessionFactory(programme=programme) for _index in range(3)]
    session = None if mode == EnrolmentMode.WHOLE_CYCLE else sessions[0]
    for expected in (
        EnrolmentStatus.CONFIRMED,
        EnrolmentStatus.WAITLISTED,
        EnrolmentStatus.WAITLISTED,
    ):
        participant = _family()
        with CaptureQueriesContext(connection) as queries:
            enrolment = enrolment_create(
                participant=participant, programme=programme, session=session
            )
        assert enrolment.status == expected
        under_lock = _queries_under_lock(queries, mode)
        assert len(under_lock) <= UNDER_LOCK_BUDGET, "\n".join(under_lock)

    # The messages are complete all the same: status, position and the session to come.
    messages = list(
        Message.objects.filter(
            kind__in=[MessageKind.ENROLMENT_CONFIRMED, MessageKind.ENROLMENT_WAITLISTED]
        ).order_by("pk")
    )
    assert [m.kind for m in messages] == [
        MessageKind.ENROLMENT_CONFIRMED,
        MessageKind.ENROLMENT_WAITLISTED,
        MessageKind.ENROLMENT_WAITLISTED,
    ]
    assert [m.context["position"] for m in messages] == [None, 1, 2]
    assert all(m.channel == "email" and m.state == MessageState.PENDING for m in messages)
    first = min(sessions, key=lambda s: s.starts_at)
    assert all(m.context["session_url"].endswith(first.get_absolute_url()) for m in messages)
