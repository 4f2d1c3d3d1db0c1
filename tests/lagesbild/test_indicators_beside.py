"""Rates per 100 000 from the indicators' population, and the indicators shown beside the
incident analysis on the lägesbild pages.

Hand computation used below (the hand set of tests/lagesbild/conftest.py, local time):
1 January–22 December 2024 holds 24 reports: 18 skadegörelse in the first district (19 in
2024, less the one on 23 December) and 6 klotter in the second district.
With 3 260 inhabitants: 24 × 100 000 / 3 260 = 736,196… → "736,2";
18 × 100 000 / 3 260 = 552,147… → "552,1"; 6 × 100 000 / 3 260 = 184,049… → "184,0".
Districts: 18 × 100 000 / 2 000 = 900,0 and 6 × 100 000 / 1 260 = 476,190… → "476,2".
"""

import datetime as dt
import io
import json
import re

import pandas as pd
import pytest
from django.core.management import call_command
from django.utils import timezone
from scipy import stats

from samverkan.analysis.formatting import format_decimal
from samverkan.indicators.access import indicator_list_for_user
from samverkan.indicators.catalogue import population_figures
from samverkan.indicators.importers.scb import population_indicator
from samverkan.indicators.models import Indicator, Observation
from samverkan.indicators.pages import yearly_indicator_values
from samverkan.lagesbild.assemble import analyse, lagesbild
from samverkan.lagesbild.selectors import agreement_population
from tests.lagesbild.conftest import LULEA_AGREEMENT, visible_rows

FROM, TO = dt.date(2024, 1, 1), dt.date(2024, 12, 22)
PAGE = {"overenskommelse": LULEA_AGREEMENT, "fran": FROM.isoformat(), "till": TO.isoformat()}


def _obs(indicator, year, level, code, value, breakdown=None, district=None):
    return Observation.objects.create(
        indicator=indicator,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        period_label=str(year),
        geo_level=level,
        geo_code=code,
        district=district,
        breakdown=breakdown or {},
        value=value,
        retrieved_at=timezone.now(),
    )


@pytest.fixture
def population(handset):
    """Luleå 2024: 3 260 as SCB's sex × age cells (1 600 + 1 000 + 660); 2025: 5 000 (not
    used for a 2024 period). Districts 2024: 2 000 by code, 1 260 linked by district."""
    _rows, districts = handset
    indicator = population_indicator()
    for sex, age, value in (("K", "20", 1600), ("M", "20", 1000), ("M", "100+", 660)):
        _obs(indicator, 2024, "kommun", "2580", value, {"sex": sex, "age": age})
    _obs(indicator, 2025, "kommun", "2580", 5000)
    _obs(indicator, 2024, "omrade", f"2580:{districts[0].slug}", 2000)
    _obs(indicator, 2024, "omrade", "2580:annat-namn", 1260, district=districts[1])
    return districts


