"""What the apps above households add to its pages, registered from their ``AppConfig.ready``
(as they fill ``core.menu``): households knows none of them.

A *household panel* renders a part of the staff's household page (the enrolments, the form to
enrol in a programme); it answers HTML, or a response when its own form sends the person on.
A family and a mediator come back to their space through ``core.menu.entry_url``.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HouseholdPanel = Callable[[HttpRequest, object], "str | HttpResponse"]

_panels: list[HouseholdPanel] = []


def register_household_panel(panel: HouseholdPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def household_panels() -> list[HouseholdPanel]:
    return list(_panels)
