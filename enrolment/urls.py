from django.urls import path

from . import views

app_name = "enrolment"

urlpatterns = [
    path("family/", views.family_home, name="family"),
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
    path("enrol/<slug:slug>/", views.enrol, name="enrol"),
    path("enrolments/<int:pk>/cancel/", views.enrolment_cancel_view, name="cancel"),
    path("referrals/<int:pk>/accept/", views.referral_accept_view, name="accept"),
    path("mediation/", views.mediation_home, name="mediation"),
    path("mediation/households/new/", views.household_create_view, name="household-create"),
    path("mediation/households/<int:pk>/", views.household_view, name="household"),
    path("mediation/programmes/<int:pk>/", views.programme_people, name="programme-people"),
    path("partner/", views.partner_home, name="partner"),
    path("partner/refer/", views.partner_refer, name="partner-refer"),
]
