"""A rapportör files a report on a phone and sees it counted in this week's EST picture."""

import re

import pytest
from playwright.sync_api import Page, expect

from samverkan.places.models import Place
from samverkan.plans.models import Agreement

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def page(chromium, live_server, browser_demo):
    context = chromium.new_context(**PHONE, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def assert_fits_the_screen(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
        f"{page.url} scrolls sideways: {page.evaluate('document.documentElement.scrollWidth')} px"
    )


def klotter_count(page: Page, district: str) -> int:
    cell = page.locator(f'li[data-district="{district}"][data-category="Klotter"] [data-count]')
    return int(cell.text_content()) if cell.count() else 0


@pytest.mark.browser
def test_a_reporter_files_a_report_and_sees_it_in_this_weeks_picture(page, live_server, tmp_path):
    agreement = Agreement.objects.get(slug="lulea-polisen-2020-2023")
    place = Place.objects.select_related("district").get(name="Stadsparken")
    district = place.district.name

    page.goto(live_server.url + "/login/")
    page.get_by_label("Användarnamn").fill("rapportor")
    page.get_by_label("Lösenord").fill("samverkan")
    page.get_by_role("button", name="Logga in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))

    # This week's picture, before.
    page.goto(live_server.url + "/est/?alla=1")
    card = page.locator(".card", has_text=agreement.title)
    card.get_by_role("link", name=re.compile("Veckans lägesbild")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Veckans lägesbild, vecka")
    assert_fits_the_screen(page)
    before = klotter_count(page, district)
    week_url = page.url

    # File a report: a category button, "nu" as it comes, a place.
    page.goto(live_server.url + "/handelser/ny/")
    assert_fits_the_screen(page)
    page.locator("label.chip", has_text="Klotter").click()
    page.get_by_label("Plats", exact=True).select_option(str(place.pk))
    page.get_by_role("button", name="Spara rapporten").click()
    expect(page.locator(".messages")).to_contain_text("Tack! Rapporten är sparad.")

    # The picture again: one more Klotter in the place's district.
    page.goto(week_url)
    assert klotter_count(page, district) == before + 1
    expect(page.locator("svg.sketch")).to_be_visible()
    assert_fits_the_screen(page)
    page.screenshot(path=tmp_path / "est-week-phone.png", full_page=True)
    assert page.errors == []


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("samverkan")
    page.get_by_role("button", name="Logga in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


@pytest.mark.browser
def test_a_coordinator_filters_the_weeks_reports_and_closes_the_meeting_after_confirming(
    page, live_server, demo_years
):
    from samverkan.est.models import WeekMeeting
    from samverkan.est.weekly import current_week, shift_week

    agreement = Agreement.objects.get(slug="lulea-polisen-2020-2023")
    # Two weeks ago: over, full of demo reports, its meeting open (the demo closes last week's).
    year, week = shift_week(*current_week(), -2)
    log_in(page, live_server, "samordnare")
    page.goto(f"{live_server.url}/est/{agreement.pk}/{year}/v{week}/")
    rows = page.locator("#week-reports tr[data-report]")
    expect(rows.first).to_be_visible()
    total = page.locator("[data-report-count]").text_content()

    # Filter by district: htmx swaps the list, every row is in that district.
    select = page.get_by_label("Område", exact=True)
    district = select.locator("option").nth(1).text_content()
    select.select_option(label=district)
    expect(page.locator("[data-report-count]")).to_contain_text("med de valda filtren")
    assert page.locator("[data-report-count]").text_content() != total
    cells = page.locator("#week-reports tr[data-report] td:nth-child(3)").all_text_contents()
    assert cells and all(text.startswith(district) for text in cells)
    assert "omrade=" in page.url
    assert_fits_the_screen(page)

    # Closing asks first; cancelling leaves the meeting open.
    page.get_by_role("button", name="Stäng mötet…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stäng mötet för vecka")
    page.get_by_role("link", name="Avbryt").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Veckans lägesbild")
    meetings = WeekMeeting.objects.filter(agreement=agreement, iso_year=year, iso_week=week)
    assert not meetings.filter(status=WeekMeeting.Status.CLOSED).exists()
    page.get_by_role("button", name="Stäng mötet…").click()
    page.get_by_role("button", name="Ja, stäng mötet").click()
    expect(page.locator("[data-snapshot]")).to_contain_text("Mötet är stängt.")
    assert meetings.get().is_closed
    assert page.errors == []


@pytest.mark.browser
def test_the_owner_list_follows_the_chosen_organisation(page, live_server):
    from samverkan.core.models import User

    agreement = Agreement.objects.get(slug="lulea-polisen-2020-2023")
    police = User.objects.get(username="kommunpolis")
    coordinator = User.objects.get(username="samordnare")
    log_in(page, live_server, "samordnare")
    page.goto(f"{live_server.url}/est/{agreement.pk}/atgarder/")
    owner = page.locator("#id_owner")
    page.locator("#id_owner_organisation").select_option(str(police.organisation_id))
    expect(owner.locator(f'option[value="{police.pk}"]')).to_have_count(1)
    assert owner.locator(f'option[value="{coordinator.pk}"]').count() == 0
    page.locator("#id_owner_organisation").select_option(str(coordinator.organisation_id))
    expect(owner.locator(f'option[value="{coordinator.pk}"]')).to_have_count(1)
    assert owner.locator(f'option[value="{police.pk}"]').count() == 0
    assert page.errors == []
