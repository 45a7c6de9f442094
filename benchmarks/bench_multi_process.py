"""Benchmark: two web processes, two Celery workers and one beat on one PostgreSQL and Redis.

Starts, against a database of its own (created, then dropped) and one Redis database number:
two gunicorn servers (two workers each), two Celery workers (two processes each) and one beat.
Then, through both web servers at once, over the API with the families' own tokens:

1. ENROLMENTS families enrol one child each in a session of CAPACITY places (all at once);
2. CANCELLATIONS of confirmed places (all at once, at most CAPACITY), each promoting the first
   on the waiting list;
3. the session's reminder ("2m" before it starts) falls due and the beat's sweep writes it.

It waits until the outbox is empty and checks that nothing was duplicated, lost or overbooked:
exactly CAPACITY confirmed, the waiting list numbered 1..n without gap, one enrolment per child,
one message per event and person, every message delivered exactly once (one SMS file each).

Run: .venv/bin/python benchmarks/bench_multi_process.py [families] [capacity] [cancellations]
Environment: BENCH_DATABASE_URL, else DATABASE_URL (a PostgreSQL server; the database used is
named after that URL's with ``_bench_multi`` appended), BENCH_BROKER_URL, else CELERY_BROKER_URL
(a Redis database, which is emptied), BENCH_PORTS (two ports, e.g. ``8218,8219``; default: two
free ones). Without PostgreSQL or Redis the script says so and is skipped.
"""

import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FAMILIES = int(sys.argv[1]) if len(sys.argv) > 1 else 200
CAPACITY = int(sys.argv[2]) if len(sys.argv) > 2 else 20
CANCELLATIONS = min(int(sys.argv[3]) if len(sys.argv) > 3 else 15, CAPACITY)
sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchdb  # noqa: E402

REMINDER_OFFSET = "2m"
# The session starts this long after the data is built: enrolments and cancellations finish
# before its reminder falls due (start - 2 minutes).
SESSION_LEAD = datetime.timedelta(minutes=3, seconds=30)
DRAIN_TIMEOUT = 360

SERVER_URL = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
server_url = urlsplit(SERVER_URL)
DB_NAME = benchdb.bench_name(SERVER_URL, "multi")
DATABASE_URL = urlunsplit(server_url._replace(path=f"/{DB_NAME}"))
BROKER_URL = os.environ.get("BENCH_BROKER_URL") or os.environ.get("CELERY_BROKER_URL", "")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORTS = tuple(
    int(port) for port in os.environ.get("BENCH_PORTS", "").split(",") if port.strip()
) or (_free_port(), _free_port())
WORK_DIR = Path(tempfile.mkdtemp(prefix="bench-multi-"))
SMS_DIR = WORK_DIR / "sms"

ENV = {
    **{key: value for key, value in os.environ.items() if key not in {"DEBUG", "PRODUCTION"}},
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DATABASE_URL": DATABASE_URL,
    "CELERY_BROKER_URL": BROKER_URL,
    "SECRET_KEY": "bench-multi-process-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "STATIC_MANIFEST": "0",
    "VAR_DIR": str(WORK_DIR),
    "SMS_BACKEND": "notifications.sms.filebased.SmsBackend",
    "SMS_FILE_PATH": str(SMS_DIR),
    # A benchmark run at night must still send its SMS at once.
    "NOTIFICATIONS_QUIET_HOURS": "",
    "NOTIFICATIONS_SWEEP_INTERVAL": "5",
    "NOTIFICATIONS_REDISPATCH_AFTER": "30",
    "CONN_MAX_AGE": "0",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)
sys.path.insert(0, str(BASE_DIR))


