import datetime

import pytest

from sessions.scheduling import shift_to_next_school_year


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Same weekday, within the next school year, even when 52 weeks would fall in August.
        (datetime.date(2026, 9, 1), datetime.date(2027, 9, 7)),
        (datetime.date(2026, 9, 2), datetime.date(2027, 9, 1)),
        (datetime.date(2027, 6, 30), datetime.date(2028, 6, 28)),
        (datetime.date(2027, 2, 17), datetime.date(2028, 2, 16)),
    ],
)
def test_weekly_dates_keep_their_weekday(day, expected):
    shifted = shift_to_next_school_year(day)
    assert shifted == expected
    assert shifted.weekday() == day.weekday()


def test_holiday_periods_keep_their_date():
    assert shift_to_next_school_year(
        datetime.date(2027, 2, 15), keep_weekday=False
    ) == datetime.date(2028, 2, 15)
    assert shift_to_next_school_year(
        datetime.date(2028, 2, 29), keep_weekday=False
    ) == datetime.date(2029, 2, 28)
