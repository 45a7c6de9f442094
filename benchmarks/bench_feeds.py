"""Benchmark: one calendar feed of 10,000 sessions.

Builds its own data in a throwaway database (SQLite under a temporary folder, or a test database
next to DATABASE_URL's), then prints, for the public feed of one programme:

- a conditional request answered 304: queries and time (it must never build the calendar);
- a full build, cold (no kept events) and warm (events kept from an earlier build): time, peak
  Python memory (tracemalloc) and queries;
- building and serialising the same events with plain icalendar, side by side, and the ratios.

Run: .venv/bin/python benchmarks/bench_feeds.py [number of sessions]
"""

import datetime
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
import benchdb  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A folder of its own: never the development or test database.
os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="bench-feeds-")

import django  # noqa: E402

django.setup()

import icalendar  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

SESSIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
REPEAT = 3


def build_data():
    from django.contrib.auth import get_user_model

    from programmes.models import Field, Kind, Mediator, Programme, ProgrammeStatus, Venue
    from sessions.models import Session

    venue = Venue.objects.create(
        name="Centre social Germaine Tillion",
        address="12 rue de l'Église, 94270 Le Kremlin-Bicêtre",
        accessibility_notes="Ascenseur; entrée côté cour",
    )
    programme = Programme.objects.create(
        title="Ateliers « Santé, sommeil et écrans »",
        slug="ateliers-sante",
        kind=Kind.HEALTH_PREVENTION,
        field=Field.HEALTH_PREVENTION,
        audience="parents",
        enrolment_mode="per_session",
        capacity=12,
        venue=venue,
        status=ProgrammeStatus.PUBLISHED,
        what_to_bring="Une gourde, un carnet; l'autorisation parentale signée",
    )
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(username=f"mediator{i}", first_name="Amina", last_name=f"Benali {i}")
            for i in range(3)
        ]
    )
    mediators = Mediator.objects.bulk_create(
        [
            Mediator(user=user, field=Field.HEALTH_PREVENTION, phone="01 23 45 67 89")
            for user in users
        ]
    )
    programme.mediators.add(*mediators)
    # Spread over the window: 30 days back to 12 months ahead.
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(days=29)
    step = datetime.timedelta(days=390) / SESSIONS
    Session.objects.bulk_create(
        [
            Session(
                programme=programme,
                venue=venue,
                starts_at=start + i * step,
                ends_at=start + i * step + datetime.timedelta(hours=2),
                revision=i % 3,
            )
            for i in range(SESSIONS)
        ],
        batch_size=2000,
    )
    return programme


def timed(function, *, repeat: int = REPEAT, before=None):
    """Best wall time of ``repeat`` runs; then one more run under tracemalloc (which slows
    everything down) for the peak of Python memory above what was allocated before, and the
    queries it made."""
    times, cpu_times = [], []
    for _ in range(repeat):
        if before:
            before()
        started, cpu_started = time.perf_counter(), time.process_time()
        function()
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
    if before:
        before()
    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        result = function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    CPU[function] = min(cpu_times)
    return result, min(times), peak, len(queries)


# CPU time of this process per measured function: steadier than wall time on a shared machine
# (but it leaves out the database server's own time on PostgreSQL).
CPU: dict = {}


def plain_icalendar(sessions) -> bytes:
    """The same events written with icalendar's objects, as a straightforward feed would."""
    from sessions.ical import session_uid

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//bench//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Ateliers")
    for session in sessions:
        venue, programme = session.programme.venue, session.programme
        event = icalendar.Event()
        event.add("uid", session_uid(session.pk))
        event.add("dtstamp", session.updated_at)
        event.add("last-modified", session.updated_at)
        event.add("sequence", session.revision)
        event.add("dtstart", timezone.localtime(session.starts_at))
        event.add("dtend", timezone.localtime(session.ends_at))
        event.add("summary", programme.title)
        event.add("location", f"{venue.name}, {venue.address}")
        event.add(
            "description",
            f"À apporter : {programme.what_to_bring}\nDétails : "
            f"{settings.SITE_URL}{session.get_absolute_url()}",
        )
        event.add("url", f"{settings.SITE_URL}{session.get_absolute_url()}")
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


