"""Benchmark: 200 concurrent enrolments for 20 places, through HTTP, on PostgreSQL.

Creates a throwaway database on the server DATABASE_URL points to, migrates it, builds a
whole-cycle programme of 20 places and 200 families (one child and one API token each), starts
gunicorn on 127.0.0.1 with a free port, then fires 200 POST /api/v1/enrolments at once (threads
released together by a barrier). Checks and prints: every answer is a 201, exactly 20 confirmed,
180 waitlisted with positions 1..180 in commit order; then 5 confirmed families cancel and the
positions 1..5 are promoted. Prints throughput and latencies. Drops the database at the end.

The ceiling is measured in the same run, on the same server with the same threads: the 200
families each read ``GET /api/v1/me`` at once (an authenticated read, no lock), before and after
the enrolments; the budget is an enrolment rate of at least half of it, p95 under 2 s.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/mediation .venv/bin/python \\
     benchmarks/bench_concurrent_enrolments.py
With BENCH_DATABASE_URL, that database is used (emptied before and after) instead of a
throwaway one; BENCH_PORT fixes gunicorn's port. With BENCH_PROFILE naming a folder, gunicorn serves
benchmarks/profiled_wsgi.py (each request profiled) and the script prints where the time went.
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
REQUESTS = 200
PLACES = 20
CANCELLED = 5
# 4 processes × 8 threads: 32 database connections at most, well under the server's 100.
WORKERS, THREADS = 4, 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def throwaway_database_url(server_url: str) -> tuple[str, str]:
    parts = urlsplit(server_url)
    # Named after DATABASE_URL's own database, so that a shared server shows whose it is.
    name = f"{parts.path.lstrip('/') or 'mediation'}_bench_enrolments_{os.getpid()}"
    return urlunsplit(parts._replace(path=f"/{name}")), name


def admin_sql(server_url: str, statement: str) -> None:
    import psycopg

    parts = urlsplit(server_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(statement)


def build_data(env: dict) -> dict:
    """In a child process: Django set up on the throwaway database."""
    code = f"""
import json, django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from accounts.models import ApiToken
from accounts.roles import Role
from programmes.models import EnrolmentMode
from tests.factories import (GuardianFactory, ParticipantFactory, ProgrammeFactory,
                             SessionFactory)
programme = ProgrammeFactory(title="Bench", enrolment_mode=EnrolmentMode.WHOLE_CYCLE,
                             capacity={PLACES})
SessionFactory(programme=programme)
# The control case: one programme per family, so that no enrolment waits for another's lock.
own = []
for index in range({REQUESTS}):
    alone = ProgrammeFactory(title=f"Bench {{index}}", enrolment_mode=EnrolmentMode.WHOLE_CYCLE,
                             capacity={PLACES})
    SessionFactory(programme=alone)
    own.append(alone.pk)
family = Group.objects.get_or_create(name=Role.FAMILY)[0]
families = []
for index in range({REQUESTS}):
    # No password: the families authenticate with API tokens, and hashing 200 passwords
    # would be most of the set-up time.
    user = get_user_model().objects.create(username=f"bench{{index}}")
    user.groups.add(family)
    household = GuardianFactory(user=user).household
    child = ParticipantFactory(household=household)
    sibling = ParticipantFactory(household=household)
    families.append({{"participant": child.pk, "token": ApiToken.generate(user=user, name="b")[1],
                     "own_programme": own[index], "sibling": sibling.pk}})
