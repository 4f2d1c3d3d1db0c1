"""The lägesbild page in Chromium on a desktop and on a phone: every chart is drawn by the
vega-embed bundle served from vl-convert-python, with no JavaScript errors, no request
leaving the server and no horizontal scroll."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import VIEWPORTS, log_in

CHARTS = ("manad", "vecka", "kategori", "omrade", "veckodag_timme", "helgnatter", "helgdagar",
          "trender", "jamforelse", "hotspots")  # fmt: skip


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
