"""Budget: every page of every role at ten times the demo makes the same number of queries as on
the demo, and gunicorn on PostgreSQL serves each with a p95 under 300 ms.

In the database of BENCH_DATABASE_URL (emptied first): loads the demo, counts the queries of
each demo account's pages in process (Django's test client), adds nine times the demo's data
(``load_scale_data``: programmes over two school years, households, enrolments, marks,
messages) and counts again; then starts gunicorn (4 workers x 8 threads, BENCH_PORT or a free
port) and has each account walk its pages, ROUNDS times, 4 at once, timing each answer. The
ceiling is the same server's answer to ``/health`` in the same run. Prints, per page: queries on
the demo and at scale, p50 and p95, and whether the budget holds.

Run: BENCH_DATABASE_URL=postgres://… .venv/bin/python benchmarks/bench_pages.py [factor]
"""

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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import benchdb  # noqa: E402

WORKDIR = tempfile.mkdtemp(prefix="bench-pages-")
os.environ["DATABASE_URL"] = benchdb.database_url("pages", WORKDIR)
os.environ.setdefault("VAR_DIR", WORKDIR)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

FACTOR = int(sys.argv[1]) if len(sys.argv) > 1 else 10
ROUNDS = 15
BUDGET_MS = 300
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

PAGES = {
    "coordination": [
        "/",
        "/coordination/programmes/",
        "/programmes/",
        "/reports/",
        "/notifications/",
        "/accounts/audit/",
        "/privacy/",
        "/calendars/",
        "/attendance/follow-ups/",
    ],
    "mediatrice.sante": [
        "/",
        "/my/mediation/",
        "/attendance/",
        "/attendance/follow-ups/",
        "/reports/",
        "/calendars/",
        "/programmes/",
    ],
    "partenaire.centre": ["/", "/my/partner/", "/reports/", "/calendars/", "/programmes/"],
    "famille.durand": [
        "/",
        "/my/family/",
        "/programmes/",
        "/calendars/",
        "/notifications/preferences/",
    ],
}


def logged_in(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def count_queries() -> dict[tuple[str, str], tuple[int, int]]:
    counts = {}
    for username, paths in PAGES.items():
        client = logged_in(username)
        for path in paths:
            client.get(path)  # warm: caches, content types, translations
            with CaptureQueriesContext(connection) as queries:
                status = client.get(path).status_code
            counts[username, path] = (len(queries), status)
    return counts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env.update(LOG_LEVEL="WARNING", CONN_MAX_AGE="60")
    server = subprocess.Popen(
        [
            GUNICORN,
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "4",
            "--threads",
            "8",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/programmes/", timeout=5):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def timed_get(url: str, cookie: str) -> tuple[int, float]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def walk(base: str) -> dict[tuple[str, str], list[float]]:
    """Each account walks its pages ROUNDS times; the four accounts at once."""
    from django.conf import settings

    times: dict[tuple[str, str], list[float]] = {}
    lock = threading.Lock()

    def one(username: str) -> None:
        client = logged_in(username)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        for _round in range(ROUNDS):
            for path in PAGES[username]:
                status, seconds = timed_get(base + path, cookie)
                with lock:
                    times.setdefault((username, path), []).append(seconds)
                    if status != 200:
                        times.setdefault((username, f"{path} [{status}]"), [])

    threads = [threading.Thread(target=one, args=(name,)) for name in PAGES]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(int(0.95 * len(ordered)) - 1, 0)]


def main() -> None:
    from demo.scale import scale_data_load

    setup_test_environment()
    # Served as in production (DEBUG off): hashed static files in the temporary folder.
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_demo_data", verbosity=0)
    demo_counts = count_queries()
    started = time.perf_counter()
    added = scale_data_load(factor=FACTOR - 1)
    built = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    scale_counts = count_queries()
    port = int(os.environ.get("BENCH_PORT") or free_port())
    server = start_server(port)
    try:
        base = f"http://127.0.0.1:{port}"
        walk(base)  # warm every worker
        load_before = os.getloadavg()
        health = [timed_get(f"{base}/programmes/", "")[1] for _ in range(20)]
        times = walk(base)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"Pages of every role at {FACTOR} times the demo ({connection.vendor}; "
        f"{', '.join(f'{n:,} {k}' for k, n in added.items())} added in {built:.1f} s)"
    )
    print(
        f"gunicorn 4 x 8, {ROUNDS} rounds, 4 accounts at once; load average "
        f"{' '.join(f'{v:.1f}' for v in load_before)} before, "
        f"{' '.join(f'{v:.1f}' for v in os.getloadavg())} after, on {os.cpu_count()} cores"
    )
    print(f"ceiling: anonymous catalogue alone, p50 {statistics.median(health) * 1000:.0f} ms")
    print(
        f"{'account':>18} {'page':<28} {'queries x1':>10} {'x' + str(FACTOR):>6} "
        f"{'p50 ms':>7} {'p95 ms':>7}"
    )
    same, fast = True, True
    for (username, path), (queries, status) in demo_counts.items():
        at_scale, scale_status = scale_counts[username, path]
        values = times.get((username, path), [0.0])
        page_p95 = p95(values) * 1000
        same &= at_scale == queries
        fast &= page_p95 < BUDGET_MS
        flag = "" if status == scale_status == 200 else f" (HTTP {status}/{scale_status})"
        print(
            f"{username:>18} {path:<28} {queries:>10} {at_scale:>6} "
            f"{statistics.median(values) * 1000:>7.0f} {page_p95:>7.0f}{flag}"
            f"{'  <- queries grew' if at_scale != queries else ''}"
        )
    print(
        f"budget: same query counts: {'holds' if same else 'MISSED'}; "
        f"p95 under {BUDGET_MS} ms: {'holds' if fast else 'MISSED'}"
    )
    call_command("flush", interactive=False, verbosity=0)


if __name__ == "__main__":
    main()
