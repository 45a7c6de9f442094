"""Small counts hidden from anyone who should not be able to single a person out.

A count from 1 to threshold − 1 is masked (zero says nothing about anyone). Within a breakdown
(the rows of a table against their total), a lone masked cell could be worked out from the total
and the other cells, and two masked cells from their small sum; so the next smallest cells are
masked with them until at least two are hidden and together they hold at least ``threshold``
people (complementary suppression, as national statistics offices do). The rows by programme,
by kind and over time are breakdowns too: each of their columns is masked that way.
"""

import copy

from django.conf import settings


def mask_threshold() -> int:
    return int(getattr(settings, "REPORT_MASK_THRESHOLD", 5))


def masked(value: int | None, threshold: int) -> int | None:
    if value is None or value == 0 or value >= threshold:
        return value
    return None


def mask_column(values: list[int | None], threshold: int) -> list[int | None]:
    """Mask the small cells of one breakdown, then the smallest shown cells with them until the
    hidden cells are two or more and hold ``threshold`` or more together: then neither the total
    minus the shown cells nor any subtraction narrows a hidden cell to a small count."""
    result = [masked(value, threshold) for value in values]
    while True:
        hidden = [index for index, value in enumerate(result) if value is None and values[index]]
        if not hidden:
            return result
        if len(hidden) >= 2 and sum(values[index] or 0 for index in hidden) >= threshold:
            return result
        shown = [
            (values[index], index)
            for index, value in enumerate(result)
            if value is not None and value > 0
        ]
        if not shown:
            # Everything is hidden: the total is small too, and masked as a total.
            return result
        result[min(shown)[1]] = None


def rate(numerator: int | None, denominator: int | None) -> float | None:
    """A percentage with one decimal; unknown when either side is masked or nothing was due."""
    if numerator is None or not denominator:
        return None
    return round(100 * numerator / denominator, 1)


def mask_summary(summary, threshold: int | None = None):
    """A copy of a ReportSummary with its small counts masked, for partners and anonymous
    exports. Counts of sessions say nothing about a person and stay as they are; a rate is
    hidden when either of its counts is."""
    threshold = mask_threshold() if threshold is None else threshold
    result = copy.deepcopy(summary)
    result.masked, result.mask_threshold = True, threshold
    _mask_each([result], _TOTALS, threshold)
    # Parts of a total shown beside it: masked together, as a breakdown.
    for names in _SPLIT_TOTALS:
        values = mask_column([getattr(summary, name) for name in names], threshold)
        for name, value in zip(names, values, strict=True):
            setattr(result, name, value)
    for breakdown, columns in _BREAKDOWNS.items():
        for column in columns:
            _mask_rows(getattr(result, breakdown), column, threshold)
    for name in ("by_programme", "by_kind", "over_time"):
        rows = getattr(result, name)
        for column in _ROW_COUNTS:
            if rows and hasattr(rows[0], column):
                _mask_rows(rows, column, threshold)
    for row in [result, *result.by_programme, *result.by_kind, *result.over_time]:
        row.attendance_rate = rate(row.attended, row.expected)
    return result


def _mask_each(rows: list, columns: tuple[str, ...], threshold: int) -> None:
    for row in rows:
        for column in columns:
            if hasattr(row, column):
                setattr(row, column, masked(getattr(row, column), threshold))


def _mask_rows(rows: list, column: str, threshold: int) -> None:
    values = mask_column([getattr(row, column) for row in rows], threshold)
    for row, value in zip(rows, values, strict=True):
        setattr(row, column, value)


_TOTALS = (
    "participants",
    "households",
    "enrolments",
    "attendances",
    "expected",
    "attended",
    "anonymous_headcount",
    "follow_up_participants",
    "follow_ups",
    "outreach_people",
    "outreach_people_in_qpv",
    "check_outs_unlisted",
)
_SPLIT_TOTALS = (
    ("new_households", "returning_households"),
    ("enrolments_confirmed", "enrolments_waitlisted", "enrolments_cancelled"),
)
_BREAKDOWNS = {
    "by_age_band": ("participants",),
    "by_neighbourhood": ("participants", "households"),
    "by_qpv": ("participants", "households"),
    "by_sex": ("participants",),
    "anonymous_by_age_band": ("count",),
    "follow_up_outcomes": ("count",),
    "outreach_by_age_band": ("count",),
    "outreach_by_sex": ("count",),
}
_ROW_COUNTS = ("participants", "attendances", "expected", "attended")
