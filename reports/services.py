"""Exports: the tables a person may download, and the long ones written as background jobs."""

from django.utils.translation import gettext as _

from jobs.models import BackgroundJob
from jobs.registry import JobOutcome, ProgressReport

from .access import report_scope
from .exports import attendance_table, enrolment_table, summary_tables, xlsx_file
from .forms import ReportFilterForm
from .selectors import attendance_list_rows, enrolment_list_rows, report_summary_for


def report_tables(*, user, what: str, query: dict, anonymous: bool) -> list:
    """The tables of an export as ``user`` may see them; PermissionError otherwise."""
    scope = report_scope(user)
    if scope is None or (what != "summary" and not scope.lists):
        raise PermissionError(what)
    filters = ReportFilterForm(query, programmes=scope.programmes).report_filters()
    if what == "summary":
        return summary_tables(report_summary_for(scope=scope, filters=filters, anonymous=anonymous))
    rows, table = LISTS[what]
    return [
        table(
            rows(programmes=scope.programmes, filters=filters).iterator(chunk_size=2000),
            names=scope.names and not anonymous,
            reference=filters.start,
        )
    ]


# The lists that can be exported: how to read their rows, and how to lay them out.
LISTS = {
    "enrolments": (enrolment_list_rows, enrolment_table),
    "attendance": (attendance_list_rows, attendance_table),
}


REPORT_EXPORT = "reports.export"


def report_export_build(job: BackgroundJob, report: ProgressReport) -> JobOutcome:
    """A long XLSX export, written by the worker as a background job: the job's page shows its
    progress, then offers the file to the account that asked, and to nobody else."""
    params = job.params
    report(0, 1, _("Reading the rows"))
    tables = report_tables(
        user=job.owner, what=params["what"], query=params["query"], anonymous=params["anonymous"]
    )
    with xlsx_file(tables) as source:
        content = source.read()
    report(1, 1)
    return JobOutcome(message=_("The export is ready."), file=(params["filename"], content))
