"""The register's safety flags and check-out: what a facilitator sees and records on a phone,
the alert when a child leaves with someone not on the list, and the mediator's warning about a
child present and never checked out."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import ApiToken, AuditEvent
from accounts.roles import Role
from attendance.models import CheckOut
from attendance.selectors import check_outs_to_unlisted, children_not_checked_out
from notifications.models import Message, MessageKind
from tests.factories import (
    MediatorFactory,
    build_register,
    fill_safety_sheet,
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
def day():
    """A holiday activity this afternoon with four children, each sheet different, and the
    session's facilitator."""
    session, mediator, people = build_register(
        participants=4, whole_cycle=False, starts_at=NOW.replace(hour=14)
    )
    facilitator = MediatorFactory()
    session.facilitators.add(facilitator)
    allergic, with_pai, independent, without_sheet = people
    fill_safety_sheet(allergic, allergies="Arachides", photos=False)
    fill_safety_sheet(with_pai, allergies="", has_pai=True)
    fill_safety_sheet(independent, allergies="", may_leave_alone=True)
    coordinator = user_with_role(Role.COORDINATOR, email="coordination@example.org")
    return {
        "session": session,
        "mediator": mediator.user,
        "facilitator": facilitator.user,
        "people": people,
        "coordinator": coordinator,
        "allergic": allergic,
        "with_pai": with_pai,
        "independent": independent,
        "without_sheet": without_sheet,
    }


