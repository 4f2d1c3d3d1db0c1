"""Rates per 100 000 for any period and Wilson intervals for survey shares, checked against
statsmodels' exact Poisson interval and its Wilson interval, and hand-worked cases; the
Wilson interval's coverage is checked on simulated surveys."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

from samverkan.analysis.rates import period_rate, wilson_interval


@pytest.mark.parametrize("count", [0, 1, 4, 12, 250])
def test_a_whole_year_is_garwood_per_100k_like_statsmodels(count):
    rate = period_rate(count, 78_000, 365)
    low, high = confint_poisson(count, 1, method="exact-c")
    scale = 100_000 / 78_000
    assert not rate.annualised and rate.factor == 1
    assert rate.rate == pytest.approx(count * scale)
    assert rate.ci_low == pytest.approx(low * scale, abs=1e-9)
    assert rate.ci_high == pytest.approx(high * scale, rel=1e-9)
    assert period_rate(count, 78_000, 366).rate == rate.rate  # a leap year is a year


def test_a_quarter_is_annualised_with_its_interval_scaled_the_same_way():
    # 12 events in 90 days among 80 000: 12 · 365.25/90 · 100 000/80 000 = 60.875 a year.
    rate = period_rate(12, 80_000, 90)
    assert rate.annualised and rate.factor == pytest.approx(365.25 / 90)
    assert rate.rate == pytest.approx(60.875)
    low, high = confint_poisson(12, 1, method="exact-c")
    assert rate.ci_low == pytest.approx(low * 365.25 / 90 * 100_000 / 80_000, rel=1e-9)
    assert rate.ci_high == pytest.approx(high * 365.25 / 90 * 100_000 / 80_000, rel=1e-9)
    # Two years are annualised as well: per year, half the two-year count.
    assert period_rate(20, 100_000, 731).rate == pytest.approx(20 * 365.25 / 731)


@pytest.mark.parametrize(
    ("count", "population", "days"), [(3, None, 30), (3, 0, 30), (3, -5, 30), (3, 1e5, 0)]
)
def test_without_a_population_or_days_there_is_no_rate(count, population, days):
    assert period_rate(count, population, days) is None


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=5000),
    fraction=st.floats(min_value=0, max_value=1),
)
def test_wilson_equals_statsmodels(n, fraction):
    successes = round(fraction * n)
    low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    ours = wilson_interval(successes / n, n)
    assert ours == pytest.approx((low, high), abs=1e-12)


def test_wilson_covers_about_95_percent_of_simulated_surveys():
    # 4 000 surveys of 60 respondents with a true share of 0.85: the Wilson interval should
    # cover 0.85 in 95 % ± 1.5 % of them (sampling error ≈ 0.35 %; discreteness ± 1 %).
    rng = np.random.default_rng(4)
    hits = rng.binomial(60, 0.85, 4000)
    intervals = [wilson_interval(h / 60, 60) for h in hits]
    covered = np.mean([lo <= 0.85 <= hi for lo, hi in intervals])
    assert abs(covered - 0.95) < 0.015
    assert all(0 <= lo <= hi <= 1 for lo, hi in intervals)


@pytest.mark.parametrize(("share", "n"), [(0.5, None), (0.5, 0), (1.2, 10), (math.nan, 10)])
def test_wilson_without_usable_input_is_none(share, n):
    assert wilson_interval(share, n) is None
