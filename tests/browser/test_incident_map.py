"""The incident map and the list's htmx filter in Chromium, on a desktop and on a phone.

The map runs with SAMVERKAN_MAP_TILES empty, so nothing reaches the network: only the
district outlines and the server's cells are drawn.
"""

import re

import pytest
from playwright.sync_api import expect

from samverkan.incidents.models import Incident

from .conftest import VIEWPORTS, fits_the_screen, log_in


@pytest.mark.parametrize("page", list(VIEWPORTS), indirect=True)
def test_the_map_shows_cells_without_tiles(page, live_server, demo_years):
    assert Incident.objects.filter(external_id__startswith="demo-year-").count() > 4000
    log_in(page, live_server.url, "samordnare")
    page.goto(live_server.url + "/handelser/karta/")
    map_element = page.locator("#incident-map")
    expect(map_element).to_have_attribute("data-loaded", "1")
    expect(map_element).to_have_attribute("data-mode", "cells")
    assert int(map_element.get_attribute("data-features")) > 10
    # Cells and district outlines are drawn (canvas renderer for cells, SVG/canvas paths).
    expect(page.locator(".map-legend")).to_contain_text("Rapporter per ruta")
    expect(page.locator("#incident-map-hidden")).to_contain_text(
        "utan exakt position visas inte på kartan"
    )
    assert page.locator(".leaflet-tile").count() == 0
    assert page.errors == []
    assert page.outside == []
    if page.device == "phone":
        assert fits_the_screen(page), page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("page", list(VIEWPORTS), indirect=True)
def test_the_list_filter_updates_in_place(page, live_server):
    log_in(page, live_server.url, "samordnare")
    page.goto(live_server.url + "/handelser/")
    before = page.locator("#incident-count").inner_text()
    page.evaluate("window.__same_page = true")
    page.select_option("select[name=kategori]", "brand")
    expect(page).to_have_url(re.compile(r"kategori=brand"))
    expect(page.locator("#incident-count")).not_to_have_text(before)
    # htmx swapped the results: the page was not reloaded.
    assert page.evaluate("window.__same_page === true")
    categories = page.locator("td[data-label='Kategori']").all_inner_texts()
    assert categories and all(text.startswith("Brand") for text in categories)
    assert page.errors == []
    if page.device == "phone":
        assert fits_the_screen(page), page.evaluate("document.documentElement.scrollWidth")
