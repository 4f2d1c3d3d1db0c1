"""Change detection: which districts and categories have more (or fewer) events than before?

The seed notes that vandalism and graffiti fall overall "om än ökande i vissa kommundelar".
``period_change`` finds those districts: for every group (by default district × category) it
compares the count k₁ in the current period with the count k₂ over the baseline periods.

The test. Both counts are random: k₁ ~ Poisson(λ₁·t₁) and k₂ ~ Poisson(λ₂·t₂), with t₁ the
current period's length and t₂ the baseline's total length (``exposure`` current periods'
worth against ``baseline_periods``). Under "nothing has changed" (λ₁ = λ₂), k₁ given the
total n = k₁ + k₂ is binomial(n, π₀) with π₀ = t₁ / (t₁ + t₂) (½ for two equally long
periods), whatever the common rate. The test is exact and conditional on n (the same as
statsmodels' ``test_poisson_2indep(method="exact-cond")``). One-sided p-values are
p(increase) = P(X ≥ k₁) and p(decrease) = P(X ≤ k₁) for X ~ binomial(n, π₀); the two-sided
p-value is the *central* one, twice the smaller, capped at 1. We chose the central rule over
the "minimum likelihood" rule of ``scipy.stats.binomtest`` (the two agree when π₀ = ½)
because it is exactly the test that the Clopper–Pearson interval inverts: the rate ratio's
95 % interval excludes 1 exactly when the two-sided p is below 0.05.

The earlier rule took the baseline mean as a known expected value (k₁ ~ Poisson(k₂ / t₂)).
It ignores that k₂ is itself random, and with two equally long periods at the same rate it
called 13–17 % of comparisons "significant" at a nominal 5 % (5 against 1: p ≈ 0.007 instead
of 0.22). ``poisson_known_mean_p`` keeps it only so that the calibration can show the
difference.

The rate ratio RR = (k₁/t₁) / (k₂/t₂) gets an exact interval from the Clopper–Pearson
interval [π_L, π_U] for the binomial proportion k₁/n: RR = π/(1 − π) · t₂/t₁ is increasing
in π, so [π_L/(1 − π_L), π_U/(1 − π_U)] · t₂/t₁ covers RR at least 95 % of the time.

Many groups are tested at once, so a few "significant" ones are expected by chance alone.
Benjamini–Hochberg keeps the expected share of false discoveries among the flagged groups
below ``alpha``; it is applied once over all tested groups (one hypothesis per group). A group
is flagged only when q < alpha *and* the count differs from the expected (k₂ · t₁/t₂) by at
least ``min_difference`` events, so 1 → 4 in a small district is not called a change.

Groups that are not tested (``tested = False``, p and q NaN, ``note`` says why) and not
counted in the Benjamini–Hochberg family:
- no events in either period (``NOTE_NO_EVENTS``);
- no events in the baseline (``NOTE_NO_BASELINE``): flagged ``"new"`` when the count reaches
  ``min_difference``, a stated rule rather than a test;
- too few events for any outcome to reach p < alpha (``NOTE_TOO_FEW``): with n events the
  smallest attainable two-sided p is 2·min(π₀ⁿ, (1 − π₀)ⁿ); for two equal periods n ≤ 5
  can never give p < 0.05. Leaving them out depends on n only, not on how n splits, so the
  other groups' false-discovery control is unchanged and their power improves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

METHOD = "exakt villkorligt binomialtest, FDR-korrigerat"
TEST = "exakt villkorligt binomialtest"

INCREASE = "increase"
DECREASE = "decrease"
NEW = "new"

# Codes of the table's ``note`` column: why a group was not tested ("" when it was).
NOTE_NO_EVENTS = "change_no_events"
NOTE_NO_BASELINE = "change_no_baseline"
NOTE_TOO_FEW = "change_too_few"


def benjamini_hochberg(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), in the order and shape given.

    q_(i) = min over j ≥ i of m · p_(j) / j for p sorted ascending, capped at 1.
    """
    p = np.asarray(p_values, dtype=float)
    flat = p.ravel()
    m = flat.size
    if m == 0:
        return p.copy()
    order = np.argsort(flat, kind="mergesort")
    ranked = flat[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    return q.reshape(p.shape)


@dataclass(frozen=True)
class TwoPeriodTest:
    """The conditional test of one pair of counts (arrays for many pairs)."""

    p_increase: np.ndarray
    p_decrease: np.ndarray
    p_value: np.ndarray
    rate_ratio: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray


def two_period_test(
    current: np.ndarray | Sequence[int] | int,
    baseline: np.ndarray | Sequence[int] | int,
    *,
    exposure: float = 1.0,
    confidence: float = 0.95,
) -> TwoPeriodTest:
    """Exact conditional test and rate ratio for counts k₁ (current, length ``exposure``)
    against k₂ (baseline, length 1): vectorised, no check for n = 0 (NaN there)."""
    k1 = np.asarray(current, dtype=float)
    k2 = np.asarray(baseline, dtype=float)
    n = k1 + k2
    pi0 = exposure / (exposure + 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        up = np.where(n > 0, stats.binom.sf(k1 - 1, n, pi0), np.nan)
        down = np.where(n > 0, stats.binom.cdf(k1, n, pi0), np.nan)
        two = np.minimum(1.0, 2 * np.minimum(up, down))
        alpha = 1 - confidence
        pi_low = np.where(k1 > 0, stats.beta.ppf(alpha / 2, k1, k2 + 1), 0.0)
        pi_high = np.where(k2 > 0, stats.beta.ppf(1 - alpha / 2, k1 + 1, k2), 1.0)
        odds_low = pi_low / (1 - pi_low)
        odds_high = np.where(pi_high < 1, pi_high / (1 - pi_high), np.inf)
        ratio = np.where(k2 > 0, (k1 / exposure) / np.where(k2 > 0, k2, 1), np.nan)
    valid = n > 0
    return TwoPeriodTest(
        p_increase=up,
        p_decrease=down,
        p_value=np.where(valid, two, np.nan),
        rate_ratio=ratio,
        ci_low=np.where(valid, odds_low / exposure, np.nan),
        ci_high=np.where(valid & (k2 > 0), odds_high / exposure, np.nan),
    )


def smallest_attainable_p(n: np.ndarray | int, exposure: float = 1.0) -> np.ndarray:
    """The smallest two-sided p any split of n events can give: 2·min(π₀ⁿ, (1 − π₀)ⁿ)."""
    pi0 = exposure / (exposure + 1.0)
    n = np.asarray(n, dtype=float)
    return np.minimum(1.0, 2 * np.minimum(pi0**n, (1 - pi0) ** n))


def poisson_known_mean_p(current, baseline_mean) -> np.ndarray:
    """The earlier, invalid rule (baseline mean taken as known): 2·min(P(X ≥ k), P(X ≤ k)) for
    X ~ Poisson(baseline mean). Kept only for the calibration that shows why it was replaced."""
    k = np.asarray(current, dtype=float)
    mu = np.asarray(baseline_mean, dtype=float)
    return np.minimum(1.0, 2 * np.minimum(stats.poisson.sf(k - 1, mu), stats.poisson.cdf(k, mu)))


@dataclass(frozen=True)
class PeriodChange:
    """Per-group comparison of a period with its baseline.

    ``table`` has the ``by`` columns and: count, baseline_total, expected (baseline_total ·
    t₁/t₂), difference, ratio (the rate ratio, NaN without a baseline), ratio_low and
    ratio_high (its exact interval; NaN where undefined), tested, note (why not tested),
    p_increase, p_decrease, p_value (two-sided, central), q_value (Benjamini–Hochberg), flag
    ("increase", "decrease", "new" or ""). ``lagesbild.text`` writes a flagged row and the
    summary (counts of the flags) as sentences.
    """

    table: pd.DataFrame = field(repr=False)
    by: tuple[str, ...]
    baseline_periods: int
    alpha: float
    min_difference: float
    n_tested: int
    exposure: float = 1.0
    confidence: float = 0.95
    method: str = METHOD

    @property
    def flagged(self) -> pd.DataFrame:
        return self.table[self.table["flag"] != ""]

    @property
    def n_too_few(self) -> int:
        return int((self.table["note"] == NOTE_TOO_FEW).sum())


def _check_counts(frame: pd.DataFrame, by: tuple[str, ...], name: str) -> None:
    missing = [column for column in (*by, "count") if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks columns: {', '.join(missing)}")
    counts = frame["count"].to_numpy(dtype=float)
    if np.any(~np.isfinite(counts)) or np.any(counts < 0) or np.any(counts != np.round(counts)):
        raise ValueError(f"{name}['count'] must hold non-negative integers")


def period_change(
    current: pd.DataFrame,
    baseline: pd.DataFrame,
    *,
    by: Sequence[str] = ("district", "category"),
    baseline_periods: float,
    exposure: float = 1.0,
    alpha: float = 0.05,
    min_difference: float = 3,
    confidence: float = 0.95,
) -> PeriodChange:
    """Compare the current period with ``baseline_periods`` baseline periods.

    Needs: ``current`` with the ``by`` columns and ``count`` (several rows of a group are
    summed); ``baseline`` with the ``by`` columns, ``count`` and optionally ``period`` (rows
    are summed over periods, so a period without a row counts as zero). ``exposure`` is the
    current period's length in baseline periods (1 when they are equally long; 90/92 for a
    90-day quarter against a 92-day one), ``baseline_periods`` the baseline's total length in
    the same unit. A group missing from one frame has count 0 there. Rows come back sorted by
    the ``by`` columns.
    """
    by = tuple(by)
    if not baseline_periods >= 1:
        raise ValueError("baseline_periods must be at least 1")
    if not (np.isfinite(exposure) and exposure > 0):
        raise ValueError("exposure must be a positive number")
    _check_counts(current, by, "current")
    _check_counts(baseline, by, "baseline")
    if "period" in baseline.columns and baseline["period"].nunique() > baseline_periods:
        raise ValueError(
            f"baseline has {baseline['period'].nunique()} periods, "
            f"more than baseline_periods={baseline_periods}"
        )

    now = current.groupby(list(by), dropna=False)["count"].sum().rename("count")
    before = baseline.groupby(list(by), dropna=False)["count"].sum().rename("baseline_total")
    table = pd.concat([now, before], axis=1).fillna(0).sort_index().reset_index()
    table["count"] = table["count"].astype(int)
    table["baseline_total"] = table["baseline_total"].astype(int)

    k = table["count"].to_numpy()
    k2 = table["baseline_total"].to_numpy()
    ratio_of_lengths = exposure / baseline_periods  # t₁ / t₂
    expected = k2 * ratio_of_lengths
    result = two_period_test(k, k2, exposure=ratio_of_lengths, confidence=confidence)
    possible = smallest_attainable_p(k + k2, ratio_of_lengths) < alpha
    note = np.full(len(table), "", dtype=object)
    note[(k2 == 0) & (k > 0)] = NOTE_NO_BASELINE
    note[(k2 > 0) & ~possible] = NOTE_TOO_FEW
    note[(k == 0) & (k2 == 0)] = NOTE_NO_EVENTS
    tested = note == ""

    table["expected"] = expected
    table["difference"] = k - expected
    table["ratio"] = result.rate_ratio
    table["ratio_low"] = result.ci_low
    table["ratio_high"] = result.ci_high
    table["tested"] = tested
    table["note"] = note
    table["p_increase"] = np.where(tested, result.p_increase, np.nan)
    table["p_decrease"] = np.where(tested, result.p_decrease, np.nan)
    table["p_value"] = np.where(tested, result.p_value, np.nan)
    q = np.full(len(table), np.nan)
    q[tested] = benjamini_hochberg(result.p_value[tested])
    table["q_value"] = q

    big_enough = np.abs(k - expected) >= min_difference
    significant = tested & (np.nan_to_num(q, nan=1.0) < alpha) & big_enough
    flag = np.full(len(table), "", dtype=object)
    flag[significant & (k > expected)] = INCREASE
    flag[significant & (k < expected)] = DECREASE
    flag[(note == NOTE_NO_BASELINE) & big_enough] = NEW
    table["flag"] = flag
    return PeriodChange(
        table=table,
        by=by,
        baseline_periods=baseline_periods,
        alpha=alpha,
        min_difference=min_difference,
        n_tested=int(tested.sum()),
        exposure=exposure,
        confidence=confidence,
    )
