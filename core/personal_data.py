"""What each app holds about a household, registered by the app itself.

The privacy app exports and erases a household by asking every registered holder, in the order
the apps registered (export) and in the reverse order (erasure: what points at guardians and
participants goes before them). Nothing is listed by hand in privacy: an app that stores a new
personal field registers it here, and ``tests/privacy/test_personal_data_coverage.py`` fails
until it does.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise


@dataclass(frozen=True)
class HouseholdDataHolder:
    """One section of a household's data: how to export it and how to erase it.

    ``covers`` names the personal fields this holder exports and erases, per model; the
    coverage test compares it with the models. ``export`` returns the section's rows as plain
    data (JSON-ready); ``erase`` removes or blanks them and returns how many rows it changed.
    For people reading their export, ``title`` names the section and ``codes`` gives, per key
    of a row (``"enrolments.status"`` inside a nested list), the choices that put a code into
    words.
    """

    key: str
    covers: dict[type[models.Model], tuple[str, ...]]
    export: Callable[[Any], list[dict[str, Any]]]
    erase: Callable[[Any, datetime.datetime], int]
    title: Promise | str = ""
    codes: Mapping[str, Any] = field(default_factory=dict)


class HouseholdDataRegistry:
    def __init__(self) -> None:
        self._holders: dict[str, HouseholdDataHolder] = {}

    def register(self, holder: HouseholdDataHolder) -> None:
        # AppConfig.ready() may run twice in tests: registering again replaces.
        self._holders[holder.key] = holder

    def holders(self) -> list[HouseholdDataHolder]:
        return list(self._holders.values())

    def covered_fields(self) -> set[tuple[str, str]]:
        return {
            (model._meta.label, field)
            for holder in self._holders.values()
            for model, fields in holder.covers.items()
            for field in fields
        }


household_data = HouseholdDataRegistry()
