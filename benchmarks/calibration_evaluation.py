"""Calibration of the effect measures: false alarms and interval coverage when a measure had
no effect by construction, and power when it had one.

No effect: the four counts of the RES table are Poisson with the same rate ratio after/before
in the treatment and the comparison area (both fall by 20 %, or both stay), at small and
realistic counts. The share of tables Fisher's exact test calls significant at 5 % and the
share whose 95 % interval covers RES = 1 are counted over the tables that
``relative_effect_size`` tests (every cell ≥ 5); the share left untested is its own row.
Overdispersed counts (negative binomial, variance twice the mean) show what the Poisson
variance misses and what ``dispersion=2`` restores; the same with D estimated, as the
evaluation page does, from twelve monthly counts per area and period
(``quasi_poisson_dispersion``). Planted effect: the treatment area falls
by 30 % or 40 % while the comparison area stays. Survey shares: two surveys of 300 with the
same true share 0.6, through ``share_change``.

    python benchmarks/calibration_evaluation.py [--replicates 2000] [--seed 1]

A false-alarm rate near 5 % estimated from 2 000 replicates has a sampling error (one
standard error) of about 0.5 percentage points.
"""

from __future__ import annotations

import time

import numpy as np

from samverkan.analysis.evaluation import (
    quasi_poisson_dispersion,
    relative_effect_size,
    share_change,
)

TEST = "Relativ effektstorlek (Fishers exakta test)"
TEST_INTERVAL = "Relativ effektstorlek (95 %-intervall)"
TEST_SHARE = "Andelsförändring (z-test, Newcombes intervall)"

DEFAULT_REPLICATES = 2000


def _row(test, scenario, replicates, measure, rate, target, started, unit="andel av tabellerna"):
    return {
        "test": test,
        "scenario": scenario,
        "replicates": replicates,
        "measure": measure,
        "rate": float(rate),
        "unit": unit,
        "target": target,
        "seconds": time.perf_counter() - started,
    }


def _tables(rng, rates, replicates, overdispersion: float = 1.0) -> np.ndarray:
    rates = np.asarray(rates, dtype=float)
    if overdispersion == 1.0:
        return rng.poisson(rates, size=(replicates, 4))
    # Negative binomial with variance = overdispersion × mean.
    p = 1 / overdispersion
    n = rates * p / (1 - p)
    return rng.negative_binomial(n, p, size=(replicates, 4))


def _run(tables, dispersion=1.0):
    results = [relative_effect_size(*t, dispersion=dispersion) for t in tables]
    tested = [r for r in results if r.res is not None]
    untested = 1 - len(tested) / len(results)
    if not tested:
        return untested, float("nan"), float("nan"), 0
    rejected = np.mean([r.p_value < 0.05 for r in tested])
    covered = np.mean([r.ci_low <= 1 <= r.ci_high for r in tested])
    return untested, rejected, covered, len(tested)


