"""Links that a higher app adds to a lower app's page, without the lower app knowing it.

The household page (enrolment) shows, for those allowed, the data-protection export (privacy):
privacy registers a function here from ``AppConfig.ready()``, and the page asks
``{% household_links household as links %}`` (core/templatetags/links.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise


@dataclass(frozen=True)
class Link:
    label: Promise | str
    url: str


LinkMaker = Callable[[HttpRequest, Any], list[Link]]
_household_link_makers: dict[str, LinkMaker] = {}


def register_household_links(key: str, maker: LinkMaker) -> None:
    _household_link_makers[key] = maker


def household_links(request: HttpRequest, household: Any) -> list[Link]:
    return [link for maker in _household_link_makers.values() for link in maker(request, household)]
