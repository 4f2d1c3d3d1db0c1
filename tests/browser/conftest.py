"""Chromium through Playwright against pytest-django's live server.

The browser is Debian's /usr/bin/chromium, not one Playwright downloads. Where it is missing
the browser tests are skipped on a workstation but fail in CI, so CI never passes without them.
"""

import os
import re
from pathlib import Path

import pytest

from samverkan.demo.load import load_demo

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


VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.fixture
def page(request, chromium, live_server, browser_demo, settings):
    """A Swedish page on the viewport named by the test's parameter ("desktop" or "phone"),
    recording JavaScript errors in `page.errors` and aborting every request that would leave
    the test server (recorded in `page.outside`). Map tiles are off, so nothing needs one."""
    settings.SAMVERKAN_MAP_TILES = ""
    context = chromium.new_context(**VIEWPORTS[request.param], locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.device = request.param
    page.errors = []
    page.outside = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    base = live_server.url

    def note(route):
        if not route.request.url.startswith(base):
            page.outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", note)
    yield page
    context.close()


def log_in(page, base_url: str, username: str) -> None:
    from playwright.sync_api import expect

    page.goto(base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "samverkan")
    page.click("form button[type=submit] >> nth=-1")
    expect(page).not_to_have_url(re.compile(r"/login/"))


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def wait_until(page, expression: str, timeout: float = 20.0) -> None:
    """Poll a JavaScript expression from the test until it is true. Playwright's
    wait_for_function evaluates its predicate with eval inside the page, which the site's
    Content-Security-Policy forbids; page.evaluate runs outside the page's policy."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)
