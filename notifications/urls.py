from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.message_log, name="log"),
    path("<int:pk>/retry/", views.message_retry_view, name="retry"),
    path("preferences/", views.preferences, name="preferences"),
    path("invitations/guardians/<int:pk>/", views.guardian_invite_view, name="guardian-invite"),
]
