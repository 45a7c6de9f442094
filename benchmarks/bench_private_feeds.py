"""Budget: a private feed with places counts (partner, mediator) of 10,000 sessions answers a
304 in at most 2 queries and at most 2x the public feed's 304, and builds warm in at most 2x the
public feed's warm build.

Builds, in the database of BENCH_DATABASE_URL (emptied first; SQLite in a temporary folder
without it), one published per-session programme with N sessions over the feed's window, a
partner who co-runs it and three mediators responsible for it, and 5 confirmed enrolments per
session (N / 5 participants, each in 25 sessions). The public feed of the programme, the
partner's and a mediator's then cover the same sessions, so their ratios compare the same events
with and without places counts. Each figure is the best of several runs, public and private
measured in turn in the same loop (the machine's load moves them together).

Run: BENCH_DATABASE_URL=postgres://… .venv/bin/python benchmarks/bench_private_feeds.py [N]
"""

import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import benchdb  # noqa: E402

WORKDIR = tempfile.mkdtemp(prefix="bench-private-feeds-")
os.environ["DATABASE_URL"] = benchdb.database_url("private_feeds", WORKDIR)
os.environ.setdefault("VAR_DIR", WORKDIR)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

SESSIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
PER_SESSION = 5
SESSIONS_PER_PARTICIPANT = 25
REPEAT_304, REPEAT_BUILD = 9, 5


def build_data():
    from django.contrib.auth import get_user_model

    from enrolment.models import Enrolment
    from households.models import Household, Participant
    from programmes.models import Field, Mediator, Partner, Programme, ProgrammeStatus, Venue
    from sessions.models import Session
    from tests.factories import feed_token_for

    venue = Venue.objects.create(
        name="Centre social Germaine Tillion",
        address="12 rue de l'Église, 94270 Le Kremlin-Bicêtre",
    )
    programme = Programme.objects.create(
        title="Ateliers « Santé, sommeil et écrans »",
        slug="ateliers-sante",
        kind="health_prevention",
        field=Field.HEALTH_PREVENTION,
        audience="parents",
        enrolment_mode="per_session",
        capacity=12,
        venue=venue,
        status=ProgrammeStatus.PUBLISHED,
        what_to_bring="Une gourde, un carnet",
    )
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(
                username=f"bench-mediator-{i}", first_name="Amina", last_name=f"Benali {i}"
            )
            for i in range(3)
        ]
    )
    mediators = Mediator.objects.bulk_create(
        [Mediator(user=user, field=Field.HEALTH_PREVENTION) for user in users]
    )
    programme.mediators.add(*mediators)
    partner = Partner.objects.create(name="Collège Jean Perrin")
    programme.partners.add(partner)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(days=29)
    step = datetime.timedelta(days=390) / SESSIONS
    sessions = Session.objects.bulk_create(
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
    people = SESSIONS * PER_SESSION // SESSIONS_PER_PARTICIPANT
    households = Household.objects.bulk_create(
        [Household(reference=f"F-{i:07d}") for i in range(people)], batch_size=2000
    )
    participants = Participant.objects.bulk_create(
        [
            Participant(
                household=household,
                first_name="Lina",
                last_name="Durand",
                birth_date=datetime.date(1985, 1, 1),
            )
            for household in households
        ],
        batch_size=2000,
    )
    # Session i holds participants 5i .. 5i + 4 (modulo their number): 25 sessions each.
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                participant=participants[(index * PER_SESSION + seat) % people],
                programme=programme,
                session=session,
                status="confirmed",
                source="mediator",
                confirmed_at=timezone.now(),
            )
            for index, session in enumerate(sessions)
            for seat in range(PER_SESSION)
        ],
        batch_size=5000,
    )
    _token, partner_raw = feed_token_for(partner=partner)
    _token, mediator_raw = feed_token_for(mediator=mediators[0])
    return programme, partner, mediators[0], partner_raw, mediator_raw


