"""A samordnare opens Luleå's ANDT(S) action plan in Chromium from the prevention page: each
prioritised goal shows its rationale and the figures behind it, and an activity is followed
up for the current period."""

import pytest
from playwright.sync_api import expect

from samverkan.plans.models import Agreement

from .conftest import fits_the_screen, log_in


@pytest.mark.browser
@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_the_action_plan_shows_a_prioritised_goal_with_its_rationale(page, live_server):
    base = live_server.url
    log_in(page, base, "samordnare")
    page.goto(f"{base}/forebyggande/")
    page.locator("[data-andts-link]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ANDT(S)")
    agreement = Agreement.objects.get(slug="lulea-polisen-2020-2023")
    page.locator(f'[data-agreement="{agreement.pk}"]').click()
    page.locator("[data-plan] a").first.click()
    expect(page.locator("[data-status]")).to_have_text("Beslutad")

    goal = page.locator('[data-prioritised-goal="3"]')
    expect(goal.get_by_role("heading", level=3)).to_contain_text("Mål 3")
    expect(goal.locator("[data-rationale]")).to_contain_text("63,9 %")
    evidence = goal.locator('[data-evidence-indicator="shlv-aldrig-druckit"]')
    expect(evidence).to_contain_text("97,8 %")
    expect(evidence).to_contain_text("2018/2019")
    expect(page.locator('[data-prioritised-goal="6"]')).to_contain_text("SMADIT")

    if page.device == "desktop":
        page.locator(
            '[data-prioritised-goal="1"] [data-activity] a', has_text="Följ upp"
        ).first.click()
        page.get_by_label("Status").select_option("klar")
        page.get_by_label("Kommentar").fill("Tillsynen är genomförd.")
        page.get_by_role("button", name="Spara").click()
        expect(page.locator(".messages")).to_contain_text("Uppföljningen är sparad.")
        expect(page.locator('[data-prioritised-goal="1"]')).to_contain_text(
            "Tillsynen är genomförd."
        )
    else:
        assert fits_the_screen(page)
    assert page.errors == [] and page.outside == []
