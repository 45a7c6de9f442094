"""Every indicator against the known data set of conftest.py, to the unit."""

import dataclasses
import datetime

import pytest

from core.time import school_year_bounds, school_year_of
from households.models import Participant
from programmes.models import Kind, Programme
from reports.filters import ReportFilters
from reports.masking import mask_column, mask_summary, rate
from reports.selectors import report_summary

from .conftest import PERIOD

pytestmark = pytest.mark.django_db


def summary_for(filters=PERIOD, programmes=None):
    return report_summary(programmes=programmes or Programme.objects.all(), filters=filters)


def counts(rows, column="participants"):
    return {row.key: getattr(row, column) for row in rows}


def test_totals(known_data):
    summary = summary_for()
    # T2 (18 Nov) has no register: not held, listed as missing.
    assert (summary.sessions_planned, summary.sessions_held, summary.sessions_cancelled) == (
        5,
        2,
        1,
    )
    assert (summary.sessions_register_missing, summary.sessions_held_without_register) == (1, 0)
    assert [row.session_id for row in summary.missing_registers] == [known_data.sessions["T2"].pk]
    assert (
        summary.enrolments,
        summary.enrolments_confirmed,
        summary.enrolments_waitlisted,
        summary.enrolments_cancelled,
    ) == (9, 7, 1, 1)
    # a, b, c and the walk-in f came; d was absent.
    assert (summary.participants, summary.households) == (4, 3)
    # H2's child came in June, before the period.
    assert (summary.new_households, summary.returning_households) == (2, 1)
    assert summary.attendances == 5
    # S1 expected a, b, c (all came); T1 expected b, d (b came); T2 has no register.
    assert (summary.expected, summary.attended, summary.attendance_rate) == (5, 4, 80.0)
    assert summary.anonymous_headcount == 5
    assert counts_of(summary.anonymous_by_age_band) == {
        "0-5": 0,
        "6-11": 3,
        "12-15": 0,
        "16-17": 0,
        "18-25": 0,
        "26-64": 2,
        "65+": 0,
    }
    assert (summary.follow_up_participants, summary.follow_ups) == (2, 2)
    assert counts_of(summary.follow_up_outcomes) == {
        "open": 1,
        "reached": 1,
        "not_reached": 0,
        "withdrawn": 0,
        "referred": 0,
    }


def counts_of(rows):
    return {row.key: row.count for row in rows}


def test_breakdowns(known_data):
    summary = summary_for()
    assert counts(summary.by_age_band) == {
        "0-5": 1,
        "6-11": 1,
        "12-15": 1,
        "16-17": 0,
        "18-25": 0,
        "26-64": 0,
        "65+": 1,
    }
    assert [(row.label, row.participants, row.households) for row in summary.by_neighbourhood] == [
        ("Les Martinets", 4, 3)
    ]
    assert [(row.key, row.participants, row.households) for row in summary.by_qpv] == [
        ("qpv", 4, 3),
        ("other", 0, 0),
    ]
    assert counts(summary.by_sex) == {"female": 1, "male": 2, "unspecified": 1}


def test_per_programme_kind_and_month(known_data):
    summary = summary_for()
    assert [
        (
            row.title,
            row.sessions_planned,
            row.sessions_held,
            row.sessions_cancelled,
            row.participants,
            row.attendances,
            row.expected,
            row.attended,
            row.attendance_rate,
        )
        for row in summary.by_programme
    ] == [("Cuisine", 3, 1, 1, 4, 4, 3, 3, 100.0), ("Parcours", 2, 1, 0, 1, 1, 2, 1, 50.0)]
    by_kind = {
        row.kind: (row.sessions_held, row.participants, row.attendances, row.attendance_rate)
        for row in summary.by_kind
    }
    assert by_kind[Kind.HOLIDAY_ACTIVITY] == (1, 4, 4, 100.0)
    assert by_kind[Kind.FAMILY_COURSE] == (1, 1, 1, 50.0)
    assert by_kind[Kind.REMOBILISATION] == (0, 0, 0, None)
    assert [
        (
            row.month.isoformat(),
            row.sessions_held,
            row.attendances,
            row.expected,
            row.attended,
            row.attendance_rate,
        )
        for row in summary.over_time
    ] == [
        ("2026-09-01", 0, 0, 0, 0, None),
        ("2026-10-01", 1, 4, 3, 3, 100.0),
        ("2026-11-01", 1, 1, 2, 1, 50.0),
        ("2026-12-01", 0, 0, 0, 0, None),
    ]


