from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("households/<int:pk>/export/", views.export_page, name="export"),
    path("households/<int:pk>/export.json", views.export_json, name="export-json"),
    path("households/<int:pk>/export.pdf", views.export_pdf_download, name="export-pdf"),
    path("households/<int:pk>/erase/", views.erase, name="erase"),
]