def bearer(user) -> dict:
    _token, raw = ApiToken.generate(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def url(session) -> str:
    return f"/api/v1/sessions/{session.pk}/attendance"


def present(people):
    return [
        {
            "client_id": str(uuid.uuid4()),
            "participant_id": person.pk,
            "status": "present",
            "client_marked_at": NOW.isoformat(),
        }
        for person in people
    ]


def check_out(person, collected_by, name="", note="", minutes=60):
    return {
        "client_id": str(uuid.uuid4()),
        "participant_id": person.pk,
        "collected_by": collected_by,
        "collector_name": name,
        "note": note,
        "checked_out_at": (NOW + datetime.timedelta(minutes=minutes)).isoformat(),
    }


def send(client, session, headers, marks=(), check_outs=(), openings=()):
    return client.put(
        url(session),
        {"marks": list(marks), "check_outs": list(check_outs), "openings": list(openings)},
        content_type="application/json",
        **headers,
    )


def test_the_facilitator_sees_each_childs_flags(client, day):
    response = client.get(url(day["session"]), **bearer(day["facilitator"]))
    flags = {row["participant_id"]: row["flags"] for row in response.json()["rows"]}
    assert flags[day["allergic"].pk] == {
        "allergy": True,
        "pai": False,
        "may_not_leave_alone": True,
        "no_photos": True,
    }
    assert flags[day["with_pai"].pk]["pai"] is True
    assert flags[day["independent"].pk]["may_not_leave_alone"] is False
    assert flags[day["without_sheet"].pk]["no_photos"] is True


@pytest.mark.parametrize("who", ["mediator", "coordinator"])
def test_who_is_not_facilitating_gets_the_register_without_flags(client, day, who):
    response = client.get(url(day["session"]), **bearer(day[who]))
    assert response.status_code == 200
    assert all(row["flags"] is None for row in response.json()["rows"])


def test_the_register_page_shows_flags_and_details_to_the_facilitator_only(client, day):
    client.force_login(day["facilitator"])
    page = client.get(f"/attendance/sessions/{day['session'].pk}/").content.decode()
    assert "Allergy" in page and "Arachides" in page and "PAI" in page
    client.force_login(day["mediator"])
    page = client.get(f"/attendance/sessions/{day['session'].pk}/").content.decode()
    assert "Arachides" not in page


@pytest.mark.parametrize("size", [3, 30])
def test_the_register_with_flags_makes_a_bounded_number_of_queries(
    client, size, django_assert_max_num_queries
):
    session, _mediator, people = build_register(
        participants=size, whole_cycle=False, starts_at=NOW.replace(hour=14)
    )
    facilitator = MediatorFactory()
    session.facilitators.add(facilitator)
    for person in people:
        fill_safety_sheet(person, has_pai=True)
    headers = bearer(facilitator.user)
    send(
        client,
        session,
        headers,
        marks=present(people),
        check_outs=[check_out(person, "authorised", "Awa Diallo") for person in people[:2]],
    )
    client.force_login(facilitator.user)
    with django_assert_max_num_queries(22):
        page = client.get(f"/attendance/sessions/{session.pk}/")
    assert page.content.decode().count('class="safety-details"') == size
    # One more than the page: the audit event naming the children read.
    with django_assert_max_num_queries(15):
        response = client.get(url(session), **headers)
    assert sum(row["flags"]["pai"] for row in response.json()["rows"]) == size


def test_check_outs_to_an_authorised_person_alone_and_someone_else(
    client, day, django_capture_on_commit_callbacks
):
    headers = bearer(day["facilitator"])
    batch = [
        check_out(day["allergic"], "authorised", "awa diallo"),
        check_out(day["independent"], "alone"),
        check_out(day["with_pai"], "other", "Karim B.", "Voisin, carte d'identité vue"),
    ]
    with django_capture_on_commit_callbacks(execute=False):
        response = send(
            client, day["session"], headers, marks=present(day["people"]), check_outs=batch
        )
    assert response.status_code == 200, response.json()
    assert len(response.json()["check_outs_applied"]) == 3
    rows = {row["participant_id"]: row for row in response.json()["state"]["rows"]}
    assert rows[day["independent"].pk]["check_out"]["collected_by"] == "alone"
    assert rows[day["without_sheet"].pk]["needs_check_out"] is True
    # The unlisted pick-up reaches the programme's mediator and the coordinator, not the family.
    alerts = Message.objects.filter(kind=MessageKind.CHECK_OUT_UNLISTED)
    assert {message.recipient_user for message in alerts} == {day["mediator"], day["coordinator"]}
    assert "Arachides" not in str([message.context for message in alerts])

    # Sent again after a lost connection: nothing changes, nobody is told twice.
    again = send(client, day["session"], headers, check_outs=batch)
    assert len(again.json()["check_outs_ignored"]) == 3
    assert CheckOut.objects.count() == 3
    assert alerts.count() == 2


@pytest.mark.parametrize(
    ("collected_by", "name", "note", "field"),
    [
        ("alone", "", "", "check_outs.0.collected_by"),  # may not leave alone
        ("authorised", "Inconnu", "", "check_outs.0.collector_name"),  # not on the list
        ("other", "Karim B.", "", "check_outs.0.note"),  # a note is mandatory
        ("other", "", "Voisin", "check_outs.0.collector_name"),
        ("teleported", "", "", "check_outs.0.collected_by"),
    ],
)
def test_a_check_out_that_breaks_the_sheet_is_refused_and_loses_nothing(
    client, day, collected_by, name, note, field
):
    headers = bearer(day["facilitator"])
    response = send(
        client,
        day["session"],
        headers,
        marks=present([day["allergic"]]),
        check_outs=[check_out(day["allergic"], collected_by, name, note)],
    )
    # An unknown way of leaving is refused at the edge (the schema's enum): 422; the rules of
    # the sheet by the service: 400. Both name the field.
    assert response.status_code == (422 if collected_by == "teleported" else 400)
    assert response.json()["errors"][0]["field"] == field
    assert not CheckOut.objects.exists()
    assert response.json()["errors"]  # the marks of the same batch are not kept either
    assert not day["session"].attendances.exists()


def test_a_child_not_marked_present_cannot_be_checked_out(client, day):
    response = send(
        client,
        day["session"],
        bearer(day["facilitator"]),
        check_outs=[check_out(day["allergic"], "authorised", "Awa Diallo")],
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "check_outs.0.participant_id"


def test_a_partner_or_a_family_cannot_check_a_child_out(client, day):
    for role in (Role.PARTNER, Role.FAMILY):
        response = send(
            client,
            day["session"],
            bearer(user_with_role(role)),
            check_outs=[check_out(day["allergic"], "alone")],
        )
        assert response.status_code in (403, 404)
    assert not CheckOut.objects.exists()


def test_each_opening_of_the_details_is_audited_once(client, day):
    opening = {
        "client_id": str(uuid.uuid4()),
        "participant_id": day["allergic"].pk,
        "opened_at": NOW.isoformat(),
    }
    headers = bearer(day["facilitator"])
    send(client, day["session"], headers, openings=[opening])
    send(client, day["session"], headers, openings=[opening])
    events = AuditEvent.objects.filter(
        action="view", object_type="households.safetysheet", actor=day["facilitator"]
    )
    assert events.count() == 1


def test_a_child_present_and_not_checked_out_is_flagged_after_the_session(client, day):
    headers = bearer(day["facilitator"])
    send(
        client,
        day["session"],
        headers,
        marks=present(day["people"][:2]),
        check_outs=[check_out(day["allergic"], "authorised", "Awa Diallo")],
    )
    # During the session: nothing to warn about yet.
    assert children_not_checked_out(user=day["mediator"]) == []
    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        assert [(s.pk, n) for s, n in children_not_checked_out(user=day["mediator"])] == [
            (day["session"].pk, 1)
        ]
        client.force_login(day["facilitator"])
        page = client.get(f"/attendance/sessions/{day['session'].pk}/").content.decode()
        assert "1 child marked present has not been checked out." in page
        client.force_login(day["mediator"])
        home = client.get("/").content.decode()
        assert "not checked out" in home


def test_reports_count_unlisted_pick_ups_without_names(client, day):
    send(
        client,
        day["session"],
        bearer(day["facilitator"]),
        marks=present(day["people"]),
        check_outs=[check_out(day["with_pai"], "other", "Karim B.", "Voisin")],
    )
    start = NOW - datetime.timedelta(days=1)
    assert check_outs_to_unlisted(start=start, end=NOW + datetime.timedelta(days=1)) == 1
    assert check_outs_to_unlisted(start=start - datetime.timedelta(days=9), end=start) == 0
    with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
        client.force_login(day["coordinator"])
        this_month = client.get("/api/v1/reports/summary?start=2026-11-01&end=2026-11-30")
        last_month = client.get("/api/v1/reports/summary?start=2026-10-01&end=2026-10-31")
    assert this_month.json()["check_outs_unlisted"] == 1
    assert last_month.json()["check_outs_unlisted"] == 0
    assert "Karim" not in this_month.content.decode()
