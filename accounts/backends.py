"""Authentication backends."""

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


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
