"""The lägesbild page in Chromium on a desktop and on a phone: every chart is drawn by the
vega-embed bundle served from vl-convert-python, with no JavaScript errors, no request
leaving the server and no horizontal scroll."""

import re

import pytest
from playwright.sync_api import Page, expect

CHARTS = ("manad", "vecka", "kategori", "omrade", "veckodag_timme", "helgnatter", "helgdagar",
          "trender", "jamforelse", "hotspots")  # fmt: skip
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.fixture
def page(request, chromium, live_server, browser_demo):
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


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "samverkan")
    page.click("form button[type=submit] >> nth=-1")
    expect(page).not_to_have_url(re.compile(r"/login/"))


@pytest.mark.parametrize("page", list(VIEWPORTS), indirect=True)
def test_every_chart_renders(page, live_server):
    log_in(page, live_server.url, "samordnare")
    page.goto(live_server.url + "/lagesbild/?snabbval=12m")
    for key in CHARTS:
        chart = page.locator(f"#chart-{key} .vega")
        expect(chart).to_have_class(re.compile("rendered"))
        assert chart.locator("svg, canvas").count() >= 1, key
    html = page.content()
    assert not re.search(r"\bnan\b", html, re.IGNORECASE)
    expect(page.locator("#helgnatter")).to_contain_text("fredag–söndag natt 23–03")
    assert page.errors == []
    assert page.outside == []
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, width
    # The table view opens without JavaScript tricks.
    page.locator("#chart-kategori summary").click()
    expect(page.locator("#chart-kategori table")).to_be_visible()
