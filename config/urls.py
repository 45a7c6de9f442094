from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.language import set_language
from accounts.urls import auth_urlpatterns
from core import health
from core.favicon import favicon
from core.text import bound_admin_searches
from enrolment.calendar_views import household_calendar_urlpatterns
from sessions.urls import calendar_urlpatterns, coordination_urlpatterns, session_urlpatterns
from workspace import views as workspace_views

from .api import api

# Every admin module is registered by now: each search box gets the bounded search.
bound_admin_searches(admin.site)

urlpatterns = [
    path("", workspace_views.home, name="home"),
    path("health", health.health, name="health"),
    path("favicon.ico", favicon, name="favicon"),
    path("programmes/", include("sessions.urls")),
    path("sessions/", include(session_urlpatterns)),
    path("reports/", include("reports.urls")),
    path("accounts/", include("accounts.urls")),
    path("calendars/", include(calendar_urlpatterns)),
    path("calendars/", include(household_calendar_urlpatterns)),
    path("attendance/", include("attendance.urls")),
    path("notifications/", include("notifications.urls")),
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("privacy/", include("privacy.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("coordination/", include(coordination_urlpatterns)),
    path("coordination/programmes/", include("programmes.urls")),
    path("my/", include("households.urls")),
    path("my/", include("enrolment.urls")),
    path("my/", include("workspace.urls")),
    path("jobs/", include("jobs.urls")),
    path("allocation/", include("allocation.urls")),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api-docs"),
    path("admin/", admin.site.urls),
]
