from django.urls import path

from . import views

app_name = "attendance"

urlpatterns = [
    path("", views.today, name="today"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("sessions/<int:pk>/", views.register, name="register"),
    path("sessions/<int:pk>/walk-in/", views.walk_in, name="walk-in"),
    path("sessions/<int:pk>/headcount/", views.headcount, name="headcount"),
    path("follow-ups/", views.follow_ups, name="follow-ups"),
    path("follow-ups/<int:pk>/close/", views.follow_up_close_view, name="follow-up-close"),
    path("programmes/<int:pk>/", views.programme_attendance, name="programme"),
]
