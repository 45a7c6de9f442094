from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("audit/", views.audit_list, name="audit"),
    path("code/", views.code_request, name="code-request"),
    path("code/enter/", views.code_verify, name="code-verify"),
    path("sign-up/", views.sign_up, name="sign-up"),
    path("claim/<str:token>/", views.claim, name="claim"),
]

# Django's names (login, password_reset…), served before django.contrib.auth.urls so that these
# forms, in the site's words, win.
auth_urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
]
