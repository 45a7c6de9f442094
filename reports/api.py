from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from accounts.auth import session_or_token

from .access import report_scope
from .filters import build_filters
from .schemas import ReportQuery, ReportSummaryOut
from .selectors import report_summary_for

router = Router(auth=session_or_token)


@router.get(
    "/summary",
    response=ReportSummaryOut,
    summary="Indicators for a period (staff: own programmes; partners: masked)",
)
def summary(request: HttpRequest, query: Query[ReportQuery]):
    """Figures from `start` to `end` (both days included; the current school year without
    them). `end` must not be before `start` (a rule between two parameters, which the schema
    cannot state): 422 naming `end`."""
    scope = report_scope(request.auth)
    if scope is None:
        raise HttpError(403, _("Reports are for the service's staff and partners."))
    filters = build_filters(
        start=query.start,
        end=query.end,
        kind=query.kind or "",
        field=query.field or "",
        programme_id=query.programme,
        venue_id=query.venue,
        partner_id=query.partner,
    )
    return report_summary_for(scope=scope, filters=filters, anonymous=query.anonymous)
