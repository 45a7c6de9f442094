from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.catalogue, name="list"),
    path("<slug:slug>/", views.programme_detail, name="programme"),
]

session_urlpatterns = ([path("<int:pk>/", views.session_detail, name="detail")], "sessions")
