"""The one NinjaAPI of the project, and its error handlers.

Every error answers the same JSON shape::

    {"detail": "human-readable summary", "errors": [{"field": "start", "message": "…"}]}
"""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from allocation.api import router as allocation_router
from allocation.errors import AllocationError
from config.accounts.api import router as me_router
from enrolment import api as enrolment_api
from enrolment.attendance_api import figures_router as attendance_figures_router
from enrolment.attendance_api import follow_ups_router
from enrolment.attendance_api import sessions_router as attendance_router
from enrolment.errors import EnrolmentError
from enrolment.reports.api import router as reports_router
from notifications.api import router as notifications_router
from notifications.services import NotificationError
from programmes.api import router as programmes_router
from sessions.api import router as sessions_router
from sessions.services import SessionError

api = NinjaAPI(
    title="Mediation workshops API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
)


def error_body(detail: str, errors: list[dict] | None = None) -> dict:
    return {"detail": detail, "errors": errors or []}


def _field_name(location: list) -> str:
    # ("query", "start") -> "start"; ("body", "payload", "participant_id") -> "participant_id"
    parts = [str(part) for part in location if part not in ("query", "body", "path", "payload")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):
    errors = [
        {"field": _field_name(list(error.get("loc", []))), "message": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    summary = _("Invalid input: %(fields)s") % {
        "fields": ", ".join(sorted({error["field"] for error in errors}))
    }
    return api.create_response(request, error_body(summary, errors), status=422)


def _domain_error_response(
    request: HttpRequest, exc: SessionError | EnrolmentError | NotificationError, status: int
):
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
    return api.create_response(request, error_body(exc.message, errors), status=status)


@api.exception_handler(SessionError)
def on_domain_error(request: HttpRequest, exc: SessionError):
    return _domain_error_response(request, exc, 400)


@api.exception_handler(EnrolmentError)
def on_enrolment_error(request: HttpRequest, exc: EnrolmentError):
    # 409 when the request conflicts with the current state (full, already enrolled, too late).
    return _domain_error_response(request, exc, exc.status_code)


@api.exception_handler(AllocationError)
def on_allocation_error(request: HttpRequest, exc: AllocationError):
    return _domain_error_response(request, exc, exc.status_code)


@api.exception_handler(NotificationError)
def on_notification_error(request: HttpRequest, exc: NotificationError):
    return _domain_error_response(request, exc, exc.status_code)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, error_body(_("Not found.")), status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(request, error_body(_("Authentication required.")), status=401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):
    return api.create_response(request, error_body(str(exc)), status=exc.status_code)


api.add_router("/me", me_router, tags=["accounts"])
api.add_router("/programmes", programmes_router, tags=["programmes"])
api.add_router("/sessions", sessions_router, tags=["sessions"])
api.add_router("/reports", reports_router, tags=["reports"])
api.add_router("/sessions", attendance_router, tags=["attendance"])
api.add_router("/programmes", attendance_figures_router, tags=["attendance"])
api.add_router("/follow-ups", follow_ups_router, tags=["attendance"])
api.add_router("/households", enrolment_api.households, tags=["households"])
api.add_router("/participants", enrolment_api.participants, tags=["households"])
api.add_router("/enrolments", enrolment_api.enrolments, tags=["enrolments"])
api.add_router("/referrals", enrolment_api.referrals, tags=["enrolments"])
api.add_router("/programmes", enrolment_api.programme_waitlists, tags=["enrolments"])
api.add_router("/notifications", notifications_router, tags=["notifications"])
api.add_router("/allocation", allocation_router, tags=["allocation"])
