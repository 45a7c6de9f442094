"""The demo, served as in production (DEBUG off, collected static files), in a throwaway
folder, for the scripts that look at pages in Chromium (page weight, screenshots)."""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "fr-FR",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")


@contextmanager
def demo_server():
    """Yield the base URL of a web server holding the demo data; stop it afterwards."""
    var_dir = tempfile.mkdtemp(prefix="demo-pages-")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "DEBUG", "STATIC_ROOT"}
    }
    env.update(VAR_DIR=var_dir, DEBUG="0", CELERY_TASK_ALWAYS_EAGER="1")
    _manage(env, "migrate", "--noinput")
    _manage(env, "load_demo_data")
    _manage(env, "collectstatic", "--noinput")
    port = int(os.environ.get("BENCH_PORT") or _free_port())
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the web server did not start") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def demo_password() -> str:
    """The demo accounts' password, read from the demo module without setting Django up."""
    source = (BASE_DIR / "enrolment" / "demo.py").read_text()
    return re.search(r'^DEMO_PASSWORD = "([^"]+)"', source, re.M).group(1)


def log_in(page, account: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", account)
    page.fill("#id_password", demo_password())
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
