from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("annual/", views.annual_report, name="annual"),
    path("annual/<int:year>/", views.annual_report, name="annual-year"),
    path("export/<slug:what>.<slug:fmt>", views.export, name="export"),
]
