"""Which function runs which kind of job. Apps register their handlers in AppConfig.ready().

A handler receives the job and a ``report(done, total, message="")`` callable, and returns a
:class:`JobOutcome`. It should commit its work in steps (each service call its own
transaction), so that progress written between steps is visible to the polling page.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class JobOutcome:
    message: str = ""
    result: dict = field(default_factory=dict)
    result_url: str = ""
    # (file name, content) for a download, kept with the job and served to its owner only.
    file: tuple[str, bytes] | None = None


ProgressReport = Callable[..., None]
JobHandler = Callable[..., JobOutcome]

_handlers: dict[str, JobHandler] = {}


def register_job_handler(kind: str, handler: JobHandler) -> None:
    _handlers[kind] = handler


def job_handler(kind: str) -> JobHandler | None:
    return _handlers.get(kind)
