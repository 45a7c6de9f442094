"""The family's wish form: dates read in full, only the members who fit are offered (the others
listed with the reason), and the demo's spring course really falls in the spring holidays."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from allocation.demo import spring_course_days
from allocation.models import AllocationRound
from households.eligibility import long_datetime
from programmes.models import Programme
from sessions.holidays import HolidayCalendar
from tests.factories import ParticipantFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_an_adult_is_not_offered_for_a_children_activity_and_the_reason_is_shown(client, world):
    Programme.objects.filter(pk__in=[world["football_am"].programme_id]).update(
        min_age=8, max_age=14
    )
    Programme.objects.filter(pk=world["theatre_am"].programme_id).update(min_age=8, max_age=14)
    for child in (world["lina"], world["sami"]):
        child.birth_date = timezone.localdate() - datetime.timedelta(days=365 * 10)
        child.save()
    adult = ParticipantFactory(
        household=world["household"], first_name="Nadia", birth_date=datetime.date(1985, 4, 2)
    )
    client.force_login(world["family_user"])
    url = reverse("allocation:wishes", args=[world["round"].pk])

    response = client.get(url)

    choices = dict(response.context["form"].fields["participants"].choices)
    assert adult.pk not in choices and world["lina"].pk in choices
    body = response.content.decode()
    assert "Not offered:" in body and "this programme is for ages 8 to 14" in body
    response = client.post(url, {"participants": [adult.pk], "choice_1": world["football_am"].pk})
    assert response.status_code == 200
    assert response.context["form"].errors["participants"]


def test_the_wish_form_names_each_date_with_its_weekday_and_year(client, world):
    client.force_login(world["family_user"])
    response = client.get(reverse("allocation:wishes", args=[world["round"].pk]))
    labels = [label for _pk, label in response.context["form"].fields["choice_1"].choices]
    assert f"Football – {long_datetime(world['football_am'].session.starts_at)}" in labels


@time_machine.travel(datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC))
def test_the_demo_spring_course_is_on_working_days_of_the_spring_holidays():
    call_command("load_demo_data")
    round_ = AllocationRound.objects.get()
    calendar = HolidayCalendar.default()
    days = [
        timezone.localtime(activity.session.starts_at).date()
        for activity in round_.activities.select_related("session")
    ]
    assert len(days) == 3
    for day in days:
        assert calendar.school_holiday_name(day) == "Vacances de printemps"
        assert day.weekday() < 5 and calendar.public_holiday_name(day) is None
    # Zone C, 2027: the holidays start on Saturday 3 April.
    assert sorted(days) == [datetime.date(2027, 4, n) for n in (5, 6, 7)]
    assert min(days) > round_.results_on


def test_past_the_published_calendar_the_course_still_falls_on_working_days():
    days = spring_course_days(datetime.date(2040, 1, 1))
    assert len(days) == 3 and all(day.weekday() < 5 for day in days)
