"""The project's WSGI application, with each request profiled: where its time goes.

Used by bench_concurrent_enrolments.py when BENCH_PROFILE names a folder: gunicorn then serves
``benchmarks.profiled_wsgi:application``, which writes, for every request, one JSON line to
``<folder>/requests-<pid>.jsonl``: method, path, status, wall time, the SQL it ran with each
statement's start and time (COMMIT included) (the first statement that waits for a row lock shows the wait), the time spent
after the view returned (commit callbacks run inside the view's transaction exit), and the 25
functions with the most time of their own (cProfile, per thread). The benchmark sums them.
"""

import cProfile
import json
import os
import pstats
import threading
import time
from pathlib import Path

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from config.wsgi import application as django_application

FOLDER = Path(os.environ["BENCH_PROFILE"])
_lock = threading.Lock()
_current = threading.local()
_plain_commit = BaseDatabaseWrapper._commit


def _timed_commit(self):
    started = time.perf_counter()
    try:
        return _plain_commit(self)
    finally:
        statements = getattr(_current, "statements", None)
        if statements is not None:
            statements.append(("COMMIT", started - _current.started, time.perf_counter() - started))


BaseDatabaseWrapper._commit = _timed_commit  # type: ignore[method-assign]


def _own_time(profile: cProfile.Profile, top: int = 25) -> list[tuple[str, float, float]]:
    stats = pstats.Stats(profile)
    rows = []
    for (filename, line, name), (_cc, _nc, own, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((f"{Path(filename).name}:{line}:{name}", own, cumulative))
    rows.sort(key=lambda row: row[1], reverse=True)
    return rows[:top]


def application(environ, start_response):
    statements: list[tuple[str, float, float]] = []
    request_started = time.perf_counter()
    _current.statements, _current.started = statements, request_started

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((sql[:160], started - request_started, time.perf_counter() - started))

    profile = cProfile.Profile()
    status_seen: list[str] = []

    def recording_start_response(status, headers, exc_info=None):
        status_seen.append(status)
        return start_response(status, headers, exc_info)

    started = request_started
    with connection.execute_wrapper(timed):
        profile.enable()
        try:
            body = list(django_application(environ, recording_start_response))
        finally:
            profile.disable()
            _current.statements = None
    wall = time.perf_counter() - started
    record = {
        "method": environ.get("REQUEST_METHOD"),
        "path": environ.get("PATH_INFO"),
        "status": status_seen[0] if status_seen else "",
        "wall": wall,
        "sql": statements,
        "own": _own_time(profile),
    }
    line = json.dumps(record) + "\n"
    with _lock, (FOLDER / f"requests-{os.getpid()}.jsonl").open("a") as out:
        out.write(line)
    return body
