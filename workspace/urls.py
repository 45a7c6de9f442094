from django.urls import path

from . import spaces

app_name = "workspace"

# Mounted under "my/", where these spaces were before they joined the workspace.
urlpatterns = [
    path("family/", spaces.family_space, name="family"),
    path("mediation/", spaces.mediation_space, name="mediation"),
    path("partner/", spaces.partner_space, name="partner"),
]
