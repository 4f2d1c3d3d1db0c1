"""Calibration of the near-repeat test (Knox, Monte Carlo over permutations of the times).

Scenarios, each over ``replicates`` independent data sets in a 6 × 6 km square (about
Luleå's built-up area), with the lägesbild's bands and 999 permutations:

- no effect: 300 events, positions uniform, times uniform over a year, drawn independently;
- no effect: 300 events, positions clustered in a few hot spots and times with a summer
  peak, still independent of each other (the test conditions on both);
- planted effect: 292 (276) independent events, and 4 (12) seed events each followed by a
  neighbour within 100 m and 7 days (8 or 24 of 300 events in near-repeat pairs);
- a confounder: 300 events independent in space and time, except that a new housing area
  (400 m across) gets its 40 events only in the last four months. No event follows
  another, yet place and time are linked: the test flags it, as it should, and the page
  cannot tell it from a near repeat;
- the time of one test on 2 000 events with 999 permutations (median of 3), against a
  plain loop that bins the held pairs one permutation at a time (``np.histogram2d``).

The false-alarm rate is the share of replicates whose primary cell (pairs within 100 m and
7 days) has p ≤ 0.05; its sampling error is √(0.05 · 0.95 / replicates).

    python benchmarks/calibration_nearrepeat.py [--replicates 400] [--seed 1]
"""

from __future__ import annotations

import math
import statistics
import time

import numpy as np

from samverkan.analysis.nearrepeat import knox_test

SIDE = 6000.0
ALPHA = 0.05


def _uniform(rng, n):
    return rng.uniform(0, SIDE, n), rng.uniform(0, SIDE, n), rng.uniform(0, 365, n)


def _clustered(rng, n):
    centres = rng.uniform(500, SIDE - 500, (5, 2))
    which = rng.integers(0, 5, n)
    spread = rng.normal(0, 250, (n, 2))
    x, y = centres[which, 0] + spread[:, 0], centres[which, 1] + spread[:, 1]
    # A summer peak: day of year drawn with density 1 + 0.8 cos(2π (d − 200) / 365).
    t = []
    while len(t) < n:
        d = rng.uniform(0, 365, 2 * n)
        keep = rng.uniform(0, 1.8, 2 * n) < 1 + 0.8 * np.cos(2 * np.pi * (d - 200) / 365)
        t.extend(d[keep].tolist())
    return x, y, np.asarray(t[:n])


def _planted(rng, background=276, seeds=12):
    x, y, t = _uniform(rng, background + seeds)
    angle, radius = rng.uniform(0, 2 * math.pi, seeds), rng.uniform(5, 100, seeds)
    x2 = x[:seeds] + radius * np.cos(angle)
    y2 = y[:seeds] + radius * np.sin(angle)
    t2 = t[:seeds] + rng.uniform(0, 7, seeds)
    return np.r_[x, x2], np.r_[y, y2], np.r_[t, t2]


def _new_area(rng, n=300, late=40):
    x, y, t = _uniform(rng, n - late)
    centre = rng.uniform(1000, SIDE - 1000, 2)
    x2 = centre[0] + rng.uniform(-200, 200, late)
    y2 = centre[1] + rng.uniform(-200, 200, late)
    t2 = rng.uniform(245, 365, late)
    return np.r_[x, x2], np.r_[y, y2], np.r_[t, t2]


def _rate(make, replicates: int, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    hits = 0
    start = time.perf_counter()
    for _ in range(replicates):
        x, y, t = make(rng)
        result = knox_test(x, y, t, seed=int(rng.integers(1 << 31)), alpha=ALPHA)
        hits += bool(result.primary["significant"])
    return hits / replicates, time.perf_counter() - start


def _loop_reference(x, y, t, permutations: int, seed: int) -> None:
    """The plain way: every permutation binned on its own with np.histogram2d."""
    from scipy.spatial import cKDTree

    pairs = cKDTree(np.column_stack([x, y])).query_pairs(500.0, output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    d = np.hypot(x[i] - x[j], y[i] - y[j])
    d_edges = [0, 1, 100, 200, 300, 400, 500]
    t_edges = [0, 7, 14, 21, 28, np.inf]
    rng = np.random.default_rng(seed)
    for _ in range(permutations):
        s = t[rng.permutation(len(t))]
        np.histogram2d(d, np.abs(s[i] - s[j]), bins=[d_edges, t_edges])


def _timing(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    x, y, t = _uniform(rng, 2000)
    ours, loop = [], []
    for _ in range(3):
        start = time.perf_counter()
        knox_test(x, y, t, permutations=999)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        _loop_reference(x, y, t, 999, seed)
        loop.append(time.perf_counter() - start)
    return {"ours": statistics.median(ours), "loop": statistics.median(loop)}


DEFAULT_REPLICATES = 400


def scenarios(replicates: int, seed: int) -> list[dict]:
    se = math.sqrt(ALPHA * (1 - ALPHA) / replicates)
    out = []
    cases = [
        ("ingen effekt: 300 likformiga punkter och tider, oberoende", _uniform, "falsklarm",
         f"≤ 5 % (± {100 * 2 * se:.1f} %-enheter, 2 medelfel)"),
        ("ingen effekt: 300 punkter i fem klungor, sommartopp i tiden, oberoende", _clustered,
         "falsklarm", f"≤ 5 % (± {100 * 2 * se:.1f} %-enheter, 2 medelfel)"),
        ("planterad effekt: 4 av 296 händelser följs av en granne inom 100 m och 7 dagar",
         lambda rng: _planted(rng, 292, 4), "styrka", "rapporteras"),
        ("planterad effekt: 12 av 288 händelser följs av en granne inom 100 m och 7 dagar",
         _planted, "styrka", "rapporteras"),
        ("störning: nytt bostadsområde med 40 händelser bara årets sista fyra månader",
         _new_area, "larm", "väntat högt: testet skiljer inte detta från nära upprepning"),
    ]  # fmt: skip
    for k, (scenario, make, measure, target) in enumerate(cases):
        # The uniform null at full size (the target); the others at ≥ 200 and ≥ 100.
        n = {0: replicates, 1: max(200, replicates // 2)}.get(k, max(100, replicates // 4))
        rate, seconds = _rate(
            (lambda rng, m=make: m(rng, 300) if m in (_uniform, _clustered) else m(rng)),
            n,
            seed + k,
        )
        out.append(
            {
                "test": "Nära upprepning (Knoxtest)",
                "scenario": scenario,
                "replicates": n,
                "measure": measure,
                "rate": rate,
                "unit": "andel av dataseten med p ≤ 0,05 i huvudrutan (100 m, 7 dagar)",
                "target": target,
                "seconds": seconds,
            }
        )
    timing = _timing(seed)
    out.append(
        {
            "test": "Nära upprepning (Knoxtest)",
            "scenario": "tid: 2 000 händelser, 999 slumpningar (median av 3)",
            "replicates": 3,
            "measure": "tid",
            "rate": timing["ours"],
            "unit": (
                f"sekunder (en slumpning i taget med np.histogram2d: {timing['loop']:.2f} s, "
                f"kvot {timing['ours'] / timing['loop']:.2f})"
            ),
            "target": "några sekunder; minne O(n + par inom 500 m)",
            "seconds": timing["ours"],
        }
    )
    return out


if __name__ == "__main__":
    from calibration import run_alone

    run_alone("nearrepeat")
