"""Writes on accounts: personal API tokens, the remembered language."""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from .models import ApiToken, Profile


class AccountError(DomainError):
    """A rule on accounts was broken."""


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token and its raw value, which is stored nowhere: show it once."""
    name = name.strip()
    if not name:
        raise AccountError(
            _("Give the token a name, e.g. the script that will use it."), field="name"
        )
    max_length = ApiToken._meta.get_field("name").max_length
    if max_length is not None and len(name) > max_length:
        raise AccountError(
            _("The name is too long (%(max)d characters at most).") % {"max": max_length},
            field="name",
        )
    return ApiToken.generate(user=user, name=name)


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; another person's token is not found."""
    token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
    if token.revoked_at is not None:
        raise AccountError(_("This token is already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def profile_language_set(*, user: User, language: str) -> Profile:
    """Remember the language a person chose, for their pages and their messages."""
    if language not in dict(settings.LANGUAGES):
        raise AccountError(_("This language is not available."), field="language")
    profile, _created = Profile.objects.get_or_create(user=user)
    if profile.language != language:
        profile.language = language
        profile.save(update_fields=["language"])
    return profile


def profile_language(*, user: User) -> str | None:
    """The language remembered for the account, if any."""
    return Profile.objects.filter(user=user).values_list("language", flat=True).first()


def account_anonymise(*, user) -> None:
    """A guardian's account after erasure: no name, no address, no password, no role, no token."""
    user.username = f"erased-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(
        update_fields=["username", "first_name", "last_name", "email", "is_active", "password"]
    )
    user.groups.clear()
    ApiToken.objects.filter(user=user).delete()
