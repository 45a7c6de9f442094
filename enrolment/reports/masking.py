"""Small counts hidden from anyone who should not be able to single a person out.

A count from 1 to threshold − 1 is masked (zero says nothing about anyone). Within a breakdown,
a lone masked cell could be worked out from the total and the other cells, so the next smallest
cell is masked with it (complementary suppression).
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
    """Mask the small cells of one breakdown, and one more when a single cell would be masked."""
    result = [masked(value, threshold) for value in values]
    hidden = [index for index, value in enumerate(result) if value is None and values[index]]
    if len(hidden) == 1:
        shown = [(values[index], index) for index, value in enumerate(result)
                 if value is not None and value > 0]
        if shown:
            result[min(shown)[1]] = None
    return result


def rate(numerator: int | None, denominator: int | None) -> float | None:
    """A percentage with one decimal; unknown when either side is masked or nothing was due."""
    if numerator is None or not denominator:
        return None
    return round(100 * numerator / denominator, 1)


def mask_summary(summary, threshold: int | None = None):
    """A copy of a ReportSummary with its small counts masked, for partners and anonymous
    exports. Counts of sessions say nothing about a person and stay as they are."""
    threshold = mask_threshold() if threshold is None else threshold
    result = copy.deepcopy(summary)
    result.masked, result.mask_threshold = True, threshold
    for name in _TOTALS:
        setattr(result, name, masked(getattr(summary, name), threshold))
    # Parts of a total shown beside it: masked together, as a breakdown.
    for names in _SPLIT_TOTALS:
        values = mask_column([getattr(summary, name) for name in names], threshold)
        for name, value in zip(names, values, strict=True):
            setattr(result, name, value)
    for breakdown in _BREAKDOWNS:
        rows = getattr(result, breakdown)
        for column in ("participants", "households"):
            if rows and hasattr(rows[0], column):
                _mask_rows(rows, column, threshold)
    for name in ("by_programme", "by_kind"):
        rows = getattr(result, name)
        for column in _ROW_COUNTS:
            if rows and hasattr(rows[0], column):
                for row in rows:
                    setattr(row, column, masked(getattr(row, column), threshold))
    return result


def _mask_rows(rows: list, column: str, threshold: int) -> None:
    values = mask_column([getattr(row, column) for row in rows], threshold)
    for row, value in zip(rows, values, strict=True):
        setattr(row, column, value)


_TOTALS = ("participants", "households", "enrolments")
_SPLIT_TOTALS = (
    ("new_households", "returning_households"),
    ("enrolments_confirmed", "enrolments_waitlisted", "enrolments_cancelled"),
)
_BREAKDOWNS = ("by_age_band", "by_neighbourhood", "by_qpv", "by_sex")
_ROW_COUNTS = ("participants",)
