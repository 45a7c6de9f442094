"""API authentication: the browser session (with CSRF on writes) or a personal Bearer token."""

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken, hash_token


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


session_or_token = [SessionAuth(), BearerTokenAuth()]
