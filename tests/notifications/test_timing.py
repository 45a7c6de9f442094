import datetime
from zoneinfo import ZoneInfo

import pytest

from notifications.timing import (
    Offset,
    parse_offset,
    programme_offsets,
    quiet_period_containing,
    reminder_due_at,
    reminder_timing,
    sms_allowed_from,
)

PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2d", Offset(2, "d")), ("2h", Offset(2, "h")), (" 30m ", Offset(30, "m"))],
)
def test_parse_offset(raw, expected):
    assert parse_offset(raw) == expected


@pytest.mark.parametrize("raw", ["", "0d", "2w", "d2", "-1h", "2 days"])
def test_parse_offset_refuses_nonsense(raw):
    with pytest.raises(ValueError):
        parse_offset(raw)


def test_programme_offsets_default_and_order(settings):
    settings.NOTIFICATIONS_DEFAULT_REMINDER_OFFSETS = ["2h", "2d"]
    assert programme_offsets([]) == [Offset(2, "d"), Offset(2, "h")]
    assert programme_offsets(["1d", "bogus", "1d", "90m"]) == [Offset(1, "d"), Offset(90, "m")]


def test_day_offset_keeps_local_time_across_march_change():
    # Clocks go forward on Sunday 29 March 2026: two days before Monday 14:00 is Saturday
    # 14:00 local, 47 hours earlier.
    start = paris(2026, 3, 30, 14)
    due = reminder_due_at(starts_at=start, offset=Offset(2, "d"), by_sms=False)
    assert due.astimezone(PARIS) == paris(2026, 3, 28, 14)
    assert start - due == datetime.timedelta(hours=47)


def test_day_offset_keeps_local_time_across_october_change():
    # Clocks go back on Sunday 25 October 2026: 49 hours between the two 14:00.
    start = paris(2026, 10, 26, 14)
    due = reminder_due_at(starts_at=start, offset=Offset(2, "d"), by_sms=False)
    assert due.astimezone(PARIS) == paris(2026, 10, 24, 14)
    assert start - due == datetime.timedelta(hours=49)


def test_hour_offset_is_elapsed_time_across_march_change():
    # 04:00 CEST on the 29th is 02:00 UTC; two real hours earlier is 01:00 CET (02:00 local
    # does not exist that night).
    start = paris(2026, 3, 29, 4)
    due = reminder_due_at(starts_at=start, offset=Offset(2, "h"), by_sms=False)
    assert due == datetime.datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert due.astimezone(PARIS).hour == 1


def test_hour_offset_is_elapsed_time_across_october_change():
    start = datetime.datetime(2026, 10, 25, 2, 30, tzinfo=UTC)  # 03:30 CET
    due = reminder_due_at(starts_at=start, offset=Offset(2, "h"), by_sms=False)
    assert start - due == datetime.timedelta(hours=2)
    assert due.astimezone(PARIS).hour == 2 and due.astimezone(PARIS).fold == 0  # 02:30 CEST


def test_sms_in_quiet_hours_moves_to_their_end_when_still_before_the_session():
    due = reminder_due_at(starts_at=paris(2026, 12, 2, 9), offset=Offset(2, "h"), by_sms=True)
    assert due.astimezone(PARIS) == paris(2026, 12, 2, 8)


def test_sms_in_quiet_hours_moves_earlier_when_their_end_is_too_late():
    # A 07:30 session: 05:30 is quiet and 08:00 is after the start, so the last sweep before
    # 21:00 the evening before (21:00 itself is quiet).
    due = reminder_due_at(starts_at=paris(2026, 12, 2, 7, 30), offset=Offset(2, "h"), by_sms=True)
    assert due.astimezone(PARIS) == paris(2026, 12, 1, 20, 59)


def test_sms_quiet_end_equal_to_start_is_not_before_the_session():
    due = reminder_due_at(starts_at=paris(2026, 12, 2, 8), offset=Offset(2, "h"), by_sms=True)
    assert due.astimezone(PARIS) == paris(2026, 12, 1, 20, 59)


def test_with_an_email_address_it_goes_by_email_at_its_own_moment():
    timing = reminder_timing(
        starts_at=paris(2026, 12, 2, 7, 30), offset=Offset(2, "h"), by_sms=True, can_email=True
    )
    assert timing.by_email_instead
    assert timing.due_at.astimezone(PARIS) == paris(2026, 12, 2, 5, 30)
    still_sms = reminder_timing(
        starts_at=paris(2026, 12, 2, 9), offset=Offset(2, "h"), by_sms=True, can_email=True
    )
    assert not still_sms.by_email_instead, "08:00 is still before a 09:00 session"


def test_the_last_moment_before_quiet_hours_leaves_a_sweep_interval(settings):
    settings.NOTIFICATIONS_SWEEP_INTERVAL = 300
    due = reminder_due_at(starts_at=paris(2026, 12, 2, 7, 30), offset=Offset(2, "h"), by_sms=True)
    assert due.astimezone(PARIS) == paris(2026, 12, 1, 20, 55)


def test_email_ignores_quiet_hours():
    due = reminder_due_at(starts_at=paris(2026, 12, 2, 9), offset=Offset(2, "h"), by_sms=False)
    assert due.astimezone(PARIS) == paris(2026, 12, 2, 7)


def test_sms_outside_quiet_hours_is_not_moved():
    due = reminder_due_at(starts_at=paris(2026, 12, 2, 22, 30), offset=Offset(2, "h"), by_sms=True)
    assert due.astimezone(PARIS) == paris(2026, 12, 2, 20, 30)


def test_quiet_hours_on_the_night_clocks_go_forward():
    # 21:00 CET Saturday to 08:00 CEST Sunday is ten real hours, not eleven.
    start, end = quiet_period_containing(paris(2026, 3, 29, 1, 30))
    assert start.astimezone(PARIS) == paris(2026, 3, 28, 21)
    assert end.astimezone(PARIS) == paris(2026, 3, 29, 8)
    assert end - start == datetime.timedelta(hours=10)


def test_quiet_hours_setting(settings):
    settings.NOTIFICATIONS_QUIET_HOURS = "12:00-14:00"
    assert quiet_period_containing(paris(2026, 12, 2, 13)) is not None
    assert quiet_period_containing(paris(2026, 12, 2, 21, 30)) is None
    settings.NOTIFICATIONS_QUIET_HOURS = ""
    assert quiet_period_containing(paris(2026, 12, 2, 23)) is None


def test_sms_allowed_from():
    assert sms_allowed_from(paris(2026, 12, 2, 23)).astimezone(PARIS) == paris(2026, 12, 3, 8)
    noon = paris(2026, 12, 2, 12)
    assert sms_allowed_from(noon) == noon
