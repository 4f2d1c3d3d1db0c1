"""A samordnare goes the SARA cycle in Chromium: from the lägesbild's selection to a problem,
its cause analysis (reviewed), a decided intervention and its evaluation with a number."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from samverkan.core.models import User
from samverkan.incidents.models import Category, Incident
from samverkan.places.models import District
from samverkan.plans.models import Plan

from .conftest import log_in

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _reports(treatment, comparison, category, organisation) -> None:
    """Enough reports for RES: 30 and 12 in the treatment district, 30 and 28 in the
    comparison district, before (2025 H1) and after (2025 H2)."""
    rows = []
    for district, before, after in ((treatment, 30, 12), (comparison, 30, 28)):
        for count, month in ((before, 3), (after, 9)):
            when = dt.datetime(2025, month, 12, 14, tzinfo=STOCKHOLM)
            rows += [
                Incident(
                    category=category,
                    municipality=district.municipality,
                    district=district,
                    occurred_from=when,
                    occurred_to=when,
                    organisation=organisation,
                    description="Klotter på fasad",
                )
                for _ in range(count)
            ]
    Incident.objects.bulk_create(rows)


@pytest.mark.browser
@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_from_the_lagesbild_to_an_evaluated_intervention(page, live_server):
    agreement = Plan.objects.get(title="Styrgruppens verksamhetsplan 2020–2021").agreement
    districts = list(District.objects.filter(municipality__name="Luleå kommun").order_by("name"))
    treatment, comparison = districts[0], districts[1]
    klotter = Category.objects.get(slug="klotter")
    coordinator = User.objects.get(username="samordnare")
    _reports(treatment, comparison, klotter, coordinator.organisation)
    base = live_server.url
    log_in(page, base, "samordnare")

    # The lägesbild of a selection, and its link to a new problem.
    page.goto(
        f"{base}/lagesbild/?overenskommelse={agreement.pk}&fran=2025-01-01&till=2025-06-30"
        f"&kategori=klotter&omrade={treatment.pk}"
    )
    page.get_by_role("link", name="Skapa problem av det här urvalet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt problem")
    expect(page.locator("[data-selection]")).to_be_visible()
    page.get_by_label("Rubrik").fill("Klotter i " + treatment.name)
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".messages")).to_contain_text("Problemet är sparat.")
    expect(page.locator("body")).to_contain_text("Urval av händelserapporter")

    # The cause analysis, then reviewed.
    page.get_by_role("link", name="Påbörja orsaksanalysen").click()
    page.get_by_label("Gärningsperson (grupp, beteende)").fill("Unga som samlas på kvällar")
    page.get_by_label("Orsaker: objekt eller plats").fill("Dålig belysning vid fasaden")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".messages")).to_contain_text("Orsaksanalysen är sparad.")
    page.get_by_role("button", name="Sätt till Granskad").click()
    expect(page.locator(".messages")).to_contain_text("Orsaksanalysen är nu Granskad.")

    # An intervention under way (beslutad is set only by a decision at the steering group's
    # meeting, tests/meetings).
    page.get_by_role("link", name="Ny insats").click()
    page.get_by_label("Rubrik").fill("Belysning och snabb klottersanering")
    page.get_by_label("Typ").select_option("situationell")
    page.get_by_label("Nivå", exact=True).select_option("universell")
    page.get_by_label("Ansvarig organisation").select_option(str(coordinator.organisation_id))
    page.get_by_label("Status").select_option("pagar")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".messages")).to_contain_text("Insatsen är sparad.")
    expect(page.locator("body")).to_contain_text("Pågår")

    # Its evaluation.
    page.locator("[data-evaluation-link]").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Utvärdering")
    page.get_by_label("Insatsområden").select_option([str(treatment.pk)])
    page.get_by_label("Jämförelseområden").select_option([str(comparison.pk)])
    page.get_by_label("Kategorier").select_option([str(klotter.pk)])
    page.get_by_label("Före: från").fill("2025-01-01")
    page.get_by_label("Före: till").fill("2025-06-30")
    page.get_by_label("Efter: från").fill("2025-07-01")
    page.get_by_label("Efter: till").fill("2025-12-31")
    page.get_by_role("button", name="Spara och beräkna").click()
    expect(page.locator(".messages")).to_contain_text("Utvärderingen är sparad och beräknad.")
    reading = page.locator("[data-res]")
    expect(reading).to_contain_text(re.compile(r"RES \d+,\d\d|För få händelser"))
    expect(reading).to_contain_text(re.compile(r"RES \d+,\d\d; 95 % KI"))
    assert int(page.locator('[data-cell="a"]').inner_text()) >= 30
    expect(page.locator("[data-dispersion]")).to_contain_text("D = ")
    assert page.errors == []
    assert page.outside == []
