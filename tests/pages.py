"""Every page of every role, generated from the access policy and the matrix's data set.

The access matrix (tests/privacy/test_access_policy.py) checks that every URL pattern with a
page has a row in ``privacy/access_policy.csv``; this module turns those rows into the pages
each role may open on its own side of the world of ``access_world.py``, with their parameters
filled. The pseudo-locale check and the phone-width check walk this list, so a page added
tomorrow is covered as soon as its policy row exists.
"""

from dataclasses import dataclass

from django.test import Client

from privacy.access_policy import load_policy
from tests.privacy.access_world import ACTORS, World
from tests.privacy.test_access_policy import fill

# What a browser does not show as a page: calendars, PDF, JSON, CSV/XLSX, the service worker,
# the PAI document (a download).
NOT_PAGES = (".ics", ".pdf", ".json", ".js", "/download", "/status", "<slug:fmt>", "/pai/")


@dataclass(frozen=True)
class Page:
    role: str
    side: str
    pattern: str
    url: str

    def __str__(self) -> str:
        return f"{self.role}-{self.side} {self.url} ({self.pattern})"


def page_patterns() -> list[str]:
    """The policy's pages that answer GET with HTML, in a stable order."""
    return sorted(
        row.path
        for row in load_policy().values()
        if row.method == "GET"
        and not row.path.startswith("/api/")
        and not row.path.endswith(NOT_PAGES)
    )


def pages_of(world: World, role: str, side: str) -> list[Page]:
    """The pages ``role`` may open (``yes`` or ``own`` in the policy) on its own side."""
    policy = load_policy()
    user = world.user(role, side)
    pages = []
    for pattern in page_patterns():
        if policy[("GET", pattern)].cells[role] == "no":
            continue
        row = policy[("GET", pattern)]
        pages.append(Page(role, side, pattern, fill(world, pattern, row.object, side, "own", user)))
    # Public pages every role sees, outside the policy: the sign-in page, a page that is not found.
    if role == "anonymous":
        pages += [Page(role, side, "login", "/accounts/login/"), Page(role, side, "404", "/nope/")]
    return pages


def client_for(world: World, role: str, side: str) -> Client:
    client = Client()
    user = world.user(role, side)
    if user is not None:
        client.force_login(user)
    return client


def every_page(world: World) -> list[Page]:
    return [page for role, side in ACTORS for page in pages_of(world, role, side)]
