"""API authentication: the browser session (with CSRF on writes) or a personal Bearer token."""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from .models import ApiToken, hash_token


class CsrfSessionAuth(SessionAuth):
    """The browser session, with Django's CSRF check on unsafe methods.

    The check runs only when the session names a user: ninja stops at the first authenticator
    that raises, so checking every request would refuse a script's Bearer write for want of a
    CSRF token it has no reason to hold.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, _("CSRF check failed: reload the page and try again."))
        return request.COOKIES.get(self.param_name)


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        # One write a minute at most: polling scripts should not turn reads into writes.
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


session_or_token = [CsrfSessionAuth(), BearerTokenAuth()]
