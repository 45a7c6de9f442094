"""The dashboard in Chromium: change the period, download the XLSX, find the page's figures."""

import openpyxl
import pytest
from django.utils.translation import gettext

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def figure(page, indicator: str) -> str:
    return page.locator(f'[data-indicator="{indicator}"] dd').inner_text().strip()


def test_dashboard_period_and_xlsx(desktop_page, known_data, tmp_path):
    page = desktop_page
    page.goto("/accounts/login/?next=/reports/")
    page.fill("#id_username", "coord")
    page.fill("#id_password", "correct-horse-battery")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/reports/")
    # The school year by default: S0 of June is out, T3 of January is in.
    assert figure(page, "sessions_planned") == "6"
    assert page.locator("svg.chart-wide").count() == 6

    page.fill("#id_start", "2026-10-01")
    page.fill("#id_end", "2026-10-31")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**start=2026-10-01**")
    shown = {
        name: figure(page, name)
        for name in (
            "participants",
            "households",
            "sessions_planned",
            "sessions_held",
            "sessions_cancelled",
            "enrolments",
            "attendances",
            "anonymous_headcount",
        )
    }
    assert shown == {
        "participants": "4",
        "households": "3",
        "sessions_planned": "2",
        "sessions_held": "1",
        "sessions_cancelled": "1",
        "enrolments": "9",
        "attendances": "4",
        "anonymous_headcount": "5",
    }
    # The decimal separator follows the language the page speaks.
    assert figure(page, "attendance_rate").replace(",", ".") == "100.0 %"

    with page.expect_download() as download_info:
        page.click('[data-export="summary-xlsx"]')
    path = tmp_path / "indicators.xlsx"
    download_info.value.save_as(path)
    workbook = openpyxl.load_workbook(path)
    # The export speaks the language of the person who asked for it (the browser's, here).
    labels = {
        gettext(label): name
        for label, name in (
            ("Participants reached", "participants"),
            ("Households reached", "households"),
            ("Sessions planned", "sessions_planned"),
            ("Sessions held", "sessions_held"),
            ("Sessions cancelled", "sessions_cancelled"),
            ("Enrolments recorded", "enrolments"),
            ("Attendances", "attendances"),
            ("Anonymous attendees", "anonymous_headcount"),
            ("Attendance rate (%)", "attendance_rate"),
        )
    }
    sheet = workbook[gettext("Indicators")]
    in_file = {
        labels[label]: str(value)
        for label, value in sheet.iter_rows(values_only=True)
        if label in labels
    }
    assert float(in_file.pop("attendance_rate")) == 100.0
    assert in_file == shown


CHART_TEXT_BOXES = """
() => [...document.querySelectorAll('svg.chart-svg')]
  .filter((svg) => svg.getClientRects().length)
  .map((svg) => ({
    kind: svg.getAttribute('class'),
    width: svg.getBoundingClientRect().width,
    texts: [...svg.querySelectorAll('text')].map((text) => {
      const box = text.getBoundingClientRect();
      return {text: text.textContent, x: box.x, y: box.y, w: box.width, h: box.height};
    }),
  }))
"""


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and (a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"])
    )


def test_charts_on_a_phone_are_drawn_to_its_width_with_readable_labels_apart(
    phone_page, known_data
):
    """At 390 px each chart shows its narrow drawing: months one under the other, text of
    about 13 px (not a 600 px drawing shrunk to 7 px), no label on top of another."""
    page = phone_page
    page.goto("/accounts/login/?next=/reports/")
    page.fill("#id_username", "coord")
    page.fill("#id_password", "correct-horse-battery")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/reports/")
    charts = page.evaluate(CHART_TEXT_BOXES)
    assert len(charts) == 6 and all("chart-phone" in chart["kind"] for chart in charts)
    months = charts[0]["texts"]
    assert len(months) >= 4  # the school year's months with sessions, and their figures
    for chart in charts:
        assert chart["width"] <= 390
        texts = [text for text in chart["texts"] if text["text"].strip()]
        assert all(text["h"] >= 11 for text in texts), chart
        clashes = [
            (a["text"], b["text"])
            for index, a in enumerate(texts)
            for b in texts[index + 1 :]
            if _overlap(a, b)
        ]
        assert clashes == [], chart["kind"]
