"""The one error base of the project, and the one JSON shape every error answers.

A service raises a subclass of :class:`DomainError` with a message meant for the person who
asked, the input at fault and the HTTP status the API answers; the API's single handler
(``config/api.py``) and the pages' :func:`form_error` turn it into an answer, so no view or
router maps errors by hand.
"""

from typing import Any

from ninja import Schema


class DomainError(Exception):
    """A rule was broken; ``message`` is for the person who asked.

    ``field`` names the input at fault (None when it is the request as a whole). ``status`` is
    what the API answers: 400 for input that can never be accepted, 403 for a right the person
    does not have, 404 for an object they may not see, 409 for a conflict with the current
    state (full, already enrolled, too late).
    """

    default_status = 400

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status or self.default_status

    def as_errors(self) -> list[dict[str, str]]:
        return [{"field": self.field, "message": self.message}] if self.field else []


class ErrorItemOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """The one error shape, as the API's schema documents it."""

    detail: str
    errors: list[ErrorItemOut]


# Every error an operation may answer, documented on every operation of the API.
ERROR_ANSWERS = {
    400: "The request breaks a rule (the message says which).",
    401: "Authentication required: a session, or an API token as `Authorization: Bearer`.",
    403: "The account's role does not allow this.",
    404: "Not found, or not visible to this account.",
    405: "Method not allowed.",
    409: "Conflicts with the current state (full, already enrolled, already closed).",
    422: "Invalid input: `errors` names each field at fault.",
    429: "Too many requests.",
}


def error_body(detail: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """``{"detail": "…", "errors": [{"field": "start", "message": "…"}]}``."""
    return {"detail": detail, "errors": errors or []}


def form_error(form: Any, error: DomainError, *, fields: dict[str, str] | None = None) -> None:
    """Show a service's refusal on a Django form: beside the field it names when the form has
    that field (``fields`` maps a service's field name to the form's), else above the form."""
    name = (fields or {}).get(error.field or "", error.field)
    form.add_error(name if name in form.fields else None, error.message)
