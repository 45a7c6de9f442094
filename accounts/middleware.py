"""Makes the current request known to the audit trail wherever a change happens."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .audit import current_request


class AuditContextMiddleware:
    """Changes recorded from model signals (which receive no request) are attributed to the
    user, address and path of the request that made them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
