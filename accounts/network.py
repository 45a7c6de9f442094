"""The client's address, as login throttling and the audit trail record it."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The peer address, or the one the trusted reverse proxies saw.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For,
    so the client is the entry TRUSTED_PROXY_COUNT places from the end; anything before it was
    written by the client and cannot be trusted.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
