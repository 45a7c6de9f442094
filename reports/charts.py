"""Charts drawn on the server as inline SVG: nothing to download, nothing to run, printable.

Each chart comes with the same figures as a table on the page, which is what screen readers and
spreadsheets use; the SVG only draws them. Geometry is computed here, the template writes it.
"""

from dataclasses import dataclass

from django.utils.formats import number_format

LABEL_WIDTH = 200
BAR_AREA = 320
ROW_HEIGHT = 30
BAR_HEIGHT = 20
COLUMN_AREA_HEIGHT = 180
# On a phone (about 330 px for the chart) a chart is drawn again at that size, so that its text
# stays at 13 px instead of shrinking with the drawing: horizontal bars, shorter labels.
PHONE_LABEL_WIDTH = 120
PHONE_BAR_AREA = 150
PHONE_LABEL_CHARS = 16


@dataclass(frozen=True)
class Bar:
    label: str
    display: str
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Chart:
    chart_id: str
    title: str
    width: int
    height: int
    bars: list[Bar]
    horizontal: bool
    baseline_y: float = 0
    label_chars: int = 28
    # The same figures drawn for a phone's width (shown instead of this one by site.css).
    phone: "Chart | None" = None


def _display(value: int | float | None, masked_label: str, unit: str) -> str:
    if value is None:
        return masked_label
    return f"{number_format(value)}{unit}"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    rows: list[tuple[str, int | float | None]],
    masked_label: str = "",
    unit: str = "",
    maximum: float | None = None,
    phone: bool = False,
) -> Chart:
    """Horizontal bars, one per category: long labels stay readable. ``maximum`` fixes the
    scale (100 for percentages); otherwise the longest bar is the largest value. ``phone``
    draws the narrow version only."""
    label_width, bar_area = (
        (PHONE_LABEL_WIDTH, PHONE_BAR_AREA) if phone else (LABEL_WIDTH, BAR_AREA)
    )
    largest = maximum or max((value for _label, value in rows if value), default=0)
    bars = []
    for index, (label, value) in enumerate(rows):
        y = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        width = bar_area * (value or 0) / largest if largest else 0
        bars.append(
            Bar(
                label=label,
                display=_display(value, masked_label, unit),
                x=label_width,
                y=y,
                width=round(width, 1),
                height=BAR_HEIGHT,
                text_x=round(label_width + width + 6, 1),
                text_y=y + BAR_HEIGHT - 5,
            )
        )
    return Chart(
        chart_id=chart_id,
        title=title,
        width=label_width + bar_area + 60,
        height=max(len(rows), 1) * ROW_HEIGHT,
        bars=bars,
        horizontal=True,
        label_chars=PHONE_LABEL_CHARS if phone else 28,
        phone=None
        if phone
        else bar_chart(
            chart_id=chart_id,
            title=title,
            rows=rows,
            masked_label=masked_label,
            unit=unit,
            maximum=maximum,
            phone=True,
        ),
    )


def column_chart(
    *,
    chart_id: str,
    title: str,
    rows: list[tuple[str, int | float | None]],
    masked_label: str = "",
    unit: str = "",
) -> Chart:
    """Vertical columns along time, oldest first."""
    largest = max((value for _label, value in rows if value), default=0)
    slot = max(36, min(80, 600 // max(len(rows), 1)))
    top = 20
    bars = []
    for index, (label, value) in enumerate(rows):
        height = COLUMN_AREA_HEIGHT * (value or 0) / largest if largest else 0
        x = index * slot + 6
        bars.append(
            Bar(
                label=label,
                display=_display(value, masked_label, unit),
                x=x,
                y=round(top + COLUMN_AREA_HEIGHT - height, 1),
                width=slot - 12,
                height=round(height, 1),
                text_x=x + (slot - 12) / 2,
                text_y=round(top + COLUMN_AREA_HEIGHT - height - 5, 1),
            )
        )
    return Chart(
        chart_id=chart_id,
        title=title,
        width=max(len(rows), 1) * slot,
        height=top + COLUMN_AREA_HEIGHT + 24,
        bars=bars,
        horizontal=False,
        baseline_y=top + COLUMN_AREA_HEIGHT,
        # On a phone, months one under the other: their labels cannot overlap.
        phone=bar_chart(
            chart_id=chart_id,
            title=title,
            rows=rows,
            masked_label=masked_label,
            unit=unit,
            phone=True,
        ),
    )
