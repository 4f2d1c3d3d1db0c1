"""Change detection: which districts and categories have more (or fewer) events than usual?

The seed notes that vandalism and graffiti fall overall "om än ökande i vissa kommundelar".
``period_change`` finds those districts: for every group (by default district × category) it
compares the count in the current period with the mean count of the baseline periods.

The test. Under "nothing has changed" the current count k is taken as Poisson with mean μ =
the baseline mean. One-sided exact tests give p(increase) = P(X ≥ k) and p(decrease) =
P(X ≤ k); the group's two-sided p-value is twice the smaller, capped at 1. The baseline mean
is treated as known, which is fair when the baseline spans several periods and slightly
optimistic when it spans one.

Many groups are tested at once, so a few "significant" ones are expected by chance alone.
Benjamini–Hochberg keeps the expected share of false discoveries among the flagged groups
below ``alpha``; it is applied once over all tested groups (one hypothesis per group). A group
is flagged only when q < alpha *and* the count differs from the expected by at least
``min_difference`` events, so 1 → 4 in a small district is not called a change.

Zero baseline. A group with no events in any baseline period has μ = 0, where every event
would be "infinitely significant". Such groups are not tested and not counted in the
Benjamini–Hochberg family: they get ``flag = "new"`` when their count reaches
``min_difference`` (otherwise no flag), and p and q are NaN with ``tested = False``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

METHOD = "exakt Poissontest, FDR-korrigerat"

INCREASE = "increase"
DECREASE = "decrease"
NEW = "new"


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
class PeriodChange:
    """Per-group comparison of a period with its baseline.

    ``table`` has the ``by`` columns and: count, baseline_total, expected (baseline mean per
    period), difference, ratio (count / expected, NaN when expected is 0), tested,
    p_increase, p_decrease, p_value (two-sided), q_value (Benjamini–Hochberg), flag
    ("increase", "decrease", "new" or ""). ``lagesbild.text`` writes a flagged row and the
    summary (counts of the flags) as sentences.
    """

    table: pd.DataFrame = field(repr=False)
    by: tuple[str, ...]
    baseline_periods: int
    alpha: float
    min_difference: float
    n_tested: int
    method: str = METHOD

    @property
    def flagged(self) -> pd.DataFrame:
        return self.table[self.table["flag"] != ""]


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
    baseline_periods: int,
    alpha: float = 0.05,
    min_difference: float = 3,
) -> PeriodChange:
    """Compare the current period with the mean of ``baseline_periods`` baseline periods.

    Needs: ``current`` with the ``by`` columns and ``count`` (several rows of a group are
    summed); ``baseline`` with the ``by``
    columns, ``count`` and optionally ``period`` (rows are summed over periods, then divided by
    ``baseline_periods``, so a period without a row counts as zero). A group missing from one
    frame has count 0 there. Rows come back sorted by the ``by`` columns.
    """
    by = tuple(by)
    if baseline_periods < 1:
        raise ValueError("baseline_periods must be at least 1")
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
    expected = table["baseline_total"].to_numpy() / baseline_periods
    tested = expected > 0
    table["expected"] = expected
    table["difference"] = k - expected
    with np.errstate(divide="ignore", invalid="ignore"):
        table["ratio"] = np.where(tested, k / np.where(tested, expected, 1), np.nan)
    table["tested"] = tested

    p_up = np.full(len(table), np.nan)
    p_down = np.full(len(table), np.nan)
    p_up[tested] = stats.poisson.sf(k[tested] - 1, expected[tested])
    p_down[tested] = stats.poisson.cdf(k[tested], expected[tested])
    p_two = np.minimum(1.0, 2 * np.minimum(p_up, p_down))
    q = np.full(len(table), np.nan)
    q[tested] = benjamini_hochberg(p_two[tested])
    table["p_increase"] = p_up
    table["p_decrease"] = p_down
    table["p_value"] = p_two
    table["q_value"] = q

    big_enough = np.abs(k - expected) >= min_difference
    significant = tested & (np.nan_to_num(q, nan=1.0) < alpha) & big_enough
    flag = np.full(len(table), "", dtype=object)
    flag[significant & (k > expected)] = INCREASE
    flag[significant & (k < expected)] = DECREASE
    flag[~tested & big_enough] = NEW
    table["flag"] = flag
    return PeriodChange(
        table=table,
        by=by,
        baseline_periods=baseline_periods,
        alpha=alpha,
        min_difference=min_difference,
        n_tested=int(tested.sum()),
    )
