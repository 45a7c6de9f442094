"""Benchmark: what a phone downloads on the first load of each role's daily pages.

Serves its own copy of the demo (benchmarks/demo_server.py: throwaway SQLite, DEBUG off,
collected static files with the production storage: hashed, gzip and Brotli), then drives
Debian's Chromium on a phone viewport with an empty cache and prints, per page: the number of
requests, the bytes transferred (headers and compressed bodies, as the network sees them) and
the HTML document's own size. Budget: 200 KB per first load.

Run: .venv/bin/python benchmarks/bench_page_weight.py
"""

from demo_server import CHROMIUM, CHROMIUM_ARGS, PHONE, demo_server, log_in
from playwright.sync_api import sync_playwright

BUDGET = 200 * 1024

# (account or None for a visitor, what the page is, its path or "register": the first register
# link of the mediator's home)
PAGES = [
    (None, "catalogue", "/programmes/"),
    ("famille.durand", "family home", "/"),
    ("mediatrice.educ", "mediator home", "/"),
    ("mediatrice.educ", "mediator's register", "register"),
    ("partenaire.centre", "partner home", "/"),
    ("coordination", "coordinator home", "/"),
]


def measure(browser, base: str, account: str | None, path: str) -> tuple[int, int, int] | None:
    context = browser.new_context(base_url=base, **PHONE)
    page = context.new_page()
    try:
        if account:
            log_in(page, account)
        if path == "register":
            link = page.locator("a[data-register]").first
            if not link.count():
                return None
            path = link.get_attribute("href")
        # The cache is cleared after logging in: a first load as a phone sees it.
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        response = page.goto(path, wait_until="networkidle")
        total = 0
        for request in finished:
            sizes = request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        return len(finished), total, len(response.body())
    finally:
        context.close()


def main() -> None:
    print(f"First load on a phone (390×844, empty cache), budget {BUDGET // 1024} KB")
    print(f"{'page':<24}{'requests':>10}{'transferred':>14}{'HTML':>10}  within budget")
    with demo_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for account, label, path in PAGES:
            result = measure(browser, base, account, path)
            if result is None:
                print(f"{label:<24}{'(not offered yet)':>34}")
                continue
            requests, total, html = result
            verdict = "yes" if total <= BUDGET else "NO"
            print(
                f"{label:<24}{requests:>10}{total / 1024:>11.1f} KB{html / 1024:>7.1f} KB  "
                f"{verdict}"
            )
        browser.close()


if __name__ == "__main__":
    main()
