"""Chromium through Playwright against pytest-django's live server.

The browser is Debian's /usr/bin/chromium, not one Playwright downloads. Where it is missing
the browser tests are skipped on a workstation but fail in CI, so CI never passes without them.
"""

import os
from pathlib import Path

import pytest

from samverkan.demo import load_demo

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses ORM
# calls while a loop runs. The test thread's ORM calls (loading the demo, reading a pk) are
# plain synchronous code between browser steps, so the guard does not apply to them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_demo(transactional_db, settings) -> None:
    """The Luleå demo for the live server, which reads the database from another thread and
    so needs committed data (transactional_db), not the test's open transaction."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
