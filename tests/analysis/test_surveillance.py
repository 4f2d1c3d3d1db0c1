"""The weekly flags (Farrington–Noufaily): the fit against statsmodels, the threshold against a
hand-worked negative binomial, and the conclusions on weekly series with no change by
construction (at most 2 flags in 52 weeks for an agreement of the demo's size) and with a
planted increase."""

import math

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from samverkan.analysis import surveillance as sv
from samverkan.analysis.weekly_increase import weekly_increases
from samverkan.demo import year_shape

WEEKS = 52


# --- The fit ------------------------------------------------------------------------------------


def test_the_batched_fit_equals_statsmodels_quasi_poisson_with_weights():
    rng = np.random.default_rng(4)
    n = 35
    t = np.repeat(-np.arange(5, 0, -1), 7) + np.tile(np.arange(-3, 4), 5) / 52
    exog = np.column_stack([np.ones(n), t])
    y = rng.negative_binomial(3, 3 / (3 + 4 * np.exp(0.1 * t)), (6, n))
    weights = rng.uniform(0.5, 1.5, (6, n))
    fit = sv.quasi_poisson(y, exog, weights)
    for i in range(6):
        reference = sm.GLM(y[i], exog, family=sm.families.Poisson(), var_weights=weights[i]).fit(
            scale="X2"
        )
        np.testing.assert_allclose(fit.params[i], reference.params, rtol=1e-8)
        np.testing.assert_allclose(fit.bse[i], reference.bse, rtol=1e-6)
        assert fit.scale[i] == pytest.approx(reference.scale, rel=1e-8)
    flat = sv.quasi_poisson(y, np.ones((n, 1)))
    for i in range(6):
        reference = sm.GLM(y[i], np.ones(n), family=sm.families.Poisson()).fit(scale="X2")
        assert flat.params[i, 0] == pytest.approx(reference.params[0])
        assert flat.bse[i, 0] == pytest.approx(reference.bse[0])


def test_the_seasonal_baseline_without_outliers_is_the_quasi_poisson_mean():
    # Five years × 7 weeks with no residual above 2.58: no down-weighting, no trend.
    rng = np.random.default_rng(7)
    history = rng.poisson(6.0, (3, 5, 7)).astype(float)
    history[:, :, 3] = 6  # keep every week near the mean
    history = np.clip(history, 3, 9)
    fit = sv.seasonal_baseline(history, 5)
    for i in range(3):
        y = history[i].ravel()
        reference = sm.GLM(y, np.ones(35), family=sm.families.Poisson()).fit(scale="X2")
        assert fit["mean"][i] == pytest.approx(math.exp(reference.params[0]) + 0.5 / 35)
        assert not fit["trend"][i]
        # The dispersion: the cell's own (floored at 1) or the week's pooled one, the larger.
        assert fit["dispersion"][i] >= max(1.0, reference.scale) - 1e-12
        assert fit["var_eta"][i] == pytest.approx(fit["dispersion"][i] / y.sum())


def test_a_strong_trend_is_kept_and_predicts_as_statsmodels_does():
    years, width = 5, 7
    t = np.concatenate([-(y + 1) + (np.arange(width) - 3) / 52 for y in range(years)])
    mean = 4 * np.exp(0.4 * t)  # +49 % a year
    rng = np.random.default_rng(2)
    y = rng.poisson(mean).astype(float)
    fit = sv.seasonal_baseline(y.reshape(1, years, width), years)
    exog = np.column_stack([np.ones(len(t)), t])
    reference = sm.GLM(y, exog, family=sm.families.Poisson()).fit(scale="X2")
    assert reference.pvalues[1] < 0.05 and fit["trend"][0]
    # No outliers here (checked: every Anscombe residual below 2.58), so the weighted fit is
    # the plain one; μ₀ is the prediction at t = 0.
    assert fit["mean"][0] == pytest.approx(math.exp(reference.params[0]), rel=1e-6)
    phi = fit["dispersion"][0]
    assert fit["var_eta"][0] == pytest.approx(
        phi * reference.cov_params()[0, 0] / reference.scale, rel=1e-6
    )


def test_an_old_outbreak_in_the_baseline_is_down_weighted():
    history = np.full((1, 5, 7), 2.0)
    history[0, 2, 3] = 25  # one week of 25 three years ago
    fit = sv.seasonal_baseline(history, 5)
    plain_mean = history.mean()
    assert fit["mean"][0] < plain_mean - 0.4


# --- The threshold --------------------------------------------------------------------------------