def _page(client, user, **params):
    client.force_login(user)
    response = client.get("/lagesbild/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"\bnan\b", html, re.IGNORECASE)
    return html


# --- rates per 100 000 --------------------------------------------------------------------


def test_hand_computed_rate_through_the_pure_assembler():
    times = pd.to_datetime(
        [dt.datetime(2024, 3, 1 + k, 12, tzinfo=dt.UTC) for k in range(24)], utc=True
    )
    frame = pd.DataFrame(
        {
            "occurred_at": times,
            "category": ["Våld"] * 20 + ["Rån"] * 4,
            "district": ["Centrum"] * 24,
            "place": [None] * 24,
            "lat": [float("nan")] * 24,
            "lon": [float("nan")] * 24,
        }
    )
    result = analyse(
        frame,
        date_from=dt.date(2024, 3, 1),
        date_to=dt.date(2024, 3, 31),
        populations={"Centrum": 3260},
        population={"population": 3260, "year": 2025, "source": "SCB", "geography": "Luleå"},
    ).to_dict()
    rates = result["rates"]
    assert rates["available"] and rates["per_100k"] == 736.2
    assert result["key_figures"]["per_100k"] == 736.2
    assert rates["label"] == "Folkmängd 2025, SCB"
    assert {c["name"]: c["per_100k"] for c in rates["by_category"]} == {
        "Våld": 613.5,  # 20 × 100 000 / 3 260 = 613,496…
        "Rån": 122.7,  # 4 × 100 000 / 3 260 = 122,699…
    }
    keys = ("name", "count", "population", "per_100k")
    assert [{k: d[k] for k in keys} for d in rates["by_district"]] == [
        {"name": "Centrum", "count": 24, "population": 3260, "per_100k": 736.2}
    ]
    # Garwood's interval for 24 events from χ² quantiles; the data run 1–24 March, so the
    # period is annualised by 365.25 / 24 and the page says so.
    low, high = stats.chi2.ppf(0.025, 48) / 2, stats.chi2.ppf(0.975, 50) / 2
    centrum = rates["by_district"][0]
    assert (centrum["ci_low"], centrum["ci_high"]) == (
        round(low * 100_000 / 3260, 1), round(high * 100_000 / 3260, 1)
    )  # fmt: skip
    assert rates["annualised"] and rates["days"] == 24
    assert rates["per_year"] == round(24 * 365.25 / 24 * 100_000 / 3260, 1)
    assert rates["year_ci_high"] == round(high * 365.25 / 24 * 100_000 / 3260, 1)
    assert "räknas också om till helår" in rates["definition"]


def test_population_sums_one_breakdown_shape(population):
    figures = population_figures("kommun", ["2580"])
    assert figures.totals == {("2580", 2024): 3260, ("2580", 2025): 5000}
    assert figures.source.startswith("SCB")


def test_rates_from_the_indicators_population(population, agreement):
    first, second = population
    result = lagesbild(agreement=agreement, date_from=FROM, date_to=TO).to_dict()
    rates = result["rates"]
    assert result["key_figures"]["total"] == 24 == len(visible_rows(first=FROM, last=TO))
    assert rates["population"] == 3260 and rates["year"] == 2024
    assert rates["per_100k"] == 736.2
    assert rates["label"].startswith("Folkmängd 2024, SCB")
    by_category = {c["name"]: c["per_100k"] for c in rates["by_category"]}
    assert by_category == {"Skadegörelse": 552.1, "Klotter": 184.0}
    by_district = {d["name"]: (d["population"], d["per_100k"]) for d in rates["by_district"]}
    assert by_district == {first.name: (2000, 900.0), second.name: (1260, 476.2)}
    assert rates["district_year"] == 2024


def test_the_text_format_prints_the_rates(population, agreement):
    first, second = population
    out = io.StringIO()
    call_command("lagesbild", "--agreement", str(agreement.pk), "--from", FROM.isoformat(),
                 "--to", TO.isoformat(), "--format", "text", stdout=out)  # fmt: skip
    text = out.getvalue()
    block = text.split("Per 100 000 invånare\n", 1)[1].split("\n\n", 1)[0]
    # 1 January–22 December is 357 days: annualised by 365.25 / 357, Garwood's bounds for
    # 24 events (χ² quantiles) scaled the same way.
    scale = 365.25 / 357 * 100_000 / 3260
    low, high = stats.chi2.ppf(0.025, 48) / 2 * scale, stats.chi2.ppf(0.975, 50) / 2 * scale
    assert block.splitlines() == [
        "  Folkmängd 2024, SCB Statistikdatabasen",
        "  Alla händelser: 736,2",
        f"  Omräknat till helår: {format_decimal(24 * scale, 1)} per 100 000 och år "
        f"(95 % KI {format_decimal(low, 1)}–{format_decimal(high, 1)})",
        "  Skadegörelse: 552,1",
        "  Klotter: 184,0",
        "  Folkmängd 2024, SCB Statistikdatabasen",
        f"  Område {first.name}: 900,0",
        f"  Område {second.name}: 476,2",
    ]


def test_the_text_format_says_why_there_are_no_rates(handset, agreement):
    out = io.StringIO()
    call_command("lagesbild", "--agreement", str(agreement.pk), "--from", FROM.isoformat(),
                 "--to", TO.isoformat(), "--format", "text", stdout=out)  # fmt: skip
    block = out.getvalue().split("Per 100 000 invånare\n", 1)[1].split("\n\n", 1)[0]
    assert block.startswith("  Ingen folkmängd finns bland indikatorerna för Luleå kommun;")
    assert block.endswith("(hämta Folkmängd från SCB i datakatalogen).")


def test_the_period_year_picks_the_population_year(population, agreement):
    result = lagesbild(
        agreement=agreement, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31)
    )
    rates = result.to_dict()["rates"]
    assert rates["year"] == 2025 and rates["population"] == 5000
    assert rates["per_100k"] == round(result.key_figures["total"] * 100_000 / 5000, 1)


