"""Helpers for browser tests: log a page in, and audit it with axe-core.

``assert_accessible(page)`` fails on any serious or critical violation of WCAG 2.1 A/AA rules
(the level RGAA 4 follows), listing each rule, its help text and the offending elements.
"""

import re

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from tests.pages import pages_of
from tests.privacy.access_world import ACTORS

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}

_axe = Axe()


def axe_violations(page) -> list[dict]:
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return _axe.run(page, options=options).response["violations"]


def assert_accessible(page) -> None:
    blocking = [v for v in axe_violations(page) if v.get("impact") in BLOCKING_IMPACTS]
    lines = []
    for violation in blocking:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"{violation['impact']}: {violation['id']} – {violation['help']} ({targets})")
    assert not blocking, f"{page.url}\n" + "\n".join(lines)


def log_in(page, user, base_url: str) -> None:
    """Give the page's browser context a session of ``user`` (no login form to fill)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


# Text that breaks French typography: a space before a comma (or a full stop); a colon with no non-breaking
# space before it (a plain space, or none after a word). Times (14:00) and addresses (https://)
# have no space after their colon and are left alone.
SPACE_BEFORE_COMMA = re.compile(r"[ \t\u00a0\u202f]+[,.](?=\s|$)")
COLON_WITHOUT_NBSP = re.compile(r"(?:[ \t]|[^\s\u00a0\u202f\d]):(?=\s|$)")


def french_typography_faults(text: str) -> list[str]:
    faults = []
    for pattern in (SPACE_BEFORE_COMMA, COLON_WITHOUT_NBSP):
        for match in pattern.finditer(text):
            start = max(match.start() - 30, 0)
            faults.append(repr(text[start : match.end() + 30]))
    return faults


def assert_french_page(page) -> None:
    """A French page as a family reads it: axe-clean, and French typography respected."""
    assert page.locator("html").get_attribute("lang") == "fr", page.url
    assert_accessible(page)
    faults = french_typography_faults(page.locator("body").inner_text())
    assert not faults, f"{page.url}\n" + "\n".join(faults)


def visit_every_page(page, world, base_url: str, *, errors_too: bool = True):
    """Open, in ``page``, every HTML page of every role of the access policy's data set
    (tests/pages.py), signed in as that role; yield each page opened. Pages answering 4xx or
    5xx are skipped unless ``errors_too``."""
    for role, side in ACTORS:
        page.context.clear_cookies()
        user = world.user(role, side)
        if user is not None:
            log_in(page, user, base_url)
        for target in pages_of(world, role, side):
            response = page.goto(target.url)
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            if response.status >= 400 and not errors_too:
                continue
            yield target
