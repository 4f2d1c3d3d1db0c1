"""A samordnare opens the collaboration inventory's overlap view in Chromium and sees the
marked double work and gap, then sees on a new intervention's form which collaborations
already work at the level and target group it is filling in."""

import pytest
from playwright.sync_api import expect

from samverkan.prevention.models import Problem

from .conftest import fits_the_screen, log_in


@pytest.mark.browser
@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_the_overlap_view_marks_double_work_and_a_gap(page, live_server):
    base = live_server.url
    log_in(page, base, "samordnare")
    page.goto(f"{base}/forebyggande/")
    page.get_by_role("link", name="Helhetsbild över förekommande samverkan").click()
    lulea = page.locator(".row", has_text="Samverkansöverenskommelse mellan Luleå kommun")
    lulea.get_by_role("link", name="Överlapp och luckor").click()
    expect(page.get_by_role("heading", name="Överlapp och luckor")).to_be_visible()

    overlap = page.locator('[data-matrix] td[data-cell="ungdom-indikerad"]')
    expect(overlap).to_contain_text("Möjligt dubbelarbete")
    expect(overlap).to_contain_text("Sociala insatsgrupper (SIG)")
    expect(overlap).to_contain_text("Samverkan inom ramen för LUL")
    expect(overlap).to_contain_text("2 samverkansformer riktade till Barn och unga")
    gap = page.locator('[data-matrix] td[data-cell="andt-selektiv"]')
    expect(gap).to_contain_text("Möjlig lucka")
    expect(page.locator("[data-review]")).to_contain_text("Granskningen är försenad")
    if page.device == "phone":
        assert fits_the_screen(page)
    assert page.errors == []
    assert page.outside == []


@pytest.mark.browser
@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_the_intervention_form_lists_collaborations_before_it_is_decided(page, live_server):
    problem = Problem.objects.get(title__startswith="Unga i Björkskatan")
    base = live_server.url
    log_in(page, base, "samordnare")
    page.goto(f"{base}/forebyggande/problem/{problem.pk}/insats/ny/")
    related = page.locator("#related-collaborations")
    page.select_option("select[name=level]", "indikerad")
    page.fill("textarea[name=target_group]", "Unga 15–17 år i riskzon")
    page.locator("textarea[name=target_group]").dispatch_event("change")
    expect(related).to_contain_text("Sociala insatsgrupper (SIG)")
    expect(related).to_contain_text("Samverkan inom ramen för LUL")
    expect(related).not_to_contain_text("SMADIT")
    page.select_option("select[name=level]", "selektiv")
    expect(related).to_contain_text("Samverkan mot våldsbejakande extremism")
    expect(related).not_to_contain_text("Sociala insatsgrupper (SIG)")
    assert page.errors == []
    assert page.outside == []
