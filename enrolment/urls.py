from django.urls import path

from . import views

app_name = "enrolment"

urlpatterns = [
    path("enrol/<slug:slug>/", views.enrol, name="enrol"),
    path("enrolments/<int:pk>/cancel/", views.enrolment_cancel_view, name="cancel"),
    path("referrals/<int:pk>/accept/", views.referral_accept_view, name="accept"),
    path("mediation/programmes/<int:pk>/", views.programme_people, name="programme-people"),
    path("partner/refer/", views.partner_refer, name="partner-refer"),
]
