"""Benchmark: the reports over a school year with 50,000 attendance marks.

Builds its own data in a throwaway database (SQLite under a temporary folder, or a test database
next to DATABASE_URL's): 20 programmes of the four kinds (half enrolled by whole cycle, half by
session), a session a week from September to June, 2,000 participants in 1,200 households across
eight neighbourhoods, and registers taken at every session, then prints for the 2025–26 school
year:

- the indicators alone (``report_summary``): time and queries;
- the coordinator's dashboard and a partner's (masked) over HTTP, the API summary, the annual
  report: time and queries;
- exports: the indicators as XLSX, the attendance list as streamed CSV and as XLSX written by
  the worker's service.

Run: .venv/bin/python benchmarks/bench_reports.py [number of attendance marks]
"""

import datetime
import os
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
import benchdb  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A folder of its own: never the development or test database.
os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="bench-reports-")
# Pages are rendered without collectstatic.
os.environ["STATIC_MANIFEST"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ATTENDANCES = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
PROGRAMMES = 20
PARTICIPANTS = 2_000
HOUSEHOLDS = 1_200
REPEAT = 3
PARIS = ZoneInfo("Europe/Paris")
YEAR_START = datetime.date(2025, 9, 1)
QUERY = {"start": "2025-09-01", "end": "2026-08-31"}


def build_data() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.roles import Role
    from attendance.models import AnonymousHeadcount, Attendance, AttendanceStatus, FollowUp
    from enrolment.models import Enrolment, EnrolmentStatus
    from households.models import Household, Participant, Sex
    from programmes.models import Kind, Mediator, Partner, Programme, ProgrammeStatus, Venue
    from sessions.models import Session

    User = get_user_model()
    coordinator = User.objects.create(username="coordinator")
    coordinator.groups.add(Group.objects.get_or_create(name=Role.COORDINATOR)[0])
    partner_user = User.objects.create(username="partner")
    partner_user.groups.add(Group.objects.get_or_create(name=Role.PARTNER)[0])
    partner = Partner.objects.create(name="Centre social", kind="social_centre")
    partner.members.add(partner_user)
    mediator = Mediator.objects.create(
        user=User.objects.create(username="mediator"), field="socio_educational"
    )
    venues = [
        Venue.objects.create(
            name=f"Salle {n}",
            address=f"{n} rue de la Paix",
            neighbourhood=f"Quartier {n}",
            in_qpv=n % 2 == 0,
        )
        for n in range(4)
    ]
    kinds = list(Kind)
    programmes = []
    for index in range(PROGRAMMES):
        programme = Programme.objects.create(
            title=f"Atelier {index:02d}",
            slug=f"atelier-{index:02d}",
            kind=kinds[index % len(kinds)],
            field="socio_educational",
            audience="children",
            enrolment_mode="whole_cycle" if index % 2 else "per_session",
            capacity=100,
            venue=venues[index % len(venues)],
            status=ProgrammeStatus.PUBLISHED,
        )
        programme.mediators.add(mediator)
        if index % 3 == 0:
            programme.partners.add(partner)
        programmes.append(programme)

    weeks = [YEAR_START + datetime.timedelta(days=7 * week) for week in range(43)]
    sessions = Session.objects.bulk_create(
        [
            Session(
                programme=programme,
                venue=programme.venue,
                starts_at=datetime.datetime.combine(day, datetime.time(14), tzinfo=PARIS),
                ends_at=datetime.datetime.combine(day, datetime.time(16), tzinfo=PARIS),
            )
            for programme in programmes
            for day in weeks
        ],
        batch_size=2000,
    )

    households = Household.objects.bulk_create(
        [Household(neighbourhood=f"Quartier {n % 8}", in_qpv=n % 8 < 5) for n in range(HOUSEHOLDS)],
        batch_size=2000,
    )
    sexes = list(Sex)
    participants = Participant.objects.bulk_create(
        [
            Participant(
                household=households[n % HOUSEHOLDS],
                first_name=f"Prénom{n}",
                last_name=f"Nom{n}",
                sex=sexes[n % 3],
                birth_date=datetime.date(1950 + n % 73, 1 + n % 12, 1 + n % 28),
            )
            for n in range(PARTICIPANTS)
        ],
        batch_size=2000,
    )

    per_session = max(1, ATTENDANCES // len(sessions))
    statuses = [AttendanceStatus.PRESENT] * 6 + [
        AttendanceStatus.LATE,
        AttendanceStatus.EXCUSED,
        AttendanceStatus.ABSENT,
        AttendanceStatus.ABSENT,
    ]
    enrolments, marks = [], []
    for index, programme in enumerate(programmes):
        group = [participants[(index * per_session + n) % PARTICIPANTS] for n in range(per_session)]
        own = [session for session in sessions if session.programme_id == programme.pk]
        if programme.is_whole_cycle:
            enrolments += [
                Enrolment(
                    participant=person,
                    programme=programme,
                    status=EnrolmentStatus.CONFIRMED,
                    source="mediator",
                )
                for person in group
            ]
        else:
            enrolments += [
                Enrolment(
                    participant=person,
                    programme=programme,
                    session=session,
                    status=EnrolmentStatus.CONFIRMED,
                    source="mediator",
                )
                for session in own
                for person in group
            ]
        marks += [
            Attendance(
                session=session, participant=person, status=statuses[(n + week) % len(statuses)]
            )
            for week, session in enumerate(own)
            for n, person in enumerate(group)
        ]
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    Attendance.objects.bulk_create(marks[:ATTENDANCES], batch_size=5000)
    AnonymousHeadcount.objects.bulk_create(
        [
            AnonymousHeadcount(session=session, age_band="26-64", count=3)
            for session in sessions[::5]
        ]
    )
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                participant=participants[n],
                programme=programmes[n % PROGRAMMES],
                opened_at=datetime.datetime(2026, 1, 10, tzinfo=PARIS),
            )
            for n in range(0, PARTICIPANTS, 40)
        ]
    )
    return {
        "coordinator": coordinator,
        "partner": partner_user,
        "sessions": len(sessions),
        "enrolments": len(enrolments),
        "marks": min(len(marks), ATTENDANCES),
    }


