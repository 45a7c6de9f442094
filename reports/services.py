"""Exports written to a file for later download: the only writes of the reports.

The file is named by an unguessable token and handed out only through a link signed for the
account that asked for it; files older than REPORT_EXPORT_KEEP_HOURS are removed.
"""

import os
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings

from .access import report_scope
from .exports import attendance_table, enrolment_table, summary_tables, xlsx_file
from .forms import ReportFilterForm
from .selectors import attendance_list_rows, enrolment_list_rows, report_summary_for


def export_folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "report-exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def export_path(token: str) -> Path:
    return export_folder() / f"{token}.xlsx"


def new_export_token() -> str:
    return secrets.token_urlsafe(24)


def report_tables(*, user, what: str, query: dict, anonymous: bool) -> list:
    """The tables of an export as ``user`` may see them; PermissionError otherwise."""
    scope = report_scope(user)
    if scope is None or (what != "summary" and not scope.lists):
        raise PermissionError(what)
    filters = ReportFilterForm(query, programmes=scope.programmes).report_filters()
    if what == "summary":
        return summary_tables(report_summary_for(scope=scope, filters=filters,
                                                 anonymous=anonymous))
    rows, table = LISTS[what]
    return [table(rows(programmes=scope.programmes, filters=filters).iterator(chunk_size=2000),
                  names=scope.names and not anonymous, reference=filters.start)]


# The lists that can be exported: how to read their rows, and how to lay them out.
LISTS = {
    "enrolments": (enrolment_list_rows, enrolment_table),
    "attendance": (attendance_list_rows, attendance_table),
}


def report_export_write(*, user, what: str, query: dict, anonymous: bool, token: str) -> Path:
    """Write the XLSX export under its token; the name appears only once it is complete."""
    exports_prune()
    tables = report_tables(user=user, what=what, query=query, anonymous=anonymous)
    target = export_path(token)
    partial = target.with_suffix(".part")
    with xlsx_file(tables) as source, open(partial, "wb") as output:
        shutil.copyfileobj(source, output)
    os.replace(partial, target)
    return target


def exports_prune() -> int:
    limit = time.time() - 3600 * settings.REPORT_EXPORT_KEEP_HOURS
    removed = 0
    for path in export_folder().iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