def reachable() -> str | None:
    if not benchdb.on_postgresql(SERVER_URL):
        return "no PostgreSQL named (BENCH_DATABASE_URL or DATABASE_URL)"
    if not BROKER_URL.startswith("redis://"):
        return "no Redis broker named (BENCH_BROKER_URL or CELERY_BROKER_URL)"
    import psycopg
    import redis

    try:
        psycopg.connect(
            urlunsplit(server_url._replace(path="/postgres")), connect_timeout=3, autocommit=True
        ).close()
    except Exception as error:
        return f"PostgreSQL unreachable ({error})"
    try:
        redis.Redis.from_url(BROKER_URL, socket_timeout=3).ping()
    except Exception as error:
        return f"Redis unreachable ({error})"
    return None


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(
        urlunsplit(server_url._replace(path="/postgres")), autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    import psycopg

    with psycopg.connect(
        urlunsplit(server_url._replace(path="/postgres")), autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def build_data() -> dict:
    """Families with a child and a token each; one per-session programme and its session."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import ApiToken
    from accounts.roles import Role
    from households.models import Guardian, Household, Participant
    from programmes.models import (
        Audience,
        EnrolmentMode,
        Field,
        Kind,
        Programme,
        ProgrammeStatus,
        Venue,
    )
    from sessions.models import Session

    call_command("migrate", verbosity=0)
    venue = Venue.objects.create(
        name="Centre social", address="1 rue de la Paix", neighbourhood="Les Martinets", in_qpv=True
    )
    programme = Programme.objects.create(
        title="Atelier multi-process",
        slug="atelier-multi-process",
        kind=Kind.HOLIDAY_ACTIVITY,
        field=Field.SOCIO_EDUCATIONAL,
        audience=Audience.CHILDREN,
        min_age=6,
        max_age=12,
        enrolment_mode=EnrolmentMode.PER_SESSION,
        capacity=CAPACITY,
        waitlist_enabled=True,
        cancellation_deadline_hours=0,
        reminder_offsets=[REMINDER_OFFSET],
        status=ProgrammeStatus.PUBLISHED,
        venue=venue,
    )
    starts_at = (timezone.now() + SESSION_LEAD).replace(microsecond=0)
    session = Session.objects.create(
        programme=programme,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        venue=venue,
    )
    family_group = Group.objects.get_or_create(name=Role.FAMILY)[0]
    birth_date = timezone.localdate().replace(month=1, day=1) - datetime.timedelta(days=9 * 366)
    families = []
    for number in range(FAMILIES):
        user = get_user_model().objects.create_user(username=f"famille{number}")
        user.groups.add(family_group)
        household = Household.objects.create(neighbourhood="Les Martinets", in_qpv=True)
        Guardian.objects.create(
            household=household,
            first_name="Parent",
            last_name=f"N{number}",
            phone=f"06{number:08d}",
            user=user,
            is_primary=True,
        )
        child = Participant.objects.create(
            household=household, first_name="Enfant", last_name=f"N{number}", birth_date=birth_date
        )
        _, raw = ApiToken.generate(user=user, name="bench")
        families.append({"token": raw, "participant": child.pk})
    return {
        "programme": programme.pk,
        "session": session.pk,
        "starts_at": starts_at,
        "families": families,
    }


def start_processes() -> list[subprocess.Popen]:
    logs = WORK_DIR / "logs"
    logs.mkdir()

    def spawn(name: str, *command: str) -> subprocess.Popen:
        log = open(logs / f"{name}.log", "wb")  # noqa: SIM115 (kept open for the process)
        return subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=ENV,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    processes = [
        spawn(
            f"web{port}",
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
        )
        for port in PORTS
    ]
    processes += [
        spawn(
            f"worker{number}",
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--concurrency",
            "2",
            "--hostname",
            f"bench{number}@%h",
            "--loglevel",
            "WARNING",
        )
        for number in (1, 2)
    ]
    processes.append(
        spawn(
            "beat",
            str(BIN / "celery"),
            "-A",
            "config",
            "beat",
            "--schedule",
            str(WORK_DIR / "celerybeat-schedule"),
            "--loglevel",
            "WARNING",
        )
    )
    return processes


def stop_processes(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for_web() -> None:
    deadline = time.monotonic() + 60
    for port in PORTS:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/programmes", timeout=10)
                break
            except OSError:  # refused, reset or timed out while the server starts
                if time.monotonic() > deadline:
                    raise RuntimeError(f"web process on port {port} did not start") from None
                time.sleep(0.5)


def call(port: int, path: str, token: str, payload: dict | None = None) -> tuple[int, dict, float]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method="POST",
        data=json.dumps(payload or {}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, body = response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        status, body = error.code, json.loads(error.read() or b"{}")
    return status, body, time.perf_counter() - started


def run_concurrently(jobs: list, threads: int = 40) -> tuple[list, float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(lambda job: job(), jobs))
    return results, time.perf_counter() - started


def latency_line(results: list) -> str:
    times = sorted(seconds for _, _, seconds in results)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    return f"median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def wait_for_outbox(*, starts_at: datetime.datetime) -> float:
    """Until the reminder time has passed and no message is left to send; returns how long
    after the reminders fell due the last message was sent."""
    from django.db import close_old_connections
    from django.utils import timezone

    from notifications.models import Message, MessageKind, MessageState

    reminder_due = starts_at - datetime.timedelta(minutes=2)
    started = time.monotonic()
    while time.monotonic() - started < DRAIN_TIMEOUT:
        close_old_connections()
        open_rows = Message.objects.filter(
            state__in=(MessageState.PENDING, MessageState.SENDING)
        ).count()
        reminders = Message.objects.filter(kind=MessageKind.REMINDER).count()
        if timezone.now() > reminder_due and reminders and not open_rows:
            last_sent = Message.objects.order_by("-sent_at").values_list("sent_at", flat=True)[0]
            return (last_sent - reminder_due).total_seconds()
        time.sleep(1)
    raise RuntimeError(
        f"the outbox did not drain in time (see the worker logs under {WORK_DIR / 'logs'})"
    )


def check(data: dict, enrol_results: list, cancel_results: list) -> list[str]:
    from django.db.models import Count

    from enrolment.models import Enrolment, EnrolmentStatus
    from notifications.models import Message, MessageKind, MessageState

    problems = []
    statuses = Counter(status for status, _, _ in enrol_results + cancel_results)
    if set(statuses) - {200, 201}:
        problems.append(f"HTTP answers other than 200/201: {dict(statuses)}")
    enrolments = Enrolment.objects.filter(session_id=data["session"])
    by_status = Counter(enrolments.values_list("status", flat=True))
    if by_status[EnrolmentStatus.CONFIRMED] != CAPACITY:
        problems.append(f"{by_status[EnrolmentStatus.CONFIRMED]} confirmed for {CAPACITY} places")
    if by_status[EnrolmentStatus.CANCELLED] != CANCELLATIONS:
        problems.append(f"{by_status[EnrolmentStatus.CANCELLED]} cancelled, {CANCELLATIONS} asked")
    if enrolments.count() != FAMILIES:
        problems.append(f"{enrolments.count()} enrolments for {FAMILIES} requests")
    doubles = enrolments.values("participant").annotate(n=Count("pk")).filter(n__gt=1).count()
    if doubles:
        problems.append(f"{doubles} children enrolled twice")
    positions = sorted(
        enrolments.filter(status=EnrolmentStatus.WAITLISTED).values_list(
            "waitlist_position", flat=True
        )
    )
    if positions != list(range(1, len(positions) + 1)):
        problems.append("waiting list not numbered 1..n")
    kinds = Counter(Message.objects.values_list("kind", flat=True))
    promoted = min(CANCELLATIONS, FAMILIES - CAPACITY)
    expected = {
        MessageKind.ENROLMENT_CONFIRMED: CAPACITY,
        MessageKind.ENROLMENT_WAITLISTED: FAMILIES - CAPACITY,
        MessageKind.ENROLMENT_PROMOTED: promoted,
        MessageKind.ENROLMENT_CANCELLED: CANCELLATIONS,
        MessageKind.REMINDER: CAPACITY,
    }
    for kind, count in expected.items():
        if kinds[kind] != count:
            problems.append(f"{kinds[kind]} '{kind}' messages, {count} expected")
    states = Counter(Message.objects.values_list("state", flat=True))
    if states[MessageState.FAILED] or states[MessageState.PENDING] or states[MessageState.SENDING]:
        problems.append(f"messages not delivered: {dict(states)}")
    files = list(SMS_DIR.glob("*.txt")) if SMS_DIR.exists() else []
    references = Counter(
        next(line for line in path.read_text().splitlines() if line.startswith("Reference:"))
        for path in files
    )
    sent = states[MessageState.SENT]
    if len(files) != sent:
        problems.append(f"{len(files)} SMS delivered for {sent} messages marked sent")
    if any(count > 1 for count in references.values()):
        problems.append("an SMS was delivered twice")
    return problems, kinds, states, len(files)


def main() -> int:
    why_not = reachable()
    if why_not:
        print(
            f"bench_multi_process: skipped, {why_not}. Set BENCH_DATABASE_URL and "
            "BENCH_BROKER_URL to run it."
        )
        return 0
    import redis

    redis.Redis.from_url(BROKER_URL).flushdb()
    recreate_database()
    import django

    django.setup()
    processes = []
    try:
        built = time.perf_counter()
        data = build_data()
        print(
            f"Data: {FAMILIES} families with a token, one session of {CAPACITY} places "
            f"({time.perf_counter() - built:.1f} s)"
        )
        processes = start_processes()
        wait_for_web()
        print(f"Processes: 2 gunicorn × 2 workers on ports {PORTS}, 2 Celery workers × 2, 1 beat")

        enrol_jobs = [
            (
                lambda family=family, port=PORTS[index % 2]: call(
                    port,
                    "/api/v1/enrolments",
                    family["token"],
                    {
                        "participant_id": family["participant"],
                        "programme_id": data["programme"],
                        "session_id": data["session"],
                    },
                )
            )
            for index, family in enumerate(data["families"])
        ]
        enrol_results, enrol_seconds = run_concurrently(enrol_jobs)
        confirmed = [
            (body["id"], family["token"])
            for (status, body, _), family in zip(enrol_results, data["families"], strict=True)
            if status == 201 and body.get("status") == "confirmed"
        ]
        print(
            f"Enrolments: {len(enrol_jobs)} at once through both web processes in "
            f"{enrol_seconds:.2f} s ({len(enrol_jobs) / enrol_seconds:.0f}/s; "
            f"{latency_line(enrol_results)})"
        )

        cancel_jobs = [
            (
                lambda pk=pk, token=token, port=PORTS[index % 2]: call(
                    port, f"/api/v1/enrolments/{pk}/cancel", token
                )
            )
            for index, (pk, token) in enumerate(confirmed[:CANCELLATIONS])
        ]
        cancel_results, cancel_seconds = run_concurrently(cancel_jobs)
        print(
            f"Cancellations: {len(cancel_jobs)} at once in {cancel_seconds:.2f} s "
            f"({latency_line(cancel_results)}), each promoting the next on the waiting list"
        )

        after_due = wait_for_outbox(starts_at=data["starts_at"])
        print(
            f"Reminders: the last one sent {after_due:.1f} s after falling due (written by "
            f"the beat's sweep every {ENV['NOTIFICATIONS_SWEEP_INTERVAL']} s, sent by either "
            "worker)"
        )
        problems, kinds, states, sms = check(data, enrol_results, cancel_results)
        print(
            "Messages: "
            + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
            + f"; states {dict(states)}; SMS delivered {sms}"
        )
        if problems:
            print("FAILED: " + "; ".join(problems))
            return 1
        print(
            f"OK: {CAPACITY} confirmed for {CAPACITY} places, waiting list 1..n, no child "
            "enrolled twice, every message written once and delivered once"
        )
        return 0
    finally:
        stop_processes(processes)
        from django.db import connections

        connections.close_all()
        drop_database()
        shutil.rmtree(WORK_DIR, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
