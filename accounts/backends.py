"""Authentication backends."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .contacts import identifier_parse, user_ids_for


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lock-out check, skipped when there is no request.

    Every login over HTTP (the login page, the admin) passes its request and is checked. Code
    that authenticates without one (the test client's ``login()``, a shell) has no address to
    throttle; axes would refuse it outright, so the next backend decides alone.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs,
    ):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class ContactBackend(ModelBackend):
    """Django's model backend, where what is typed in "E-mail address or phone" may also be the
    account's e-mail, a phone number as people type it (matched in E.164), or the user name."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs,
    ):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None or not username or password is None:
            return user
        identifier = identifier_parse(username)
        # The one account behind the address or number; an opt-out of messages by a channel
        # does not stop its owner signing in with it and a password.
        found = user_ids_for(identifier) if identifier is not None else set()
        if len(found) != 1:
            return None
        candidate = get_user_model().objects.filter(pk=next(iter(found))).first()
        if (
            candidate is not None
            and candidate.check_password(password)
            and self.user_can_authenticate(candidate)
        ):
            return candidate
        return None


def lockout_key(request: HttpRequest | None, credentials: dict | None = None) -> str:
    """What django-axes counts failures against (AXES_USERNAME_CALLABLE): the account the
    identifier names, else the identifier as sign-in reads it (lower-cased e-mail, E.164 phone,
    lower-cased user name).

    Counting the raw text would give every spelling of one address ("Nadia@…", "NADIA@…",
    "06 12…", "+33 6 12…") its own counter, and password guessing no limit.
    """
    source = credentials if credentials is not None else getattr(request, "POST", {})
    raw = str((source or {}).get("username") or "").strip()
    identifier = identifier_parse(raw)
    users = get_user_model().objects
    if identifier is not None:
        found = user_ids_for(identifier)
        if not found:
            found = set(users.filter(username__iexact=raw).values_list("pk", flat=True))
    else:
        found = (
            set(users.filter(username__iexact=raw).values_list("pk", flat=True)) if raw else set()
        )
    if len(found) == 1:
        return f"account:{found.pop()}"
    return identifier.value if identifier is not None else raw.lower()