def test_chosen_districts_use_their_own_population(population, agreement):
    first, _second = population
    rates = lagesbild(agreement=agreement, date_from=FROM, date_to=TO, districts=[first]).to_dict()[
        "rates"
    ]
    assert rates["population"] == 2000 and rates["per_100k"] == 900.0
    assert rates["geography"] == first.name


def test_rates_on_the_page(client, population, coordinator):
    html = _page(client, coordinator, **PAGE)
    assert 'id="per-100000"' in html
    assert "736,2" in html and "552,1" in html and "184,0" in html
    assert "900,0" in html and "476,2" in html
    assert "Folkmängd 2024, SCB" in html
    assert "3 260" in html or "3\xa0260" in html
    # Garwood's interval for 24 events and the annualised rate (357 days), said as such.
    scale = 100_000 / 3260
    low, high = stats.chi2.ppf(0.025, 48) / 2 * scale, stats.chi2.ppf(0.975, 50) / 2 * scale
    assert f"95 % KI {format_decimal(low, 1)}–{format_decimal(high, 1)}" in html
    assert "data-annualised" in html and "Omräknat till helår" in html
    assert "Garwood" in html and "data-comparison-missing" in html


def test_no_population_says_so_in_one_line(client, handset, agreement, coordinator):
    result = lagesbild(agreement=agreement, date_from=FROM, date_to=TO).to_dict()
    rates = result["rates"]
    assert rates["available"] is False and rates["per_100k"] is None
    assert "Ingen folkmängd finns bland indikatorerna för Luleå" in rates["note"]
    html = _page(client, coordinator, **PAGE)
    assert "Ingen folkmängd finns bland indikatorerna för Luleå" in html
    assert "data-population-missing" in html


def test_chosen_districts_without_population_say_so(handset, agreement):
    _rows, districts = handset
    rates = lagesbild(
        agreement=agreement, date_from=FROM, date_to=TO, districts=[districts[0]]
    ).to_dict()["rates"]
    assert rates["per_100k"] is None
    assert "Folkmängd saknas för de valda områdena" in rates["note"]


def test_cli_json_equals_the_api_with_rates(client, population, coordinator):
    client.force_login(coordinator)
    api = client.get(
        "/api/lagesbild", {"agreement": LULEA_AGREEMENT, "from": "2024-01-01", "to": "2024-12-22"}
    ).json()
    out = io.StringIO()
    call_command(
        "lagesbild", "--agreement", LULEA_AGREEMENT, "--from", "2024-01-01", "--to", "2024-12-22",
        "--user", "samordnare", "--format", "json", stdout=out,
    )  # fmt: skip
    cli = json.loads(out.getvalue())
    assert cli == api
    assert api["rates"]["per_100k"] == 736.2
    assert api["key_figures"]["per_100k"] == 736.2


# --- indicators beside the incident analysis ------------------------------------------------


def _section(html: str) -> str:
    start = html.index('id="underlag"')
    return html[start : html.index("</section>", start)]


def test_indicator_section_shows_seed_figures_with_their_source(client, handset, coordinator):
    section = _section(_page(client, coordinator, **PAGE))
    assert "Underlag från statistik och enkäter" in section
    # 6.2: the school health survey's 10,6 % of girls in åk 7 (2018/2019), the plan as source.
    assert 'href="/indikatorer/shlv-ledsen/"' in section
    assert "10,6 %" in section and "2018/2019" in section and "Flickor, åk 7" in section
    assert "Styrgruppens verksamhetsplan 2020–2021" in section
    for area in ("6.1 Trygghet", "6.2 Ungdomar", "6.3 ANDT(S)"):
        assert area in section


def test_indicator_section_follows_the_chosen_categories(client, handset, coordinator):
    section = _section(_page(client, coordinator, **PAGE, kategori="narkotika"))
    assert "6.3 ANDT(S)" in section and 'data-indicator="can-testat-narkotika"' in section
    assert "6.1 Trygghet" not in section and "shlv-ledsen" not in section
    section = _section(_page(client, coordinator, **PAGE, kategori="klotter"))
    assert "6.1 Trygghet" in section and 'data-indicator="trygghetsindex"' in section
    assert "6.3 ANDT(S)" not in section


