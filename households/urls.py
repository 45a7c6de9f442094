from django.urls import path

from . import views

app_name = "households"

# Mounted under "my/", beside the enrolment pages, as before the households app existed.
urlpatterns = [
    path("family/register/", views.family_register, name="family-register"),
    path("households/<int:household_pk>/children/new/", views.child_add, name="child-add"),
    path("households/<int:household_pk>/guardians/new/", views.guardian_edit, name="guardian-add"),
    path(
        "households/<int:household_pk>/guardians/<int:pk>/",
        views.guardian_edit,
        name="guardian-edit",
    ),
    path("households/<int:household_pk>/consents/", views.consents, name="consents"),
    path(
        "participants/<int:participant_pk>/safety-sheet/", views.safety_sheet, name="safety-sheet"
    ),
    path(
        "participants/<int:participant_pk>/safety-sheet/pai/",
        views.pai_document,
        name="pai-document",
    ),
    path("mediation/households/new/", views.household_create_view, name="household-create"),
    path("mediation/households/<int:pk>/", views.household_view, name="household"),
]