def scenarios(replicates: int = DEFAULT_REPLICATES, seed: int = 1) -> list[dict]:
    rng = np.random.default_rng(seed)
    out: list[dict] = []
    no_effect = (
        ((8, 8, 8, 8), "få händelser: 8 i varje cell"),
        ((20, 16, 40, 32), "båda områdena −20 %, 20 och 40 händelser före"),
        ((100, 80, 300, 240), "båda områdena −20 %, 100 och 300 händelser före"),
    )
    for rates, label in no_effect:
        started = time.perf_counter()
        tables = _tables(rng, rates, replicates)
        untested, rejected, covered, n = _run(tables)
        scenario = f"ingen effekt: {label}"
        out.append(_row(TEST, scenario, n, "falsklarm", rejected, "≤ 5 %", started))
        out.append(_row(TEST_INTERVAL, scenario, n, "täckning av 1", covered, "≥ 95 %", started))
        out.append(
            _row(TEST, scenario, replicates, "otestade (cell < 5)", untested, "rapporteras",
                 started)
        )  # fmt: skip
    # Overdispersed counts: the Poisson variance is too small; D = 2 restores it.
    rates = (100, 80, 300, 240)
    tables = _tables(rng, rates, replicates, overdispersion=2.0)
    for dispersion in (1.0, 2.0):
        started = time.perf_counter()
        _, rejected, covered, n = _run(tables, dispersion=dispersion)
        name = TEST if dispersion == 1.0 else "Relativ effektstorlek (Wald, D = 2)"
        scenario = f"ingen effekt, överspridning (varians 2 × medel), dispersion = {dispersion:g}"
        out.append(_row(name, scenario, n, "falsklarm", rejected, "≤ 5 %", started))
        out.append(_row(TEST_INTERVAL, scenario, n, "täckning av 1", covered, "≥ 95 %", started))
    # Overdispersed monthly counts with D estimated from them (what the evaluation page does),
    # on a stream of its own so the other scenarios draw what they drew before.
    started = time.perf_counter()
    own = np.random.default_rng([seed, 2])
    monthly = np.asarray((100, 80, 300, 240), dtype=float) / 12
    rejected_count = covered_count = tested = 0
    estimates = []
    # Ten times the replicates: the rate is to be told from 5 % at ± 0.15 percentage points.
    for _ in range(10 * replicates):
        p = 0.5  # negative binomial with variance 2 × mean
        months = own.negative_binomial(monthly * p / (1 - p), p, size=(12, 4)).T
        estimate = quasi_poisson_dispersion(months.tolist())
        estimates.append(estimate.dispersion)
        result = relative_effect_size(
            *months.sum(axis=1), dispersion=estimate.dispersion, dispersion_df=estimate.df
        )
        if result.res is None:
            continue
        tested += 1
        rejected_count += result.p_value < 0.05
        covered_count += result.ci_low <= 1 <= result.ci_high
    scenario = (
        "ingen effekt, överspridning (varians 2 × medel), D skattad ur 12 månader per serie "
        f"(median D = {np.median(estimates):.2f})"
    )
    name = "Relativ effektstorlek (t, skattat D)"
    out.append(_row(name, scenario, tested, "falsklarm", rejected_count / tested, "≤ 5 %",
                    started))  # fmt: skip
    out.append(_row(TEST_INTERVAL, scenario, tested, "täckning av 1", covered_count / tested,
                    "≥ 95 %", started))  # fmt: skip
    # Planted effects.
    for before, fall in ((50, 0.3), (100, 0.3), (100, 0.4)):
        started = time.perf_counter()
        rates = (before, before * (1 - fall), 2 * before, 2 * before)
        _, rejected, _, n = _run(_tables(rng, rates, replicates))
        scenario = f"planterad effekt: −{round(100 * fall)} % i insatsområdet, {before} före"
        out.append(_row(TEST, scenario, n, "styrka", rejected, "rapporteras", started))
    # Survey shares with the same true share.
    started = time.perf_counter()
    n = 300
    before = rng.binomial(n, 0.6, replicates) / n
    after = rng.binomial(n, 0.6, replicates) / n
    results = [share_change(p1, n, p2, n) for p1, p2 in zip(before, after, strict=True)]
    scenario = "ingen effekt: två enkäter med 300 svar, sann andel 0,6 båda gångerna"
    rejected = np.mean([r.p_value < 0.05 for r in results])
    covered = np.mean([r.diff_low <= 0 <= r.diff_high for r in results])
    out.append(_row(TEST_SHARE, scenario, replicates, "falsklarm", rejected, "≤ 5 %", started,
                    unit="andel av jämförelserna"))  # fmt: skip
    out.append(_row(TEST_SHARE, scenario, replicates, "täckning av 0", covered, "≥ 95 %",
                    started, unit="andel av jämförelserna"))  # fmt: skip
    return out


if __name__ == "__main__":
    from calibration import run_alone

    run_alone("evaluation")