CPU: list[float] = []


def timed(function, *, repeat: int = REPEAT):
    """Best wall time of ``repeat`` runs, and the queries of the last one. The best CPU time of
    this process (which includes SQLite's work, not PostgreSQL's) goes to CPU: steadier than
    wall time on a shared machine."""
    times, cpu = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            result = function()
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    CPU.append(min(cpu))
    return result, min(times), len(queries)


def main() -> None:
    setup_test_environment()
    settings.MEDIA_ROOT = Path(os.environ["VAR_DIR"]) / "media"
    benchdb.name_test_database(connection, "reports")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run() -> None:
    from programmes.models import Programme
    from reports.filters import ReportFilters
    from reports.selectors import report_summary
    from reports.services import new_export_token, report_export_write

    started = time.perf_counter()
    data = build_data()
    print(
        f"Reports benchmark: {data['marks']:,} attendance marks, {data['sessions']:,} sessions, "
        f"{data['enrolments']:,} enrolments, {PARTICIPANTS:,} participants "
        f"({connection.vendor}, best of {REPEAT}; data built in "
        f"{time.perf_counter() - started:.1f} s)"
    )

    filters = ReportFilters(start=YEAR_START, end=datetime.date(2026, 8, 31))
    summary, alone, alone_queries = timed(
        lambda: report_summary(programmes=Programme.objects.all(), filters=filters)
    )
    assert summary.attendances > 0 and summary.sessions_held == data["sessions"]

    coordinator, partner = Client(), Client()
    coordinator.force_login(data["coordinator"])
    partner.force_login(data["partner"])

    def get(client, path, **query):
        response = client.get(path, {**QUERY, **query})
        assert response.status_code == 200, (path, response.status_code)
        return response

    def stream(client, path):
        response = get(client, path)
        return sum(len(chunk) for chunk in response.streaming_content)

    _, dashboard, dashboard_queries = timed(lambda: get(coordinator, "/reports/"))
    _, masked, masked_queries = timed(lambda: get(partner, "/reports/"))
    _, api, api_queries = timed(lambda: get(coordinator, "/api/v1/reports/summary"))
    _, annual, annual_queries = timed(lambda: coordinator.get("/reports/annual/2025/"))
    _, summary_xlsx, _ = timed(lambda: stream(coordinator, "/reports/export/summary.xlsx"))
    size, attendance_csv, _ = timed(
        lambda: stream(coordinator, "/reports/export/attendance.csv"), repeat=1
    )
    path, attendance_xlsx, _ = timed(
        lambda: report_export_write(
            user=data["coordinator"],
            what="attendance",
            query=QUERY,
            anonymous=False,
            token=new_export_token(),
        ),
        repeat=1,
    )

    cpu = iter(CPU)
    print("  (wall time; CPU time of this process in brackets)")
    print(
        f"  indicators alone (report_summary)  {alone * 1000:8.1f} ms [{next(cpu) * 1000:.0f}], "
        f"{alone_queries} queries"
    )
    print(
        f"  coordinator dashboard, HTTP        {dashboard * 1000:8.1f} ms [{next(cpu) * 1000:.0f}], "
        f"{dashboard_queries} queries"
    )
    print(
        f"  partner dashboard (masked), HTTP   {masked * 1000:8.1f} ms [{next(cpu) * 1000:.0f}], "
        f"{masked_queries} queries"
    )
    print(
        f"  API /api/v1/reports/summary        {api * 1000:8.1f} ms [{next(cpu) * 1000:.0f}], "
        f"{api_queries} queries"
    )
    print(
        f"  annual report 2025-26, HTTP        {annual * 1000:8.1f} ms [{next(cpu) * 1000:.0f}], "
        f"{annual_queries} queries"
    )
    print(
        f"  indicators XLSX                    {summary_xlsx * 1000:8.1f} ms "
        f"[{next(cpu) * 1000:.0f}]"
    )
    print(
        f"  attendance list CSV (streamed)     {attendance_csv * 1000:8.1f} ms "
        f"[{next(cpu) * 1000:.0f}], {size / 1024 / 1024:.1f} MiB"
    )
    print(
        f"  attendance list XLSX (worker)      {attendance_xlsx * 1000:8.1f} ms "
        f"[{next(cpu) * 1000:.0f}], {path.stat().st_size / 1024 / 1024:.1f} MiB"
    )
    print(f"  load average                       {os.getloadavg()[0]:.1f}")
    print(
        f"  figures: {summary.participants:,} participants, {summary.households:,} households, "
        f"{summary.attendances:,} attendances, rate {summary.attendance_rate} %"
    )


if __name__ == "__main__":
    main()
