"""The lägesbild page in Chromium on a desktop and on a phone: every chart is drawn by the
vega-embed bundle served from vl-convert-python, the hot-spot grid on the Leaflet map, with
no JavaScript errors, no Content-Security-Policy violation, no failed request, no request
leaving the server and no horizontal scroll."""

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import VIEWPORTS, log_in

CHARTS = ("manad", "vecka", "kategori", "omrade", "veckodag_timme", "helgnatter", "helgdagar",
          "trender", "jamforelse")  # fmt: skip


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


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_the_map_draws_the_hot_spot_grid_with_the_districts(page, live_server):
    failed, refused = [], []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and refused.append(m.text),
    )
    log_in(page, live_server.url, "samordnare")
    page.goto(live_server.url + "/lagesbild/?snabbval=12m")
    chart = page.locator("#lb-map")
    expect(chart).to_have_class(re.compile("rendered"))
    payload = json.loads(page.locator("#lb-map-data").text_content())
    assert payload["cells"], "the demo has hot-spot cells to draw"
    assert chart.get_attribute("data-cells") == str(len(payload["cells"]))
    assert int(chart.get_attribute("data-districts")) >= 1
    # Leaflet drew the cells and outlines (on its canvas renderer) and the legend.
    assert chart.locator(".leaflet-overlay-pane canvas").count() >= 1
    expect(chart.locator(".lb-map-legend")).to_contain_text("het")
    # Swedish month names in the month chart's axis (vega-embed with the sv-SE locale).
    expect(page.locator("#chart-manad .vega")).to_have_class(re.compile("rendered"))
    axis = page.locator("#chart-manad .vega svg").text_content()
    assert re.search(r"\b(jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)\b", axis), axis
    assert not re.search(r"\b(May|Oct)\b", axis), axis
    assert failed == [] and refused == [] and page.errors == [] and page.outside == []
