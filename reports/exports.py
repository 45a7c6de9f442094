"""Exports of the indicators and of the lists, as CSV or XLSX, French-style.

- CSV: UTF-8 with a BOM and semicolons, which is what a French spreadsheet opens without asking;
  streamed row by row, so that a list of any length starts at once and never times out.
- XLSX: openpyxl's write-only workbook, which keeps one row in memory at a time.
- Dates read day/month/year; a text cell that a spreadsheet would take for a formula
  (= + - @ tab, carriage return) is prefixed with an apostrophe (OWASP "CSV injection").
"""

import csv
import datetime
import itertools
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from attendance.models import AttendanceStatus
from core.age_bands import age_band_of, age_on
from enrolment.models import EnrolmentSource, EnrolmentStatus
from households.models import Sex
from programmes.models import Kind

from .selectors import ReportSummary

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Table:
    """One sheet: a title, a header row and rows of plain values."""

    title: str
    header: list[str]
    rows: Iterable[list]


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime(DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(neutralise(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(tables: list[Table]) -> Iterator[str]:
    """CSV lines, one table after the other with a blank line between them."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    for index, table in enumerate(tables):
        if index:
            yield "\r\n"
        if len(tables) > 1:
            yield writer.writerow([csv_text(table.title)])
        yield writer.writerow([csv_text(name) for name in table.header])
        for row in table.rows:
            yield writer.writerow([csv_text(value) for value in row])


def _xlsx_cell(sheet, value, *, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).replace(tzinfo=None)
    elif isinstance(value, bool):
        value = _("yes") if value else _("no")
    cell = WriteOnlyCell(sheet, value=neutralise(value))
    if isinstance(value, datetime.datetime):
        cell.number_format = "DD/MM/YYYY HH:MM"
    elif isinstance(value, datetime.date):
        cell.number_format = "DD/MM/YYYY"
    elif isinstance(value, float):
        cell.number_format = "0.0"
    elif isinstance(value, int):
        cell.number_format = "0"
    if bold:
        cell.font = Font(bold=True)
    return cell


# Column widths are measured on the first rows (lists stream the rest); in characters.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 8, 60


def _shown_length(value) -> int:
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    return len(str(value)) if value is not None else 0


def column_widths(header: list[str], rows: list[list]) -> list[float]:
    widths = [len(str(name)) for name in header]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _shown_length(value))
    return [min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widths]


def xlsx_file(tables: list[Table]):
    """A temporary file holding the workbook, one sheet per table, each with its header row
    frozen, a filter on every column, widths fitted to the content and number formats; the
    caller closes it."""
    workbook = Workbook(write_only=True)
    for table in tables:
        # Sheet titles: at most 31 characters, none of []:*?/\
        title = "".join(c for c in table.title if c not in "[]:*?/\\")[:31] or "Sheet"
        sheet = workbook.create_sheet(title=title)
        rows = iter(table.rows)
        first = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
        for index, width in enumerate(column_widths(table.header, first), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        sheet.append([_xlsx_cell(sheet, name, bold=True) for name in table.header])
        count = 0
        for row in itertools.chain(first, rows):
            sheet.append([_xlsx_cell(sheet, value) for value in row])
            count += 1
        last_column = get_column_letter(max(len(table.header), 1))
        sheet.auto_filter.ref = f"A1:{last_column}{count + 1}"
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook.save(output)
    output.seek(0)
    return output


def summary_tables(summary: ReportSummary) -> list[Table]:
    """The indicators as tables, in the order of the dashboard."""
    filters = summary.filters
    masked_note = (
        _("Counts from 1 to %(limit)s are masked (empty).") % {"limit": summary.mask_threshold - 1}
        if summary.masked and summary.mask_threshold is not None
        else _("Counts are not masked.")
    )
    totals: list[list] = [
        [_("Period start"), filters.start],
        [_("Period end"), filters.end],
        [_("Participants reached"), summary.participants],
        [_("Households reached"), summary.households],
        [_("New households"), summary.new_households],
        [_("Returning households"), summary.returning_households],
        [_("Sessions planned"), summary.sessions_planned],
        [_("Sessions held"), summary.sessions_held],
        [_("of which held without a register"), summary.sessions_held_without_register],
        [
            _("Past sessions with the register missing (not held)"),
            summary.sessions_register_missing,
        ],
        [_("Held sessions with signatures on the register"), summary.sessions_signed],
        [_("Sessions cancelled"), summary.sessions_cancelled],
        [_("Enrolments recorded"), summary.enrolments],
        [_("Enrolments confirmed"), summary.enrolments_confirmed],
        [_("Enrolments waitlisted"), summary.enrolments_waitlisted],
        [_("Enrolments cancelled"), summary.enrolments_cancelled],
        [_("Attendances"), summary.attendances],
        [_("People expected (sessions with a register)"), summary.expected],
        [_("Expected people who came"), summary.attended],
        [_("Attendance rate (%)"), summary.attendance_rate],
        [_("Anonymous attendees"), summary.anonymous_headcount],
        [_("People met on outreach (not added to participants)"), summary.outreach_people],
        [_("of which in a QPV"), summary.outreach_people_in_qpv],
        [_("Outreach contacts"), summary.outreach_contacts],
        [_("Outreach contacts followed by a referral"), summary.outreach_referrals],
        [_("Participants followed up"), summary.follow_up_participants],
        [_("Follow-ups opened"), summary.follow_ups],
        [_("Children collected by someone not on the list"), summary.check_outs_unlisted],
        [_("Masking"), masked_note],
        [_("Age taken"), _("at the period's start")],
    ]
    breakdown_header = [_("Group"), _("Participants"), _("Households")]
    rate_header = [
        _("Attendances"),
        _("Expected"),
        _("Expected who came"),
        _("Attendance rate (%)"),
    ]
    return [
        Table(_("Indicators"), [_("Indicator"), _("Value")], totals),
        Table(
            _("By programme"),
            [
                _("Programme"),
                _("Kind"),
                _("Sessions planned"),
                _("Sessions held"),
                _("Held without a register"),
                _("Register missing"),
                _("Sessions cancelled"),
                _("Participants"),
                *rate_header,
            ],
            [
                [
                    row.title,
                    row.kind_label,
                    row.sessions_planned,
                    row.sessions_held,
                    row.sessions_held_without_register,
                    row.sessions_register_missing,
                    row.sessions_cancelled,
                    row.participants,
                    *rate_cells(row),
                ]
                for row in summary.by_programme
            ],
        ),
        Table(
            _("By kind"),
            [_("Kind"), _("Sessions held"), _("Participants"), *rate_header],
            [
                [row.label, row.sessions_held, row.participants, *rate_cells(row)]
                for row in summary.by_kind
            ],
        ),
        Table(
            _("By age band"),
            [
                _("Age band"),
                _("Participants"),
                _("Anonymous attendees"),
                _("People met on outreach"),
            ],
            age_band_rows(summary),
        ),
        Table(
            _("By neighbourhood"),
            [_("Neighbourhood"), _("In a QPV"), _("Participants"), _("Households")],
            [
                [row.label, row.key.endswith("|qpv"), row.participants, row.households]
                for row in summary.by_neighbourhood
            ],
        ),
        Table(
            _("QPV"),
            breakdown_header,
            [[row.label, row.participants, row.households] for row in summary.by_qpv],
        ),
        Table(
            _("By sex"),
            [_("Sex"), _("Participants")],
            [[row.label, row.participants] for row in summary.by_sex],
        ),
        Table(
            _("By month"),
            [_("Month"), _("Sessions held"), *rate_header],
            [[row.month, row.sessions_held, *rate_cells(row)] for row in summary.over_time],
        ),
        Table(
            _("Anonymous attendees"),
            [_("Age band"), _("People")],
            [[row.label, row.count] for row in summary.anonymous_by_age_band],
        ),
        Table(
            _("Follow-ups"),
            [_("Outcome"), _("Follow-ups")],
            [[row.label, row.count] for row in summary.follow_up_outcomes],
        ),
        Table(
            _("Registers missing"),
            [_("Programme"), _("Session")],
            [[row.title, row.starts_at] for row in summary.missing_registers],
        ),
    ]


def age_band_rows(summary: ReportSummary) -> list[list]:
    """Participants and anonymous attendees side by side, in the same bands."""
    anonymous = {row.key: row.count for row in summary.anonymous_by_age_band}
    met = {row.key: row.count for row in summary.outreach_by_age_band}
    rows = [
        [row.label, row.participants, anonymous.pop(row.key, 0), met.pop(row.key, 0)]
        for row in summary.by_age_band
    ]
    labels = {
        row.key: row.label
        for row in [*summary.anonymous_by_age_band, *summary.outreach_by_age_band]
    }
    return rows + [
        [labels[key], None, anonymous.get(key, 0), met.get(key, 0)]
        for key in sorted(set(anonymous) | set(met))
    ]


def rate_cells(row) -> list:
    return [row.attendances, row.expected, row.attended, row.attendance_rate]


def age_band_label(birth_date: datetime.date, reference: datetime.date) -> str:
    return age_band_of(age_on(birth_date, reference)).label


def enrolment_table(rows: Iterable[tuple], *, names: bool, reference: datetime.date) -> Table:
    """The enrolment list; without names, the age band stands for the birth date."""
    statuses, sources = dict(EnrolmentStatus.choices), dict(EnrolmentSource.choices)
    kinds, sexes = dict(Kind.choices), dict(Sex.choices)
    who = [_("Last name"), _("First name"), _("Birth date")] if names else [_("Age band")]
    header = [
        _("Household"),
        *who,
        _("Sex"),
        _("Neighbourhood"),
        _("In a QPV"),
        _("Programme"),
        _("Kind"),
        _("Session"),
        _("Status"),
        _("Source"),
        _("Recorded on"),
        _("Cancelled on"),
    ]

    def lines():
        for (
            reference_code,
            last_name,
            first_name,
            birth_date,
            sex,
            neighbourhood,
            in_qpv,
            title,
            kind,
            session_start,
            status,
            source,
            created_at,
            cancelled_at,
        ) in rows:
            person = (
                [last_name, first_name, birth_date]
                if names
                else [age_band_label(birth_date, reference)]
            )
            yield [
                reference_code,
                *person,
                str(sexes.get(sex, sex)),
                neighbourhood,
                in_qpv,
                title,
                str(kinds.get(kind, kind)),
                session_start,
                str(statuses.get(status, status)),
                str(sources.get(source, source)),
                created_at,
                cancelled_at,
            ]

    return Table(_("Enrolments"), header, lines())


def attendance_table(rows: Iterable[tuple], *, names: bool, reference: datetime.date) -> Table:
    """The marks of the period, one row per participant and session."""
    statuses, kinds, sexes = dict(AttendanceStatus.choices), dict(Kind.choices), dict(Sex.choices)
    who = [_("Last name"), _("First name"), _("Birth date")] if names else [_("Age band")]
    header = [
        _("Household"),
        *who,
        _("Sex"),
        _("Neighbourhood"),
        _("In a QPV"),
        _("Programme"),
        _("Kind"),
        _("Session"),
        _("Status"),
        _("Walk-in"),
    ]

    def lines():
        for (
            reference_code,
            last_name,
            first_name,
            birth_date,
            sex,
            neighbourhood,
            in_qpv,
            title,
            kind,
            session_start,
            status,
            walk_in,
        ) in rows:
            person = (
                [last_name, first_name, birth_date]
                if names
                else [age_band_label(birth_date, reference)]
            )
            yield [
                reference_code,
                *person,
                str(sexes.get(sex, sex)),
                neighbourhood,
                in_qpv,
                title,
                str(kinds.get(kind, kind)),
                session_start,
                str(statuses.get(status, status)),
                walk_in,
            ]

    return Table(_("Attendance"), header, lines())


# File names in French whatever the page's language: what, the period, and whether the figures
# are masked (summary) or the lists name people.
FILE_WHAT = {"summary": "bilan", "enrolments": "inscriptions", "attendance": "presences"}


def export_filename(
    *, what: str, fmt: str, start: datetime.date, end: datetime.date, masked: bool
) -> str:
    if what == "summary":
        masking = "chiffres-masques" if masked else "chiffres-complets"
    else:
        masking = "sans-noms" if masked else "nominatif"
    return f"{FILE_WHAT.get(what, what)}-du-{start:%d-%m-%Y}-au-{end:%d-%m-%Y}-{masking}.{fmt}"
