"""Reads of personal data, told to whoever records them.

A page or an API operation that shows people (a list of households, a register, a waiting
list) calls ``personal_read(request, objects)`` once with what it showed; the API's pagination
does it for every paginated list of a personal model. The audit trail (``accounts``, above
this app) registers the recorder that decides whose reads are kept (staff and partners) and
writes one event per request naming the objects read.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.http import HttpRequest

from .personal_data import household_data

Recorder = Callable[[HttpRequest, list[models.Model], str], None]
_recorders: dict[str, Recorder] = {}
# Models read as a whole with the people they hold (a household with its guardians and
# children), besides those whose own fields the apps register in core.personal_data.
_containers: set[type[models.Model]] = set()


def register_read_recorder(key: str, recorder: Recorder) -> None:
    # AppConfig.ready() may run twice in tests: registering again replaces.
    _recorders[key] = recorder


def register_personal_container(model: type[models.Model]) -> None:
    _containers.add(model)


def is_personal(model: type[models.Model]) -> bool:
    """A model some app registered as holding a household's personal data."""
    return model in _containers or any(
        model in holder.covers for holder in household_data.holders()
    )


def personal_read(
    request: HttpRequest | Any, objects: Iterable[models.Model], *, summary: str = ""
) -> None:
    """``objects`` (already fetched) were shown to the person making ``request``."""
    shown = list(objects)
    for recorder in _recorders.values():
        recorder(request, shown, summary)
