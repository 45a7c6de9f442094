"""What the apps above households add to its pages, registered from their ``AppConfig.ready``
(as they fill ``core.menu``): households knows none of them.

- a *household panel* renders a part of the staff's household page (the enrolments, the form to
  enrol in a programme); it answers HTML, or a response when its own form sends the person on;
- the *home pages*: the URL names a family and a mediator come back to after a household
  change (the family's space, the mediation space). Without them, the site's home.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

HouseholdPanel = Callable[[HttpRequest, object], "str | HttpResponse"]

_panels: list[HouseholdPanel] = []
_home_pages = {"family": "home", "mediation": "home"}


def register_household_panel(panel: HouseholdPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def household_panels() -> list[HouseholdPanel]:
    return list(_panels)


def register_home_pages(*, family: str, mediation: str) -> None:
    _home_pages.update(family=family, mediation=mediation)


def home_page(kind: str) -> str:
    """The URL of the ``"family"`` or ``"mediation"`` space."""
    return reverse(_home_pages[kind])
