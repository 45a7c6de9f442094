import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from config.celery import app as celery_app

CHROMIUM = "/usr/bin/chromium"
# Assertions read the English message ids; tests/i18n checks that French is the default.
TEST_LANGUAGE = "en"
TEST_BROWSER_LOCALE = "en-GB"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# Tests do not run collectstatic; WhiteNoise warns on every new request handler when STATIC_ROOT
# is missing.
Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL row locks; runs in CI's second pass (DATABASE_URL)"
                )
            )


@pytest.fixture(autouse=True)
def _english_for_assertions(settings):
    settings.LANGUAGE_CODE = TEST_LANGUAGE
    with translation.override(TEST_LANGUAGE):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Tests do not run collectstatic: serve static files without the manifest. Hash passwords
    cheaply: PBKDF2's deliberate slowness costs a quarter of a second per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def english():
    """Messages in English, whatever the French catalogue says, for tests that read them."""
    with translation.override("en"):
        yield


@pytest.fixture
def celery_eager():
    """Run tasks inline for unit tests; the settings fixture does not reach a configured app."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield celery_app
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (Playwright's own browser download fails here)."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it with apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls tests make around
    # it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale=TEST_BROWSER_LOCALE,
        base_url=live_server.url,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def french_phone_page(browser, live_server):
    """A phone whose browser asks for French, as most families' do."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="fr-FR",
        base_url=live_server.url,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale=TEST_BROWSER_LOCALE,
        base_url=live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
