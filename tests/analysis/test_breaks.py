"""The step-break test against statsmodels, on a clear step, and on series with no step."""

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from samverkan.analysis import breaks, trends

SERIES = [12, 15, 11, 14, 13, 12, 25, 27, 24, 29, 26, 28]


def _reference(y, min_segment=breaks.MIN_SEGMENT):
    """Poisson GLMs with and without a step dummy at every split; LR = 2·(llf1 − llf0)."""
    y = np.asarray(y, dtype=float)
    n = len(y)
    t = np.arange(n) - (n - 1) / 2
    base = np.column_stack([np.ones(n), t])
    fit0 = sm.GLM(y, base, family=sm.families.Poisson()).fit()
    best = None
    splits = list(range(min_segment, n - min_segment + 1))
    for tau in splits:
        x = np.column_stack([base, (np.arange(n) >= tau).astype(float)])
        fit1 = sm.GLM(y, x, family=sm.families.Poisson()).fit()
        lr = 2 * (fit1.llf - fit0.llf)
        phi = max(fit1.pearson_chi2 / fit1.df_resid, 1.0)
        f = lr / phi
        if best is None or f > best[0]:
            best = (f, tau, float(np.exp(fit1.params[-1])), fit1.df_resid)
    f, tau, factor, df = best
    return tau, factor, min(1.0, stats.f.sf(f, 1, df) * len(splits))


def test_the_statistic_matches_statsmodels():
    result = breaks.step_break(SERIES)
    tau, factor, p = _reference(SERIES)
    assert result.tested
    assert result.index == tau == 6
    assert np.isclose(result.factor, factor, rtol=1e-6)
    assert np.isclose(result.p_value, p, rtol=1e-6)


def test_a_clear_step_is_a_break_warning_not_a_trend():
    counts = pd.Series([20, 21, 19, 20, 22, 20, 60, 61, 59, 62, 60, 61], index=range(2012, 2024))
    trend = trends.yearly_trend(counts)
    assert trend.p_value < 0.05  # the naive trend is "significant"
    assert trend.step.found
    assert trend.step.message.code == breaks.BREAK_FOUND
    assert trend.broken
    assert trend.direction == ""  # a step is not read as a trend


def test_false_breaks_on_stationary_poisson_series_stay_at_the_nominal_level():
    rng = np.random.default_rng(7)
    n = 400
    found = sum(breaks.step_break(rng.poisson(20, size=10)).found for _ in range(n))
    margin = 2.33 * np.sqrt(breaks.ALPHA * (1 - breaks.ALPHA) / n)
    assert found / n <= breaks.ALPHA + margin


def _monthly(values):
    labels = [f"{2020 + i // 12}-{i % 12 + 1:02d}" for i in range(len(values))]
    return pd.Series(values, index=labels)


SEASON = 1 + 0.6 * np.sin(2 * np.pi * np.arange(48) / 12)


def test_strong_seasonality_without_trend_is_not_a_trend_above_the_nominal_rate():
    rng = np.random.default_rng(11)
    n = 200
    significant = 0
    for _ in range(n):
        result = trends.monthly_trend(_monthly(rng.poisson(30 * SEASON)))
        assert result.seasonal
        significant += result.p_value < result.alpha
    margin = 2.33 * np.sqrt(0.05 * 0.95 / n)
    assert significant / n <= 0.05 + margin


def test_the_season_alone_would_look_like_a_trend_without_month_terms():
    # Two and a half years from a trough to a peak: without month terms the slope is biased.
    values = np.round(30 * SEASON[3:27]).astype(int)
    result = trends.monthly_trend(_monthly(values))
    assert result.seasonal
    assert result.p_value > 0.05


def test_a_planted_monthly_trend_is_detected():
    rng = np.random.default_rng(3)
    detected = 0
    for _ in range(50):
        mean = 30 * SEASON * 1.02 ** np.arange(48)
        result = trends.monthly_trend(_monthly(rng.poisson(mean)))
        detected += result.direction == "increase"
    assert detected / 50 >= 0.9
