"""Register pages: my sessions today, the register without script, walk-ins, headcounts,
follow-ups and figures; rights and query counts."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from attendance.models import AnonymousHeadcount, Attendance, FollowUp
from programmes.models import Kind
from tests.factories import (
    MediatorFactory,
    ParticipantFactory,
    SessionFactory,
    build_register,
    user_with_role,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 11, 25, 15, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def mediator_client(client):
    session, mediator, people = build_register(participants=3, starts_at=NOW.replace(hour=14))
    client.force_login(mediator.user)
    return client, session, people


def test_today_lists_the_mediators_sessions_first(mediator_client):
    client, session, _people = mediator_client
    SessionFactory(starts_at=NOW.replace(hour=10))  # someone else's
    response = client.get(reverse("attendance:today"))
    assert response.status_code == 200
    assert response.content.decode().count("/attendance/sessions/") == 1
    assert reverse("attendance:register", args=[session.pk]) in response.content.decode()


@pytest.mark.parametrize("size", [10, 60])
def test_register_page_makes_a_bounded_number_of_queries(
    client, size, django_assert_max_num_queries
):
    session, mediator, people = build_register(participants=size, starts_at=NOW.replace(hour=14))
    Attendance.objects.bulk_create(
        [Attendance(session=session, participant=person, status="present") for person in people]
    )
    client.force_login(mediator.user)
    # Check-outs, signatures and the audit of the read, once per register whatever its size.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("attendance:register", args=[session.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="register-row"') == size
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "inline script breaks the CSP"


def test_register_without_script_saves_the_form(mediator_client):
    client, session, people = mediator_client
    url = reverse("attendance:register", args=[session.pk])
    response = client.post(url, {"all_present": "1"})
    assert response.status_code == 302
    assert set(Attendance.objects.values_list("status", flat=True)) == {"present"}
    client.post(url, {f"status-{people[0].pk}": "absent", f"note-{people[0].pk}": "ill"})
    row = Attendance.objects.get(participant=people[0])
    assert (row.status, row.note) == ("absent", "ill")
    assert row.corrections.count() == 1
    page = client.get(url).content.decode()
    assert "Corrections" in page


def test_walk_ins_found_by_name_or_new(mediator_client):
    client, session, _people = mediator_client
    user = session.programme.mediators.first().user
    known = ParticipantFactory(first_name="Yanis", last_name="Bensaïd", household__created_by=user)
    ParticipantFactory(first_name="Yanis", last_name="Hidden")  # another mediator's family
    url = reverse("attendance:walk-in", args=[session.pk])
    page = client.get(url, {"q": "yanis"}).content.decode()
    assert "BENSAÏD" in page and "HIDDEN" not in page
    response = client.post(url, {"participant": known.pk, "q": "yanis"})
    assert response.status_code == 302
    assert Attendance.objects.get(participant=known).walk_in
    response = client.post(url, {"first_name": "Lina", "last_name": "", "birth_date": ""})
    assert response.status_code == 200
    assert 'aria-describedby="id_last_name-errors"' in response.content.decode()
    response = client.post(
        url, {"first_name": "Lina", "last_name": "Haddad", "birth_date": "2016-03-01"}
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(participant__first_name="Lina", walk_in=True).exists()


def test_headcount_form_on_health_prevention_registers(client):
    session, mediator, _people = build_register(
        participants=0,
        whole_cycle=False,
        kind=Kind.HEALTH_PREVENTION,
        starts_at=NOW.replace(hour=9),
    )
    client.force_login(mediator.user)
    url = reverse("attendance:register", args=[session.pk])
    assert "People who did not give their names" in client.get(url).content.decode()
    client.post(reverse("attendance:headcount", args=[session.pk]), {"18-25": "4", "65+": "2"})
    assert dict(AnonymousHeadcount.objects.values_list("age_band", "count")) == {
        "18-25": 4,
        "65+": 2,
    }


@pytest.mark.parametrize("who", ["family", "partner", "other_mediator"])
def test_register_pages_refuse_others(client, who):
    session, _mediator, people = build_register(participants=1, starts_at=NOW.replace(hour=14))
    user = MediatorFactory().user if who == "other_mediator" else user_with_role(who)
    client.force_login(user)
    url = reverse("attendance:register", args=[session.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {f"status-{people[0].pk}": "present"}).status_code == 403
    assert client.get(reverse("attendance:walk-in", args=[session.pk])).status_code == 403
    assert not Attendance.objects.exists()
    programme_url = reverse("attendance:programme", args=[session.programme_id])
    assert client.get(programme_url).status_code == 404


def test_locked_register_is_read_only_for_mediators(mediator_client, settings):
    client, session, _people = mediator_client
    settings.ATTENDANCE_LOCK_DAYS = 1
    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        page = client.get(reverse("attendance:register", args=[session.pk])).content.decode()
    assert "only a coordinator can correct it" in page
    assert 'id="save-register"' not in page
    client.force_login(user_with_role(Role.COORDINATOR))
    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        page = client.get(reverse("attendance:register", args=[session.pk])).content.decode()
    assert 'name="reason"' in page


def test_follow_ups_page_and_close(mediator_client):
    client, session, people = mediator_client
    earlier = SessionFactory(
        programme=session.programme, starts_at=NOW - datetime.timedelta(days=2)
    )
    for target in (earlier, session):
        client.post(
            reverse("attendance:register", args=[target.pk]), {f"status-{people[0].pk}": "absent"}
        )
    follow_up = FollowUp.objects.get()
    page = client.get(reverse("attendance:follow-ups")).content.decode()
    assert people[0].full_name in page
    response = client.post(
        reverse("attendance:follow-up-close", args=[follow_up.pk]),
        {f"f{follow_up.pk}-outcome": "not_reached"},
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.outcome == "not_reached" and not follow_up.is_open


def test_programme_figures_page(mediator_client, django_assert_max_num_queries):
    client, session, people = mediator_client
    client.post(reverse("attendance:register", args=[session.pk]), {"all_present": "1"})
    with django_assert_max_num_queries(10):
        page = client.get(reverse("attendance:programme", args=[session.programme_id]))
    assert "100 %" in page.content.decode()


def test_service_worker_is_served_under_the_register_scope(client):
    response = client.get(reverse("attendance:service-worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"caches.open" in response.content


def test_programme_page_shows_the_rate_to_its_staff_only(mediator_client):
    client, session, _people = mediator_client
    client.post(reverse("attendance:register", args=[session.pk]), {"all_present": "1"})
    url = session.programme.get_absolute_url()
    assert "Attendance rate: 100 %" in client.get(url).content.decode()
    client.force_login(user_with_role(Role.FAMILY))
    assert "Attendance rate" not in client.get(url).content.decode()
    client.logout()
    assert "Attendance rate" not in client.get(url).content.decode()


def test_sessions_with_marks_survive_a_schedule_regeneration(mediator_client):
    from sessions import hooks

    _client, session, people = mediator_client
    other = SessionFactory(programme=session.programme, starts_at=NOW.replace(hour=9))
    Attendance.objects.create(session=session, participant=people[0], status="present")
    # A whole cycle with people enrolled: every one of its sessions is expected, marked or not.
    assert hooks.sessions_in_use([session.pk, other.pk]) == {session.pk, other.pk}
    nobody_expected = SessionFactory(starts_at=NOW.replace(hour=9))
    assert nobody_expected.pk not in hooks.sessions_in_use([nobody_expected.pk])


def test_follow_ups_page_is_audited_and_bounded(client, django_assert_max_num_queries):
    from accounts.models import AuditEvent

    session, mediator, people = build_register(
        participants=6, starts_at=NOW - datetime.timedelta(days=1)
    )
    today = SessionFactory(programme=session.programme, starts_at=NOW.replace(hour=14))
    client.force_login(mediator.user)
    for target in (session, today):
        client.post(
            reverse("attendance:register", args=[target.pk]),
            {f"status-{person.pk}": "absent" for person in people},
        )
    assert FollowUp.objects.count() == 6
    with django_assert_max_num_queries(12):
        page = client.get(reverse("attendance:follow-ups"))
    assert page.content.decode().count('class="card"') == 6
    # One event for the request, naming every household whose contacts were shown.
    event = AuditEvent.objects.get(action="view", summary="follow-ups of absences")
    assert event.object_type == "households.household"
    assert sorted(event.object_ids) == sorted({person.household_id for person in people})
