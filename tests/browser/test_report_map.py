"""On a phone, a reporter says where it happened by tapping the map in the report form."""

import re

import pytest
from playwright.sync_api import expect

from samverkan.incidents.models import Incident
from samverkan.places.models import Place

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def page(chromium, live_server, browser_demo, settings):
    settings.SAMVERKAN_MAP_TILES = ""  # nothing leaves the test server
    context = chromium.new_context(**PHONE, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


@pytest.mark.browser
def test_a_tap_on_the_map_places_the_report(page, live_server):
    place = Place.objects.select_related("district").get(name="Stadsparken")
    page.goto(live_server.url + "/login/")
    page.get_by_label("Användarnamn").fill("rapportor")
    page.get_by_label("Lösenord").fill("samverkan")
    page.get_by_role("button", name="Logga in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))

    page.goto(live_server.url + "/handelser/ny/")
    page.locator("label.chip", has_text="Klotter").click()
    report_map = page.locator("#report-map")
    expect(report_map).to_be_visible()
    report_map.scroll_into_view_if_needed()
    # Where Stadsparken is on the map, in page pixels; then a tap there.
    x, y = page.evaluate(
        """([lat, lon]) => {
            const node = document.getElementById("report-map");
            const map = node.leafletMap;
            map.setView([lat, lon], 16, {animate: false});
            const point = map.latLngToContainerPoint([lat, lon]);
            const box = node.getBoundingClientRect();
            return [box.left + point.x, box.top + point.y];
        }""",
        [place.lat, place.lon],
    )
    page.mouse.click(x, y)
    expect(page.locator("#report-map-status")).to_contain_text("Vald position")
    assert abs(float(page.locator("#id_lat").input_value()) - place.lat) < 0.0005
    assert abs(float(page.locator("#id_lon").input_value()) - place.lon) < 0.0005

    page.get_by_role("button", name="Spara rapporten").click()
    expect(page.locator(".messages")).to_contain_text("Tack! Rapporten är sparad.")
    report = Incident.objects.filter(reporter__username="rapportor").latest("created_at")
    assert report.place is None  # a tapped point, not a chosen place
    assert report.district == place.district  # the district follows from the point
    assert abs(report.lat - place.lat) < 0.0005 and abs(report.lon - place.lon) < 0.0005
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.errors == []
