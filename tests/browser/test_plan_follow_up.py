"""A samordnare reports a delayed commitment as done, on a desktop and on a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from samverkan.plans.models import Commitment

PLAN_TITLE = "Styrgruppens verksamhetsplan 2020–2021"

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.fixture(params=list(VIEWPORTS))
def page(request, chromium, live_server, browser_demo):
    context = chromium.new_context(**VIEWPORTS[request.param], locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.device = request.param
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def assert_fits_the_screen(page: Page) -> None:
    if page.device == "phone":
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
            f"{page.url} scrolls sideways: "
            f"{page.evaluate('document.documentElement.scrollWidth')} px wide"
        )


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    assert_fits_the_screen(page)
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("samverkan")
    page.get_by_role("button", name="Logga in").click()


def klar_count(page: Page) -> int:
    return int(page.locator(".counts .status-klar").inner_text().split()[-1])


@pytest.mark.browser
def test_a_coordinator_reports_a_delayed_commitment_as_done(page, live_server, tmp_path):
    delayed = Commitment.objects.get(section__plan__title=PLAN_TITLE, section__number="3")
    log_in(page, live_server.url, "samordnare")

    # The plan start page: the whole plan, down to 6.3.
    expect(page.get_by_role("heading", level=1)).to_have_text(PLAN_TITLE)
    expect(page.locator("h2", has_text="6.3. ANDT(S)")).to_be_visible()
    row = page.locator(
        "#avsnitt-3 .row", has=page.locator(f'a[href="{delayed.get_absolute_url()}"]')
    )
    expect(row).to_contain_text("Försenad")
    done_before = klar_count(page)
    assert_fits_the_screen(page)
    page.screenshot(path=tmp_path / f"{page.device}-plan.png", full_page=True)

    # The commitment, its form, and the report.
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Åtagande")
    expect(page.locator("p", has_text="Aktuell status")).to_contain_text("Försenad")
    assert_fits_the_screen(page)
    page.get_by_label("Status").select_option("klar")
    page.get_by_label("Andel genomfört (%)").fill("100")
    page.get_by_label("Kommentar").fill("Rutinen är beslutad och inarbetad i budgetprocessen.")
    page.get_by_role("button", name="Spara uppföljning").click()

    expect(page.locator(".messages")).to_contain_text("Uppföljningen är sparad.")
    expect(page.locator("p", has_text="Aktuell status")).to_contain_text("Klar")
    expect(page.locator("table").first).to_contain_text(
        "Rutinen är beslutad och inarbetad i budgetprocessen."
    )
    assert_fits_the_screen(page)
    page.screenshot(path=tmp_path / f"{page.device}-commitment.png", full_page=True)

    # Back on the plan the commitment is done and counted.
    page.get_by_role("link", name=PLAN_TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PLAN_TITLE)
    expect(row).to_contain_text("Klar")
    expect(row).not_to_contain_text("Försenad")
    expect(page.locator(".counts .status-klar")).to_have_text(f"Klar {done_before + 1}")
    assert_fits_the_screen(page)
    page.screenshot(path=tmp_path / f"{page.device}-plan-after.png", full_page=True)
    assert page.errors == []


@pytest.mark.browser
def test_the_filter_narrows_the_plan_in_place(page, live_server):
    log_in(page, live_server.url, "samordnare")
    expect(page.locator("#plan-body .row").first).to_be_visible()
    assert page.locator("#plan-body .row").count() > 2

    page.locator("#id_status").select_option("klar")

    # htmx swaps the plan body and pushes the filter into the address.
    expect(page).to_have_url(re.compile(r"\?.*status=klar"))
    expect(page.locator("#plan-body .row")).to_have_count(2)
    for status in page.locator("#plan-body .row .badge").all_inner_texts():
        assert status == "Klar"
    expect(page.get_by_role("heading", level=1)).to_have_text(PLAN_TITLE)
    assert_fits_the_screen(page)
    assert page.errors == []
