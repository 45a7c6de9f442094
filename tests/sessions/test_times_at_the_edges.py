"""Times that do not exist or happen twice (Europe/Paris DST changes), and dates past what the
calendar can hold: each is a form error naming its field, never a server error.

The rule (core.time.is_skipped_local_time): a time skipped when clocks go forward (02:00–03:00
on the last Sunday of March) is refused; a time that happens twice (the last Sunday of
October) is the first one, in summer time.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from core.time import is_skipped_local_time, local_datetime, local_time_exists
from sessions.models import Schedule, ScheduleKind, Session, SessionStatus
from sessions.scheduling import ScheduleRule, SkipReason, plan_schedule
from sessions.services import SessionError, session_move
from tests.factories import ProgrammeFactory, SessionFactory, user_with_role

pytestmark = pytest.mark.django_db

SPRING_FORWARD = datetime.date(2027, 3, 28)  # last Sunday of March 2027
FALL_BACK = datetime.date(2027, 10, 31)  # last Sunday of October 2027
NOW = datetime.datetime(2027, 1, 15, 9, tzinfo=datetime.UTC)


@pytest.fixture
def coordinator_client(client):
    with time_machine.travel(NOW, tick=False):  # signed in on the day the tests travel to
        client.force_login(user_with_role(Role.COORDINATOR))
    return client


def test_which_local_times_exist():
    assert not local_time_exists(SPRING_FORWARD, datetime.time(2, 30))
    assert local_time_exists(SPRING_FORWARD, datetime.time(3, 0))
    assert local_time_exists(SPRING_FORWARD, datetime.time(1, 59))
    # Twice in October: it exists, read the first time (summer time, UTC+2).
    assert local_time_exists(FALL_BACK, datetime.time(2, 30))
    first = local_datetime(FALL_BACK, datetime.time(2, 30))
    assert first.astimezone(datetime.UTC) == datetime.datetime(
        2027, 10, 31, 0, 30, tzinfo=datetime.UTC
    )
    assert not is_skipped_local_time(datetime.datetime(2027, 3, 28, 2, 30))  # naive: no zone


def move_data(session, day, start, end) -> dict:
    return {
        "date": day,
        "start_time": start,
        "end_time": end,
        "venue": session.venue_id,
        "reason_code": "weather",
        "action": "save",
    }


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("start", "end", "field"), [("02:30", "03:30", "start_time"), ("01:00", "02:15", "end_time")]
)
def test_moving_a_session_into_the_skipped_hour_is_refused_on_its_field(
    coordinator_client, english, start, end, field
):
    session = SessionFactory()
    before = session.starts_at
    url = reverse("coordination:session-move", args=[session.pk])
    response = coordinator_client.post(url, move_data(session, "2027-03-28", start, end))
    assert response.status_code == 200
    assert "clocks go forward" in response.context["form"].errors[field][0]
    session.refresh_from_db()
    assert session.starts_at == before and session.status == SessionStatus.SCHEDULED


@time_machine.travel(NOW, tick=False)
def test_moving_a_session_into_the_hour_that_happens_twice_takes_the_first(
    coordinator_client, english
):
    session = SessionFactory()
    url = reverse("coordination:session-move", args=[session.pk])
    response = coordinator_client.post(url, move_data(session, "2027-10-31", "02:30", "03:30"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == datetime.datetime(2027, 10, 31, 0, 30, tzinfo=datetime.UTC)
    assert session.ends_at == datetime.datetime(2027, 10, 31, 2, 30, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
def test_the_move_service_refuses_a_skipped_time_naming_it(english):
    session = SessionFactory()
    with pytest.raises(SessionError) as refused:
        session_move(
            session=session,
            starts_at=local_datetime(SPRING_FORWARD, datetime.time(2, 30)),
            ends_at=local_datetime(SPRING_FORWARD, datetime.time(4, 0)),
            reason_code="weather",
        )
    assert refused.value.field == "starts_at"


def schedule_data(**extra) -> dict:
    data = {
        "kind": ScheduleKind.DATE_LIST,
        "dates": "28/03/2027",
        "start_time": "02:30",
        "end_time": "03:30",
        "skip_school_holidays": "",
        "skip_public_holidays": "",
        "action": "save",
    }
    data.update(extra)
    return data


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("action", ["preview", "save"])
def test_a_schedule_at_a_skipped_time_is_refused_on_its_field(coordinator_client, english, action):
    programme = ProgrammeFactory()
    url = reverse("coordination:schedule-create", args=[programme.pk])
    response = coordinator_client.post(url, schedule_data(action=action))
    assert response.status_code == 200
    assert "March 28, 2027" in response.context["form"].errors["start_time"][0]
    assert not Schedule.objects.filter(programme=programme).exists()
    # Excluding that date, or another time, is accepted.
    weekly = schedule_data(
        kind=ScheduleKind.WEEKLY,
        dates="",
        weekdays=["6"],
        start_date="2027-03-21",
        end_date="2027-04-04",
        excluded_dates="28/03/2027",
        action="preview",
    )
    response = coordinator_client.post(url, weekly)
    assert not response.context["form"].errors
    assert [row.occurrence.date.day for row in response.context["preview"].rows] == [21, 4]


@time_machine.travel(NOW, tick=False)
def test_a_schedule_in_the_hour_that_happens_twice_is_saved(coordinator_client, english):
    programme = ProgrammeFactory()
    url = reverse("coordination:schedule-create", args=[programme.pk])
    response = coordinator_client.post(url, schedule_data(dates="31/10/2027"))
    assert response.status_code == 302
    session = Session.objects.get(schedule__programme=programme)
    assert session.starts_at == datetime.datetime(2027, 10, 31, 0, 30, tzinfo=datetime.UTC)


def test_a_stored_rule_at_a_skipped_time_skips_that_date():
    rule = ScheduleRule(
        kind=ScheduleKind.DATE_LIST,
        start_time=datetime.time(2, 30),
        end_time=datetime.time(3, 30),
        dates=(SPRING_FORWARD, FALL_BACK),
        skip_school_holidays=False,
        skip_public_holidays=False,
    )
    plan = plan_schedule(rule)
    assert [occurrence.date for occurrence in plan.occurrences] == [FALL_BACK]
    assert [(item.date, item.reason) for item in plan.skipped] == [
        (SPRING_FORWARD, SkipReason.TIME_DOES_NOT_EXIST)
    ]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"dates": "31/12/9999"}, "dates"),
        (
            {
                "kind": ScheduleKind.WEEKLY,
                "dates": "",
                "weekdays": ["2"],
                "start_date": "9999-12-01",
                "end_date": "9999-12-31",
            },
            "start_date",
        ),
    ],
)
def test_a_schedule_in_year_9999_is_a_form_error(coordinator_client, english, extra, field):
    programme = ProgrammeFactory()
    url = reverse("coordination:schedule-create", args=[programme.pk])
    data = schedule_data(start_time="14:00", end_time="16:00", action="preview", **extra)
    response = coordinator_client.post(url, data)
    assert response.status_code == 200
    assert "between 1900 and 2199" in response.context["form"].errors[field][0]
    create = reverse("coordination:programme-create")
    response = coordinator_client.post(create, {f"schedule-{k}": v for k, v in data.items()})
    assert response.status_code == 200


@time_machine.travel(NOW, tick=False)
def test_moving_a_session_to_year_9999_is_a_form_error(coordinator_client, english):
    session = SessionFactory()
    url = reverse("coordination:session-move", args=[session.pk])
    response = coordinator_client.post(url, move_data(session, "9999-12-31", "22:00", "23:30"))
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