def test_annual_view_shows_indicators_per_focus_area(client, handset, coordinator):
    indicator = Indicator.objects.get(code="brott-alkohol-narkotika")
    _obs(indicator, 2023, "kommun", "2580", 245)
    client.force_login(coordinator)
    response = client.get("/lagesbild/ar/")
    assert response.status_code == 200
    html = response.content.decode()
    section = _section(html)
    for number in ("6.1", "6.2", "6.3"):
        assert f'id="underlag-{number}"' in section
    # The yearly value sits in its year's column, next to the yearly incident counts.
    years = [int(y) for y in re.findall(r"<th>(\d{4})</th>", section)]
    assert 2023 in years
    row = re.search(r'<tr data-indicator="brott-alkohol-narkotika">(.*?)</tr>', section, re.S)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S)
    assert cells[1 + years.index(2023)] == "245"
    assert "Händelser i Samverkan" in section
    # A seed figure without a calendar-year value: its latest value and the plan as source.
    shlv = re.search(r'<tr data-indicator="shlv-ledsen">(.*?)</tr>', section, re.S)[1]
    assert "10,6 %" in shlv and "Styrgruppens verksamhetsplan 2020–2021" in shlv


def test_yearly_values_by_hand(handset, coordinator):
    indicator = Indicator.objects.get(code="brott-alkohol-narkotika")
    _obs(indicator, 2023, "kommun", "2580", 245)
    _obs(indicator, 2024, "kommun", "2580", 231.5)
    items = {
        i.indicator.code: i
        for i in yearly_indicator_values(
            indicator_list_for_user(coordinator), "6.3", [2022, 2023, 2024]
        )
    }
    rows = items["brott-alkohol-narkotika"].rows
    assert [(r.geography, r.cells) for r in rows] == [
        ("Luleå", [(2022, "–"), (2023, "245"), (2024, "231,5")])
    ]
    assert items["can-aldrig-druckit"].rows == [] and items["can-aldrig-druckit"].latest


def test_scoping_is_unchanged_for_a_boden_user(client, population, boden_user):
    client.force_login(boden_user)
    response = client.get("/lagesbild/", PAGE)
    html = response.content.decode()
    # The Luleå agreement is not Boden's: no Luleå incident, rate or district is shown.
    assert "736,2" not in html and "Folkmängd 2024" not in html
    first, second = population
    html = _page(client, boden_user, fran=FROM.isoformat(), till=TO.isoformat())
    assert first.name not in html and second.name not in html
    assert "736,2" not in html
    # Indicators are public statistics: the seed figures show for every logged-in user.
    assert "10,6 %" in _section(html)
    result = lagesbild(agreement=_boden_agreement(boden_user), date_from=dt.date(2025, 1, 1),
                       date_to=dt.date(2025, 12, 31), user=boden_user).to_dict()  # fmt: skip
    assert result["key_figures"]["total"] == 1  # only the one Boden report of the hand set


def _boden_agreement(user):
    from samverkan.plans.access import agreement_list_for_user

    return agreement_list_for_user(user).get()


def test_indicator_section_needs_login(client, handset):
    response = client.get("/lagesbild/", PAGE)
    assert response.status_code == 302


def test_population_selector_without_population(handset, agreement):
    info = agreement_population(agreement, 2024)
    assert info["population"] is None and info["districts"] == {}
    assert info["note"]


def test_snapshots_keep_their_rates_and_old_ones_still_render(
    client, population, agreement, coordinator
):
    from samverkan.lagesbild import services

    result = lagesbild(agreement=agreement, date_from=FROM, date_to=TO, user=coordinator)
    snapshot = services.snapshot_create(user=coordinator, result=result, agreement=agreement)
    client.force_login(coordinator)
    html = client.get(snapshot.get_absolute_url()).content.decode()
    assert 'id="per-100000"' in html and "736,2" in html
    # A snapshot stored before the rates existed has no "rates": the page skips the section.
    old = {k: v for k, v in snapshot.result.items() if k != "rates"}
    type(snapshot).objects.filter(pk=snapshot.pk).update(result=old)  # as stored before
    response = client.get(snapshot.get_absolute_url())
    assert response.status_code == 200
    assert 'id="per-100000"' not in response.content.decode()