def test_the_threshold_is_the_hand_worked_negative_binomial_quantile():
    # Mean 2, variance 4: size 2, p = ½, P(X = k) = (k + 1) / 2^(k + 2), so
    # P(X ≥ k) = (k + 2) / 2^(k + 1). At α = 1 %: k = 9 gives 11/1024 > 0,01, k = 10 gives
    # 12/2048 ≤ 0,01.
    for k in range(0, 15):
        assert sv.nb_tail(np.array([k]), np.array([2.0]), np.array([4.0]))[0] == pytest.approx(
            (k + 2) / 2 ** (k + 1)
        )
    assert sv.nb_threshold(np.array([2.0]), np.array([4.0]), 0.01)[0] == 10
    # Variance equal to the mean: Poisson.
    assert sv.nb_threshold(np.array([2.0]), np.array([2.0]), 0.01)[0] == (
        stats.poisson.ppf(0.99, 2.0) + 1
    )


def test_the_per_cell_level_keeps_one_false_flag_a_year():
    assert sv.per_test_level(156) == pytest.approx(1 / (52 * 156))
    assert sv.per_test_level(1) == sv.ALPHA_MAX


# --- Rules and bad input ------------------------------------------------------------------------


def test_few_reports_no_baseline_and_no_cells_give_reasons_never_flags():
    assert sv.weekly_flags({}, years=5).cells == {}
    result = sv.weekly_flags(
        {
            "two": sv.WeekSeries(2, [0] * 8),  # 2 against nothing: new, below the rule
            "quiet": sv.WeekSeries(0, [0] * 8),  # nothing at all: left out
            "small": sv.WeekSeries(2, [0, 0, 0, 0, 0, 0, 0, 1]),  # below MIN_COUNT
            "lonely": sv.WeekSeries(4, [0] * 7 + [0]),  # new, below the new-cell rule
        },
        years=0,
    )
    assert "quiet" not in result.cells
    assert not any(c.flagged for c in result.cells.values())
    assert result.cells["small"].reason.code == sv.BELOW_MIN_COUNT
    assert result.cells["two"].reason.code == sv.NO_BASELINE
    assert result.cells["lonely"].threshold >= sv.NEW_LARGE
    for c in result.cells.values():
        assert c.p is None or 0 <= c.p <= 1


def test_a_large_new_cluster_is_flagged_by_the_stated_rule():
    history = [[0] * 7] * 5
    base = {f"cell{i}": sv.WeekSeries(1, [1] * 8, [[1] * 7] * 5) for i in range(40)}
    result = sv.weekly_flags({**base, "new": sv.WeekSeries(6, [0] * 8, history)}, years=5)
    new = result.cells["new"]
    assert not new.tested and new.new_large and new.flagged
    assert new.reason.code == sv.NEW_LARGE_CELL and new.reason.values["weeks"] == 43
    assert new.threshold == sv.NEW_LARGE  # five years of nothing: 5 is enough
    quiet = sv.weekly_flags({**base, "new": sv.WeekSeries(4, [0] * 8, history)}, years=5)
    assert not quiet.cells["new"].flagged


def test_a_single_spike_without_recent_reports_is_not_flagged():
    history = [[1, 0, 1, 0, 1, 0, 1]] * 5
    series = sv.WeekSeries(9, [0] * 8, history)
    result = sv.weekly_flags({"a": series}, years=5).cells["a"]
    assert result.count >= result.threshold
    # 9 ≥ 5 in the last four weeks: flagged; with the rule's minimum raised it is not.
    assert result.increase
    result = sv.weekly_flags({"a": sv.WeekSeries(4, [0] * 8, history)}, years=5).cells["a"]
    assert result.reason.code in (sv.BELOW_MIN_RECENT, sv.WITHIN_THRESHOLD)
    assert not result.increase


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 20), st.lists(st.integers(0, 6), min_size=8, max_size=8)),
        max_size=12,
    ),
    st.integers(0, 5),
    st.integers(0, 3),
)
def test_its_properties_hold_for_any_cells(rows, years, fill):
    history = [[fill] * 7] * years
    cells = {i: sv.WeekSeries(k, recent, history) for i, (k, recent) in enumerate(rows)}
    result = sv.weekly_flags(cells, years=years)
    assert math.isfinite(result.expected_false_per_year) and result.expected_false_per_year >= 0
    for c in result.cells.values():
        assert c.p is None or 0 <= c.p <= 1
        assert math.isfinite(c.expected) and c.expected >= 0
        if c.increase:
            assert c.count >= max(c.threshold, sv.MIN_COUNT) and c.p <= result.alpha
        if c.new_large:
            assert not c.tested and c.count >= sv.NEW_LARGE


# --- Calibration ----------------------------------------------------------------------------------


