"""Report pages and downloads: the dashboard, the annual report and the exports."""

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.audit import AuditAction, audit_record
from core.time import school_year_bounds, school_year_of
from jobs.services import job_start

from .access import ReportScope, report_scope
from .charts import bar_chart, column_chart
from .exports import CONTENT_TYPES, csv_stream, export_filename, xlsx_file
from .filters import ReportFilters
from .forms import ReportFilterForm
from .selectors import ReportSummary, report_summary_for
from .services import LISTS, REPORT_EXPORT, report_tables

EXPORTS = ("summary", *LISTS)


def _scope(request: HttpRequest) -> ReportScope:
    scope = report_scope(request.user)
    if scope is None:
        raise PermissionDenied(_("Reports are for the service's staff and partners."))
    return scope


def _charts(summary: ReportSummary) -> dict:
    hidden = _("masked")
    return {
        "over_time": column_chart(
            chart_id="chart-over-time",
            title=_("Attendances by month"),
            masked_label=hidden,
            rows=[(month_label(row.month), row.attendances) for row in summary.over_time],
        ),
        "rate_by_kind": bar_chart(
            chart_id="chart-rate-kind",
            title=_("Attendance rate by kind of programme"),
            masked_label=hidden,
            unit=" %",
            maximum=100,
            rows=[(row.label, row.attendance_rate) for row in summary.by_kind if row.expected],
        ),
        "qpv": bar_chart(
            chart_id="chart-qpv",
            title=_("Participants by QPV"),
            masked_label=hidden,
            rows=[(row.label, row.participants) for row in summary.by_qpv],
        ),
        "neighbourhood": bar_chart(
            chart_id="chart-neighbourhood",
            title=_("Participants by neighbourhood"),
            masked_label=hidden,
            rows=[(row.label, row.participants) for row in summary.by_neighbourhood],
        ),
        "age_band": bar_chart(
            chart_id="chart-age",
            title=_("Participants by age band"),
            masked_label=hidden,
            rows=[(row.label, row.participants) for row in summary.by_age_band],
        ),
        "kind": bar_chart(
            chart_id="chart-kind",
            title=_("Participants by kind of programme"),
            masked_label=hidden,
            rows=[(row.label, row.participants) for row in summary.by_kind],
        ),
    }


def month_label(month: datetime.date) -> str:
    return month.strftime("%m/%Y")


def _report_context(request: HttpRequest, scope: ReportScope, filters: ReportFilters) -> dict:
    summary = report_summary_for(scope=scope, filters=filters)
    query = filters.as_query()
    return {
        "summary": summary,
        "filters": filters,
        "scope": scope,
        "charts": _charts(summary),
        "query": urlencode(query),
        "anonymous_query": urlencode({**query, "anonymous": "1"}),
    }


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = ReportFilterForm(request.GET or None, programmes=scope.programmes)
    context = _report_context(request, scope, form.report_filters())
    return render(request, "reports/dashboard.html", {**context, "form": form})


@require_GET
@login_required
def annual_report(request: HttpRequest, year: int | None = None) -> HttpResponse:
    scope = _scope(request)
    if year is None:
        year = school_year_of(timezone.localdate())
    if not 2000 <= year <= 2100:
        raise Http404
    start, end = school_year_bounds(year)
    context = _report_context(request, scope, ReportFilters(start=start, end=end))
    return render(request, "reports/annual.html", {**context, "year": year, "next_year": year + 1})


def _audit_export(request: HttpRequest, *, what: str, fmt: str) -> None:
    query = urlencode(sorted(request.GET.items()))
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        object_type=f"reports.{what}",
        summary=f"{fmt} {query}",
        request=request,
    )


@require_GET
@login_required
def export(request: HttpRequest, what: str, fmt: str) -> HttpResponse:
    scope = _scope(request)
    if what not in EXPORTS or fmt not in CONTENT_TYPES:
        raise Http404
    if what != "summary" and not scope.lists:
        raise PermissionDenied(_("Partners receive aggregated figures only."))
    anonymous = request.GET.get("anonymous") == "1"
    filters = ReportFilterForm(request.GET, programmes=scope.programmes).report_filters()
    masked = (
        (scope.masked or anonymous) if what == "summary" else not (scope.names and not anonymous)
    )
    filename = export_filename(
        what=what, fmt=fmt, start=filters.start, end=filters.end, masked=masked
    )
    if (
        fmt == "xlsx"
        and what != "summary"
        and LISTS[what][0](programmes=scope.programmes, filters=filters).count()
        > settings.REPORT_EXPORT_SYNC_ROWS
    ):
        return _export_later(request, what=what, anonymous=anonymous, filename=filename)
    tables = report_tables(user=request.user, what=what, query=request.GET, anonymous=anonymous)
    _audit_export(request, what=what, fmt=fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(tables), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        xlsx_file(tables), as_attachment=True, filename=filename, content_type=CONTENT_TYPES["xlsx"]
    )


def _export_later(
    request: HttpRequest, *, what: str, anonymous: bool, filename: str
) -> HttpResponse:
    job = job_start(
        kind=REPORT_EXPORT,
        owner=request.user,
        title=_("Export of %(file)s") % {"file": filename},
        params={
            "what": what,
            "query": dict(request.GET.items()),
            "anonymous": anonymous,
            "filename": filename,
        },
    )
    _audit_export(request, what=what, fmt="xlsx")
    return redirect(job)
