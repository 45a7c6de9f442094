from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Mediator, Partner, Programme, Venue


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
        _("weekdays"),
        default=list,
        blank=True,
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
        _("excluded dates"),
        default=list,
        blank=True,
        help_text=_("ISO dates on which no session is generated."),
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("venue"),
        help_text=_("Leave empty to use the programme's venue."),
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
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
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


class ChangeReason(models.TextChoices):
    """Why a session is cancelled or moved, in words each family reads in its own language."""

    FACILITATOR_UNAVAILABLE = "facilitator_unavailable", _("The facilitator is unavailable.")
    VENUE_UNAVAILABLE = "venue_unavailable", _("The venue is not available.")
    WEATHER = "weather", _("The weather does not allow it.")
    TOO_FEW = "too_few", _("Too few people are enrolled.")
    STRIKE = "strike", _("A strike disrupts transport or the venue.")
    OTHER = "other", _("Another reason, written below.")


def change_reason_text(code: str, details: str) -> str:
    """What the people enrolled read, in the active language: the reason's words, then what
    the coordinator wrote (which is not translated)."""
    label = "" if code in ("", ChangeReason.OTHER) else str(ChangeReason(code).label)
    return " ".join(part for part in (label, details.strip()) if part)


class Session(models.Model):
    """One dated meeting of a programme."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("programme")
    )
    schedule = models.ForeignKey(
        Schedule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
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
    # A default in the database too: code of the previous release, still running during a
    # deploy, inserts sessions without this column.
    status_reason_code = models.CharField(
        _("kind of reason"),
        max_length=32,
        choices=ChangeReason.choices,
        blank=True,
        default="",
        db_default="",
    )
    capacity_override = models.PositiveIntegerField(
        _("capacity override"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the programme's capacity."),
    )
    # Bumped on every change of time, place or status; calendar feeds use it as SEQUENCE.
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    # Bumped by a higher app whenever the places taken in the session may have changed (not a
    # change of the session: no SEQUENCE, no updated_at); headcount feeds put it in their version.
    headcount_version = models.PositiveIntegerField(
        _("headcount version"), default=0, db_default=0, editable=False
    )
    # When headcount_version was last bumped (same statement): headcount feeds' Last-Modified.
    headcount_changed_at = models.DateTimeField(
        _("headcount changed at"), null=True, blank=True, editable=False
    )
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
                fields=["schedule", "schedule_date"],
                name="session_unique_schedule_date",
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

    @property
    def reason_for_people(self) -> str:
        """Why it was cancelled or moved, in the active language."""
        return change_reason_text(self.status_reason_code, self.status_reason)


class FeedContentVersion(models.Model):
    """When something that events show but that keeps no change date of its own (a venue, a
    mediator, who runs a programme) last changed; one row. Feeds put it in their ETag and in
    the keys of the events they keep."""

    # Counts changes, which may fall within one clock tick.
    number = models.PositiveBigIntegerField(_("number"), default=1)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar content version")
        verbose_name_plural = _("calendar content versions")

    def __str__(self) -> str:
        return f"{self.number} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class FeedTokenBase(models.Model):
    """A secret in a private calendar feed's URL, for clients that can send no credentials.

    Only its SHA-256 is stored, so that a database leak does not reveal working URLs; the raw
    value is shown once, when issued. A revoked token is kept so that its URL answers 410 Gone
    (clients then stop polling) rather than 404. Higher apps (households in enrolment) subclass
    this with a foreign key to their owner and reuse the services and views of sessions.
    """

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("begins with"), max_length=8, editable=False)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(
        _("last read in full at"), null=True, blank=True, editable=False
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def owner_fields(self) -> dict:
        """The fields that name the token's owner: one active token per owner."""
        raise NotImplementedError

    def feed_path(self, raw_token: str) -> str:
        raise NotImplementedError


class FeedScope(models.TextChoices):
    PARTNER = "partner", _("Partner organisation")
    MEDIATOR = "mediator", _("Mediator")


class FeedToken(FeedTokenBase):
    """A private feed of a partner organisation or of a mediator."""

    scope = models.CharField(_("feed of"), max_length=16, choices=FeedScope.choices)
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feed_tokens",
        verbose_name=_("partner"),
    )
    mediator = models.ForeignKey(
        Mediator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feed_tokens",
        verbose_name=_("mediator"),
    )

    class Meta:
        verbose_name = _("calendar feed link")
        verbose_name_plural = _("calendar feed links")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope=FeedScope.PARTNER, partner__isnull=False, mediator__isnull=True)
                    | Q(scope=FeedScope.MEDIATOR, mediator__isnull=False, partner__isnull=True)
                ),
                name="feed_token_owner_matches_scope",
                violation_error_message=_(
                    "Choose the partner or the mediator the feed is for, matching its kind."
                ),
            ),
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(revoked_at__isnull=True, partner__isnull=False),
                name="feed_token_one_active_per_partner",
                violation_error_message=_("This partner already has an active link: renew it."),
            ),
            models.UniqueConstraint(
                fields=["mediator"],
                condition=Q(revoked_at__isnull=True, mediator__isnull=False),
                name="feed_token_one_active_per_mediator",
                violation_error_message=_("This mediator already has an active link: renew it."),
            ),
        ]

    def __str__(self) -> str:
        owner = self.partner if self.scope == FeedScope.PARTNER else self.mediator
        return f"{owner} ({self.prefix}…)"

    def owner_fields(self) -> dict:
        return {"scope": self.scope, "partner": self.partner, "mediator": self.mediator}

    def feed_path(self, raw_token: str) -> str:
        return reverse(f"calendars:{self.scope}", kwargs={"token": raw_token})
