"""The one domain error of the enrolment app (households, enrolments, attendance)."""


class EnrolmentError(Exception):
    """A rule was broken; ``message`` is meant for the person who asked.

    ``field`` names the input at fault (None when it is the request as a whole);
    ``status_code`` is what the API answers: 400 for input that can never be accepted, 409 for
    a conflict with the current state (full, already enrolled, too late), 403 for a right the
    person does not have.
    """

    def __init__(self, message: str, *, field: str | None = None, status_code: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status_code = status_code
