"""The language a person chose is remembered for their account.

At login the account's language is copied into the session (which every request loads anyway,
so no query is added per page); the middleware activates it over the browser's preference; the
language switcher saves a new choice to the account.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.services import AccountError, profile_language, profile_language_set

SESSION_KEY = "account_language"


def _available(language: str | None) -> bool:
    return bool(language) and language in dict(settings.LANGUAGES)


@receiver(user_logged_in, dispatch_uid="workspace_account_language")
def activate_account_language(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    language = profile_language(user=user)
    if _available(language):
        request.session[SESSION_KEY] = language
        translation.activate(language)
        request.LANGUAGE_CODE = language


class AccountLanguageMiddleware:
    """After LocaleMiddleware: the account's language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if _available(language):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # The login view activates the account's language during the request; keep the cookie
        # in step so that the pages after logging out stay in that language.
        language = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if _available(language) and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie, redirect), and for a logged-in person, their account."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if _available(language):
        if request.user.is_authenticated:
            try:
                profile_language_set(user=request.user, language=language)
            except AccountError:
                return response
            request.session[SESSION_KEY] = language
        elif SESSION_KEY in request.session:
            request.session[SESSION_KEY] = language
    return response
