"""Every page of every role fits a 390 px phone: nothing wider than the screen, and every tap
target at least 44×44 px (WCAG 2.5.5, the size PRODUCT.md asks for).

The pages come from the access policy and its data set (tests/pages.py): a page added tomorrow
is measured as soon as its policy row exists. One browser, one page object and one data set
for the whole walk.

Exempt from the size rule, as WCAG 2.5.5 exempts them: a link inside running text (its block
holds other words, so enlarging it would break the sentence's lines; in a table cell it must
still be 24 px high, WCAG 2.5.8), and a check box or radio button whose label is a target of
44×44 px itself. Every entry of the header's menu must be on screen, not scrolled past its edge. A target hidden from view (0 px, off screen,
or visually hidden for screen readers) is not a tap target.
"""

import pytest

from tests.browser.support import visit_every_page
from tests.privacy.access_world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390
MIN_TARGET = 44

MEASURE = """
([minimum, width]) => {
  // The phone's width, not window.innerWidth: a phone browser widens its layout viewport to
  // the content, which would hide the overflow this measures.
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 40);
    const id = el.id ? '#' + el.id : '';
    const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
    return `${el.tagName.toLowerCase()}${id}${cls} "${text}"`;
  };
  const visible = (el, rect) => {
    if (rect.width <= 1 || rect.height <= 1) return false;
    if (rect.right <= 0 || rect.bottom <= 0) return false;
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.display !== 'none' && el.getClientRects().length;
  };
  const block = (el) => {
    let node = el.parentElement;
    while (node && getComputedStyle(node).display.startsWith('inline')) node = node.parentElement;
    return node;
  };
  const inRunningText = (el) => {
    if (el.tagName !== 'A' || !getComputedStyle(el).display.startsWith('inline')) return false;
    const parent = block(el);
    if (!parent) return false;
    const own = el.innerText.trim().length;
    const all = parent.innerText.trim().length;
    return all > own + 3;
  };
  const labelBox = (input) => {
    for (const label of input.labels || []) {
      const rect = label.getBoundingClientRect();
      if (rect.width >= minimum && rect.height >= minimum) return true;
    }
    return false;
  };
  const small = [];
  const targets = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, label'
  );
  for (const el of targets) {
    const rect = el.getBoundingClientRect();
    if (!visible(el, rect)) continue;
    if (el.tagName === 'LABEL') {
      const control = el.control;
      if (!control || !['checkbox', 'radio'].includes(control.type)) continue;
      if (el.contains(control) || labelBox(control)) {
        if (rect.width >= minimum && rect.height >= minimum) continue;
      }
    }
    if (el.tagName === 'INPUT' && ['checkbox', 'radio'].includes(el.type) && labelBox(el)) continue;
    // The header's menu must show every entry: a menu scrolling sideways once hid "Log out"
    // past the screen's edge, which the overflow check below cannot see (its box scrolls).
    if (el.closest('.site-header') && rect.right > width + 1) {
      small.push(`${describe(el)} cut off at the screen's edge (right=${Math.round(rect.right)})`);
      continue;
    }
    if (inRunningText(el)) {
      // A link beside other words in a table cell is still a target: 24 px high at least
      // (WCAG 2.5.8), as in the coordination lists.
      if (el.closest('td, th') && rect.height < 24 - 0.5) {
        small.push(`${describe(el)} ${Math.round(rect.width)}×${Math.round(rect.height)} (table link under 24 px)`);
      }
      continue;
    }
    if (rect.width < minimum - 0.5 || rect.height < minimum - 0.5) {
      small.push(`${describe(el)} ${Math.round(rect.width)}×${Math.round(rect.height)}`);
    }
  }
  // The elements that stick out while their parent does not: where the overflow starts.
  const clipped = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      if (getComputedStyle(node).overflowX !== 'visible') return true;
    }
    return false;
  };
  const wide = [];
  const documentWidth = document.documentElement.scrollWidth;
  if (documentWidth > width) {
    for (const el of document.body.querySelectorAll('*')) {
      const rect = el.getBoundingClientRect();
      const parent = el.parentElement.getBoundingClientRect();
      if (rect.right > width + 1 && parent.right <= width + 1 && rect.width > 0 && !clipped(el)) {
        wide.push(`${describe(el)} right=${Math.round(rect.right)}`);
      }
      if (wide.length >= 3) break;
    }
  }
  return {documentWidth, width, small, wide};
}
"""


def test_every_page_of_every_role_fits_a_phone(french_phone_page, live_server):
    page = french_phone_page
    world = build_world()
    faults = []
    measured = 0
    for target in visit_every_page(page, world, live_server.url):
        measured += 1
        result = page.evaluate(MEASURE, [MIN_TARGET, PHONE_WIDTH])
        if result["documentWidth"] > result["width"]:
            faults.append(
                f"{target}: {result['documentWidth']} px wide ({'; '.join(result['wide'])})"
            )
        faults += [f"{target}: small target {item}" for item in result["small"]]
    assert measured > 60
    assert not faults, f"{len(faults)} faults:\n" + "\n".join(sorted(set(faults)))
