from django.urls import path, register_converter

from . import calendar_views, coordination, views

app_name = "catalogue"

urlpatterns = [
    path("", views.catalogue, name="list"),
    path("<slug:slug>/", views.programme_detail, name="programme"),
]

session_urlpatterns = (
    [
        path("<int:pk>/", views.session_detail, name="detail"),
        path("<int:pk>/calendar.ics", calendar_views.session_calendar, name="calendar"),
    ],
    "sessions",
)


class FeedTokenConverter:
    """The secret of a private feed: URL-safe base64 (``secrets.token_urlsafe``)."""

    regex = r"[A-Za-z0-9_-]{16,128}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FeedTokenConverter, "feedtoken")

calendar_urlpatterns = (
    [
        path("", calendar_views.my_calendars, name="mine"),
        path("programmes/<slug:slug>.ics", calendar_views.programme_calendar, name="programme"),
        path("partners/<feedtoken:token>.ics", calendar_views.partner_calendar, name="partner"),
        path("mediators/<feedtoken:token>.ics", calendar_views.mediator_calendar, name="mediator"),
    ],
    "calendars",
)

coordination_urlpatterns = (
    [
        path("programmes/", coordination.programme_list, name="programmes"),
        path("programmes/new/", coordination.programme_create, name="programme-create"),
        path("programmes/<int:pk>/", coordination.programme_detail, name="programme"),
        path(
            "programmes/<int:pk>/duplicate/",
            coordination.programme_duplicate,
            name="programme-duplicate",
        ),
        path(
            "programmes/<int:pk>/schedules/new/",
            coordination.schedule_create,
            name="schedule-create",
        ),
        path("schedules/<int:pk>/", coordination.schedule_edit, name="schedule-edit"),
        path("sessions/regenerate/", coordination.sessions_regenerate, name="sessions-regenerate"),
        path("sessions/<int:pk>/cancel/", coordination.session_cancel_view, name="session-cancel"),
        path("sessions/<int:pk>/move/", coordination.session_move_view, name="session-move"),
    ],
    "coordination",
)
