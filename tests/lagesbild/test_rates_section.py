"""The lägesbild's rates section: Garwood intervals, annualisation of a period that is not a
whole year, and the notes when district populations or comparison figures are missing."""

import pytest
from scipy import stats

from samverkan.lagesbild.sections.counts import rates_section

COUNTS = {
    "total": 12,
    "by_category": [{"name": "Klotter", "count": 12}],
    "by_district": [
        {"name": "Centrum", "count": 9, "population": 4000},
        {"name": "Porsön", "count": 3, "population": None},
    ],
}
POPULATION = {"population": 80_000, "year": 2025, "source": "SCB", "geography": "Luleå",
              "district_year": 2025}  # fmt: skip


def garwood(k):
    return stats.chi2.ppf(0.025, 2 * k) / 2 if k else 0.0, stats.chi2.ppf(0.975, 2 * k + 2) / 2


def test_a_quarter_is_annualised_and_every_rate_has_an_interval():
    r = rates_section(COUNTS, POPULATION, days=90)
    low, high = garwood(12)
    assert r["per_100k"] == 15.0 and (r["ci_low"], r["ci_high"]) == (
        round(low * 100_000 / 80_000, 1), round(high * 100_000 / 80_000, 1)
    )  # fmt: skip
    factor = 365.25 / 90
    assert r["annualised"] and r["per_year"] == round(15.0 * factor, 1)
    assert r["year_ci_low"] == pytest.approx(low * 100_000 / 80_000 * factor, abs=0.051)
    assert "365,25 / 90" in r["definition"]
    [centrum] = r["by_district"]  # Porsön has no population and is left out
    low, high = garwood(9)
    assert centrum["per_year"] == round(9 * factor * 100_000 / 4000, 1)
    assert centrum["year_ci_high"] == round(high * factor * 100_000 / 4000, 1)
    assert "andra kommuner, länet och riket" in r["comparison_note"]


def test_a_whole_year_is_not_annualised():
    r = rates_section(COUNTS, POPULATION, days=365)
    assert not r["annualised"] and r["per_year"] is None
    assert "helt år" in r["definition"]


def test_without_district_populations_the_page_says_so():
    counts = {**COUNTS, "by_district": [{"name": "Centrum", "count": 9, "population": None}]}
    r = rates_section(counts, {**POPULATION, "district_year": None}, days=90)
    assert r["by_district"] == []
    assert r["district_note"].startswith("Folkmängd per område finns inte bland indikatorerna")


def test_without_any_population_nothing_is_divided():
    r = rates_section(COUNTS, None, days=90)
    assert not r["available"] and r["per_100k"] is None and r["per_year"] is None
    assert r["note"]
