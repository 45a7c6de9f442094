"""Reads on accounts."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, QuerySet

from .models import ApiToken


def api_token_list(*, user: AbstractBaseUser) -> QuerySet[ApiToken]:
    """The user's tokens, active ones first, newest first."""
    return ApiToken.objects.filter(user=user).order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at"
    )
