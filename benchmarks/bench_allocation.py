"""Benchmark: the allocation of 2,000 children × 5 ranked wishes over 40 activities.

Budget: allocated in under 10 s. Runs the pure algorithm (allocation.matching.allocate) on a
seeded random round shaped like a holiday period: 40 activities over two weeks of mornings and
afternoons (so wishes overlap), 8 to 20 places each, about one child in five in a sibling group,
household and child caps on. Also times the JSON round trip that stores and reproduces a round.
Prints each figure and its ratio to the 10 s ceiling (below 1.0 is within budget).

Then the same round through the database: ``services.round_compute`` (reading the wishes,
free places, eligibility, times held and rules from the database, allocating, storing every
wish's outcome and every child's points) on a throwaway database (SQLite under a temporary
folder, or a test database next to DATABASE_URL's), with its query count. Creating the
enrolments at publication is not timed here (it runs in a background job, one enrolment service
call per place).

Run: .venv/bin/python benchmarks/bench_allocation.py [children]
"""

import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import benchdb  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A folder of its own: never the development or test database.
os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="bench-allocation-")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from allocation import matching  # noqa: E402

CEILING_SECONDS = 10.0
ACTIVITIES = 40
WISHES = 5


def build(children: int, seed: int = 2026) -> matching.RoundInput:
    rng = random.Random(seed)
    activities = []
    for index in range(ACTIVITIES):
        day, afternoon = divmod(index % 20, 2)
        start = 1_800_000_000 + day * 86_400 + (5 * 3600 if afternoon else 0)
        activities.append(
            matching.Activity(f"a{index}", rng.randint(8, 20), ((start, start + 3 * 3600),))
        )
    keys = [activity.key for activity in activities]
    popularity = [1 / (rank + 1) ** 0.8 for rank in range(ACTIVITIES)]
    people, units = [], []
    count = household = 0
    while count < children:
        size = min(rng.choice([1, 1, 1, 1, 2, 2, 3]), children - count)
        members = [f"k{count + i}" for i in range(size)]
        count += size
        household += 1
        for key in members:
            people.append(
                matching.Child(
                    key, f"h{household}", frozenset(k for k in keys if rng.random() < 0.9)
                )
            )
        criteria = frozenset(
            rule for rule in ("qpv", "first_time", "referred") if rng.random() < 0.4
        )

        def wishes() -> tuple[str, ...]:
            chosen: list[str] = []
            while len(chosen) < WISHES:
                key = rng.choices(keys, weights=popularity)[0]
                if key not in chosen:
                    chosen.append(key)
            return tuple(chosen)

        if size > 1 and rng.random() < 0.6:
            units.append(
                matching.Unit(
                    "g" + "-".join(members),
                    tuple(members),
                    wishes(),
                    criteria | {"sibling_group"},
                    rng.randint(0, 2),
                )
            )
        else:
            units += [
                matching.Unit(f"c{key}", (key,), wishes(), criteria, rng.randint(0, 2))
                for key in members
            ]
    weights = {"qpv": 3, "first_time": 2, "referred": 2, "sibling_group": 1, "granted_before": 1}
    return matching.RoundInput(
        tuple(activities),
        tuple(people),
        tuple(units),
        weights,
        max_per_child=2,
        max_per_household=5,
        seed="bench-seed",
    )


