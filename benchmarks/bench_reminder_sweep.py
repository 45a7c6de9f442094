"""Budget: a reminder sweep over 100,000 upcoming enrolments runs in batched queries, in
constant memory, and sends no duplicate.

Builds its own data in a throwaway database (SQLite file in a temporary folder, or the
PostgreSQL of BENCH_DATABASE_URL, which it fills and empties), then runs one sweep for 10,000
and for 100,000 enrolments due for a reminder and prints time, query count and peak Python
memory, and that a second sweep writes nothing. Delivery is not measured: tasks are counted,
not queued. Usage: .venv/bin/python benchmarks/bench_reminder_sweep.py [sizes...]
"""

import datetime
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import benchdb  # noqa: E402

WORKDIR = tempfile.mkdtemp(prefix="bench-reminders-")
os.environ["DATABASE_URL"] = benchdb.database_url("sweep", WORKDIR)
os.environ.setdefault("VAR_DIR", WORKDIR)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402
import time_machine  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from enrolment.models import Enrolment  # noqa: E402
from households.models import Guardian, Household, Participant  # noqa: E402
from notifications import delivery  # noqa: E402
from notifications.models import Message  # noqa: E402
from notifications.services import reminders_create_due  # noqa: E402
from programmes.models import Programme, Venue  # noqa: E402
from sessions.models import Session  # noqa: E402

PER_SESSION = 20


def build(enrolments: int, now: datetime.datetime) -> None:
    # Emptied without the ORM's cascade, which collects and audits every row it deletes.
    call_command("flush", interactive=False, verbosity=0)
    venue = Venue.objects.create(name="Salle", address="1 rue de la Paix")
    programme = Programme.objects.create(
        title="Atelier",
        slug="atelier",
        kind="holiday_activity",
        field="socio_educational",
        audience="children",
        enrolment_mode="per_session",
        capacity=PER_SESSION,
        venue=venue,
        reminder_offsets=["2d"],
        status="published",
    )
    sessions_count = enrolments // PER_SESSION
    # Every session starts within the next 47 hours: every enrolment is due for its reminder.
    step = datetime.timedelta(hours=46) / sessions_count
    sessions = Session.objects.bulk_create(
        [
            Session(
                programme=programme,
                venue=venue,
                starts_at=now + datetime.timedelta(hours=1) + step * index,
                ends_at=now + datetime.timedelta(hours=3) + step * index,
            )
            for index in range(sessions_count)
        ],
        batch_size=2000,
    )
    households = Household.objects.bulk_create(
        [Household(reference=f"B-{index:07d}") for index in range(enrolments)], batch_size=2000
    )
    Guardian.objects.bulk_create(
        [
            Guardian(
                household=household,
                first_name="Nadia",
                last_name="Durand",
                phone=f"06{index:08d}",
                email=f"p{index}@example.org",
                is_primary=True,
                preferred_channel="sms" if index % 3 else "email",
            )
            for index, household in enumerate(households)
        ],
        batch_size=2000,
    )
    participants = Participant.objects.bulk_create(
        [
            Participant(
                household=household,
                first_name="Lina",
                last_name="Durand",
                birth_date=datetime.date(2017, 1, 1),
            )
            for household in households
        ],
        batch_size=2000,
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                participant=participant,
                programme=programme,
                session=sessions[index // PER_SESSION],
                status="confirmed",
                source="mediator",
                confirmed_at=now - datetime.timedelta(days=30),
            )
            for index, participant in enumerate(participants)
        ],
        batch_size=2000,
    )


def measure(enrolments: int) -> dict:
    # 14:00 in Paris: no SMS is held back by the quiet hours.
    now = datetime.datetime(2026, 12, 1, 13, 0, tzinfo=datetime.UTC)
    build(enrolments, now)
    if connection.vendor == "postgresql":
        # As a database in use has: statistics of the tables just filled.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    queued = []
    delivery.dispatch_now = lambda ids, countdown=None: queued.extend(ids) or True
    traveller = time_machine.travel(now, tick=False)
    traveller.start()
    with CaptureQueriesContext(connection) as queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        created = reminders_create_due(now=now)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as second_queries:
        second = reminders_create_due(now=now)
    second_elapsed = time.perf_counter() - started
    rows = Message.objects.count()
    distinct = Message.objects.values("participant", "session", "reminder_offset").distinct()
    distinct_count = distinct.count()
    # The ceiling, in the same run: inserting the same outbox rows, already built, as the sweep
    # does (batches, conflicts ignored). Up to 10,000 rows, as a rate.
    sample = list(Message.objects.order_by("pk")[:10_000])
    Message.objects.all().delete()
    for message in sample:
        message.pk = None
    started = time.perf_counter()
    Message.objects.bulk_create(sample, ignore_conflicts=True, batch_size=1000)
    insert_rate = len(sample) / (time.perf_counter() - started)
    # Memory separately: tracemalloc slows Python down several times.
    Message.objects.all().delete()
    tracemalloc.start()
    reminders_create_due(now=now)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    traveller.stop()
    return {
        "enrolments": enrolments,
        "created": created,
        "rows": rows,
        "cpu": cpu,
        "insert_rate": insert_rate,
        "distinct": distinct_count,
        "queued": len(queued),
        "seconds": elapsed,
        "queries": len(queries),
        "peak_mib": peak / 2**20,
        "second_created": second,
        "second_seconds": second_elapsed,
        "second_queries": len(second_queries),
    }


def main() -> None:
    sizes = [int(size) for size in sys.argv[1:]] or [10_000, 100_000]
    call_command("migrate", verbosity=0)
    print(
        f"database: {connection.vendor}; batch size {os.environ.get('NOTIFICATIONS_BATCH_SIZE', 1000)}"
    )
    print(
        f"{'enrolments':>10} {'written':>8} {'queued':>8} {'time s':>7} {'queries':>7} "
        f"{'peak MiB':>8} | {'2nd: written':>12} {'time s':>7} {'queries':>7} | "
        f"{'per s':>6} {'CPU s':>6} {'insert/s':>8} {'ratio':>5}"
    )
    results = []
    for size in sizes:
        result = measure(size)
        results.append(result)
        assert result["created"] == result["rows"] == result["distinct"] == size, result
        assert result["second_created"] == 0, result
        print(
            f"{result['enrolments']:>10} {result['created']:>8} {result['queued']:>8} "
            f"{result['seconds']:>7.1f} {result['queries']:>7} {result['peak_mib']:>8.1f} | "
            f"{result['second_created']:>12} {result['second_seconds']:>7.1f} "
            f"{result['second_queries']:>7} | {size / result['seconds']:>6.0f} "
            f"{result['cpu']:>6.1f} {result['insert_rate']:>8.0f} "
            f"{size / result['seconds'] / result['insert_rate']:>5.2f}"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(
            f"time {last['enrolments']:,} / {first['enrolments']:,}: "
            f"{last['seconds'] / first['seconds']:.1f} for "
            f"{last['enrolments'] / first['enrolments']:.0f} times the data (budget <= 12 at "
            "100,000 / 10,000)"
        )
    print(
        "per s: reminders written per second (budget >= 2,000 on PostgreSQL); insert/s: the "
        "same rows inserted as they are (the ceiling); ratio: per s / insert/s"
    )
    print(f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"(timestamp {timezone.now():%Y-%m-%d %H:%M} UTC; data in {WORKDIR})")


if __name__ == "__main__":
    main()
