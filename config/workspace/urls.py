from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/new/", views.programme_create, name="programme-create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme-edit"),
    path("programmes/<int:pk>/duplicate/", views.programme_duplicate, name="programme-duplicate"),
    path("programmes/<int:pk>/schedules/new/", views.schedule_create, name="schedule-create"),
    path("schedules/<int:pk>/", views.schedule_edit, name="schedule-edit"),
    path("sessions/regenerate/", views.sessions_regenerate, name="sessions-regenerate"),
    path("sessions/<int:pk>/cancel/", views.session_cancel_view, name="session-cancel"),
    path("sessions/<int:pk>/move/", views.session_move_view, name="session-move"),
]