def build_database(data: matching.RoundInput):
    """The same round as rows: programmes and sessions, households, children, wishes, groups."""
    from allocation import services
    from allocation.models import RoundStatus, SiblingGroup, SiblingGroupMember, Wish
    from enrolment.models import EnrolmentSource
    from households.models import Household, Participant
    from programmes.models import Programme, ProgrammeStatus, Venue
    from sessions.models import Session

    venue = Venue.objects.create(name="Centre social", address="12 rue de la Convention")
    now = timezone.now()
    base = (now + datetime.timedelta(days=20)).replace(hour=9, minute=0, second=0, microsecond=0)
    programmes = Programme.objects.bulk_create(
        [
            Programme(
                title=f"Activité {i}",
                slug=f"activite-{i}",
                kind="holiday_activity",
                field="socio_educational",
                audience="children",
                min_age=6,
                max_age=12,
                enrolment_mode="per_session",
                capacity=a.capacity,
                venue=venue,
                status=ProgrammeStatus.PUBLISHED,
            )
            for i, a in enumerate(data.activities)
        ]
    )
    Session.objects.bulk_create(
        [
            Session(
                programme=programme,
                venue=venue,
                starts_at=base + datetime.timedelta(days=i % 20 // 2, hours=5 * (i % 2)),
                ends_at=base + datetime.timedelta(days=i % 20 // 2, hours=5 * (i % 2) + 3),
            )
            for i, programme in enumerate(programmes)
        ]
    )
    round_ = services.round_create(
        title="Benchmark",
        wishes_open_at=now - datetime.timedelta(days=1),
        wishes_close_at=now + datetime.timedelta(days=1),
        results_on=(now + datetime.timedelta(days=2)).date(),
        programmes=programmes,
        max_per_child=data.max_per_child,
        max_per_household=data.max_per_household,
    )
    activity_ids = dict(
        zip(
            [a.key for a in data.activities],
            round_.activities.order_by("programme_id").values_list("pk", flat=True),
            strict=True,
        )
    )
    households = {}
    for child in data.children:
        households.setdefault(child.household, Household(in_qpv=len(households) % 3 == 0))
    Household.objects.bulk_create(households.values(), batch_size=1000)
    # Ages 6 to 11 on the day, spread over every birth date of those six years.
    youngest = timezone.localdate() - datetime.timedelta(days=7 * 366)
    participants = {
        child.key: Participant(
            household=households[child.household],
            first_name=child.key,
            last_name="Bench",
            birth_date=youngest - datetime.timedelta(days=(index * 7919) % (5 * 365)),
        )
        for index, child in enumerate(data.children)
    }
    Participant.objects.bulk_create(participants.values(), batch_size=1000)
    wishes, members = [], []
    for unit in data.units:
        if len(unit.children) > 1:
            group = SiblingGroup.objects.create(
                round=round_, household=participants[unit.children[0]].household
            )
            members += [
                SiblingGroupMember(group=group, participant=participants[c], round=round_)
                for c in unit.children
            ]
        source = (
            EnrolmentSource.PARTNER_REFERRAL
            if "referred" in unit.criteria
            else EnrolmentSource.FAMILY_ONLINE
        )
        wishes += [
            Wish(
                round=round_,
                participant=participants[c],
                activity_id=activity_ids[key],
                rank=rank,
                source=source,
            )
            for c in unit.children
            for rank, key in enumerate(unit.wishes, start=1)
        ]
    SiblingGroupMember.objects.bulk_create(members, batch_size=1000)
    Wish.objects.bulk_create(wishes, batch_size=2000)
    round_.status = RoundStatus.CLOSED
    round_.seed = "bench-seed"
    round_.save()
    return round_


def database_run(data: matching.RoundInput) -> None:
    from allocation import services

    setup_test_environment()
    benchdb.name_test_database(connection, "allocation")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        round_ = build_database(data)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            allocation = services.round_compute(round_=round_)
            elapsed = time.perf_counter() - started
        granted = sum(len(children) for children in allocation.granted.values())
        print(
            f"database ({connection.vendor}): round_compute {elapsed:.3f} s, "
            f"{len(queries.captured_queries)} queries, granted {granted} "
            f"-> {elapsed / CEILING_SECONDS:.4f} of the {CEILING_SECONDS:.0f} s ceiling"
        )
        if elapsed > CEILING_SECONDS:
            sys.exit("over budget")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    children = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    data = build(children)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        result = matching.allocate(data)
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    again = matching.allocate(matching.input_from_json(matching.input_to_json(data)))
    roundtrip = time.perf_counter() - started
    assert again.digest() == result.digest()
    granted = sum(len(children) for children in result.granted.values())
    waiting = sum(len(children) for children in result.waitlists.values())
    places = sum(activity.capacity for activity in data.activities)
    median = statistics.median(timings)
    print(
        f"children {children}, units {len(data.units)}, wishes "
        f"{sum(len(u.wishes) * len(u.children) for u in data.units)}, activities "
        f"{len(data.activities)}, places {places}"
    )
    print(f"granted {granted}, waiting places {waiting}")
    print(
        f"allocate: median {median:.3f} s, max {max(timings):.3f} s over {len(timings)} runs "
        f"-> {median / CEILING_SECONDS:.4f} of the {CEILING_SECONDS:.0f} s ceiling"
    )
    print(
        f"reproduce from stored JSON: {roundtrip:.3f} s "
        f"-> {roundtrip / CEILING_SECONDS:.4f} of the ceiling"
    )
    if max(timings) > CEILING_SECONDS:
        sys.exit("over budget")
    database_run(data)


if __name__ == "__main__":
    main()
