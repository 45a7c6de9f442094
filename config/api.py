"""The one NinjaAPI of the project, and its error handlers.

Every error answers the same JSON shape::

    {"detail": "human-readable summary", "errors": [{"field": "start", "message": "…"}]}
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accounts.api import router as me_router
from allocation.api import router as allocation_router
from attendance.api import figures_router as attendance_figures_router
from attendance.api import follow_ups_router, outreach_router
from attendance.api import sessions_router as attendance_router
from core.errors import ERROR_ANSWERS, DomainError, ErrorOut, error_body
from core.validation_messages import body_parse_message, validation_message
from enrolment import api as enrolment_api
from households import api as households_api
from notifications.api import router as notifications_router
from programmes.api import router as programmes_router
from reports.api import router as reports_router
from sessions.api import router as sessions_router


class DocumentedErrorsAPI(NinjaAPI):
    """The API whose schema documents, on every operation, each error answer with the one
    error shape (``core.errors.ErrorOut``), as clients and schemathesis read it."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in error_schema.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault("Error", error_schema)
        reference = {"$ref": "#/components/schemas/Error"}
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_ANSWERS.items():
                    if status in responses or str(status) in responses:
                        continue
                    responses[status] = {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    }
        return schema


api = DocumentedErrorsAPI(
    title="Mediation workshops API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
)


def _field_name(location: list) -> str:
    # ("query", "start") -> "start"; ("body", "payload", "participant_id") -> "participant_id"
    parts = [str(part) for part in location if part not in ("query", "body", "path", "payload")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):
    errors = [
        {"field": _field_name(list(error.get("loc", []))), "message": validation_message(error)}
        for error in exc.errors
    ]
    summary = _("Invalid input: %(fields)s") % {
        "fields": ", ".join(sorted({error["field"] for error in errors}))
    }
    return api.create_response(request, error_body(summary, errors), status=422)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError):
    """Every app's refusals: the status, the message and the field the error itself carries."""
    return api.create_response(request, error_body(exc.message, exc.as_errors()), status=exc.status)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied):
    return api.create_response(
        request, error_body(str(exc) or _("You do not have access to this.")), status=403
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, error_body(_("Not found.")), status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(request, error_body(_("Authentication required.")), status=401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        # django-ninja's own English, with the JSON parser's details in DEBUG.
        message = body_parse_message()
    return api.create_response(request, error_body(message), status=exc.status_code)


api.add_router("/me", me_router, tags=["accounts"])
api.add_router("/programmes", programmes_router, tags=["programmes"])
api.add_router("/sessions", sessions_router, tags=["sessions"])
api.add_router("/reports", reports_router, tags=["reports"])
api.add_router("/sessions", attendance_router, tags=["attendance"])
api.add_router("/programmes", attendance_figures_router, tags=["attendance"])
api.add_router("/follow-ups", follow_ups_router, tags=["attendance"])
api.add_router("/outreach", outreach_router, tags=["attendance"])
api.add_router("/households", households_api.households, tags=["households"])
api.add_router("/participants", households_api.participants, tags=["households"])
api.add_router("/enrolments", enrolment_api.enrolments, tags=["enrolments"])
api.add_router("/referrals", enrolment_api.referrals, tags=["enrolments"])
api.add_router("/programmes", enrolment_api.programme_waitlists, tags=["enrolments"])
api.add_router("/notifications", notifications_router, tags=["notifications"])
api.add_router("/allocation", allocation_router, tags=["allocation"])