def test_filters(known_data):
    by_venue = summary_for(dataclasses.replace(PERIOD, venue_id=known_data.martinets.pk))
    # S1, S2, S3 and T2 (no register): those who came to S1.
    assert (by_venue.sessions_planned, by_venue.sessions_held, by_venue.participants) == (4, 1, 4)
    assert (by_venue.expected, by_venue.attended) == (3, 3)
    assert by_venue.enrolments == 6

    by_kind = summary_for(dataclasses.replace(PERIOD, kind=Kind.FAMILY_COURSE))
    assert (by_kind.sessions_planned, by_kind.participants, by_kind.households) == (2, 1, 1)
    assert (by_kind.new_households, by_kind.returning_households) == (1, 0)
    assert (by_kind.follow_up_participants, by_kind.anonymous_headcount) == (1, 0)

    by_partner = summary_for(dataclasses.replace(PERIOD, partner_id=known_data.partner.pk))
    assert [row.title for row in by_partner.by_programme] == ["Cuisine"]
    assert (by_partner.participants, by_partner.attendance_rate) == (4, 100.0)

    by_programme = summary_for(dataclasses.replace(PERIOD, programme_id=known_data.parcours.pk))
    assert by_programme.enrolments == 3

    october = summary_for(
        ReportFilters(start=datetime.date(2026, 10, 21), end=datetime.date(2026, 10, 21))
    )
    assert (october.sessions_planned, october.participants, october.enrolments) == (1, 4, 0)


def test_age_is_taken_at_the_period_start(known_data):
    participant = known_data.participants["a"]
    # Six on the very first day of the period: no longer in the 0–5 band.
    Participant.objects.filter(pk=participant.pk).update(birth_date=datetime.date(2020, 9, 1))
    assert counts(summary_for().by_age_band)["6-11"] == 2
    Participant.objects.filter(pk=participant.pk).update(birth_date=datetime.date(2020, 9, 2))
    assert counts(summary_for().by_age_band)["0-5"] == 1


def test_mask_column_hides_small_cells_and_one_more():
    assert mask_column([10, 4, 0, 7], 5) == [10, None, 0, None]
    assert mask_column([10, 4, 3], 5) == [10, None, None]
    assert mask_column([5, 0], 5) == [5, 0]
    assert mask_column([4], 5) == [None]
    assert rate(3, 4) == 75.0
    assert rate(None, 4) is None and rate(3, 0) is None


def test_masked_summary(known_data, settings):
    summary = summary_for()
    masked = mask_summary(summary, 5)
    assert masked.masked and masked.mask_threshold == 5
    assert (masked.participants, masked.households, masked.enrolments) == (None, None, 9)
    # New 2 and returning 1 are both small.
    assert (masked.new_households, masked.returning_households) == (None, None)
    # Waitlisted 1 and cancelled 1 are hidden; confirmed 7 too, or 9 − 7 would tell that the
    # two hidden cells hold 2 people, one each.
    assert (
        masked.enrolments_confirmed,
        masked.enrolments_waitlisted,
        masked.enrolments_cancelled,
    ) == (None, None, None)
    # Sessions are not people: never masked.
    assert (masked.sessions_planned, masked.sessions_held) == (5, 2)
    # 4 attended of 5 expected: the rate would give the 4 away.
    assert (masked.attendances, masked.expected, masked.attended) == (5, 5, None)
    assert masked.attendance_rate is None
    assert masked.anonymous_headcount == 5
    assert counts_of(masked.anonymous_by_age_band)["6-11"] is None
    assert all(row.participants in (None, 0) for row in masked.by_age_band)
    assert [(row.participants, row.attendance_rate) for row in masked.by_programme] == [
        (None, None),
        (None, None),
    ]

    settings.REPORT_MASK_THRESHOLD = 3
    masked = mask_summary(summary)
    assert (masked.participants, masked.households, masked.attendance_rate) == (4, 3, 80.0)
    # 2 and 1: both below 3.
    assert (masked.new_households, masked.returning_households) == (None, None)
    # Female 1, male 2, unspecified 1: all hidden.
    assert counts(masked.by_sex) == {"female": None, "male": None, "unspecified": None}
    assert [row.participants for row in masked.by_neighbourhood] == [4]
    # Parcours: 1 of 2, hidden; Cuisine's 3 of 3 with them, or 5 expected − 3 and 4 attended
    # − 3 would give Parcours away.
    assert [(row.expected, row.attended, row.attendance_rate) for row in masked.by_programme] == [
        (None, None, None),
        (None, None, None),
    ]
    # The unmasked summary is left alone.
    assert summary.by_sex[0].participants == 1


def test_school_year():
    assert school_year_of(datetime.date(2026, 8, 31)) == 2025
    assert school_year_of(datetime.date(2026, 9, 1)) == 2026
    assert school_year_bounds(2026) == (datetime.date(2026, 9, 1), datetime.date(2027, 8, 31))
