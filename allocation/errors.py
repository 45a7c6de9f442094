"""The one domain error of the allocation app."""


class AllocationError(Exception):
    """A rule of allocation rounds was broken; ``message`` is meant for the person who asked.

    ``field`` names the input at fault; ``status_code`` is what the API answers (400 bad input,
    403 a right the person lacks, 409 a conflict with the round's state).
    """

    def __init__(self, message: str, *, field: str | None = None, status_code: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status_code = status_code
