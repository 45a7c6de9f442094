from django.urls import path

from . import views

app_name = "attendance"

urlpatterns = [
    path("", views.today, name="today"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("sessions/<int:pk>/", views.register, name="register"),
    path("sessions/<int:pk>/walk-in/", views.walk_in, name="walk-in"),
    path("sessions/<int:pk>/headcount/", views.headcount, name="headcount"),
    path("sessions/<int:pk>/sheet.pdf", views.sheet_pdf, name="sheet"),
    path("sessions/<int:pk>/sign/<int:participant_pk>/", views.sign, name="sign"),
    path("sessions/<int:pk>/held/", views.held_declare, name="held-declare"),
    path("outreach/", views.outreach, name="outreach"),
    path("follow-ups/", views.follow_ups, name="follow-ups"),
    path("follow-ups/<int:pk>/close/", views.follow_up_close_view, name="follow-up-close"),
    path("programmes/<int:pk>/", views.programme_attendance, name="programme"),
]
