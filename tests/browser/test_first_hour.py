"""The first hour on a phone: the demo reporter logs in, lands on the report form, files a
report with a tap on a map that opened at street level; no request of any page answers 4xx/5xx.
The same pages print without the menu."""

import re

import pytest
from playwright.sync_api import expect

from samverkan.incidents.models import Incident

from .conftest import wait_until

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(chromium, live_server, browser_demo, settings):
    settings.SAMVERKAN_MAP_TILES = ""  # nothing leaves the test server
    context = chromium.new_context(**PHONE, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.errors, page.failed, page.outside = [], [], []
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    def answered(response):
        if response.status >= 400:
            page.failed.append(f"{response.status} {response.url}")

    page.on("response", answered)
    def broke(request):
        # Leaving a page aborts what it still loads (net::ERR_ABORTED): that is the test
        # moving on, not a broken resource; every other failure counts.
        if request.failure != "net::ERR_ABORTED":
            page.failed.append(f"failed {request.url}: {request.failure}")

    page.on("requestfailed", broke)
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


@pytest.mark.browser
def test_the_reporter_files_a_report_from_login_with_a_tap(phone, live_server):
    page = phone
    page.goto(live_server.url + "/login/")
    page.get_by_label("Användarnamn").fill("rapportor")
    page.get_by_label("Lösenord").fill("samverkan")
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(re.compile(r"/handelser/ny/$"))
    expect(page.get_by_role("heading", name="Mina senaste rapporter")).to_be_visible()

    # A compact header: one line, not a quarter of the screen; the menu opens from "Meny".
    header = page.locator("header.top").bounding_box()
    assert header["height"] < 844 / 8, header
    expect(page.locator("header.top .menu-wide").first).to_be_hidden()
    page.locator("details.menu-phone summary").click()
    menu = page.locator("details.menu-phone nav a")
    expect(menu.first).to_have_text("Rapportera")
    expect(page.locator("details.menu-phone nav")).to_contain_text("Mina API-nycklar")
    page.locator("details.menu-phone summary").click()

    page.locator("label.chip").first.click()  # tap 1: the most used category
    report_map = page.locator("#report-map")
    expect(report_map).to_be_visible()
    wait_until(page, "document.getElementById('report-map').leafletMap !== undefined")
    assert page.evaluate("document.getElementById('report-map').leafletMap.getZoom()") >= 14
    report_map.scroll_into_view_if_needed()
    box = report_map.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # tap 2
    expect(page.locator("#report-map-status")).to_contain_text("Vald position")
    # The pin's image loads from the static files.
    pin = page.locator("#report-map img.leaflet-marker-icon")
    expect(pin).to_have_attribute("src", re.compile(r"/static/vendor/leaflet/images/marker-icon"))
    wait_until(
        page,
        "(() => { const i = document.querySelector('#report-map img.leaflet-marker-icon');"
        " return i && i.complete && i.naturalWidth > 0; })()"
    )

    page.get_by_label("Beskrivning").fill("Klotter på busskuren vid torget")
    before = Incident.objects.filter(reporter__username="rapportor").count()
    page.get_by_role("button", name="Spara rapporten").click()  # tap 3
    expect(page.locator(".messages")).to_contain_text("Tack! Rapporten är sparad.")
    assert Incident.objects.filter(reporter__username="rapportor").count() == before + 1
    report = Incident.objects.filter(reporter__username="rapportor").latest("created_at")
    assert report.lat is not None and report.lon is not None

    for path in ["/handelser/", "/konto/nycklar/", "/api/docs"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    assert page.failed == []
    assert page.outside == []
    assert page.errors == []


@pytest.mark.browser
def test_the_plan_prints_without_the_menu(phone, live_server, tmp_path):
    page = phone
    page.goto(live_server.url + "/login/")
    page.get_by_label("Användarnamn").fill("styrgrupp")
    page.get_by_label("Lösenord").fill("samverkan")
    page.get_by_role("button", name="Logga in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
    for path in [page.url, live_server.url + "/est/", live_server.url + "/lagesbild/"]:
        page.goto(path)
        page.emulate_media(media="print")
        expect(page.locator("header.top")).to_be_hidden()
        page.emulate_media(media="screen")
        expect(page.locator("header.top")).to_be_visible()
    page.goto(live_server.url + "/")
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"
    assert page.failed == []
