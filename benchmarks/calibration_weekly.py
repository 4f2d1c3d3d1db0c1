"""Calibration of the weekly EST flags and of the trend tests: false alarms on data with no
effect by construction, and power against a planted effect.

Weekly flags (``analysis.surveillance.weekly_flags``, what ``est.weekly`` calls): an agreement
of the demo's shape (12 districts × 13 categories, the demo year's totals, district weights
and month factors), weekly counts negative binomial with variance/mean 1.6.

- no effect, seasonal: six stationary years; each week of the last year is tested against the
  same weeks of the five years before (the seasonal baseline). Flags per 52 weeks.
- no effect, shuffled: one year and eight weeks, the weeks in random order, no earlier years
  (the recent 8-week baseline). Flags per 52 weeks.
- the same two with the earlier Poisson test against the previous 8 weeks
  (``analysis.weekly_increase``), to show what the new method removes.
- planted: one cell's mean ×2 or ×3 in one week; power = share of replicates flagging it.

Trends (``analysis.trends``): yearly series of 8 years, monthly series of 36 months with a
season; false trend and false break rates on stationary series, power on a planted trend and
on a planted step.

    python benchmarks/calibration_weekly.py [--replicates 40] [--seed 1]
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from samverkan.analysis import surveillance, trends
from samverkan.analysis.weekly_increase import weekly_increases
from samverkan.demo import year_shape

DISPERSION = 1.6
WEEKS = 52
TEST_WEEKLY = "Veckans ökningar (Farrington–Noufaily)"
TEST_OLD = "Veckans ökningar, tidigare Poisson-test mot 8 veckor"


def cell_means() -> tuple[list[tuple[str, str]], np.ndarray]:
    """The demo agreement's expected reports per cell per week of the year: (cells, 52)."""
    keys, rows = [], []
    weeks = np.arange(WEEKS)
    month_of_week = np.minimum((weeks * 12) // WEEKS, 11)
    kinds = {"centre": 0, "housing": 1, "other": 2}
    for category, total in year_shape.YEAR_TOTALS.items():
        kind = (
            "centre"
            if category in year_shape.CENTRE_KINDS
            else "housing"
            if category in year_shape.HOUSING_KINDS
            else "other"
        )
        weights = {d: w[kinds[kind]] for d, w in year_shape.DISTRICT_WEIGHTS.items()}
        season = np.asarray(year_shape.SEASON[category], dtype=float)
        season = season / season.mean()
        for district, weight in weights.items():
            keys.append((district, category))
            share = weight / sum(weights.values())
            rows.append(total / WEEKS * share * season[month_of_week])
    return keys, np.asarray(rows)


def negative_binomial(rng: np.random.Generator, mean: np.ndarray) -> np.ndarray:
    """Counts with the given means and variance/mean = DISPERSION."""
    p = 1 / DISPERSION
    return rng.negative_binomial(np.maximum(mean, 1e-9) * p / (1 - p), p)


def _series(counts: np.ndarray, week: int, years: int) -> dict:
    """WeekSeries per cell for week index `week` of `counts` (cells, weeks)."""
    w = surveillance.WINDOW
    out = {}
    for c in range(counts.shape[0]):
        history = [
            counts[c, week - WEEKS * y - w : week - WEEKS * y + w + 1] for y in range(1, years + 1)
        ]
        out[c] = surveillance.WeekSeries(
            int(counts[c, week]),
            counts[c, week - surveillance.RECENT_WEEKS : week].tolist(),
            [h.tolist() for h in history],
        )
    return out


def _old_flags(counts: np.ndarray, week: int) -> set:
    n = surveillance.RECENT_WEEKS
    cells = {
        c: (int(counts[c, week]), int(counts[c, week - n : week].sum())) for c in range(len(counts))
    }
    return {c for c, r in weekly_increases(cells, baseline_weeks=n).items() if r.increase}


def seasonal_year(rng, means: np.ndarray, years: int = 6) -> np.ndarray:
    """`years` stationary seasonal years of counts plus the window's weeks: (cells, weeks)."""
    tiled = np.tile(means, years + 2)[:, : WEEKS * years + 2 * surveillance.WINDOW]
    return negative_binomial(rng, tiled)


def shuffled_year(rng, means: np.ndarray) -> np.ndarray:
    """A year of seasonal counts plus 8 weeks, its weeks in random order."""
    span = WEEKS + surveillance.RECENT_WEEKS
    counts = negative_binomial(rng, np.tile(means, 2)[:, :span])
    return counts[:, rng.permutation(span)]


def weekly_false_flags(replicates: int, seed: int, scenario: str) -> dict:
    rng = np.random.default_rng(seed)
    _keys, means = cell_means()
    new, old, expected = [], [], []
    for _ in range(replicates):
        if scenario == "seasonal":
            counts = seasonal_year(rng, means)
            weeks = range(WEEKS * 5 + surveillance.WINDOW, WEEKS * 6 + surveillance.WINDOW)
            years = 5
        else:
            counts = shuffled_year(rng, means)
            weeks = range(surveillance.RECENT_WEEKS, surveillance.RECENT_WEEKS + WEEKS)
            years = 0
        flags = old_count = 0
        e = []
        for week in weeks:
            result = surveillance.weekly_flags(_series(counts, week, years), years=years)
            flags += sum(1 for r in result.cells.values() if r.flagged)
            e.append(result.expected_false_per_year)
            old_count += len(_old_flags(counts, week))
        new.append(flags)
        old.append(old_count)
        expected.append(float(np.mean(e)))
    return {"new": np.asarray(new), "old": np.asarray(old), "expected": float(np.mean(expected))}


def weekly_power(replicates: int, seed: int, factor: float, cell: int) -> float:
    rng = np.random.default_rng(seed)
    _keys, means = cell_means()
    found = 0
    for _ in range(replicates):
        week = WEEKS * 5 + surveillance.WINDOW + int(rng.integers(0, WEEKS))
        planted = np.tile(means, 8)[:, : WEEKS * 6 + 2 * surveillance.WINDOW].copy()
        planted[cell, week] *= factor
        counts = negative_binomial(rng, planted)
        result = surveillance.weekly_flags(_series(counts, week, 5), years=5)
        found += bool(result.cells.get(cell) and result.cells[cell].flagged)
    return found / replicates


def _row(test, scenario, replicates, measure, rate, unit, target, seconds) -> dict:
    return {
        "test": test,
        "scenario": scenario,
        "replicates": replicates,
        "measure": measure,
        "rate": float(rate),
        "unit": unit,
        "target": target,
        "seconds": seconds,
    }


def weekly_scenarios(replicates: int, seed: int) -> list[dict]:
    rows = []
    keys, means = cell_means()
    per_year = "flaggor per 52 veckor och överenskommelse (medel)"
    for scenario, label in (
        ("seasonal", "ingen effekt: 6 stationära säsongsår, NB varians/medel 1,6, 156 celler"),
        ("shuffled", "ingen effekt: ett års veckor i slumpad ordning, ingen tidigare historik"),
    ):
        start = time.perf_counter()
        result = weekly_false_flags(replicates, seed, scenario)
        seconds = time.perf_counter() - start
        sem = result["new"].std(ddof=1) / np.sqrt(replicates) if replicates > 1 else 0.0
        rows.append(
            _row(
                TEST_WEEKLY,
                f"{label} (± {sem:.2f} medelfel; förväntat enligt modellen "
                f"{result['expected']:.2f})",
                replicates,
                "falsklarm",
                result["new"].mean(),
                per_year,
                "≤ 2 per 52 veckor",
                seconds,
            )
        )
        rows.append(
            _row(
                TEST_OLD,
                label,
                replicates,
                "falsklarm",
                result["old"].mean(),
                per_year,
                "(jämförelse)",
                seconds,
            )
        )
    order = np.argsort(means.mean(axis=1))
    for name, cell in (
        ("största cellen", int(order[-1])),
        ("median-cellen", int(order[len(order) // 2])),
    ):
        mean = means[cell].mean()
        for factor in (2.0, 3.0):
            start = time.perf_counter()
            power = weekly_power(replicates * 5, seed + int(factor), factor, cell)
            rows.append(
                _row(
                    TEST_WEEKLY,
                    f"planterad effekt: ×{factor:g} en vecka i {name} "
                    f"({keys[cell][0]} × {keys[cell][1]}, snitt {mean:.2f}/vecka)",
                    replicates * 5,
                    "styrka",
                    power,
                    "andel av replikaten",
                    "rapporteras",
                    time.perf_counter() - start,
                )
            )
    return rows


TEST_TREND = "Trend (Poisson/kvasi-Poisson)"
TEST_BREAK = "Brott i serien (nivåskifte, Bonferroni)"
MONTHS = 36


def _trend_series(rng, kind: str, effect: str) -> pd.Series:
    """A yearly (8 years, mean 40) or monthly (36 months, mean 20, season ±50 %) series."""
    if kind == "yearly":
        n, mean = 8, np.full(8, 40.0)
        index = list(range(2016, 2024))
    else:
        n = MONTHS
        mean = 20 * (1 + 0.5 * np.sin(2 * np.pi * np.arange(n) / 12))
        index = [f"{2022 + i // 12}-{i % 12 + 1:02d}" for i in range(n)]
    if effect == "trend":
        mean = mean * (1.10 if kind == "yearly" else 1.02) ** np.arange(n)
    elif effect == "step":
        mean = mean * np.where(np.arange(n) >= n // 2, 1.8, 1.0)
    return pd.Series(rng.poisson(mean), index=index)


def trend_scenarios(replicates: int, seed: int) -> list[dict]:
    rows = []
    n = replicates * 10
    share = "andel av serierna"
    kinds = (("yearly", "8 år, snitt 40/år"), ("monthly", "36 månader, säsong ±50 %"))
    for k, (kind, label) in enumerate(kinds):
        fit = trends.yearly_trend if kind == "yearly" else trends.monthly_trend
        for e, (effect, scenario) in enumerate(
            (
                ("none", "ingen effekt"),
                ("trend", "planterad trend (+10 %/år resp. +2 %/månad)"),
                ("step", "planterat steg ×1,8 mitt i serien"),
            )
        ):
            rng = np.random.default_rng(seed + 100 * k + e)
            start = time.perf_counter()
            results = [fit(_trend_series(rng, kind, effect)) for _ in range(n)]
            seconds = time.perf_counter() - start
            trend_rate = np.mean([r.direction != "" for r in results])
            break_rate = np.mean([r.broken for r in results])
            none = effect == "none"
            rows.append(
                _row(
                    TEST_TREND,
                    f"{label}: {scenario}",
                    n,
                    "falsklarm" if none or effect == "step" else "styrka",
                    trend_rate,
                    share + " med säkerställd trend",
                    "≤ 5 %" if none else "rapporteras",
                    seconds,
                )
            )
            rows.append(
                _row(
                    TEST_BREAK,
                    f"{label}: {scenario}",
                    n,
                    "styrka" if effect == "step" else "falsklarm",
                    break_rate,
                    share + " med varning för brott",
                    "≤ 5 %" if none else "rapporteras",
                    seconds,
                )
            )
    return rows


DEFAULT_REPLICATES = 40


def scenarios(replicates: int, seed: int) -> list[dict]:
    return weekly_scenarios(replicates, seed) + trend_scenarios(replicates, seed)


if __name__ == "__main__":
    from calibration import run_alone

    run_alone("weekly")