baseline_rss = 0.0


def main() -> None:
    global baseline_rss
    baseline_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    setup_test_environment()
    # The benchmark wants one feed of them all: lift the size limits meant for Google.
    settings.CALENDAR_FEED_MAX_EVENTS = SESSIONS * 2
    settings.CALENDAR_FEED_MAX_BYTES = SESSIONS * 10_000
    benchdb.name_test_database(connection, "feeds")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run() -> None:
    from sessions.feeds import FeedWindow, event_cache, feed_build, feed_version, programme_feed
    from sessions.models import Session

    programme = build_data()
    feed = programme_feed(programme=programme, language="fr")
    window = FeedWindow.current()
    cache = event_cache()
    print(
        f"Calendar feed benchmark: {SESSIONS:,} sessions in one feed's window "
        f"({connection.vendor}, best of {REPEAT}, load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores)"
    )

    def build():
        return feed_build(feed, window=window)

    body, cold, cold_peak, cold_queries = timed(build, before=cache.clear)
    cold_cpu = CPU[build]
    events = body.count(b"BEGIN:VEVENT")
    assert events == SESSIONS, events
    warm_body, warm, warm_peak, warm_queries = timed(build)
    warm_cpu = CPU[build]
    assert warm_body == body, "a warm build must be byte-identical"

    loaded = list(Session.objects.filter(programme=programme).select_related("programme__venue"))

    def reference_build():
        return plain_icalendar(loaded)

    reference, plain, plain_peak, _ = timed(reference_build, repeat=2)
    plain_cpu = CPU[reference_build]
    assert reference.count(b"BEGIN:VEVENT") == SESSIONS

    client = Client()
    path = reverse("calendars:programme", kwargs={"slug": programme.slug})
    full = client.get(path)
    assert full.status_code == 200
    etag = full["ETag"]
    not_modified, conditional, _, conditional_queries = timed(
        lambda: client.get(path, HTTP_IF_NONE_MATCH=etag), repeat=5
    )
    assert not_modified.status_code == 304
    _, http_warm, _, http_queries = timed(lambda: client.get(path))
    version_time = timed(lambda: feed_version(feed, window), repeat=5)[1]

    mib = 1024 * 1024
    print(f"  feed size                  {len(body) / mib:8.2f} MiB, {events:,} events")
    print(
        f"  304 (If-None-Match)        {conditional * 1000:8.1f} ms, "
        f"{conditional_queries} queries (version alone {version_time * 1000:.1f} ms)"
    )
    print(
        f"  build, cold                {cold * 1000:8.1f} ms, peak {cold_peak / mib:6.1f} MiB, "
        f"{cold_queries} queries"
    )
    print(
        f"  build, warm (kept events)  {warm * 1000:8.1f} ms, peak {warm_peak / mib:6.1f} MiB, "
        f"{warm_queries} queries"
    )
    print(f"  GET 200, warm, over HTTP   {http_warm * 1000:8.1f} ms, {http_queries} queries")
    print(
        f"  plain icalendar            {plain * 1000:8.1f} ms, peak {plain_peak / mib:6.1f} MiB "
        "(build + serialise, rows already loaded)"
    )
    print(
        f"  CPU time: cold {cold_cpu * 1000:.0f} ms, warm {warm_cpu * 1000:.0f} ms, "
        f"icalendar {plain_cpu * 1000:.0f} ms"
    )
    print(
        f"  ratio cold / icalendar     {cold / plain:8.3f} (icalendar {plain / cold:.0f}x slower)"
    )
    print(
        f"  ratio warm / icalendar     {warm / plain:8.3f} (icalendar {plain / warm:.0f}x slower)"
    )
    print(
        f"  kept events                {len(cache):,}, "
        f"~{statistics.mean(len(e) for e in cache._events.values()):.0f} bytes each"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  process peak RSS           {rss:8.1f} MiB (whole run, data set-up included; "
        f"{baseline_rss:.1f} MiB after Django started)"
    )


if __name__ == "__main__":
    main()
