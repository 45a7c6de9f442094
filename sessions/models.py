from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Mediator, Programme, Venue


class ScheduleKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly on chosen days")
    HOLIDAY_WEEKDAYS = "holiday_weekdays", _("Every weekday of a school-holiday period")
    DATE_LIST = "date_list", _("A list of dates")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Schedule(models.Model):
    """A rule that generates a programme's sessions; sessions stay editable one by one."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="schedules", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ScheduleKind.choices)
    weekdays = models.JSONField(
        _("weekdays"), default=list, blank=True,
        help_text=_("Days of the week for a weekly schedule: 0 is Monday, 6 is Sunday."),
    )
    start_date = models.DateField(_("first date"), null=True, blank=True)
    end_date = models.DateField(_("last date"), null=True, blank=True)
    dates = models.JSONField(
        _("dates"), default=list, blank=True, help_text=_("ISO dates for a list of dates.")
    )
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    skip_school_holidays = models.BooleanField(_("skip school holidays"), default=True)
    skip_public_holidays = models.BooleanField(_("skip public holidays"), default=True)
    excluded_dates = models.JSONField(
        _("excluded dates"), default=list, blank=True,
        help_text=_("ISO dates on which no session is generated."),
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("venue"), help_text=_("Leave empty to use the programme's venue."),
    )
    facilitators = models.ManyToManyField(
        Mediator, blank=True, related_name="+", verbose_name=_("facilitators")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="schedule_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="schedule_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.get_kind_display()}"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    MOVED = "moved", _("Moved")


class Session(models.Model):
    """One dated meeting of a programme."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("programme")
    )
    schedule = models.ForeignKey(
        Schedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions",
        verbose_name=_("schedule"),
    )
    # The date the schedule generated this session for; regeneration matches on it.
    schedule_date = models.DateField(_("scheduled date"), null=True, blank=True, editable=False)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("venue")
    )
    facilitators = models.ManyToManyField(
        Mediator, blank=True, related_name="facilitated_sessions", verbose_name=_("facilitators")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    capacity_override = models.PositiveIntegerField(
        _("capacity override"), null=True, blank=True,
        help_text=_("Leave empty to use the programme's capacity."),
    )
    # Bumped on every change of time, place or status; calendar feeds use it as SEQUENCE.
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    # Set when the session was edited by hand: regenerating the schedule leaves it alone.
    edited_by_hand = models.BooleanField(_("edited by hand"), default=False, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["schedule", "schedule_date"], name="session_unique_schedule_date",
                condition=Q(schedule__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "starts_at"]),
            models.Index(fields=["starts_at"]),
        ]

    def __str__(self) -> str:
        local_start = timezone.localtime(self.starts_at)
        return f"{self.programme} – {local_start:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("sessions:detail", kwargs={"pk": self.pk})

    @property
    def capacity(self) -> int:
        if self.capacity_override is not None:
            return self.capacity_override
        return self.programme.capacity

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED
