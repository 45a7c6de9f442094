"""Exports: French CSV and XLSX, names only for coordinators, formulas neutralised, audited."""

import csv
import datetime
import io

import openpyxl
import pytest

from accounts.models import AuditAction, AuditEvent
from households.models import Participant
from jobs.models import BackgroundJob, JobState
from jobs.services import job_files_prune
from reports.exports import Table, csv_stream, neutralise

from .conftest import PERIOD

pytestmark = pytest.mark.django_db

QUERY = {"start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()}


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def xlsx(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_neutralise_formula_triggers():
    for dangerous in ("=1+1", "+33", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(dangerous) == "'" + dangerous
    assert neutralise("Léa") == "Léa" and neutralise(3) == 3
    rows = list(
        csv.reader(
            io.StringIO("".join(csv_stream([Table("t", ["a"], [['=HYPERLINK("x")']])]))[1:]),
            delimiter=";",
        )
    )
    assert rows[1] == ['\'=HYPERLINK("x")']


def test_summary_csv_holds_the_indicators(client, known_data, english):
    client.force_login(known_data.coordinator)
    response = client.get("/reports/export/summary.csv", QUERY)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="bilan-du-01-09-2026-au-31-12-2026-chiffres-complets.csv"'
    )
    rows = csv_rows(response)
    values = {row[0]: row[1] for row in rows if len(row) == 2}
    assert values["Period start"] == "01/09/2026"
    assert values["Participants reached"] == "4"
    assert values["Returning households"] == "1"
    assert values["Sessions cancelled"] == "1"
    assert values["Attendance rate (%)"] == "80"
    assert [
        "Cuisine",
        "Holiday activity",
        "3",
        "1",
        "0",
        "0",
        "1",
        "4",
        "4",
        "3",
        "3",
        "100",
    ] in rows
    assert ["Parcours", "Family course", "2", "1", "0", "1", "0", "1", "1", "2", "1", "50"] in rows


def test_summary_xlsx_and_anonymous_masking(client, known_data, english):
    client.force_login(known_data.coordinator)
    workbook = xlsx(client.get("/reports/export/summary.xlsx", QUERY))
    indicators = {row[0]: row[1] for row in workbook["Indicators"].iter_rows(values_only=True)}
    assert indicators["Participants reached"] == 4
    assert indicators["Period start"].date() == PERIOD.start
    assert workbook["Indicators"]["B2"].number_format == "DD/MM/YYYY"
    assert indicators["Attendance rate (%)"] == 80.0
    # One set of bands: participants and anonymous attendees side by side.
    ages = {
        label: (named, anonymous)
        for label, named, anonymous, _met in workbook["By age band"].iter_rows(values_only=True)
    }
    assert ages["65 years and over"] == (1, 0)
    assert ages["6–11 years"] == (1, 3)
    assert dict(workbook["Anonymous attendees"].iter_rows(values_only=True))["6–11 years"] == 3

    workbook = xlsx(client.get("/reports/export/summary.xlsx", {**QUERY, "anonymous": "1"}))
    indicators = {row[0]: row[1] for row in workbook["Indicators"].iter_rows(values_only=True)}
    assert indicators["Participants reached"] is None
    assert indicators["Sessions held"] == 2
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).first()
    assert event.object_type == "reports.summary" and "anonymous=1" in event.summary
    assert event.actor == known_data.coordinator


def test_enrolment_list_names_only_for_coordinators(client, known_data, english):
    Participant.objects.filter(pk=known_data.participants["d"].pk).update(last_name="=cmd|x")
    client.force_login(known_data.coordinator)
    rows = csv_rows(client.get("/reports/export/enrolments.csv", QUERY))
    assert rows[0][:4] == ["Household", "Last name", "First name", "Birth date"]
    assert len(rows) == 1 + 9
    d_row = next(row for row in rows if row[2] == "D")
    assert d_row[1] == "'=cmd|x"
    assert d_row[3] == "06/06/1986"
    assert d_row[9] == ""  # whole cycle: no session

    client.force_login(known_data.mediator_cuisine)
    workbook = xlsx(client.get("/reports/export/enrolments.xlsx", QUERY))
    rows = list(workbook["Enrolments"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Household", "Age band", "Sex")
    assert len(rows) == 1 + 6  # the Cuisine enrolments of the period
    assert not any("Test" in str(cell) for row in rows for cell in row)
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.EXPORT, object_type="reports.enrolments"
        ).count()
        == 2
    )


def test_unknown_export_is_404(client, known_data):
    client.force_login(known_data.coordinator)
    assert client.get("/reports/export/summary.pdf").status_code == 404
    assert client.get("/reports/export/households.csv").status_code == 404


def test_long_xlsx_list_is_written_by_a_background_job(
    client,
    known_data,
    settings,
    celery_eager,
    tmp_path,
    django_capture_on_commit_callbacks,
    english,
):
    settings.REPORT_EXPORT_SYNC_ROWS = 5
    settings.MEDIA_ROOT = tmp_path
    client.force_login(known_data.coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get("/reports/export/enrolments.xlsx", QUERY)
    assert response.status_code == 302
    job = BackgroundJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.state == JobState.PENDING and not job.download_url
    assert client.get(job.get_absolute_url()).status_code == 200

    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.result_file.name.endswith(".xlsx")
    download = client.get(job.download_url)
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(download.streaming_content)), read_only=True
    )
    assert len(list(workbook["Enrolments"].iter_rows())) == 1 + 9
    # The file is for the account that asked.
    client.force_login(known_data.mediator_cuisine)
    assert client.get(job.download_url).status_code == 404
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.EXPORT, object_type="reports.enrolments"
        ).count()
        == 1
    )
    # Exports hold personal data: their files go after JOB_FILE_KEEP_HOURS.
    assert (
        job_files_prune(
            now=job.finished_at + datetime.timedelta(hours=settings.JOB_FILE_KEEP_HOURS + 1)
        )
        == 1
    )
    job.refresh_from_db()
    assert not job.result_file and not list(tmp_path.rglob("*.xlsx"))


def test_attendance_list(client, known_data, english):
    client.force_login(known_data.coordinator)
    rows = csv_rows(client.get("/reports/export/attendance.csv", QUERY))
    assert rows[0] == [
        "Household",
        "Last name",
        "First name",
        "Birth date",
        "Sex",
        "Neighbourhood",
        "In a QPV",
        "Programme",
        "Kind",
        "Session",
        "Status",
        "Walk-in",
    ]
    # S0 is before the period: six marks.
    assert [(row[2], row[10], row[11]) for row in rows[1:]] == [
        ("A", "Present", "no"),
        ("B", "Late", "no"),
        ("C", "Present", "no"),
        ("F", "Present", "yes"),
        ("B", "Present", "no"),
        ("D", "Absent", "no"),
    ]
    assert rows[1][9] == "21/10/2026 14:00"

    client.force_login(known_data.mediator_parcours)
    rows = csv_rows(client.get("/reports/export/attendance.csv", QUERY))
    assert [row[1] for row in rows] == ["Age band", "6–11 years", "26–64 years"]


def test_xlsx_sheets_are_ready_to_read_and_files_say_period_and_masking(
    client, known_data, english
):
    client.force_login(known_data.coordinator)
    response = client.get("/reports/export/summary.xlsx", QUERY)
    assert response["Content-Disposition"].endswith(
        'filename="bilan-du-01-09-2026-au-31-12-2026-chiffres-complets.xlsx"'
    )
    workbook = xlsx(response)
    by_programme = workbook["By programme"]
    # Header frozen, a filter over the whole table, widths that fit the longest cell.
    assert by_programme.freeze_panes == "A2"
    assert by_programme.auto_filter.ref == "A1:L3"
    header = [cell.value for cell in by_programme[1]]
    assert by_programme.column_dimensions["A"].width >= len("Programme") + 2
    rate_column = header.index("Attendance rate (%)")
    assert by_programme.cell(row=2, column=rate_column + 1).number_format == "0.0"
    assert by_programme.cell(row=2, column=3).number_format == "0"
    indicators = workbook["Indicators"]
    assert indicators.column_dimensions["A"].width >= len(
        "Past sessions with the register missing (not held)"
    )

    masked = client.get("/reports/export/summary.xlsx", {**QUERY, "anonymous": "1"})
    assert masked["Content-Disposition"].endswith(
        'filename="bilan-du-01-09-2026-au-31-12-2026-chiffres-masques.xlsx"'
    )
    client.force_login(known_data.mediator_cuisine)
    lists = client.get("/reports/export/enrolments.csv", QUERY)
    assert lists["Content-Disposition"].endswith(
        'filename="inscriptions-du-01-09-2026-au-31-12-2026-sans-noms.csv"'
    )
    client.force_login(known_data.partner_member)
    partner = client.get("/reports/export/summary.xlsx", QUERY)
    assert partner["Content-Disposition"].endswith('-chiffres-masques.xlsx"')
