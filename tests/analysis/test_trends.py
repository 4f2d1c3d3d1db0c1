"""Yearly trends, Mann–Kendall and rates, each checked against something that does not go
through the code under test: statsmodels' own GLM fitted here, scipy's Kendall tau, Garwood's
interval worked from closed forms, and series whose answer is known on paper."""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats

from samverkan.analysis.formatting import format_decimal, format_p
from samverkan.analysis.trends import (
    POISSON,
    QUASI_POISSON,
    mann_kendall,
    rate_per_100k,
    yearly_trend,
)
from samverkan.lagesbild.text.sentences import rate_sentence, say, trend_summary

YEARS = list(range(2014, 2020))


def series(values, start=2014):
    return pd.Series(values, index=range(start, start + len(values)))


def statsmodels_fit(counts, population=None, **fit_kwargs):
    years = np.asarray(counts.index, dtype=float)
    offset = None if population is None else np.log(population.to_numpy(dtype=float))
    exog = sm.add_constant(years)
    model = sm.GLM(counts.to_numpy(dtype=float), exog, family=sm.families.Poisson(), offset=offset)
    return model.fit(**fit_kwargs)


# --- Poisson regression against statsmodels ---------------------------------------------------


def test_it_equals_statsmodels_poisson_glm_on_the_same_counts():
    counts = series([31, 28, 35, 40, 38, 47])
    reference = statsmodels_fit(counts)
    trend = yearly_trend(counts)

    assert trend.method == POISSON
    assert trend.dispersion <= 1.5
    assert math.log(trend.factor) == pytest.approx(reference.params[1], rel=1e-9)
    assert trend.p_value == pytest.approx(reference.pvalues[1], rel=1e-7)
    low, high = reference.conf_int()[1]
    assert (trend.ci_low, trend.ci_high) == pytest.approx((math.exp(low), math.exp(high)))
    assert trend.dispersion == pytest.approx(reference.pearson_chi2 / reference.df_resid)


def test_it_equals_statsmodels_with_a_population_offset():
    counts = series([120, 131, 125, 150, 162, 170])
    population = series([76_000, 77_000, 77_500, 78_000, 78_600, 79_000])
    reference = statsmodels_fit(counts, population)
    trend = yearly_trend(counts, population)

    assert math.log(trend.factor) == pytest.approx(reference.params[1], rel=1e-9)
    assert trend.p_value == pytest.approx(reference.pvalues[1], rel=1e-7)
    assert [rate.year for rate in trend.rates] == YEARS
    assert trend.rates[0].rate == pytest.approx(120 / 76_000 * 100_000)
    assert trend_summary(trend).startswith("Antalet per invånare förändras med")


def test_it_uses_quasi_poisson_when_counts_are_over_dispersed():
    counts = series([30, 70, 20, 90, 25, 80])
    poisson = statsmodels_fit(counts)
    dispersion = poisson.pearson_chi2 / poisson.df_resid
    assert dispersion > 1.5
    trend = yearly_trend(counts)

    assert trend.method == QUASI_POISSON
    assert trend.dispersion == pytest.approx(dispersion)
    # Same point estimate as Poisson; standard error scaled by √(χ²/df), t with n − 2 df.
    assert math.log(trend.factor) == pytest.approx(poisson.params[1], rel=1e-9)
    se = poisson.bse[1] * math.sqrt(dispersion)
    t = poisson.params[1] / se
    assert trend.p_value == pytest.approx(2 * stats.t.sf(abs(t), df=4), rel=1e-7)
    half_width = stats.t.ppf(0.975, df=4) * se
    assert trend.ci_high == pytest.approx(math.exp(poisson.params[1] + half_width))
    assert "kvasi-Poisson-regression" in say(trend.message)


def test_it_keeps_the_poisson_scale_when_counts_are_under_dispersed():
    # Under-dispersion would shrink the interval; we never claim more certainty than Poisson.
    counts = series([50, 51, 50, 51, 50, 51])
    trend = yearly_trend(counts)
    assert trend.dispersion < 1
    assert trend.method == POISSON


# --- Known answers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "factor", "sentence_start"),
    [
        ([100, 200, 400, 800, 1600], 2.0, "Ökningen är statistiskt säkerställd (p < 0,001"),
        ([1600, 800, 400, 200, 100], 0.5, "Minskningen är statistiskt säkerställd (p < 0,001"),
        ([81, 108, 144, 192, 256], 4 / 3, "Ökningen är statistiskt säkerställd"),
    ],
)
def test_it_recovers_the_factor_of_an_exponential_series(values, factor, sentence_start):
    trend = yearly_trend(series(values))
    assert trend.tested
    assert trend.factor == pytest.approx(factor, rel=1e-9)
    assert trend.ci_low < factor < trend.ci_high
    assert say(trend.message).startswith(sentence_start)
    assert trend.direction == ("increase" if factor > 1 else "decrease")