print(json.dumps({{"programme": programme.pk, "families": families}}))
"""
    output = subprocess.run(
        [PYTHON, "-c", code], cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def start_server(env: dict, port: int) -> subprocess.Popen:
    application = (
        "benchmarks.profiled_wsgi:application"
        if env.get("BENCH_PROFILE")
        else "config.wsgi:application"
    )
    server = subprocess.Popen(
        [
            GUNICORN,
            application,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--backlog",
            "512",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/programmes", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def post(url: str, token: str, body: dict | None = None) -> tuple[int, dict, float]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body or {}).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status, payload = response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        status, payload = error.code, json.loads(error.read() or b"{}")
    return status, payload, time.perf_counter() - started


def get(url: str, token: str) -> tuple[int, float]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def fire_reads(base: str, families: list[dict]) -> tuple[list, float]:
    """The ceiling: every family reads /api/v1/me at once."""
    barrier = threading.Barrier(len(families) + 1)
    results: list = [None] * len(families)

    def one(index: int) -> None:
        barrier.wait()
        results[index] = get(f"{base}/api/v1/me", families[index]["token"])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(families))]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def p95(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[int(0.95 * len(ordered)) - 1]


def fire(base: str, programme: int | None, families: list[dict]) -> tuple[list, float]:
    """Every family enrols a child at once in ``programme``; when None, another child in a
    programme of the family's own (the control case, without a shared lock)."""
    barrier = threading.Barrier(len(families) + 1)
    results: list = [None] * len(families)

    def one(index: int) -> None:
        family = families[index]
        barrier.wait()
        results[index] = post(
            f"{base}/api/v1/enrolments",
            family["token"],
            {"participant_id": family["participant"], "programme_id": programme}
            if programme
            else {"participant_id": family["sibling"], "programme_id": family["own_programme"]},
        )

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(families))]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def profile_summary(folder: Path) -> None:
    """Where the time of a POST /api/v1/enrolments went, from benchmarks/profiled_wsgi.py."""
    records = [
        json.loads(line)
        for path in folder.glob("requests-*.jsonl")
        for line in path.read_text().splitlines()
    ]
    posts = [r for r in records if r["method"] == "POST" and r["path"] == "/api/v1/enrolments"]
    reads = [r for r in records if r["path"] == "/api/v1/me"]
    if not posts:
        return

    def mean(values) -> float:
        values = list(values)
        return sum(values) / len(values) * 1000 if values else 0.0

    def lock_index(record) -> int | None:
        return next((i for i, s in enumerate(record["sql"]) if "headcount_version" in s[0]), None)

    held, waits, before, after_commit, sql_totals = [], [], [], [], []
    for record in posts:
        statements = record["sql"]
        sql_totals.append(sum(s[2] for s in statements))
        index = lock_index(record)
        commit = next((s for s in statements if s[0] == "COMMIT"), None)
        if index is None or commit is None:
            continue
        lock = statements[index]
        waits.append(lock[2])
        before.append(lock[1])
        # Held from the moment the UPDATE got the row to the end of the COMMIT.
        held.append(commit[1] + commit[2] - (lock[1] + lock[2]))
        after_commit.append(record["wall"] - (commit[1] + commit[2]))
    print(f"  profile of {len(posts)} POST /api/v1/enrolments (cProfile on: times inflated):")
    print(
        f"    wall {mean(r['wall'] for r in posts):.0f} ms mean; SQL {mean(sql_totals):.0f} ms "
        f"in {sum(len(r['sql']) for r in posts) / len(posts):.1f} statements (COMMIT included)"
    )
    print(
        f"    before the lock {mean(before):.0f} ms; waiting for the lock {mean(waits):.0f} ms; "
        f"lock held (after the UPDATE to the end of COMMIT) {mean(held):.1f} ms "
        f"(median {statistics.median(held) * 1000:.1f}); after the commit {mean(after_commit):.0f} ms"
    )
    if reads:
        print(
            f"    GET /api/v1/me: wall {mean(r['wall'] for r in reads):.0f} ms mean, "
            f"{sum(len(r['sql']) for r in reads) / len(reads):.1f} statements"
        )
    sample = posts[len(posts) // 2]
    print("    statements of one enrolment (start ms, duration ms):")
    for sql, start, duration in sample["sql"]:
        print(f"      {start * 1000:7.1f} {duration * 1000:7.1f}  {sql[:110]}")
    own: dict[str, float] = {}
    for record in posts:
        for name, seconds, _cumulative in record["own"]:
            own[name] = own.get(name, 0.0) + seconds
    print("    functions with the most time of their own, per request:")
    for name, seconds in sorted(own.items(), key=lambda item: -item[1])[:15]:
        print(f"      {seconds / len(posts) * 1000:7.2f} ms  {name}")


def main() -> int:
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        print(
            "bench_concurrent_enrolments: skipped, DATABASE_URL is not PostgreSQL (row locks "
            "under concurrent requests are what it measures; SQLite serialises every writer)."
        )
        return 0
    own_database = os.environ.get("BENCH_DATABASE_URL", "")
    if own_database:
        database_url, name = own_database, ""
    else:
        database_url, name = throwaway_database_url(server_url)
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        CONN_MAX_AGE="60",
        LOG_LEVEL="WARNING",
    )
    # Delivery is queued after each commit as in production (a Redis broker when
    # CELERY_BROKER_URL names one, else the file broker in a folder of its own); no worker
    # runs, so the cost measured is the queueing, not a delivery run inside the request.
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    if not env.get("CELERY_BROKER_URL"):
        env["VAR_DIR"] = tempfile.mkdtemp(prefix="bench-enrolments-")
        for folder in ("queue", "control"):
            (Path(env["VAR_DIR"]) / "celery-broker" / folder).mkdir(parents=True)
    if name:
        admin_sql(server_url, f'CREATE DATABASE "{name}"')
    server = None
    try:
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        if not name:
            subprocess.run(
                [PYTHON, "manage.py", "flush", "--noinput"],
                cwd=BASE_DIR,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        data = build_data(env)
        port = int(os.environ.get("BENCH_PORT") or free_port())
        server = start_server(env, port)
        base = f"http://127.0.0.1:{port}"
        load_before = os.getloadavg()
        # Warm every worker and thread (connections, caches), then the ceiling, the enrolments,
        # and the ceiling again: the load of a shared machine moves during the run.
        fire_reads(base, data["families"])
        reads_before, reads_before_elapsed = fire_reads(base, data["families"])
        results, elapsed = fire(base, data["programme"], data["families"])
        reads_after, reads_after_elapsed = fire_reads(base, data["families"])
        # The same request without the shared lock: what the work of an enrolment costs alone.
        alone, alone_elapsed = fire(base, None, data["families"])
        read_statuses = [status for status, _seconds in reads_before + reads_after]
        read_rate = 2 * REQUESTS / (reads_before_elapsed + reads_after_elapsed)
        read_p95 = p95([seconds for _status, seconds in reads_before + reads_after])

        statuses = [status for status, _body, _seconds in results]
        latencies = sorted(seconds for _status, _body, seconds in results)
        bodies = [body for _status, body, _seconds in results]
        confirmed = [b for b in bodies if b.get("status") == "confirmed"]
        waitlisted = sorted(
            (b for b in bodies if b.get("status") == "waitlisted"), key=lambda b: b["id"]
        )
        in_commit_order = [b["position"] for b in waitlisted] == list(range(1, len(waitlisted) + 1))
        print(
            f"{REQUESTS} concurrent POST /api/v1/enrolments for {PLACES} places "
            f"(gunicorn {WORKERS} workers × {THREADS} threads, PostgreSQL)"
        )
        print(f"  answers: {dict(sorted((s, statuses.count(s)) for s in set(statuses)))}")
        print(
            f"  confirmed: {len(confirmed)}, waitlisted: {len(waitlisted)}, "
            f"positions 1..{len(waitlisted)} in commit (id) order: {in_commit_order}"
        )
        print(f"  wall time: {elapsed:.2f} s, throughput: {REQUESTS / elapsed:.0f} enrolments/s")
        print(
            f"  latency: median {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {latencies[int(0.95 * len(latencies)) - 1] * 1000:.0f} ms, "
            f"max {latencies[-1] * 1000:.0f} ms"
        )
        print(
            f"  ceiling, GET /api/v1/me by the same {REQUESTS} threads: {read_rate:.0f}/s "
            f"({REQUESTS / reads_before_elapsed:.0f}/s before, "
            f"{REQUESTS / reads_after_elapsed:.0f}/s after; answers "
            f"{dict(sorted((s, read_statuses.count(s)) for s in set(read_statuses)))}), "
            f"p95 {read_p95 * 1000:.0f} ms"
        )
        ratio = (REQUESTS / elapsed) / read_rate
        enrol_p95 = latencies[int(0.95 * len(latencies)) - 1]
        print(
            f"  ratio enrolments / reads: {ratio:.2f} (budget >= 0.5: "
            f"{'holds' if ratio >= 0.5 else 'MISSED'}); p95 {enrol_p95:.2f} s (budget < 2 s: "
            f"{'holds' if enrol_p95 < 2 else 'MISSED'})"
        )
        alone_statuses = [status for status, _body, _seconds in alone]
        alone_rate = REQUESTS / alone_elapsed
        alone_p95 = p95([seconds for _status, _body, seconds in alone])
        print(
            f"  control, each family in a programme of its own (no shared lock): "
            f"{alone_rate:.0f} enrolments/s, p95 {alone_p95 * 1000:.0f} ms, answers "
            f"{dict(sorted((s, alone_statuses.count(s)) for s in set(alone_statuses)))}; "
            f"ratio to reads {alone_rate / read_rate:.2f}, shared lock / own programmes "
            f"{(REQUESTS / elapsed) / alone_rate:.2f}"
        )
        print(
            f"  load average {' '.join(f'{v:.1f}' for v in load_before)} before, "
            f"{' '.join(f'{v:.1f}' for v in os.getloadavg())} after, on {os.cpu_count()} cores"
        )

        token_of = {f["participant"]: f["token"] for f in data["families"]}
        first_waiting = [b["id"] for b in waitlisted[:CANCELLED]]
        started = time.perf_counter()
        cancels = [
            post(f"{base}/api/v1/enrolments/{b['id']}/cancel", token_of[b["participant"]["id"]])[0]
            for b in confirmed[:CANCELLED]
        ]
        cancel_seconds = time.perf_counter() - started
        check = [
            json.loads(
                urllib.request.urlopen(
                    urllib.request.Request(
                        f"{base}/api/v1/enrolments/{pk}",
                        headers={"Authorization": f"Bearer {token_of[b['participant']['id']]}"},
                    )
                ).read()
            )
            for pk, b in zip(first_waiting, waitlisted[:CANCELLED], strict=True)
        ]
        promoted_ok = all(item["status"] == "confirmed" for item in check)
        print(
            f"  {CANCELLED} cancellations: {cancels.count(200)} answered 200 in "
            f"{cancel_seconds * 1000:.0f} ms; positions 1..{CANCELLED} promoted: {promoted_ok}"
        )
        ok = (
            statuses.count(201) == REQUESTS
            and alone_statuses.count(201) == REQUESTS
            and len(confirmed) == PLACES
            and len(waitlisted) == REQUESTS - PLACES
            and in_commit_order
            and promoted_ok
        )
        print("  result: OK" if ok else "  result: FAILED")
        if env.get("BENCH_PROFILE"):
            profile_summary(Path(env["BENCH_PROFILE"]))
        return 0 if ok else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        # The delivery tasks queued by the run, which no worker took.
        subprocess.run(
            [str(Path(PYTHON).with_name("celery")), "-A", "config", "purge", "-f"],
            cwd=BASE_DIR,
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if name:
            admin_sql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            subprocess.run(
                [PYTHON, "manage.py", "flush", "--noinput"],
                cwd=BASE_DIR,
                env=env,
                check=False,
                stdout=subprocess.DEVNULL,
            )


if __name__ == "__main__":
    sys.exit(main())
