"""Calibration of the two-period comparisons: false alarms when nothing has changed, power when
something has.

No effect by construction: both periods' counts are Poisson with the same rate. The
lägesbild's total (one comparison), its district × category table (48 groups, Benjamini–
Hochberg) and the EST prioritisation arrows (10 districts, a 120-day tertial against a
123-day one, q < 0.10) are each run through ``analysis.change.period_change`` or its exact
single-comparison rule; the earlier rule (the baseline count taken as a known mean) is run
beside them to show what the calibration catches. Planted effect: the current period's rate
is 1.5 or 2 times the baseline's, at realistic counts.

    python benchmarks/calibration_periods.py [--replicates 2000] [--seed 1]

A false-alarm rate near 5 % estimated from 2 000 replicates has a sampling error (one
standard error) of about 0.5 percentage points.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from samverkan.analysis.change import (
    benjamini_hochberg,
    period_change,
    poisson_known_mean_p,
    smallest_attainable_p,
    two_period_test,
)

ALPHA = 0.05
MIN_DIFFERENCE = 3
TEST = "Periodjämförelse (exakt villkorligt binomialtest)"
OLD = "Periodjämförelse, tidigare regel (känt väntevärde)"


def total_flags(k1, k2, *, exposure=1.0, alpha=ALPHA, min_difference=MIN_DIFFERENCE):
    """``period_change``'s decision for one comparison (q = p), vectorised over replicates."""
    k1, k2 = np.asarray(k1), np.asarray(k2)
    p = two_period_test(k1, k2, exposure=exposure).p_value
    tested = (k2 > 0) & (smallest_attainable_p(k1 + k2, exposure) < alpha)
    big = np.abs(k1 - k2 * exposure) >= min_difference
    return tested & (np.nan_to_num(p, nan=1.0) < alpha) & big


def old_total_flags(k1, k2, *, alpha=ALPHA, min_difference=MIN_DIFFERENCE):
    k1, k2 = np.asarray(k1), np.asarray(k2)
    p = np.where(k2 > 0, poisson_known_mean_p(k1, np.maximum(k2, 1)), 1.0)
    return (k2 > 0) & (p < alpha) & (np.abs(k1 - k2) >= min_difference)


def _check_against_period_change(k1, k2, flags) -> None:
    """The vectorised rule must equal period_change's on the first replicates."""
    for a, b, f in zip(k1[:100], k2[:100], flags[:100], strict=True):
        row = period_change(
            pd.DataFrame({"g": ["x"], "count": [int(a)]}),
            pd.DataFrame({"g": ["x"], "count": [int(b)]}),
            by=("g",),
            baseline_periods=1,
        ).table.iloc[0]
        assert (row["flag"] in ("increase", "decrease")) == bool(f), (a, b)


def _row(test, scenario, replicates, measure, rate, target, started) -> dict:
    return {
        "test": test,
        "scenario": scenario,
        "replicates": replicates,
        "measure": measure,
        "rate": float(rate),
        "unit": "andel av jämförelserna" if "grupper" not in scenario else "andel av tabellerna",
        "target": target,
        "seconds": time.perf_counter() - started,
    }


def _family(rng, replicates, rates_now, rates_before, *, exposure, alpha, old=False):
    """Share of replicates where any group is flagged, and how often each group is flagged."""
    groups = len(rates_now)
    names = [f"g{i:02d}" for i in range(groups)]
    any_flag = 0
    per_group = np.zeros(groups)
    for _ in range(replicates):
        now = rng.poisson(rates_now)
        before = rng.poisson(rates_before)
        if old:
            tested = before > 0
            p = np.ones(groups)
            p[tested] = poisson_known_mean_p(now[tested], before[tested])
            q = np.ones(groups)
            q[tested] = benjamini_hochberg(p[tested])
            flags = tested & (q < alpha) & (np.abs(now - before) >= MIN_DIFFERENCE)
        else:
            table = period_change(
                pd.DataFrame({"g": names, "count": now}),
                pd.DataFrame({"g": names, "count": before}),
                by=("g",),
                baseline_periods=1,
                exposure=exposure,
                alpha=alpha,
                min_difference=MIN_DIFFERENCE,
            ).table
            flags = table["flag"].isin(["increase", "decrease"]).to_numpy()
        any_flag += bool(flags.any())
        per_group += flags
    return any_flag / replicates, per_group / replicates


