"""Which district × category cells of an EST week rose above their usual level?

The weekly EST picture compares each cell's count in the week with the mean of the previous
weeks (the baseline, 8 ISO weeks by default). Under "nothing has changed" the week's count k is
Poisson with mean μ = baseline total / baseline weeks, and the one-sided exact test gives
p = P(X ≥ k). Many cells are tested at once, so Benjamini–Hochberg keeps the expected share of
false alarms among the flagged cells at q (0.10 by default), over every cell tested.

Which cells are tested: those with at least one report in the baseline. A cell with reports
in the week but none in the baseline has μ = 0, where a Poisson test is undefined (any report
would be "infinitely significant"); it is shown as new (``new = True``), not tested, and not
part of the Benjamini–Hochberg family. Cells with no reports in the week nor the baseline are
not listed at all.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats

from samverkan.analysis.change import benjamini_hochberg

Q_LEVEL = 0.10


@dataclass(frozen=True)
class CellResult:
    count: int
    baseline_total: int
    baseline_mean: float
    tested: bool
    p: float | None  # one-sided exact Poisson p = P(X ≥ count | μ = baseline_mean)
    q: float | None  # Benjamini–Hochberg adjusted over every tested cell
    increase: bool  # q ≤ q_level and count > baseline_mean
    new: bool  # reports this week, none in the baseline: not testable


def weekly_increases(
    cells: Mapping[Hashable, tuple[int, int]],
    *,
    baseline_weeks: int,
    q_level: float = Q_LEVEL,
) -> dict[Hashable, CellResult]:
    """Test every cell: ``cells`` maps a key (district, category) to (week count, baseline
    total over ``baseline_weeks`` weeks). Cells with both zero are left out of the result."""
    if baseline_weeks < 1:
        raise ValueError("baseline_weeks must be at least 1")
    keys = [key for key, (k, total) in cells.items() if k > 0 or total > 0]
    counts = np.array([cells[key][0] for key in keys], dtype=float)
    totals = np.array([cells[key][1] for key in keys], dtype=float)
    if np.any(counts < 0) or np.any(totals < 0):
        raise ValueError("counts must be non-negative")
    means = totals / baseline_weeks
    tested = means > 0
    p = np.full(len(keys), np.nan)
    p[tested] = stats.poisson.sf(counts[tested] - 1, means[tested])
    q = np.full(len(keys), np.nan)
    q[tested] = benjamini_hochberg(p[tested])
    results = {}
    for i, key in enumerate(keys):
        is_tested = bool(tested[i])
        results[key] = CellResult(
            count=int(counts[i]),
            baseline_total=int(totals[i]),
            baseline_mean=float(means[i]),
            tested=is_tested,
            p=float(p[i]) if is_tested else None,
            q=float(q[i]) if is_tested else None,
            increase=bool(is_tested and q[i] <= q_level and counts[i] > means[i]),
            new=bool(not is_tested and counts[i] > 0),
        )
    return results
