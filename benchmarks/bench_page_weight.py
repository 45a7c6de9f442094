"""Benchmark: what a phone downloads on the first load of each role's daily pages.

Sets up its own copy of the demo in a throwaway folder (SQLite, collected static files with
the production storage: hashed, gzip and Brotli), starts the web server with DEBUG off, then
drives Debian's Chromium (Playwright) on a phone viewport with an empty cache and prints, per
page: the number of requests, the bytes transferred (headers and compressed bodies, as the
network sees them) and the HTML document's own size. Budget: 200 KB per first load.

Run: .venv/bin/python benchmarks/bench_page_weight.py
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BUDGET = 200 * 1024
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# (account or None for a visitor, what the page is, how to reach it from the home page)
PAGES = [
    (None, "catalogue", "/programmes/"),
    ("famille.durand", "family home", "/"),
    ("mediatrice.educ", "mediator home", "/"),
    ("mediatrice.educ", "mediator's register", "register"),
    ("partenaire.centre", "partner home", "/"),
    ("coordination", "coordinator home", "/"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(var_dir: str) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "DEBUG", "STATIC_ROOT"}}
    env.update(VAR_DIR=var_dir, DEBUG="0", CELERY_TASK_ALWAYS_EAGER="1")
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def start_server(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the web server did not start")


def register_url(page) -> str | None:
    """The first register link on the mediator's home, if the page offers one."""
    link = page.locator("a[data-register], a[href*='register']").first
    return link.get_attribute("href") if link.count() else None


def measure(browser, base: str, account: str | None, path: str) -> tuple[int, int, int] | None:
    from enrolment.demo import DEMO_PASSWORD

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="fr-FR", base_url=base)
    page = context.new_page()
    try:
        if account:
            page.goto("/accounts/login/")
            page.fill("#id_username", account)
            page.fill("#id_password", DEMO_PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_load_state("networkidle")
        if path == "register":
            path = register_url(page)
            if not path:
                return None
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
    var_dir = tempfile.mkdtemp(prefix="bench-weight-")
    env = environment(var_dir)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.update(VAR_DIR=var_dir, DJANGO_SETTINGS_MODULE="config.settings")
    import django

    django.setup()
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo_data")
    manage(env, "collectstatic", "--noinput")
    port = free_port()
    server = start_server(env, port)
    from playwright.sync_api import sync_playwright

    print(f"First load on a phone (390×844, empty cache), budget {BUDGET // 1024} KB")
    print(f"{'page':<24}{'requests':>10}{'transferred':>14}{'HTML':>10}  within budget")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for account, label, path in PAGES:
                result = measure(browser, f"http://127.0.0.1:{port}", account, path)
                if result is None:
                    print(f"{label:<24}{'(not offered yet)':>34}")
                    continue
                requests, total, html = result
                verdict = "yes" if total <= BUDGET else "NO"
                print(f"{label:<24}{requests:>10}{total / 1024:>11.1f} KB{html / 1024:>7.1f} KB  "
                      f"{verdict}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
