"""The indicator pages in Chromium, on a desktop and on a phone: the seed's figures on their
focus-area page with the plan as source, an indicator's chart drawn, no JavaScript errors, no
request leaving the server and no horizontal scroll."""

import pytest
from playwright.sync_api import expect

from .conftest import VIEWPORTS, fits_the_screen, log_in


@pytest.mark.browser
@pytest.mark.parametrize("page", list(VIEWPORTS), indirect=True)
def test_focus_area_and_indicator_pages(page, live_server):
    log_in(page, live_server.url, "lasare")

    page.goto(live_server.url + "/indikatorer/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert fits_the_screen(page), page.url

    page.goto(live_server.url + "/fokusomraden/6.2/")
    main = page.locator("main")
    expect(main).to_contain_text("10,6 %")  # girls in åk 7 often or always sad (seed, 6.2)
    expect(main).to_contain_text("Styrgruppens verksamhetsplan 2020–2021")  # the source
    assert fits_the_screen(page), page.url

    page.goto(live_server.url + "/indikatorer/shlv-ledsen/")
    expect(page.locator("main")).to_contain_text("10,6")
    # The chart: the server's SVG at once, the Vega-Lite chart when the bundle has run.
    expect(page.locator(".vega svg").first).to_be_visible()
    assert fits_the_screen(page), page.url
    assert page.errors == [] and page.outside == []
