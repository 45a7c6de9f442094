"""Keeps the API's error shape for the answers that never reach the API's own handlers."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .errors import error_body

API_PREFIX = "/api/"


def _detail(status: int) -> str:
    if status == 404:
        return _("Not found.")
    if status == 405:
        return _("Method not allowed.")
    if status >= 500:
        return _("Server error. Please try again later.")
    return _("The request could not be processed.")


class ApiErrorShapeMiddleware:
    """Answers ``{"detail", "errors"}`` JSON for errors under /api/ that Django itself produced.

    A path the API's routes do not match (``/api/v1/programmes/abc``), a method an operation
    does not accept, or an unhandled exception would otherwise answer an HTML page to a client
    that expects JSON. (Errors the API raises itself go through its handlers in config/api.py.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            shaped = JsonResponse(
                error_body(_detail(response.status_code)), status=response.status_code
            )
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response


class VaryOnlyOnMiddleware:
    """Lets a view say exactly what its body depends on: ``response.vary_only_on`` (a tuple of
    header names, possibly empty) replaces the ``Vary`` that inner middleware added.

    Sessions and locale middleware add ``Cookie`` and ``Accept-Language`` to every answer, which
    makes shared caches keep one copy of a calendar feed per cookie and language although its
    body depends on its URL alone. Placed before them, so that it sees their answer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        only = getattr(response, "vary_only_on", None)
        if only is not None:
            if only:
                response["Vary"] = ", ".join(only)
            elif response.has_header("Vary"):
                del response["Vary"]
        return response
