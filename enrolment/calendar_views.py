"""A household's private calendar feed over HTTP, on the feed machinery of the sessions app."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

import sessions.urls  # noqa: F401  (registers the feedtoken path converter)
from sessions.calendar_views import private_feed

from .models import HouseholdFeedToken
from .selectors import household_feed


@require_safe
def household_calendar(request: HttpRequest, token: str) -> HttpResponse:
    return private_feed(
        request,
        token,
        model=HouseholdFeedToken,
        related=("household",),
        make_feed=lambda found: household_feed(household=found.household, language=found.language),
    )


household_calendar_urlpatterns = (
    [
        path("households/<feedtoken:token>.ics", household_calendar, name="household"),
    ],
    "household_calendars",
)
