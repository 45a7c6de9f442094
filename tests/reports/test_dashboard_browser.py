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
    assert page.locator("svg.chart-svg").count() == 6

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
