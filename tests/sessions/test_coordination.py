"""Coordination pages: a programme with a previewed schedule, cancelling, moving, copying."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from programmes.models import ProgrammeStatus
from sessions.models import Schedule, ScheduleKind, Session, SessionStatus
from sessions.services import schedule_apply
from tests.factories import (
    EnrolmentFactory,
    ProgrammeFactory,
    ScheduleFactory,
    SessionFactory,
    VenueFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 8, 20, 10, tzinfo=datetime.UTC)


@pytest.fixture
def coordinator_client(client):
    client.force_login(user_with_role(Role.COORDINATOR))
    return client


def programme_data(venue, **extra) -> dict:
    data = {
        "title": "Parcours parents",
        "description": "",
        "what_to_bring": "",
        "kind": "family_course",
        "field": "socio_educational",
        "audience": "parents",
        "min_age": "",
        "max_age": "",
        "enrolment_mode": "whole_cycle",
        "capacity": "12",
        "waitlist_enabled": "on",
        "cancellation_deadline_hours": "24",
        "venue": str(venue.pk),
        "status": "published",
        "schedule-kind": "weekly",
        "schedule-weekdays": ["2"],
        "schedule-start_date": "2026-09-01",
        "schedule-end_date": "2026-11-30",
        "schedule-start_time": "14:00",
        "schedule-end_time": "16:00",
        "schedule-skip_school_holidays": "on",
        "schedule-skip_public_holidays": "on",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("role", [None, Role.FAMILY, Role.MEDIATOR, Role.PARTNER])
def test_coordination_pages_are_for_coordinators_only(client, role):
    if role:
        client.force_login(user_with_role(role))
    response = client.get(reverse("coordination:programmes"))
    assert response.status_code == (302 if role is None else 403)


@time_machine.travel(TODAY, tick=False)
def test_create_programme_previews_dates_before_saving(coordinator_client, english):
    venue = VenueFactory()
    other = ProgrammeFactory(title="Aide aux devoirs", venue=venue)
    # Another programme already holds the venue on Wednesday 9 September.
    SessionFactory(
        programme=other,
        venue=venue,
        starts_at=datetime.datetime(2026, 9, 9, 13, 30, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 9, 9, 15, tzinfo=datetime.UTC),
    )
    url = reverse("coordination:programme-create")
    response = coordinator_client.post(url, {**programme_data(venue), "action": "preview"})
    assert response.status_code == 200
    preview = response.context["preview"]
    body = response.content.decode()
    # Wednesdays of September to November 2026, minus the All Saints' holidays (zone C),
    # which are listed with their name, and 11 November (a Wednesday, public holiday).
    dates = [row.occurrence.date for row in preview.rows]
    assert dates[0] == datetime.date(2026, 9, 2)
    assert datetime.date(2026, 10, 21) not in dates
    skipped = {item.date: item.label for item in preview.skipped}
    assert "Toussaint" in skipped[datetime.date(2026, 10, 21)]
    assert skipped[datetime.date(2026, 11, 11)]
    assert "Toussaint" in body
    clash = next(row for row in preview.rows if row.clash)
    assert clash.occurrence.date == datetime.date(2026, 9, 9)
    assert "Aide aux devoirs" in body
    assert not Session.objects.exclude(programme=other).exists()  # nothing saved yet

    response = coordinator_client.post(url, {**programme_data(venue), "action": "save"})
    schedule = Schedule.objects.get(programme__title="Parcours parents")
    assert response.status_code == 302
    assert response["Location"] == reverse("coordination:programme", args=[schedule.programme_id])
    assert Session.objects.filter(schedule=schedule).count() == len(dates)


@time_machine.travel(TODAY, tick=False)
def test_preview_warns_when_the_school_calendar_is_not_published(coordinator_client, english):
    venue = VenueFactory()
    data = programme_data(
        venue,
        **{
            "schedule-start_date": "2029-09-01",
            "schedule-end_date": "2029-10-30",
            "action": "preview",
        },
    )
    preview = coordinator_client.post(reverse("coordination:programme-create"), data).context[
        "preview"
    ]
    assert preview.rows == []
    assert "published only up to" in preview.warnings[0]


@time_machine.travel(TODAY, tick=False)
def test_form_errors_are_tied_to_their_fields(coordinator_client, english):
    venue = VenueFactory()
    data = programme_data(
        venue, **{"schedule-weekdays": [], "schedule-end_time": "13:00", "action": "save"}
    )
    response = coordinator_client.post(reverse("coordination:programme-create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_schedule-end_time_error"' in body
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_schedule-end_time_error"' in body
    assert not Schedule.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_schedule_edit_preview_shows_sessions_kept_by_enrolments(coordinator_client, english):
    schedule = ScheduleFactory(
        start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2026, 9, 30)
    )
    schedule_apply(schedule=schedule)
    held = Session.objects.get(schedule=schedule, schedule_date=datetime.date(2026, 9, 16))
    EnrolmentFactory(programme=schedule.programme, session=held)
    data = {
        "kind": "weekly",
        "weekdays": ["3"],
        "start_date": "2026-09-01",
        "end_date": "2026-09-30",
        "start_time": "14:00",
        "end_time": "16:00",
        "skip_school_holidays": "on",
        "skip_public_holidays": "on",
        "action": "preview",
    }
    url = reverse("coordination:schedule-edit", args=[schedule.pk])
    preview = coordinator_client.post(url, data).context["preview"]
    assert [conflict.session_id for conflict in preview.conflicts] == [held.pk]
    assert len(preview.removed) == 4  # the other Wednesdays
    assert Session.objects.filter(schedule=schedule).count() == 5  # a preview writes nothing

    coordinator_client.post(url, {**data, "action": "save"})
    schedule.refresh_from_db()
    assert schedule.weekdays == [3]
    assert set(
        Session.objects.filter(schedule=schedule).values_list("schedule_date", flat=True)
    ) == {datetime.date(2026, 9, d) for d in (3, 10, 16, 17, 24)}


def test_cancel_asks_for_confirmation_and_says_how_many_are_told(coordinator_client, english):
    session = SessionFactory()
    EnrolmentFactory.create_batch(3, programme=session.programme, session=session)
    url = reverse("coordination:session-cancel", args=[session.pk])
    response = coordinator_client.get(url)
    assert "3 people are enrolled and will be told" in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED

    # Without a reason the families could read: refused on its field, nothing changes.
    response = coordinator_client.post(url, {"reason_code": "", "reason": "  "})
    assert response.status_code == 200
    assert "reason_code" in response.context["form"].errors
    response = coordinator_client.post(url, {"reason_code": "other", "reason": ""})
    assert "reason" in response.context["form"].errors
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED

    response = coordinator_client.post(url, {"reason_code": "other", "reason": "Salle fermée"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.status_reason) == (SessionStatus.CANCELLED, "Salle fermée")


def test_move_goes_through_a_confirmation_step(coordinator_client, english):
    session = SessionFactory()
    url = reverse("coordination:session-move", args=[session.pk])
    new_day = (session.starts_at + datetime.timedelta(days=1)).date().isoformat()
    data = {
        "date": new_day,
        "start_time": "10:00",
        "end_time": "12:00",
        "venue": session.venue_id,
        "reason": "Travaux",
    }
    response = coordinator_client.post(url, {**data, "action": "save"})
    assert "reason_code" in response.context["form"].errors
    data["reason_code"] = "venue_unavailable"
    response = coordinator_client.post(url, {**data, "action": "preview"})
    assert response.context["confirming"]
    assert "Confirm the move" in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED

    response = coordinator_client.post(url, {**data, "action": "save"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.MOVED
    assert session.starts_at.astimezone(datetime.UTC).hour in (8, 9)  # 10:00 in Paris


def test_move_into_the_past_is_refused_on_its_field(coordinator_client, english):
    session = SessionFactory()
    data = {
        "date": "2020-01-01",
        "start_time": "10:00",
        "end_time": "12:00",
        "venue": session.venue_id,
        "action": "save",
        "reason_code": "weather",
    }
    response = coordinator_client.post(
        reverse("coordination:session-move", args=[session.pk]), data
    )
    assert response.status_code == 200
    assert "date" in response.context["form"].errors


@time_machine.travel(TODAY, tick=False)
def test_duplicate_into_next_school_year(coordinator_client):
    schedule = ScheduleFactory(
        start_date=datetime.date(2026, 9, 2),
        end_date=datetime.date(2027, 6, 30),
        excluded_dates=["2026-12-16"],
    )
    url = reverse("coordination:programme-duplicate", args=[schedule.programme_id])
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(url)
    copy_schedule = Schedule.objects.exclude(pk=schedule.pk).get()
    copy = copy_schedule.programme
    assert response["Location"] == reverse("coordination:programme", args=[copy.pk])
    assert copy.status == ProgrammeStatus.DRAFT
    assert "2027–2028" in copy.title
    assert copy_schedule.start_date == datetime.date(2027, 9, 1)  # a Wednesday again
    assert copy_schedule.start_date.weekday() == schedule.start_date.weekday()
    assert copy_schedule.end_date.weekday() == schedule.end_date.weekday()
    assert copy_schedule.excluded_dates == ["2027-12-15"]
    assert not Session.objects.filter(programme=copy).exists()


def test_programme_list_queries_are_bounded(coordinator_client, django_assert_max_num_queries):
    for _ in range(15):
        SessionFactory.create_batch(2, programme=ProgrammeFactory())
    # Session, user, roles, programmes with their counts (docs/performance.md).
    with django_assert_max_num_queries(4):
        response = coordinator_client.get(reverse("coordination:programmes"))
    assert len(response.context["programmes"]) == 15


def test_holiday_schedule_kind_is_offered(coordinator_client, english):
    response = coordinator_client.get(reverse("coordination:programme-create"))
    assert ScheduleKind.HOLIDAY_WEEKDAYS.value in response.content.decode()


@time_machine.travel(datetime.datetime(2026, 10, 1, 10, tzinfo=datetime.UTC), tick=False)
def test_schedule_with_past_dates_warns_and_asks_before_creating_them(coordinator_client, english):
    venue = VenueFactory()
    url = reverse("coordination:programme-create")
    # Wednesdays from 2 September: five of them are already past on 1 October.
    response = coordinator_client.post(url, {**programme_data(venue), "action": "preview"})
    preview = response.context["preview"]
    assert preview.past == [datetime.date(2026, 9, d) for d in (2, 9, 16, 23, 30)]
    assert [row.occurrence.date for row in preview.rows if row.is_past] == preview.past
    assert "5 dates are already past" in response.content.decode()

    response = coordinator_client.post(url, {**programme_data(venue), "action": "save"})
    assert response.status_code == 200
    errors = response.context["schedule_form"].errors["create_past_dates"]
    assert "5 dates are already past" in errors[0]
    assert not Schedule.objects.exists() and not Session.objects.exists()

    response = coordinator_client.post(
        url, {**programme_data(venue), "action": "save", "schedule-create_past_dates": "on"}
    )
    assert response.status_code == 302
    assert (
        Session.objects.filter(
            starts_at__lt=datetime.datetime(2026, 10, 1, 10, tzinfo=datetime.UTC)
        ).count()
        == 5
    )


@time_machine.travel(TODAY, tick=False)
def test_a_schedule_that_fails_leaves_no_programme_behind(english):
    """The programme and its first schedule are saved together or not at all."""
    from programmes.models import Programme
    from sessions.services import SessionError, programme_create_with_schedule

    venue = VenueFactory()
    programme = ProgrammeFactory.build(venue=venue, slug="")
    too_long = Schedule(
        kind=ScheduleKind.WEEKLY,
        weekdays=[2],
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2029, 9, 1),
        start_time=datetime.time(14),
        end_time=datetime.time(16),
        venue=venue,
    )
    with pytest.raises(SessionError) as error:
        programme_create_with_schedule(
            programme=programme, mediators=[], partners=[], schedule=too_long, facilitators=[]
        )
    assert error.value.field == "end_date"
    assert not Programme.objects.exists() and not Schedule.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_schedule_limits_are_the_same_in_the_form_and_the_service(coordinator_client, english):
    """Two years at most, said beside the field on the page."""
    data = programme_data(VenueFactory(), **{"schedule-end_date": "2029-09-01", "action": "save"})
    response = coordinator_client.post(reverse("coordination:programme-create"), data)
    assert "A schedule covers two years at most." in response.content.decode()
    assert not Schedule.objects.exists()
