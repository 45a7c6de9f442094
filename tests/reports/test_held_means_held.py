"""Held means held: a session counts as held only when its register was taken, or when a
coordinator declared it held without one; the other past sessions are "register missing"."""

import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from attendance.models import Attendance, HeldDeclaration
from enrolment.models import EnrolmentStatus
from programmes.models import EnrolmentMode
from tests.factories import (
    EnrolmentFactory,
    MediatorFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=PARIS)
QUERY = {"start": "2026-11-01", "end": "2026-11-30"}


@pytest.fixture
def five_past_sessions():
    with time_machine.travel(NOW, tick=False):
        mediator = MediatorFactory(user=UserFactory(username="mediatrice", roles=[Role.MEDIATOR]))
        programme = ProgrammeFactory(
            title="Santé des femmes",
            enrolment_mode=EnrolmentMode.PER_SESSION,
            min_age=None,
            max_age=None,
        )
        programme.mediators.add(mediator)
        sessions = []
        for day in (13, 14, 16, 17, 18):
            starts_at = datetime.datetime(2026, 11, day, 14, tzinfo=PARIS)
            session = SessionFactory(
                programme=programme,
                venue=programme.venue,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=2),
            )
            EnrolmentFactory(
                programme=programme,
                session=session,
                participant=ParticipantFactory(),
                status=EnrolmentStatus.CONFIRMED,
            )
            sessions.append(session)
        # One session to come: neither held nor missing.
        SessionFactory(
            programme=programme,
            venue=programme.venue,
            starts_at=datetime.datetime(2026, 11, 25, 14, tzinfo=PARIS),
            ends_at=datetime.datetime(2026, 11, 25, 16, tzinfo=PARIS),
        )
        yield programme, mediator.user, sessions


def api_summary(client) -> dict:
    response = client.get("/api/v1/reports/summary", QUERY)
    assert response.status_code == 200
    return response.json()


def xlsx_summary(client) -> openpyxl.Workbook:
    response = client.get("/reports/export/summary.xlsx", QUERY)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_three_registers_of_five_give_three_held_and_two_missing(
    client, five_past_sessions, english
):
    programme, mediator, sessions = five_past_sessions
    taken, missing = sessions[:3], sessions[3:]
    with time_machine.travel(NOW, tick=False):
        # The mediator takes three registers on the phone, one tap each.
        client.force_login(mediator)
        for session in taken:
            response = client.post(
                reverse("attendance:register", args=[session.pk]), {"all_present": "1"}
            )
            assert response.status_code == 302
        assert Attendance.objects.filter(session__in=taken).count() == 3

        # The other two wait on the mediator's page as registers missing.
        page = client.get(reverse("attendance:today")).content.decode()
        assert "Registers missing" in page
        for session in missing:
            assert reverse("attendance:register", args=[session.pk]) in page
        for session in taken:
            assert reverse("attendance:register", args=[session.pk]) not in page

        client.force_login(user_with_role(Role.COORDINATOR))
        body = api_summary(client)
        assert (
            body["sessions_planned"],
            body["sessions_held"],
            body["sessions_register_missing"],
            body["sessions_held_without_register"],
        ) == (6, 3, 2, 0)
        assert [row["session_id"] for row in body["missing_registers"]] == [
            session.pk for session in missing
        ]
        [row] = body["by_programme"]
        assert (row["sessions_held"], row["sessions_register_missing"]) == (3, 2)
        assert [month["sessions_held"] for month in body["over_time"]] == [3]

        # The XLSX says the same.
        workbook = xlsx_summary(client)
        indicators = {
            name: value
            for name, value, *_rest in workbook["Indicators"].iter_rows(values_only=True)
        }
        assert indicators["Sessions held"] == body["sessions_held"] == 3
        assert indicators["Past sessions with the register missing (not held)"] == 2
        assert indicators["of which held without a register"] == 0
        by_programme = list(workbook["By programme"].iter_rows(values_only=True))
        header, values = by_programme[0], by_programme[1]
        assert values[header.index("Sessions held")] == row["sessions_held"]
        assert values[header.index("Register missing")] == row["sessions_register_missing"]
        assert len(list(workbook["Registers missing"].iter_rows(values_only=True))) == 1 + 2

        # The coordinator's report page lists them, with a link to each register.
        page = client.get(reverse("reports:dashboard"), QUERY).content.decode()
        assert 'data-indicator="sessions_register_missing"' in page
        for session in missing:
            assert reverse("attendance:register", args=[session.pk]) in page


def test_coordinator_declares_a_session_held_without_a_register(
    client, five_past_sessions, english
):
    _programme, mediator, sessions = five_past_sessions
    url = reverse("attendance:held-declare", args=[sessions[0].pk])
    with time_machine.travel(NOW, tick=False):
        # A mediator cannot declare it.
        client.force_login(mediator)
        client.post(url, {"reason": "Feuille papier"})
        assert not HeldDeclaration.objects.exists()

        client.force_login(user_with_role(Role.COORDINATOR))
        register_page = client.get(reverse("attendance:register", args=[sessions[0].pk]))
        assert 'id="held-form"' in register_page.content.decode()
        # Without a reason: refused, nothing counted.
        client.post(url, {"reason": "  "})
        assert not HeldDeclaration.objects.exists()
        response = client.post(url, {"reason": "Register kept on paper"}, follow=True)
        assert "Counted as held without a register (Register kept on paper)" in (
            response.content.decode()
        )

        body = api_summary(client)
        assert (
            body["sessions_held"],
            body["sessions_held_without_register"],
            body["sessions_register_missing"],
        ) == (1, 1, 4)
        indicators = {
            name: value
            for name, value, *_rest in xlsx_summary(client)["Indicators"].iter_rows(
                values_only=True
            )
        }
        assert indicators["of which held without a register"] == 1


def test_a_session_to_come_cannot_be_declared_held(client, five_past_sessions, english):
    programme, _mediator, _sessions = five_past_sessions
    coming = programme.sessions.order_by("-starts_at").first()
    with time_machine.travel(NOW, tick=False):
        client.force_login(user_with_role(Role.COORDINATOR))
        response = client.post(
            reverse("attendance:held-declare", args=[coming.pk]), {"reason": "Paper"}, follow=True
        )
    assert "only once it has started" in response.content.decode()
    assert not HeldDeclaration.objects.exists()