def test_it_finds_no_change_in_a_flat_series():
    trend = yearly_trend(series([20] * 6))
    assert trend.tested
    assert trend.factor == pytest.approx(1.0)
    assert trend.p_value == pytest.approx(1.0)
    assert trend.direction == ""
    assert say(trend.message) == "Ingen säkerställd förändring (p = 1,00, Poisson-regression)."


def test_it_reads_the_seed_vandalism_decline_as_a_sentence():
    # Falling graffiti 2014–2019, but not by much: the page must say it is not established.
    trend = yearly_trend(series([41, 44, 38, 40, 36, 37]))
    assert say(trend.message) == (
        f"Ingen säkerställd förändring (p = {format_p(trend.p_value)}, Poisson-regression)."
    )
    assert trend.factor < 1


def test_it_orders_years_before_fitting():
    ordered = yearly_trend(series([10, 12, 15, 17, 22]))
    shuffled = yearly_trend(pd.Series([22, 10, 17, 12, 15], index=[2018, 2014, 2017, 2015, 2016]))
    assert shuffled.factor == pytest.approx(ordered.factor, rel=1e-12)


# --- Too little data: explained, never an exception or NaN ------------------------------------


@pytest.mark.parametrize(
    ("values", "sentence"),
    [
        ([], "För få år för trendtest (n = 0; minst 5 år med data krävs)."),
        ([4, 5, 7], "För få år för trendtest (n = 3; minst 5 år med data krävs)."),
        ([0, 0, 0, 0, 0, 0], "Inga händelser under 2014–2019; ingen trend kan skattas."),
        ([0, 0, 0, 6, 0, 0], "Händelser bara under ett år (2017); ingen trend kan skattas."),
    ],
)
def test_it_explains_why_thin_data_is_not_tested(values, sentence):
    trend = yearly_trend(series(values))
    assert not trend.tested
    assert say(trend.message) == sentence
    assert trend_summary(trend) == sentence
    assert trend.factor is None and trend.p_value is None
    assert trend.direction == ""


def test_it_explains_a_missing_population():
    counts = series([5, 6, 7, 8, 9])
    population = series([70_000, 70_000, np.nan, 70_000, 0])
    trend = yearly_trend(counts, population)
    assert not trend.tested
    assert say(trend.message) == (
        "Befolkning saknas för 2016, 2018; ingen trend per invånare kan skattas."
    )


def test_it_rejects_counts_that_are_not_counts():
    with pytest.raises(ValueError):
        yearly_trend(series([1, 2, -3, 4, 5]))
    with pytest.raises(ValueError):
        yearly_trend(series([1, 2, 2.5, 4, 5]))


# --- Properties -------------------------------------------------------------------------------

counts_lists = st.lists(st.integers(min_value=0, max_value=500), min_size=0, max_size=12)


@settings(max_examples=60, deadline=None)
@given(values=counts_lists)
def test_it_never_returns_nan_and_p_stays_in_the_unit_interval(values):
    trend = yearly_trend(series(values))
    assert say(trend.message)
    if trend.tested:
        numbers = (trend.factor, trend.ci_low, trend.ci_high, trend.p_value, trend.dispersion)
        assert all(math.isfinite(value) for value in numbers)
        assert 0 <= trend.p_value <= 1
        assert 0 < trend.ci_low <= trend.factor <= trend.ci_high
        assert 0 <= trend.mann_kendall.p_value <= 1
    else:
        assert trend.factor is None


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.integers(min_value=1, max_value=400), min_size=5, max_size=10),
    populations=st.lists(st.integers(min_value=1_000, max_value=200_000), min_size=10),
    constant=st.floats(min_value=0.01, max_value=100),
)
# Once crashed statsmodels' quasi-Poisson refit (a NaN first deviance from zero start values).
@example(values=[1] * 9, populations=[1000] * 8 + [25662, 1000], constant=1.0)
def test_it_gives_the_same_trend_when_population_is_scaled(values, populations, constant):
    counts = series(values)
    population = series(populations[: len(values)])
    plain = yearly_trend(counts, population)
    scaled = yearly_trend(counts, population * constant)
    assert scaled.factor == pytest.approx(plain.factor, rel=1e-6)
    assert scaled.p_value == pytest.approx(plain.p_value, rel=1e-6, abs=1e-12)
    assert scaled.method == plain.method


# --- Mann–Kendall -----------------------------------------------------------------------------


