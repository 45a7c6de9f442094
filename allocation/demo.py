"""Demo data: an allocation round open for wishes, over a spring multisport course that has
more children wishing than places; the famille.durand account's two children wish together."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from households.models import Participant
from programmes.models import (
    Audience,
    EnrolmentMode,
    Field,
    Kind,
    Mediator,
    Programme,
    ProgrammeStatus,
    Venue,
)
from sessions.holidays import HolidayCalendar
from sessions.models import Schedule, ScheduleKind
from sessions.services import schedule_apply

from . import selectors, services
from .models import AllocationRound, RoundActivity

ROUND_TITLE = "Vacances de printemps : stage multisport"
SLUG = "stage-multisport-printemps"
# (household reference, first names kept together or alone, ranked day indexes)
DEMO_WISHES = [
    ("DEMO-DUR", ("Lina", "Sami"), (0, 1, 2)),
    ("DEMO-F02", ("Nour", "Rayan"), (0, 2)),
    ("DEMO-F04", ("Moussa",), (0, 1)),
    ("DEMO-F04", ("Fanta",), (1, 0)),
    ("DEMO-F05", ("Lucas",), (0,)),
    ("DEMO-F06", ("Yasmine",), (0, 2, 1)),
    ("DEMO-F07", ("Théo",), (0, 1)),
    ("DEMO-F08", ("Adam",), (2, 0)),
]


SPRING_HOLIDAYS = "Vacances de printemps"
COURSE_DAYS = 3


def spring_course_days(after: datetime.date) -> list[datetime.date]:
    """The first three working days of the next spring holidays of the service's zone after
    ``after`` (no weekend, no public holiday): when a spring course really takes place. Past the
    published school calendar, three working days a month later, so the demo still loads."""
    calendar = HolidayCalendar.default()

    def working(day: datetime.date) -> bool:
        return day.weekday() < 5 and calendar.public_holiday_name(day) is None

    end = after + datetime.timedelta(days=550)
    for first, last, _name in calendar.holiday_periods(after, end, name=SPRING_HOLIDAYS):
        days = [
            first + datetime.timedelta(days=n)
            for n in range((last - first).days + 1)
            if working(first + datetime.timedelta(days=n))
        ]
        if len(days) >= COURSE_DAYS:
            return days[:COURSE_DAYS]
    days, day = [], after + datetime.timedelta(days=30)
    while len(days) < COURSE_DAYS:
        if working(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def load_allocation_demo(today: datetime.date | None = None) -> AllocationRound | None:
    """Idempotent: a second load finds the round and adds nothing."""
    if AllocationRound.objects.filter(title=ROUND_TITLE).exists():
        return None
    today = today or timezone.localdate()
    venue = Venue.objects.order_by("pk").first()
    mediator_user = get_user_model().objects.filter(username="mediatrice.educ").first()
    if venue is None or mediator_user is None:
        return None
    programme, _created = Programme.objects.get_or_create(
        slug=SLUG,
        defaults={
            "title": "Stage multisport de printemps",
            "description": "Trois matinées de sports collectifs ; quatre places par matinée.",
            "what_to_bring": "Une tenue de sport, une gourde.",
            "kind": Kind.HOLIDAY_ACTIVITY,
            "field": Field.SOCIO_EDUCATIONAL,
            "audience": Audience.CHILDREN,
            "min_age": 8,
            "max_age": 14,
            "enrolment_mode": EnrolmentMode.PER_SESSION,
            "capacity": 4,
            "venue": venue,
            "status": ProgrammeStatus.PUBLISHED,
            "reminder_offsets": ["1d"],
        },
    )
    mediator = Mediator.objects.filter(user=mediator_user).first()
    if mediator is not None:
        programme.mediators.add(mediator)
    # After the results are published, so that families learn their places before the course.
    course_days = spring_course_days(today + datetime.timedelta(days=16))
    schedule, _created = Schedule.objects.get_or_create(
        programme=programme,
        defaults={
            "kind": ScheduleKind.DATE_LIST,
            "dates": [day.isoformat() for day in course_days],
            "start_time": datetime.time(9, 30),
            "end_time": datetime.time(12),
            "skip_school_holidays": False,
            "skip_public_holidays": False,
        },
    )
    schedule_apply(schedule=schedule)
    now = timezone.now()
    round_ = services.round_create(
        title=ROUND_TITLE,
        wishes_open_at=now - datetime.timedelta(days=1),
        wishes_close_at=now + datetime.timedelta(days=14),
        results_on=(now + datetime.timedelta(days=15)).date(),
        programmes=[programme],
        max_per_child=2,
        max_per_household=4,
    )
    days = list(RoundActivity.objects.filter(round=round_).order_by("session__starts_at"))
    for reference, names, ranks in DEMO_WISHES:
        children = list(
            Participant.objects.filter(
                household__reference=reference, first_name__in=names
            ).order_by("pk")
        )
        if len(children) != len(names):
            continue
        # A child who has outgrown the ages by the course (Adam, 14 today) wishes nothing.
        fit, _reasons = selectors.children_who_fit(children=children, activities=days)
        if len(fit) != len(children):
            continue
        account = children[0].household.guardians.filter(user__isnull=False).first()
        services.wishes_set(
            round_=round_,
            participants=children,
            activities=[days[rank] for rank in ranks if rank < len(days)],
            grouped=len(children) > 1,
            created_by=account.user if account else mediator_user,
        )
    return round_