DEFAULT_REPLICATES = 2000


def scenarios(replicates: int = 2000, seed: int = 1) -> list[dict]:
    rng = np.random.default_rng(seed)
    out: list[dict] = []
    # One comparison (the lägesbild's total, a focus area's year against the year before).
    for mu in (2, 5, 20, 100):
        started = time.perf_counter()
        k1, k2 = rng.poisson(mu, replicates), rng.poisson(mu, replicates)
        flags = total_flags(k1, k2)
        _check_against_period_change(k1, k2, flags)
        scenario = f"ingen effekt: två lika långa perioder, båda Poisson(μ = {mu})"
        out.append(_row(TEST, scenario, replicates, "falsklarm", flags.mean(), "≤ 5 %", started))
        started = time.perf_counter()
        old = old_total_flags(k1, k2)
        out.append(_row(OLD, scenario, replicates, "falsklarm", old.mean(), "≤ 5 %", started))
    # The lägesbild's district × category table: 8 districts × 6 categories.
    family_reps = replicates
    rates = np.random.default_rng(seed + 1).gamma(2.0, 4.0, 48)  # mean 8, some near 1
    for old in (False, True):
        started = time.perf_counter()
        share, _ = _family(rng, family_reps, rates, rates, exposure=1.0, alpha=ALPHA, old=old)
        scenario = "ingen effekt: 48 grupper (område × kategori), medel 8 händelser, samma nivå"
        out.append(
            _row(
                OLD if old else TEST + ", FDR",
                scenario,
                family_reps,
                "falsklarm",
                share,
                "≤ 5 % av tabellerna",
                started,
            )  # fmt: skip
        )
    # EST arrows: 10 districts, 120 days against 123, the same rate per day, q < 0.10.
    started = time.perf_counter()
    daily = np.random.default_rng(seed + 2).gamma(2.0, 0.05, 10)  # about 12 per tertial
    share, _ = _family(rng, family_reps, daily * 120, daily * 123, exposure=120 / 123, alpha=0.10)
    out.append(
        _row("EST-trendpil (villkorligt binomialtest, FDR)",
             "ingen effekt: 10 grupper (områden), tertial 120 mot 123 dagar, samma nivå per dag",
             family_reps, "falsklarm", share, "≤ 10 % av tabellerna (q < 0,10)", started)
    )  # fmt: skip
    # Planted effects on one comparison.
    for before, ratio in ((20, 1.5), (20, 2.0), (50, 1.5), (50, 2.0)):
        started = time.perf_counter()
        k1 = rng.poisson(before * ratio, replicates)
        k2 = rng.poisson(before, replicates)
        power = total_flags(k1, k2).mean()
        kvot = f"{ratio:g}".replace(".", ",")
        scenario = f"planterad effekt: kvot {kvot}, {before} händelser väntade före"
        out.append(_row(TEST, scenario, replicates, "styrka", power, "rapporteras", started))
    # A planted doubling in one group of the 48.
    started = time.perf_counter()
    planted = rates.copy()
    planted[0] = 20.0
    now = planted.copy()
    now[0] = 40.0
    _, per_group = _family(rng, family_reps, now, planted, exposure=1.0, alpha=ALPHA)
    out.append(
        _row(TEST + ", FDR",
             "planterad effekt: en av 48 grupper fördubblas (20 → 40), övriga samma nivå",
             family_reps, "styrka", per_group[0], "rapporteras", started)
    )  # fmt: skip
    return out


if __name__ == "__main__":
    from calibration import run_alone

    run_alone("periods")