def test_mann_kendall_on_a_hand_worked_series():
    # 1..5 strictly rising: all 10 pairs concordant, Var(S) = 5·4·15/18.
    result = mann_kendall([1, 2, 3, 4, 5])
    assert result.s == 10
    assert result.variance == pytest.approx(50 / 3)
    assert result.z == pytest.approx(9 / math.sqrt(50 / 3))


def test_mann_kendall_corrects_the_variance_for_ties():
    # Values 3, 3, 5, 5, 5, 8: one tie of 2 and one of 3.
    result = mann_kendall([3, 3, 5, 5, 5, 8])
    expected = (6 * 5 * 17 - 2 * 1 * 9 - 3 * 2 * 11) / 18
    assert result.variance == pytest.approx(expected)
    assert result.s == 11


def test_mann_kendall_of_a_constant_series_is_not_significant():
    result = mann_kendall([7, 7, 7, 7, 7])
    assert (result.s, result.p_value) == (0, 1.0)


@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.integers(min_value=0, max_value=6), min_size=3, max_size=20))
def test_mann_kendall_agrees_with_scipy_kendall_tau(values):
    """S = τ_b · √(n₀(n₀ − n_ties)) when the years have no ties, and scipy's asymptotic
    p-value (no continuity correction) is 2·Φ(−|S|/√Var(S)) with the same tie-corrected
    variance."""
    n = len(values)
    result = mann_kendall(values)
    if len(set(values)) == 1:
        assert result.s == 0
        return
    tau, p = stats.kendalltau(range(n), values, method="asymptotic")
    n0 = n * (n - 1) / 2
    _, sizes = np.unique(values, return_counts=True)
    n_ties = float(np.sum(sizes * (sizes - 1) / 2))
    assert result.s == pytest.approx(tau * math.sqrt(n0 * (n0 - n_ties)), abs=1e-9)
    if result.s != 0:
        assert p == pytest.approx(2 * stats.norm.sf(abs(result.s) / math.sqrt(result.variance)))


# --- Rates ------------------------------------------------------------------------------------


def test_rate_per_100k_for_zero_events_uses_the_closed_form():
    # k = 0: upper bound μ solves e^(−μ) = 0.025, so μ = ln 40.
    rate = rate_per_100k(0, 100_000)
    assert (rate.rate, rate.ci_low) == (0.0, 0.0)
    assert rate.ci_high == pytest.approx(math.log(40), rel=1e-9)


def test_rate_per_100k_for_one_event_matches_the_hand_computation():
    # k = 1: lower bound solves 1 − e^(−μ) = 0.025; upper solves (1 + μ)e^(−μ) = 0.025.
    rate = rate_per_100k(1, 50_000)
    lower = -math.log(0.975)
    upper = 5.571640  # bisection of (1 + μ)e^(−μ) = 0.025, to 6 decimals
    assert rate.rate == 2.0
    assert rate.ci_low == pytest.approx(2 * lower, rel=1e-9)
    assert rate.ci_high == pytest.approx(2 * upper, rel=1e-6)
    assert (1 + upper) * math.exp(-upper) == pytest.approx(0.025, abs=1e-7)


def test_rate_per_100k_matches_garwood_table_for_ten_events():
    # Garwood (1936), 95 % limits for k = 10: 4.7954 and 18.3904.
    rate = rate_per_100k(10, 100_000)
    assert rate.ci_low == pytest.approx(4.7954, abs=1e-4)
    assert rate.ci_high == pytest.approx(18.3904, abs=1e-4)
    assert rate_sentence(rate) == "10,0 per 100 000 invånare (95 % KI 4,8–18,4, 10 händelser)."


@pytest.mark.parametrize(("count", "population"), [(3, 0), (3, -10), (-1, 1000), (2.5, 1000)])
def test_rate_per_100k_rejects_impossible_input(count, population):
    with pytest.raises(ValueError):
        rate_per_100k(count, population)


# --- Swedish numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.34, "0,34"),
        (0.0123, "0,01"),
        (0.01, "0,01"),
        (0.003, "0,003"),
        (0.0004, "< 0,001"),
        (0.047, "0,047"),
        (0.0496, "< 0,05"),
        (0.0504, "0,050"),
        (1.0, "1,00"),
    ],
)
def test_p_values_are_written_with_a_decimal_comma(p, text):
    assert format_p(p) == text


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(5.24, 1, "5,2"), (12345.67, 1, "12 345,7"), (-12.0, 0, "−12"), (-0.04, 1, "0,0")],
)
def test_decimals_are_written_the_swedish_way(value, decimals, text):
    assert format_decimal(value, decimals) == text