def best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def queries_of(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def main() -> None:
    from sessions.feeds import (
        FeedWindow,
        event_cache,
        feed_build,
        mediator_feed,
        partner_feed,
        programme_feed,
    )

    setup_test_environment()
    settings.CALENDAR_FEED_MAX_EVENTS = SESSIONS * 2
    settings.CALENDAR_FEED_MAX_BYTES = SESSIONS * 10_000
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    programme, partner, mediator, partner_raw, mediator_raw = build_data()
    if connection.vendor == "postgresql":
        # As autovacuum would after such a load: the planner needs the tables' statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"Private feeds with places counts: {SESSIONS:,} sessions, "
        f"{SESSIONS * PER_SESSION:,} confirmed enrolments ({connection.vendor}; data built in "
        f"{time.perf_counter() - started:.1f} s; load average "
        f"{' '.join(f'{load:.1f}' for load in os.getloadavg())} on {os.cpu_count()} cores)"
    )

    window = FeedWindow.current()
    feeds = {
        "public": programme_feed(programme=programme, language="fr"),
        "partner": partner_feed(partner=partner, language="fr"),
        "mediator": mediator_feed(mediator=mediator, language="fr"),
    }
    paths = {
        "public": reverse("calendars:programme", kwargs={"slug": programme.slug}),
        "partner": reverse("calendars:partner", kwargs={"token": partner_raw}),
        "mediator": reverse("calendars:mediator", kwargs={"token": mediator_raw}),
    }
    client = Client()
    cache = event_cache()
    cold, warm, not_modified, counts, sizes = {}, {}, {}, {}, {}
    for name, feed in feeds.items():
        cache.clear()
        started = time.perf_counter()
        body = feed_build(feed, window=window)
        cold[name] = time.perf_counter() - started
        assert body.count(b"BEGIN:VEVENT") == SESSIONS, name
        sizes[name] = len(body)
    for name in feeds:
        full = client.get(paths[name])
        assert full.status_code == 200, name
        etag = full["ETag"]
        counts[name] = queries_of(
            lambda name=name, etag=etag: client.get(paths[name], HTTP_IF_NONE_MATCH=etag)
        )
        counts[f"{name} warm"] = queries_of(
            lambda name=name: feed_build(feeds[name], window=window)
        )
        not_modified[name] = etag
    # Public and private in turn, so that a burst of load hits them alike.
    for _round in range(2):
        for name, feed in feeds.items():
            etag = not_modified[name]
            timing = best(
                lambda name=name, etag=etag: client.get(paths[name], HTTP_IF_NONE_MATCH=etag),
                REPEAT_304,
            )
            warm_timing = best(lambda feed=feed: feed_build(feed, window=window), REPEAT_BUILD)
            warm[name] = min(warm.get(name, warm_timing), warm_timing)
            counts[f"{name} 304 s"] = min(counts.get(f"{name} 304 s", timing), timing)
    assert (
        client.get(paths["partner"], HTTP_IF_NONE_MATCH=not_modified["partner"]).status_code == 304
    )

    print(
        f"{'feed':>9} | {'304 ms':>7} {'queries':>7} {'ratio':>6} | {'warm ms':>8} "
        f"{'queries':>7} {'ratio':>6} | {'cold ms':>8} | {'MiB':>5}"
    )
    for name in feeds:
        ratio_304 = counts[f"{name} 304 s"] / counts["public 304 s"]
        ratio_warm = warm[name] / warm["public"]
        print(
            f"{name:>9} | {counts[f'{name} 304 s'] * 1000:>7.1f} {counts[name]:>7} "
            f"{ratio_304:>6.2f} | {warm[name] * 1000:>8.1f} {counts[f'{name} warm']:>7} "
            f"{ratio_warm:>6.2f} | {cold[name] * 1000:>8.1f} | {sizes[name] / 2**20:>5.2f}"
        )
    verdicts = []
    for name in ("partner", "mediator"):
        verdicts.append(
            counts[name] <= 2
            and counts[f"{name} 304 s"] <= 2 * counts["public 304 s"]
            and warm[name] <= 2 * warm["public"]
        )
    print(
        "budget (304 in <= 2 queries and <= 2x public; warm <= 2x public): "
        + ("holds" if all(verdicts) else "MISSED")
    )
    print(
        f"(measured {timezone.now():%Y-%m-%d %H:%M} UTC; load average now "
        f"{' '.join(f'{load:.1f}' for load in os.getloadavg())})"
    )
    call_command("flush", interactive=False, verbosity=0)


if __name__ == "__main__":
    main()
