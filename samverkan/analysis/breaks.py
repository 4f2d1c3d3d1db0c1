"""Is there a break (a step) in a count series — a source that starts, stops or changes how it
records — rather than a trend?

A step changes the level at one point and leaves it there: Polisen's change in 2026 from
municipality-level to county-level locations moves events out of every district at once; a
new source that starts reporting lifts the total from one year to the next. A trend test on
such a series finds a "trend" that is really the step. So each trend series is also tested
for a step:

- the null model is the trend model itself (log μ = α + β·t, plus month-of-year terms when
  the caller gives them); the alternative adds a step δ·1[t ≥ τ] at a split τ with at least
  ``MIN_SEGMENT`` points on each side;
- for every admissible τ the drop in deviance D₀ − D_τ is scaled by the step model's
  dispersion φ̂ (Pearson χ²/df, floored at 1): F_τ = (D₀ − D_τ) / φ̂, with p_τ from the
  F(1, n − p − 1) distribution (quasi-likelihood); the best split is the one with the
  largest F_τ;
- searching many splits inflates the false alarm rate, so the best split's p is multiplied by
  the number of splits tried (Bonferroni). That is conservative: under no step the warning
  comes at most at the nominal rate.

A warning is a reason to read the trend with care, not a finding about crime: the reader
should check what changed in the source at that point.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from samverkan.analysis.messages import Message

MIN_SEGMENT = 2
MIN_POINTS = 5
ALPHA = 0.05
METHOD = "likelihood-kvottest för nivåskifte (Bonferroni över brytpunkterna)"

BREAK_FOUND = "break_found"
NO_BREAK = "break_none"
BREAK_UNTESTED = "break_untested"


@dataclass(frozen=True)
class StepBreak:
    tested: bool
    found: bool
    message: Message
    index: int | None = None  # position of the first point after the step
    label: str | None = None  # that point's label (year or month)
    factor: float | None = None  # exp(δ): the level after / before
    p_value: float | None = None  # Bonferroni-corrected
    splits: int = 0
    method: str = METHOD


def poisson_fits(
    y: np.ndarray, designs: np.ndarray, *, iterations: int = 60
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Poisson GLMs (log link) of one series ``y`` (n,) on many designs (S, n, p) by IRLS:
    returns params (S, p), fitted means (S, n), deviance (S,), Pearson χ² (S,)."""
    y = np.asarray(y, dtype=float)
    x = np.asarray(designs, dtype=float)
    s, n, p = x.shape
    mu = np.tile(y + 0.5, (s, 1))
    eta = np.log(mu)
    beta = np.zeros((s, p))
    ridge = 1e-8 * np.eye(p)
    for _ in range(iterations):
        z = eta + (y - mu) / mu
        xtw = np.swapaxes(x, 1, 2) * mu[:, None, :]
        new = np.linalg.solve(xtw @ x + ridge, (xtw @ z[..., None]))[..., 0]
        step = np.abs(new - beta).max()
        beta = new
        eta = np.clip(np.einsum("snp,sp->sn", x, beta), -30, 30)
        mu = np.exp(eta)
        if step < 1e-10:
            break
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(np.where(y > 0, y, 1) / mu), 0.0)
    deviance = 2 * (term - (y - mu)).sum(axis=1)
    pearson = ((y - mu) ** 2 / mu).sum(axis=1)
    return beta, mu, deviance, pearson


def step_break(
    counts: Sequence[float],
    labels: Sequence[str] | None = None,
    *,
    season: np.ndarray | None = None,
    alpha: float = ALPHA,
    min_segment: int = MIN_SEGMENT,
) -> StepBreak:
    """Test a series of counts (time order) for one step on top of a log-linear trend.
    ``season`` (n, k) are extra columns of the null model (month-of-year indicators)."""
    y = np.asarray(counts, dtype=float)
    n = len(y)
    labels = [str(v) for v in (labels if labels is not None else range(n))]
    base_columns = [np.ones(n), np.arange(n, dtype=float) - (n - 1) / 2]
    if season is not None and season.size:
        base_columns += list(np.asarray(season, dtype=float).T)
    base = np.column_stack(base_columns)
    p = base.shape[1]
    splits = list(range(min_segment, n - min_segment + 1))
    if n < max(MIN_POINTS, 2 * min_segment) or n - p - 1 < 1 or not splits:
        return StepBreak(False, False, Message(BREAK_UNTESTED, {"n": n, "min": MIN_POINTS}))
    if y.sum() == 0:
        return StepBreak(False, False, Message(BREAK_UNTESTED, {"n": n, "min": MIN_POINTS}))
    designs = np.stack(
        [np.column_stack([base, (np.arange(n) >= tau).astype(float)]) for tau in splits]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _beta0, _mu0, dev0, _ = poisson_fits(y, base[None])
        beta, _mu, dev, pearson = poisson_fits(y, designs)
    df = n - p - 1
    phi = np.maximum(pearson / df, 1.0)
    f = np.maximum(dev0[0] - dev, 0.0) / phi
    if not np.all(np.isfinite(f)):
        return StepBreak(False, False, Message(BREAK_UNTESTED, {"n": n, "min": MIN_POINTS}))
    best = int(np.argmax(f))
    p_best = float(stats.f.sf(f[best], 1, df))
    p_value = min(1.0, p_best * len(splits))
    factor = float(math.exp(np.clip(beta[best, -1], -30, 30)))
    index = splits[best]
    values = {
        "label": labels[index],
        "before": labels[index - 1],
        "factor": factor,
        "p_value": p_value,
        "method": METHOD,
    }
    found = p_value < alpha
    return StepBreak(
        tested=True,
        found=found,
        message=Message(BREAK_FOUND if found else NO_BREAK, values),
        index=index,
        label=labels[index],
        factor=factor,
        p_value=p_value,
        splits=len(splits),
    )
