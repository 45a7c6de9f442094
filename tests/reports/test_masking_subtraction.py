"""Masked figures cannot be recovered by subtraction.

The funder or partner reading a masked report holds the totals and every shown cell: whatever
they subtract (a total minus any set of shown cells, over the rows of every table and each of
its columns), what is left never pins down a hidden cell, nor a small group of hidden cells.
"""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programmes.models import Programme
from reports.masking import mask_column, mask_summary
from reports.selectors import report_summary

from .conftest import PERIOD

THRESHOLD = 5


def disclosures(
    cells: list[int | None], originals: list[int], total: int | None, threshold: int
) -> list[str]:
    """Every subtraction of shown cells from the shown total, and what it reveals."""
    if total is None:
        return []
    hidden = [index for index, value in enumerate(cells) if value is None and originals[index]]
    shown = [index for index, value in enumerate(cells) if value]
    found = []
    for size in range(len(shown) + 1):
        for subtracted in itertools.combinations(shown, size):
            left = total - sum(cells[index] for index in subtracted)
            unknown = [index for index in shown if index not in subtracted] + hidden
            if unknown == hidden and len(hidden) == 1:
                found.append(f"cell {hidden[0]} = {left}")
            elif unknown == hidden and hidden and 0 < left < threshold:
                found.append(f"cells {hidden} hold {left} together")
    return found


def test_the_reported_case_no_longer_gives_a_programme_away():
    """Total 15, one programme 12, the other masked: 15 − 12 = 3."""
    cells = mask_column([12, 3], THRESHOLD)
    assert cells == [None, None]
    assert disclosures(cells, [12, 3], 15, THRESHOLD) == []


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=7),
    st.integers(min_value=2, max_value=11),
)
def test_no_subtraction_over_a_breakdown_reveals_a_masked_cell(values, threshold):
    total = sum(values)
    cells = mask_column(values, threshold)
    # The total is shown only when it is not small itself.
    shown_total = total if total == 0 or total >= threshold else None
    assert disclosures(cells, values, shown_total, threshold) == []
    # Masking hides small counts, and never shows a different number.
    for value, cell in zip(values, cells, strict=True):
        assert cell in (None, value)
        if 0 < value < threshold:
            assert cell is None


def _tables(summary) -> list[tuple[str, str, list, str]]:
    """(table, column, rows, total field) for every table of a summary whose rows add up to a
    total shown beside it."""
    tables = []
    for name, columns, total_of in (
        ("by_age_band", ("participants",), {"participants": "participants"}),
        (
            "by_neighbourhood",
            ("participants", "households"),
            {"participants": "participants", "households": "households"},
        ),
        (
            "by_qpv",
            ("participants", "households"),
            {"participants": "participants", "households": "households"},
        ),
        ("by_sex", ("participants",), {"participants": "participants"}),
        ("anonymous_by_age_band", ("count",), {"count": "anonymous_headcount"}),
        ("follow_up_outcomes", ("count",), {"count": "follow_ups"}),
        (
            "by_programme",
            ("participants", "attendances", "expected", "attended"),
            {
                "participants": "participants",
                "attendances": "attendances",
                "expected": "expected",
                "attended": "attended",
            },
        ),
        (
            "by_kind",
            ("participants", "attendances", "expected", "attended"),
            {
                "participants": "participants",
                "attendances": "attendances",
                "expected": "expected",
                "attended": "attended",
            },
        ),
        (
            "over_time",
            ("attendances", "expected", "attended"),
            {"attendances": "attendances", "expected": "expected", "attended": "attended"},
        ),
    ):
        for column in columns:
            tables.append((name, column, getattr(summary, name), total_of[column]))
    return tables


@pytest.mark.django_db
@pytest.mark.parametrize("threshold", [3, 5, 10])
def test_no_subtraction_over_a_masked_report_reveals_a_masked_cell(known_data, threshold):
    summary = report_summary(programmes=Programme.objects.all(), filters=PERIOD)
    masked = mask_summary(summary, threshold)
    found = []
    for (name, column, rows, total), (_n, _c, masked_rows, _t) in zip(
        _tables(summary), _tables(masked), strict=True
    ):
        originals = [getattr(row, column) or 0 for row in rows]
        cells = [getattr(row, column) for row in masked_rows]
        found += [
            f"{name}.{column}: {leak}"
            for leak in disclosures(cells, originals, getattr(masked, total), threshold)
        ]
    for parts, total in (
        (("new_households", "returning_households"), "households"),
        (("enrolments_confirmed", "enrolments_waitlisted", "enrolments_cancelled"), "enrolments"),
    ):
        found += [
            f"{total}: {leak}"
            for leak in disclosures(
                [getattr(masked, part) for part in parts],
                [getattr(summary, part) or 0 for part in parts],
                getattr(masked, total),
                threshold,
            )
        ]
    assert found == []
