"""The role menu of the site's header: each app registers its entries (from its AppConfig.ready)
with who sees them, so that core's base template lists them without knowing the apps above it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True, kw_only=True)
class MenuEntry:
    key: str
    label: Any  # a lazy translation
    url_name: str
    visible: Callable[[Any], bool]
    order: int = 50


_entries: dict[str, MenuEntry] = {}
# Who may see links to the API (its documentation and personal tokens): set by accounts.
_api_links_visible: list[Callable[[Any], bool]] = []


def register(entry: MenuEntry) -> None:
    _entries[entry.key] = entry


def entry_url(key: str) -> str:
    """The URL of the registered entry ``key`` (``"family"``, ``"families"``, ``"partner"``):
    how an app links to a role's space that lives above it. The site's home until registered."""
    entry = _entries.get(key)
    return reverse(entry.url_name if entry is not None else "home")


def register_api_links(visible: Callable[[Any], bool]) -> None:
    _api_links_visible[:] = [visible]


def menu(request) -> dict:
    """Context processor: ``role_menu`` (label, url, current) and ``show_api_links``."""
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for entry in sorted(_entries.values(), key=lambda e: (e.order, e.key)):
            if entry.visible(user):
                url = reverse(entry.url_name)
                items.append(
                    {"label": entry.label, "url": url, "current": request.path.startswith(url)}
                )
    show_api = (
        user is None
        or not user.is_authenticated
        or any(check(user) for check in _api_links_visible)
        or not _api_links_visible
    )
    return {"role_menu": items, "show_api_links": show_api}
