"""Every page of every role reads as French typography asks: no space before a comma, a
non-breaking space before ":" and ";" (tests/browser/support.py). The pages come from the access
policy's data set (tests/pages.py), as the phone-width check's do: a page added tomorrow is
read as soon as its policy row exists. The role homes, reports, follow-ups, audit trail and
token pages were not read by the journeys that check typography."""

import pytest

from attendance.models import FollowUp
from tests.browser.support import french_typography_faults, visit_every_page
from tests.factories import SessionFactory
from tests.privacy.access_world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The page's words, without code shown as code (``Authorization: Bearer`` is HTTP, not French).
PROSE = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('script, style').forEach((node) => node.remove());
  copy.querySelectorAll('code, pre, kbd, samp').forEach((node) => node.replaceWith('code'));
  document.body.appendChild(copy);
  copy.style.position = 'absolute';
  const text = copy.innerText;
  copy.remove();
  return text;
}"""


def test_every_page_of_every_role_respects_french_typography(french_phone_page, live_server):
    page = french_phone_page
    world = build_world()
    # Follow-ups list their missed dates ("26 novembre, 30 novembre"): give each two.
    for follow_up in FollowUp.objects.all():
        programme = follow_up.programme
        while programme.sessions.count() < 2:
            SessionFactory(programme=programme)
        follow_up.sessions.add(*programme.sessions.all()[:2])
    faults = []
    read = 0
    for target in visit_every_page(page, world, live_server.url, errors_too=False):
        read += 1
        text = page.evaluate(PROSE)
        faults += [f"{target}: {fault}" for fault in french_typography_faults(text)]
    assert read > 60
    assert not faults, f"{len(faults)} faults:\n" + "\n".join(sorted(set(faults)))
