"""Capacity under concurrent enrolments, on PostgreSQL (row locks).

200 threads released together by a barrier enrol 200 distinct participants in a 20-place
programme. At most ``IN_FLIGHT`` hold a database connection at once: the server's 100 connections
are shared with other suites, and the contention that matters is on the programme's row lock.
"""

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from enrolment.models import Enrolment, EnrolmentStatus
from enrolment.services import enrolment_cancel, enrolment_create
from programmes.models import EnrolmentMode
from tests.factories import ParticipantFactory, ProgrammeFactory, SessionFactory, user_with_role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REQUESTS = 200
PLACES = 20
IN_FLIGHT = 30


def run_concurrently(work: Callable[[int], None], count: int) -> list[BaseException]:
    barrier = threading.Barrier(count)
    gate = threading.BoundedSemaphore(IN_FLIGHT)
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait()
            with gate:
                try:
                    work(index)
                finally:
                    connection.close()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def full_programme():
    programme = ProgrammeFactory(enrolment_mode=EnrolmentMode.WHOLE_CYCLE, capacity=PLACES)
    SessionFactory(programme=programme)
    return programme


def test_200_concurrent_enrolments_fill_20_places_and_queue_the_rest_in_commit_order():
    programme = full_programme()
    participants = ParticipantFactory.create_batch(REQUESTS)

    def enrol(index: int) -> None:
        enrolment_create(participant=participants[index], programme=programme)

    errors = run_concurrently(enrol, REQUESTS)
    assert errors == []

    # Ids come from a sequence called at INSERT, after the lock was granted: commit order.
    rows = list(Enrolment.objects.filter(programme=programme).order_by("pk"))
    assert len(rows) == REQUESTS
    assert [row.status for row in rows[:PLACES]] == [EnrolmentStatus.CONFIRMED] * PLACES
    assert [row.waitlist_position for row in rows[PLACES:]] == list(range(1, REQUESTS - PLACES + 1))

    mediator = user_with_role("mediator")
    for confirmed in rows[:5]:
        enrolment_cancel(enrolment=confirmed, cancelled_by=mediator)
    promoted = {row.pk for row in rows[PLACES : PLACES + 5]}
    assert (
        set(
            Enrolment.objects.filter(programme=programme, promoted_at__isnull=False).values_list(
                "pk", flat=True
            )
        )
        == promoted
    )
    assert (
        Enrolment.objects.filter(programme=programme, status=EnrolmentStatus.CONFIRMED).count()
        == PLACES
    )
    remaining = list(
        Enrolment.objects.filter(programme=programme, status=EnrolmentStatus.WAITLISTED)
        .order_by("waitlist_position")
        .values_list("pk", "waitlist_position")
    )
    assert [pk for pk, _position in remaining] == [row.pk for row in rows[PLACES + 5 :]]
    assert [position for _pk, position in remaining] == list(range(1, REQUESTS - PLACES - 5 + 1))


def test_control_a_naive_check_then_insert_overbooks():
    """Shows the test above can fail: without the row lock, the same load overbooks."""
    programme = full_programme()
    participants = ParticipantFactory.create_batch(60)

    def naive_enrol(index: int) -> None:
        with transaction.atomic():
            taken = Enrolment.objects.filter(
                programme=programme, status=EnrolmentStatus.CONFIRMED
            ).count()
            time.sleep(0.01)  # the time a real request spends between reading and writing
            if taken < PLACES:
                Enrolment.objects.create(
                    participant=participants[index],
                    programme=programme,
                    status=EnrolmentStatus.CONFIRMED,
                    source="mediator",
                )

    assert run_concurrently(naive_enrol, len(participants)) == []
    assert Enrolment.objects.filter(programme=programme).count() > PLACES
