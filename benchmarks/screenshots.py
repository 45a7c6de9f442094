"""Screenshots of each role's home at phone width, for the README: docs/screenshots/*.png.

Serves its own copy of the demo (benchmarks/demo_server.py) and logs in as each demo account.

Run: make screenshots   (or .venv/bin/python benchmarks/screenshots.py)
"""

from pathlib import Path

from demo_server import BASE_DIR, CHROMIUM, CHROMIUM_ARGS, PHONE, demo_server, log_in
from playwright.sync_api import sync_playwright

OUT = BASE_DIR / "docs" / "screenshots"
SHOTS = [
    ("famille.durand", "/", "home-family.png"),
    ("mediatrice.educ", "/", "home-mediator.png"),
    ("partenaire.centre", "/", "home-partner.png"),
    ("coordination", "/", "home-coordinator.png"),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with demo_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for account, path, name in SHOTS:
            context = browser.new_context(base_url=base, **PHONE)
            page = context.new_page()
            log_in(page, account)
            page.goto(path, wait_until="networkidle")
            target = OUT / name
            page.screenshot(path=str(target), full_page=True)
            print(f"{Path(target).relative_to(BASE_DIR)}  ({account})")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