def demo_means() -> np.ndarray:
    """Expected reports per cell per week of the year for an agreement of the demo's shape:
    12 districts × 13 categories, the demo year's totals, district weights and month
    factors."""
    month = np.minimum((np.arange(WEEKS) * 12) // WEEKS, 11)
    rows = []
    for category, total in year_shape.YEAR_TOTALS.items():
        kind = (
            0
            if category in year_shape.CENTRE_KINDS
            else 1
            if category in year_shape.HOUSING_KINDS
            else 2
        )
        weights = np.array([w[kind] for w in year_shape.DISTRICT_WEIGHTS.values()])
        season = np.asarray(year_shape.SEASON[category], dtype=float)
        season = season / season.mean()
        for weight in weights / weights.sum():
            rows.append(total / WEEKS * weight * season[month])
    return np.asarray(rows)


def overdispersed(rng, mean):
    """Negative binomial counts with variance / mean = 1,6."""
    p = 1 / 1.6
    return rng.negative_binomial(np.maximum(mean, 1e-9) * p / (1 - p), p)


def series_at(counts, week, years):
    w = sv.WINDOW
    return {
        c: sv.WeekSeries(
            int(counts[c, week]),
            counts[c, week - 8 : week].tolist(),
            [
                counts[c, week - 52 * y - w : week - 52 * y + w + 1].tolist()
                for y in range(1, years + 1)
            ],
        )
        for c in range(len(counts))
    }


def old_flags(counts, week) -> int:
    cells = {
        c: (int(counts[c, week]), int(counts[c, week - 8 : week].sum())) for c in range(len(counts))
    }
    return sum(r.increase for r in weekly_increases(cells, baseline_weeks=8).values())


def test_stationary_seasonal_years_give_at_most_two_flags_in_52_weeks():
    # Six years with the same season and no change; the last year's 52 weeks are each tested
    # against the same weeks of the five years before. Two agreement-years: the model's
    # expectation is about 0,7 flags a year (the benchmark measures 0,4); the target is at
    # most 2.
    rng = np.random.default_rng(20)
    means = demo_means()
    flags, old, expected = [], [], []
    for _ in range(2):
        counts = overdispersed(rng, np.tile(means, 8)[:, : 52 * 6 + 2 * sv.WINDOW])
        year_flags = year_old = 0
        for week in range(52 * 5 + sv.WINDOW, 52 * 6 + sv.WINDOW):
            result = sv.weekly_flags(series_at(counts, week, 5), years=5)
            assert result.years == 5 and result.n_seasonal > 100
            year_flags += sum(c.flagged for c in result.cells.values())
            expected.append(result.expected_false_per_year)
            if week % 4 == 0:
                year_old += old_flags(counts, week)
        flags.append(year_flags)
        old.append(year_old * 4)
    assert np.mean(flags) <= 2
    assert np.mean(expected) <= 1.0 + 1e-9
    # The earlier Poisson test against the previous 8 weeks flags far more on the same weeks.
    assert np.mean(old) > 10 * max(np.mean(flags), 1)


def test_a_shuffled_year_without_history_gives_at_most_two_flags_in_52_weeks():
    # One year of seasonal weeks in random order (no change by construction, as when a real
    # year is shuffled): only the recent baseline is possible.
    rng = np.random.default_rng(21)
    means = demo_means()
    flags = []
    for _ in range(4):
        counts = overdispersed(rng, np.tile(means, 2)[:, :60])[:, rng.permutation(60)]
        flags.append(
            sum(
                sum(
                    c.flagged
                    for c in sv.weekly_flags(series_at(counts, w, 0), years=0).cells.values()
                )
                for w in range(8, 60)
            )
        )
    assert np.mean(flags) <= 2


def test_a_planted_tripling_in_the_largest_cell_is_found_with_the_stated_power():
    # Centrum × ordningsstörning, about 6,4 reports a week: ×3 for one week. The calibration
    # benchmark measures the power at about 30 %; here at least 15 % of 80 replicates (the
    # binomial 99 % lower bound for 30 % of 80 is about 18 %).
    rng = np.random.default_rng(22)
    means = demo_means()
    cell = int(np.argmax(means.mean(axis=1)))
    found = 0
    replicates = 80
    for _ in range(replicates):
        week = 52 * 5 + sv.WINDOW + int(rng.integers(0, 52))
        planted = np.tile(means, 8)[:, : 52 * 6 + 2 * sv.WINDOW]
        planted[cell, week] *= 3
        counts = overdispersed(rng, planted)
        found += sv.weekly_flags(series_at(counts, week, 5), years=5).cells[cell].flagged
    assert found / replicates >= 0.15
