"""When a message may go: reminder offsets and the quiet hours of SMS.

A day offset is a calendar offset: "2d" before a 14:00 session is 14:00 local time two days
earlier, whatever daylight saving time does in between. An hour or minute offset is elapsed time.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings

from core.time import local_zone

UTC = datetime.UTC
_OFFSET_RE = re.compile(r"^\s*(\d{1,3})\s*([dhm])\s*$")


@dataclass(frozen=True, order=True)
class Offset:
    amount: int
    unit: str  # "d", "h" or "m"

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    @property
    def approximate(self) -> datetime.timedelta:
        """Elapsed length, give or take the hour a DST change adds to a day offset."""
        return {
            "d": datetime.timedelta(days=1),
            "h": datetime.timedelta(hours=1),
            "m": datetime.timedelta(minutes=1),
        }[self.unit] * self.amount


def parse_offset(value: str) -> Offset:
    match = _OFFSET_RE.match(str(value))
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"Not a reminder offset: {value!r} (expected e.g. '2d', '2h', '30m')")
    return Offset(int(match.group(1)), match.group(2))


def programme_offsets(raw: list | None) -> list[Offset]:
    """The programme's offsets, or the default ones when it sets none; invalid entries dropped."""
    offsets = set()
    for value in raw or settings.NOTIFICATIONS_DEFAULT_REMINDER_OFFSETS:
        try:
            offsets.add(parse_offset(value))
        except ValueError:
            continue
    return sorted(offsets, key=lambda offset: offset.approximate, reverse=True)


def offset_moment(starts_at: datetime.datetime, offset: Offset) -> datetime.datetime:
    """The moment ``offset`` before ``starts_at``, in UTC."""
    if offset.unit == "d":
        # Same tzinfo on both sides: Python subtracts on the wall clock, then finds the offset.
        local = starts_at.astimezone(local_zone())
        return (local - datetime.timedelta(days=offset.amount)).astimezone(UTC)
    return starts_at.astimezone(UTC) - offset.approximate


def _parse_quiet_hours() -> tuple[datetime.time, datetime.time] | None:
    value = (settings.NOTIFICATIONS_QUIET_HOURS or "").strip()
    if not value:
        return None
    start, end = (datetime.time.fromisoformat(part.strip()) for part in value.split("-"))
    return (start, end) if start != end else None


def quiet_period_containing(
    moment: datetime.datetime,
) -> tuple[datetime.datetime, datetime.datetime] | None:
    """The quiet period (start, end) that ``moment`` falls in, or None."""
    bounds = _parse_quiet_hours()
    if bounds is None:
        return None
    quiet_start, quiet_end = bounds
    zone = local_zone()
    local = moment.astimezone(zone)
    day, time = local.date(), local.time()
    one_day = datetime.timedelta(days=1)

    def at(date: datetime.date, clock: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(date, clock, tzinfo=zone).astimezone(UTC)

    if quiet_start < quiet_end:
        if quiet_start <= time < quiet_end:
            return at(day, quiet_start), at(day, quiet_end)
        return None
    if time >= quiet_start:
        return at(day, quiet_start), at(day + one_day, quiet_end)
    if time < quiet_end:
        return at(day - one_day, quiet_start), at(day, quiet_end)
    return None


def last_moment_before_quiet(quiet_start: datetime.datetime) -> datetime.datetime:
    """The last moment an SMS can be written and sent before quiet hours begin: a sweep
    interval before them (at least a minute), since the sweep writes reminders once it runs."""
    margin = max(60, settings.NOTIFICATIONS_SWEEP_INTERVAL)
    return quiet_start - datetime.timedelta(seconds=margin)


@dataclass(frozen=True)
class ReminderTiming:
    """When a reminder goes and whether it must go by e-mail instead of SMS."""

    due_at: datetime.datetime
    by_email_instead: bool = False


def reminder_timing(
    *, starts_at: datetime.datetime, offset: Offset, by_sms: bool, can_email: bool = False
) -> ReminderTiming:
    """When a reminder goes. An SMS falling in the quiet hours goes at their end if that is
    still before the session. Otherwise no SMS can go between its moment and the session: it
    goes by e-mail at its moment if the guardian has an address, else by SMS at the last
    moment before the quiet hours (the evening before). Whether that moment is still to come
    is for the caller to check (:func:`sms_too_late`)."""
    due = offset_moment(starts_at, offset)
    if not by_sms:
        return ReminderTiming(due)
    period = quiet_period_containing(due)
    if period is None:
        return ReminderTiming(due)
    quiet_start, quiet_end = period
    if quiet_end < starts_at:
        return ReminderTiming(quiet_end)
    if can_email:
        return ReminderTiming(due, by_email_instead=True)
    return ReminderTiming(last_moment_before_quiet(quiet_start))


def reminder_due_at(
    *, starts_at: datetime.datetime, offset: Offset, by_sms: bool, can_email: bool = False
) -> datetime.datetime:
    return reminder_timing(
        starts_at=starts_at, offset=offset, by_sms=by_sms, can_email=can_email
    ).due_at


def sms_too_late(*, now: datetime.datetime, starts_at: datetime.datetime) -> bool:
    """Whether an SMS sent from ``now`` on could only go (after the quiet hours) once the
    session has started."""
    return sms_allowed_from(now) >= starts_at


def sms_allowed_from(moment: datetime.datetime) -> datetime.datetime:
    """The first moment at or after ``moment`` outside the quiet hours."""
    period = quiet_period_containing(moment)
    return period[1] if period else moment


def quiet_hours_length() -> datetime.timedelta:
    """How long the quiet hours last (on an ordinary day); zero without quiet hours."""
    bounds = _parse_quiet_hours()
    if bounds is None:
        return datetime.timedelta(0)
    day = datetime.date(2000, 1, 3)
    start = datetime.datetime.combine(day, bounds[0])
    end = datetime.datetime.combine(day, bounds[1])
    return (end - start) % datetime.timedelta(days=1)
