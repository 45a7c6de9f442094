from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("<int:pk>/edit/", views.programme_edit, name="edit"),
]
