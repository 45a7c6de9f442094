"""Newcomers typed on a phone that may be offline: sent again, they add nobody twice; a refusal
names the item so the phone keeps the others; the page without script adds one person per form."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import ApiToken
from accounts.roles import Role
from attendance.models import Attendance
from attendance.services import WalkInInput, attendance_batch_apply
from households.models import Household, Participant
from tests.factories import build_register, user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 11, 25, 15, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def register():
    return build_register(participants=2, starts_at=NOW.replace(hour=14))


def newcomer(**overrides) -> dict:
    item = {
        "client_id": str(uuid.uuid4()),
        "first_name": "Awa",
        "last_name": "Kourouma-Ndiaye",
        "birth_date": "2015-04-02",
        "neighbourhood": "Les Tilleuls",
        "in_qpv": True,
        "registered_at": (NOW - datetime.timedelta(minutes=20)).isoformat(),
    }
    item.update(overrides)
    return item


def put(client, session, body, user):
    _token, raw = ApiToken.generate(user=user, name="phone")
    return client.put(
        f"/api/v1/sessions/{session.pk}/attendance",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


def test_a_walk_in_sent_twice_adds_one_person(register):
    session, mediator, _people = register
    item = WalkInInput(
        first_name="Awa",
        last_name="Kourouma-Ndiaye",
        birth_date=datetime.date(2015, 4, 2),
        client_id=uuid.uuid4(),
    )
    first = attendance_batch_apply(
        session=session, marked_by=mediator.user, marks=[], walk_ins=[item]
    )
    again = attendance_batch_apply(
        session=session, marked_by=mediator.user, marks=[], walk_ins=[item]
    )
    assert first.walk_ins[0].created and not again.walk_ins[0].created
    assert first.walk_ins[0].participant == again.walk_ins[0].participant
    assert Participant.objects.filter(last_name="Kourouma-Ndiaye").count() == 1
    mark = Attendance.objects.get(participant__last_name="Kourouma-Ndiaye")
    assert (mark.status, mark.walk_in, mark.registration_client_id) == (
        "present",
        True,
        item.client_id,
    )


def test_a_walk_in_replayed_after_its_mark_was_corrected_still_adds_nobody(client, register):
    session, mediator, _people = register
    item = newcomer()
    assert put(client, session, {"walk_ins": [item]}, mediator.user).status_code == 200
    person = Participant.objects.get(last_name="Kourouma-Ndiaye")
    correction = {
        "client_id": str(uuid.uuid4()),
        "participant_id": person.pk,
        "status": "late",
        "client_marked_at": NOW.isoformat(),
    }
    assert put(client, session, {"marks": [correction]}, mediator.user).status_code == 200
    # The phone never heard the first answer and sends its queue again.
    response = put(client, session, {"walk_ins": [item]}, mediator.user)
    assert response.status_code == 200
    assert response.json()["walk_ins"] == [
        {"client_id": item["client_id"], "participant_id": person.pk, "created": False}
    ]
    assert Participant.objects.filter(last_name="Kourouma-Ndiaye").count() == 1
    assert Attendance.objects.get(participant=person).status == "late"


def test_the_api_registers_newcomers_then_marks_in_one_batch(client, register):
    session, mediator, people = register
    mark = {
        "client_id": str(uuid.uuid4()),
        "participant_id": people[0].pk,
        "status": "present",
        "client_marked_at": NOW.isoformat(),
    }
    response = put(client, session, {"walk_ins": [newcomer()], "marks": [mark]}, mediator.user)
    assert response.status_code == 200, response.content
    body = response.json()
    created = Participant.objects.get(last_name="Kourouma-Ndiaye")
    assert body["walk_ins"][0]["participant_id"] == created.pk
    assert {row["participant_id"] for row in body["state"]["rows"]} >= {created.pk, people[0].pk}
    household = created.household
    assert (household.neighbourhood, household.in_qpv, household.created_by) == (
        "Les Tilleuls",
        True,
        mediator.user,
    )


def test_a_refused_walk_in_is_named_by_its_place_and_nothing_of_the_batch_is_kept(client, register):
    session, mediator, people = register
    good = newcomer(first_name="Sami", last_name="Benali")
    future = newcomer(birth_date=(NOW.date() + datetime.timedelta(days=3)).isoformat())
    mark = {"client_id": str(uuid.uuid4()), "participant_id": people[0].pk, "status": "present"}
    households = Household.objects.count()
    response = put(client, session, {"walk_ins": [good, future], "marks": [mark]}, mediator.user)
    # A birth date after today: a conflict with the date, which no schema states.
    assert response.status_code == 409
    body = response.json()
    assert body["errors"][0]["field"] == "walk_ins.1.birth_date"
    assert "Awa Kourouma-Ndiaye" in body["detail"]
    assert Household.objects.count() == households
    assert not Attendance.objects.filter(session=session).exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"first_name": ""}, "first_name"),
        ({"last_name": "x" * 101}, "last_name"),
        ({"birth_date": "1850-01-01"}, "birth_date"),
        ({"first_name": "A\x00b"}, "first_name"),
    ],
)
def test_bad_newcomers_are_refused_naming_the_field(client, register, change, field):
    session, mediator, _people = register
    response = put(client, session, {"walk_ins": [newcomer(**change)]}, mediator.user)
    assert response.status_code == 422
    assert field in str(response.json())
    assert not Participant.objects.filter(last_name="Kourouma-Ndiaye").exists()


def test_a_family_cannot_register_walk_ins(client, register):
    session, _mediator, _people = register
    response = put(client, session, {"walk_ins": [newcomer()]}, user_with_role(Role.FAMILY))
    assert response.status_code in (403, 404)
    assert not Participant.objects.filter(last_name="Kourouma-Ndiaye").exists()


def test_the_form_without_script_sent_twice_adds_one_person(client, register):
    session, mediator, _people = register
    client.force_login(mediator.user)
    url = reverse("attendance:walk-in", args=[session.pk])
    page = client.get(url).content.decode()
    assert 'name="client_id"' in page and 'id="newcomer-form"' in page
    client_id = str(uuid.uuid4())
    data = {
        "first_name": "Awa",
        "last_name": "Kourouma-Ndiaye",
        "birth_date": "2015-04-02",
        "client_id": client_id,
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double tap
    assert Participant.objects.filter(last_name="Kourouma-Ndiaye").count() == 1


def test_a_phone_whose_clock_runs_ahead_keeps_its_marks_at_the_servers_time(client, register):
    """A phone left on manual time after a clock change: its marks are kept, dated now, and a
    later mark from a phone on time still wins."""
    session, mediator, people = register
    ahead = (NOW + datetime.timedelta(hours=2)).isoformat()
    fast = {
        "client_id": str(uuid.uuid4()),
        "participant_id": people[0].pk,
        "status": "late",
        "client_marked_at": ahead,
    }
    response = put(client, session, {"marks": [fast]}, mediator.user)
    assert response.status_code == 200, response.content
    mark = Attendance.objects.get(participant=people[0])
    assert (mark.status, mark.client_marked_at) == ("late", NOW)
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        on_time = {
            "client_id": str(uuid.uuid4()),
            "participant_id": people[0].pk,
            "status": "present",
            "client_marked_at": (NOW + datetime.timedelta(minutes=4)).isoformat(),
        }
        assert put(client, session, {"marks": [on_time]}, mediator.user).status_code == 200
    mark.refresh_from_db()
    assert mark.status == "present"


def test_a_batch_refused_for_one_item_names_every_item_at_fault(client, register):
    """What the phone splits a refused batch on: each error names its item (walk-in or mark),
    so the phone sets those aside and sends the rest again."""
    session, mediator, people = register
    mistyped = newcomer(birth_date="0201-05-04")
    good = {"client_id": str(uuid.uuid4()), "participant_id": people[0].pk, "status": "present"}
    tabbed = {
        "client_id": str(uuid.uuid4()),
        "participant_id": people[1].pk,
        "status": "late",
        "note": "bus\x01late",
    }
    body = {"walk_ins": [mistyped], "marks": [good, tabbed]}
    response = put(client, session, body, mediator.user)
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"walk_ins.0.birth_date", "marks.1.note"}
    assert not Attendance.objects.filter(session=session).exists()

    # Without them the rest goes through, and the same client ids are not applied twice.
    response = put(client, session, {"marks": [good]}, mediator.user)
    assert response.status_code == 200, response.content
    response = put(client, session, {"marks": [good]}, mediator.user)
    assert response.json()["ignored"] == [good["client_id"]]


def test_the_walk_in_page_gives_the_servers_birth_date_window(client, register):
    session, mediator, _people = register
    client.force_login(mediator.user)
    page = client.get(reverse("attendance:walk-in", args=[session.pk])).content.decode()
    assert 'min="1906-01-01"' in page and 'max="2026-11-25"' in page
    assert 'data-earliest="1906-01-01"' in page
    response = client.post(
        reverse("attendance:walk-in", args=[session.pk]),
        {"first_name": "Awa", "last_name": "Diallo", "birth_date": "1905-12-31"},
    )
    assert response.status_code == 200
    assert "the year looks wrong" in response.content.decode()
