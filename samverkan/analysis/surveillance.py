"""Weekly increase flags calibrated to overdispersed, seasonal counts (Farrington–Noufaily).

For each district × category cell of an EST week the question is: is this week's count k
above what the cell's own history predicts? Method, per cell (Farrington et al. 1996, with
the improvements of Noufaily et al. 2013):

- **Seasonal baseline** (when at least ``MIN_YEARS`` earlier years of data exist): the same
  weeks of up to ``MAX_YEARS`` earlier years, ``WINDOW`` weeks either side (weeks t − 52·y + d,
  |d| ≤ WINDOW). A quasi-Poisson regression log μ = α (+ β·t when at least
  ``TREND_MIN_YEARS`` years exist) is fitted; the trend is kept only when significant at 5 %,
  when the predicted value does not exceed the largest baseline count (Farrington's guard)
  and when the baseline holds at least ``TREND_MIN_REPORTS`` reports (a sparse cell's
  "trend" extrapolates to nearly zero and would flag its ordinary weeks). Without the trend
  μ₀ is the weighted mean plus half a report over the baseline weeks (Jeffreys). Baseline weeks with Anscombe residual above 2.58 are down-weighted (ω ∝ s⁻²,
  Noufaily) and the model is refitted, so an old outbreak does not raise the baseline. The
  dispersion φ = Σ ω (y − μ)² / μ / (n − p) is floored at 1.
- **Recent baseline** (fallback, labelled): with less history, the mean of the previous
  ``RECENT_WEEKS`` weeks, with the cell's own dispersion but never below the one pooled
  over the week's cells (floored at 1).
  It does not know the season: a week after a seasonal dip can flag.
- **Threshold**: a negative-binomial upper tail (Noufaily's choice, rather than Farrington's
  2/3-power transformation) with mean μ₀ and variance φ·μ₀ + μ₀²·Var(log μ̂₀) — the second
  term is the uncertainty of the estimated baseline. p = P(X ≥ k); the cell is flagged when
  p ≤ α *and* k ≥ ``MIN_COUNT`` *and* at least ``MIN_RECENT`` reports fell in the last four
  weeks including this one (Farrington's "more than a handful" rule). The per-test level α
  is ``FALSE_PER_YEAR`` / (52 × the number of tested cells), at most ``ALPHA_MAX``: a year of
  such weeks then gives at most one false flag on average. The threshold is the smallest k
  that would be flagged.
- **Dispersion**: each cell's own estimate, but never below the one pooled over the week's
  cells (Σ Pearson χ² / Σ degrees of freedom): a cell with few reports cannot tell its own
  dispersion, and reading it as Poisson gives false flags.
- **Expected false flags per year**: 52 × Σ over the tested cells of P(X ≥ threshold) under
  each cell's fitted baseline — how many flags a year of weeks like this one gives when
  nothing has changed (the minimum-recent rule makes the real number smaller still).
- **New cells**: no report in any baseline week is no baseline at all. Such a cell is not
  tested; it is flagged as *new and large* when this week's count reaches the threshold of
  half a report spread over the baseline weeks (Jeffreys' prior) with the week's pooled
  dispersion, and at least ``NEW_LARGE`` (a stated rule, not a test; with five years of
  history and 156 cells it is 5 or 6, with only the recent weeks it is higher). Its false
  rate counts in the expected false flags like any cell's.

Too little data never raises and never flags: every untested cell carries a coded reason.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from samverkan.analysis.messages import Message

WINDOW = 3
MAX_YEARS = 5
MIN_YEARS = 2
TREND_MIN_YEARS = 3
RECENT_WEEKS = 8
FALSE_PER_YEAR = 1.0
ALPHA_MAX = 0.01
MIN_COUNT = 3
MIN_RECENT = 5
RECENT_SPAN = 4
NEW_LARGE = 5
WEEKS_PER_YEAR = 52
RESIDUAL_LIMIT = 2.58
TREND_ALPHA = 0.05
TREND_MIN_REPORTS = 20

SEASONAL = "seasonal"
RECENT = "recent"
NONE = "none"

# Codes of CellFlag.reason.
NO_BASELINE = "weekly_no_baseline"
NEW_LARGE_CELL = "weekly_new_large"
BELOW_MIN_COUNT = "weekly_below_min_count"
BELOW_MIN_RECENT = "weekly_below_min_recent"
ABOVE_THRESHOLD = "weekly_above_threshold"
WITHIN_THRESHOLD = "weekly_within_threshold"


@dataclass(frozen=True)
class WeekSeries:
    """One cell's counts: this week, the previous weeks (oldest first) and, per earlier year
    (last year first), the 2·WINDOW + 1 weeks around the same week (oldest first)."""

    count: int
    recent: Sequence[int]
    history: Sequence[Sequence[int]] = ()


@dataclass(frozen=True)
class CellFlag:
    count: int
    method: str  # SEASONAL, RECENT or NONE (not tested)
    expected: float  # μ₀, the baseline's prediction for this week (0 when untested)
    dispersion: float | None
    trend: bool  # the seasonal baseline kept a trend term
    threshold: int | None  # the smallest count that would be flagged
    p: float | None  # P(X ≥ count) under the baseline
    false_rate: float  # P(X ≥ threshold) under the baseline: this cell's false-flag rate
    increase: bool  # flagged by the test
    new_large: bool  # no baseline, at least NEW_LARGE this week: flagged by the rule
    reason: Message

    @property
    def tested(self) -> bool:
        return self.method != NONE

    @property
    def flagged(self) -> bool:
        return self.increase or self.new_large


@dataclass(frozen=True)
class WeekFlags:
    cells: dict[Hashable, CellFlag]
    years: int  # earlier years in the seasonal baseline (0: recent baseline only)
    alpha: float
    expected_false_per_year: float
    n_seasonal: int
    n_recent: int
    recent_dispersion: float | None


# --- Quasi-Poisson fit, batched over cells -------------------------------------------------------


@dataclass(frozen=True)
class QuasiPoissonFit:
    params: np.ndarray  # (cells, p)
    mu: np.ndarray  # (cells, n) fitted means
    cov_unscaled: np.ndarray  # (cells, p, p) (Xᵀ W X)⁻¹
    scale: np.ndarray  # (cells,) Pearson χ² / (n − p), weighted, not floored
    converged: np.ndarray  # (cells,) bool

    @property
    def bse(self) -> np.ndarray:
        diag = np.diagonal(self.cov_unscaled, axis1=1, axis2=2)
        return np.sqrt(self.scale[:, None] * diag)


def quasi_poisson(
    y: np.ndarray, exog: np.ndarray, weights: np.ndarray | None = None, *, iterations: int = 50
) -> QuasiPoissonFit:
    """Poisson GLM (log link) by iteratively reweighted least squares for many cells sharing
    one design: ``y`` (cells, n), ``exog`` (n, p), ``weights`` (cells, n) prior weights (as
    statsmodels' ``var_weights``). The scale is the weighted Pearson χ²/(n − p), as
    ``GLM(..., var_weights=w).fit(scale="X2")``. Every row needs a positive total."""
    y = np.asarray(y, dtype=float)
    x = np.asarray(exog, dtype=float)
    cells, n = y.shape
    p = x.shape[1]
    omega = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float)
    mu = np.maximum(y, 0.0) + 0.1 * np.maximum(
        (omega * y).sum(1, keepdims=True) / omega.sum(1, keepdims=True), 0.1
    )
    eta = np.log(mu)
    beta = np.zeros((cells, p))
    converged = np.zeros(cells, dtype=bool)
    ridge = 1e-10 * np.eye(p)

    def information(w: np.ndarray) -> np.ndarray:
        return (x.T[None, :, :] * w[:, None, :]) @ x + ridge

    if p == 1 and np.all(x == 1):
        # Intercept only: the weighted mean, no iteration needed.
        mean = (omega * y).sum(axis=1) / omega.sum(axis=1)
        beta = np.log(mean)[:, None]
        mu = np.repeat(mean[:, None], n, axis=1)
        converged = np.isfinite(beta[:, 0])
    for _ in range(iterations if not converged.all() else 0):
        z = eta + (y - mu) / mu
        w = omega * mu
        xtwz = ((w * z) @ x)[..., None]
        new = np.linalg.solve(information(w), xtwz)[..., 0]
        step = np.abs(new - beta).max(axis=1)
        beta = new
        eta = np.clip(beta @ x.T, -30, 30)
        mu = np.exp(eta)
        converged = step < 1e-10
        if converged.all():
            break
    w = omega * mu
    xtwx = information(w)
    cov = np.linalg.inv(xtwx)
    scale = (omega * (y - mu) ** 2 / mu).sum(axis=1) / max(n - p, 1)
    finite = np.isfinite(beta).all(axis=1) & np.isfinite(scale)
    return QuasiPoissonFit(beta, mu, cov, scale, converged & finite)


def _hat(fit: QuasiPoissonFit, exog: np.ndarray, weights: np.ndarray) -> np.ndarray:
    w = weights * fit.mu
    return w * np.einsum("ni,cij,nj->cn", exog, fit.cov_unscaled, exog)


def _outlier_weights(
    y: np.ndarray, fit: QuasiPoissonFit, exog: np.ndarray, phi: np.ndarray
) -> np.ndarray:
    """Noufaily's reweighting: weeks whose Anscombe residual exceeds 2.58 get ω ∝ s⁻²,
    scaled so the weights sum to n. Only weeks with at least MIN_COUNT reports: in a sparse
    cell a lone 1 or 2 is the ordinary tail, and down-weighting it would bias μ₀ low."""
    mu = fit.mu
    h = np.clip(_hat(fit, exog, np.ones_like(y)), 0.0, 0.999)
    s = 1.5 * (y ** (2 / 3) - mu ** (2 / 3)) / (mu ** (1 / 6) * np.sqrt(phi[:, None] * (1 - h)))
    outlier = (s > RESIDUAL_LIMIT) & (y >= MIN_COUNT)
    raw = np.where(outlier, 1.0 / np.maximum(s, 1e-12) ** 2, 1.0)
    return raw * y.shape[1] / raw.sum(axis=1, keepdims=True)


# --- The predictive distribution --------------------------------------------------------------


def nb_tail(k: np.ndarray, mean: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """P(X ≥ k) for a negative binomial with the given mean and variance (> mean); Poisson
    where the variance does not exceed the mean."""
    k = np.asarray(k, dtype=float)
    mean = np.asarray(mean, dtype=float)
    variance = np.asarray(variance, dtype=float)
    excess = variance - mean
    poisson = excess <= 1e-12 * np.maximum(mean, 1e-300)
    size = np.where(poisson, 1.0, mean**2 / np.where(poisson, 1.0, excess))
    prob = size / (size + mean)
    tail_nb = stats.nbinom.sf(k - 1, size, prob)
    tail_p = stats.poisson.sf(k - 1, mean)
    return np.where(k <= 0, 1.0, np.where(poisson, tail_p, tail_nb))


def nb_threshold(mean: np.ndarray, variance: np.ndarray, alpha: float) -> np.ndarray:
    """The smallest k with P(X ≥ k) ≤ alpha under nb_tail's distribution."""
    mean = np.asarray(mean, dtype=float)
    variance = np.asarray(variance, dtype=float)
    excess = variance - mean
    poisson = excess <= 1e-12 * np.maximum(mean, 1e-300)
    size = np.where(poisson, 1.0, mean**2 / np.where(poisson, 1.0, excess))
    prob = size / (size + mean)
    q = np.where(
        poisson, stats.poisson.ppf(1 - alpha, mean), stats.nbinom.ppf(1 - alpha, size, prob)
    )
    k = q + 1
    # ppf works on a discrete grid with floating error: step down while the tail allows it.
    lower = nb_tail(k - 1, mean, variance) <= alpha
    return np.where(lower, k - 1, k).astype(int)


# --- The baselines -----------------------------------------------------------------------------


def seasonal_baseline(history: np.ndarray, years: int) -> dict[str, np.ndarray]:
    """Fit the seasonal baseline for many cells: ``history`` (cells, years, 2·WINDOW + 1).
    Returns per cell: mean μ₀, dispersion φ (floored at 1), Var(log μ̂₀), trend kept."""
    cells = history.shape[0]
    width = history.shape[2]
    y = history.reshape(cells, years * width).astype(float)
    offsets = np.arange(width) - (width - 1) // 2
    t = np.concatenate([-WEEKS_PER_YEAR * (year + 1) + offsets for year in range(years)])
    t = t / WEEKS_PER_YEAR  # in years; the current week is t = 0
    n = len(t)
    flat = np.ones((n, 1))
    trend_design = np.column_stack([np.ones(n), t])
    allow_trend = years >= TREND_MIN_YEARS

    first = quasi_poisson(y, trend_design if allow_trend else flat)
    phi0 = np.maximum(first.scale, 1.0)
    omega = _outlier_weights(y, first, trend_design if allow_trend else flat, phi0)

    plain = quasi_poisson(y, flat, omega)
    # Jeffreys' half report on the weighted total: a sparse cell's low estimate is not read
    # as a rate known to be that low.
    mu0 = np.exp(plain.params[:, 0]) + 0.5 / n
    scale = plain.scale
    cov00 = plain.cov_unscaled[:, 0, 0]
    trend = np.zeros(cells, dtype=bool)
    if allow_trend:
        sloped = quasi_poisson(y, trend_design, omega)
        se = np.sqrt(np.maximum(sloped.scale, 1.0) * sloped.cov_unscaled[:, 1, 1])
        z = sloped.params[:, 1] / np.where(se > 0, se, np.inf)
        p_trend = 2 * stats.t.sf(np.abs(z), df=max(n - 2, 1))
        mu_s = np.exp(np.clip(sloped.params[:, 0], -30, 30))
        trend = (
            sloped.converged
            & (p_trend < TREND_ALPHA)
            & (mu_s <= y.max(axis=1))
            & np.isfinite(se)
            & (y.sum(axis=1) >= TREND_MIN_REPORTS)
        )
        mu0 = np.where(trend, mu_s, mu0)
        scale = np.where(trend, sloped.scale, scale)
        cov00 = np.where(trend, sloped.cov_unscaled[:, 0, 0], cov00)
    # One dispersion for the whole week, so that a cell with few reports, whose own estimate
    # is mostly noise, is not read as Poisson: Σ (y − μ)² / Σ μ over every cell's baseline
    # weeks of the unweighted fit (down-weighting removes exactly the residuals that carry
    # the dispersion), × n / (n − p). Weighting by μ lets the cells with many reports, whose
    # estimates are reliable, decide; a per-cell Pearson χ² of a sparse cell is biased low.
    df = n - first.params.shape[1]
    pooled = (
        float(max(1.0, ((y - first.mu) ** 2).sum() / first.mu.sum() * n / max(df, 1)))
        if cells
        else 1.0
    )
    phi = np.maximum(np.maximum(scale, 1.0), pooled)
    return {
        "mean": mu0,
        "dispersion": phi,
        "var_eta": phi * cov00,
        "trend": trend,
        "pooled": pooled,
    }


def pooled_dispersion(recent: np.ndarray) -> float:
    """One dispersion over many cells' recent weeks (cells, weeks), floored at 1:
    Σ (y − ȳ)² / Σ ȳ × weeks / (weeks − 1), so the cells with many reports decide."""
    if recent.size == 0 or recent.shape[1] < 2 or recent.sum() == 0:
        return 1.0
    means = recent.mean(axis=1, keepdims=True)
    weeks = recent.shape[1]
    ratio = ((recent - means) ** 2).sum() / (means.sum() * weeks) * weeks / (weeks - 1)
    return float(max(1.0, ratio))


# --- The week's flags --------------------------------------------------------------------------


def per_test_level(tested: int, false_per_year: float = FALSE_PER_YEAR) -> float:
    """The per-test level that keeps the expected false flags of a year of weeks with
    ``tested`` cells each at ``false_per_year`` (a Bonferroni split over 52 × tested tests),
    at most ALPHA_MAX."""
    return min(ALPHA_MAX, false_per_year / (WEEKS_PER_YEAR * max(tested, 1)))


def weekly_flags(
    cells: Mapping[Hashable, WeekSeries], *, years: int, alpha: float | None = None
) -> WeekFlags:
    """Flag this week's cells. ``years`` is how many earlier years of data exist around the
    week (0 … MAX_YEARS; every cell's ``history`` has that many rows). ``alpha`` is the
    per-test level; by default ``per_test_level`` of the number of tested cells. Cells with
    no report this week nor in any baseline week are left out."""
    if alpha is not None and not 0 < alpha < 1:
        raise ValueError("alpha must lie strictly between 0 and 1")
    years = max(0, min(int(years), MAX_YEARS))
    seasonal_years = years if years >= MIN_YEARS else 0
    keys = []
    for key, series in cells.items():
        if series.count < 0 or any(v < 0 for v in series.recent):
            raise ValueError("counts must be non-negative")
        if len(series.recent) < RECENT_SPAN - 1:
            raise ValueError(f"at least {RECENT_SPAN - 1} recent weeks are needed")
        history_total = sum(sum(row) for row in series.history[:seasonal_years])
        if series.count or sum(series.recent) or history_total:
            keys.append(key)
    width = 2 * WINDOW + 1
    count = np.array([cells[k].count for k in keys], dtype=float)
    lengths = {len(series.recent) for series in cells.values()} or {RECENT_WEEKS}
    if len(lengths) > 1:
        raise ValueError("every cell needs the same number of recent weeks")
    recent = np.array([list(cells[k].recent) for k in keys], dtype=float).reshape(
        len(keys), lengths.pop()
    )
    history = np.zeros((len(keys), seasonal_years, width))
    for i, key in enumerate(keys):
        rows = cells[key].history
        if len(rows) < seasonal_years or any(len(r) != width for r in rows[:seasonal_years]):
            raise ValueError(f"history needs {seasonal_years} rows of {width} weeks")
        if seasonal_years:
            history[i] = np.asarray(rows[:seasonal_years], dtype=float)

    method = np.full(len(keys), NONE, dtype=object)
    mean = np.zeros(len(keys))
    variance = np.zeros(len(keys))
    dispersion = np.full(len(keys), np.nan)
    trend = np.zeros(len(keys), dtype=bool)

    seasonal = history.sum(axis=(1, 2)) > 0 if seasonal_years else None
    if seasonal is not None and seasonal.any():
        fit = seasonal_baseline(history[seasonal], seasonal_years)
        method[seasonal] = SEASONAL
        mean[seasonal] = fit["mean"]
        dispersion[seasonal] = fit["dispersion"]
        variance[seasonal] = fit["dispersion"] * fit["mean"] + fit["mean"] ** 2 * fit["var_eta"]
        trend[seasonal] = fit["trend"]
    fallback = (method == NONE) & (recent.sum(axis=1) > 0)
    n_recent = recent.shape[1]
    recent_phi = pooled_dispersion(recent)
    if fallback.any():
        rows = recent[fallback]
        # Jeffreys' half report: a baseline of one or two reports is not read as a rate
        # known to be that low.
        mu = (rows.sum(axis=1) + 0.5) / n_recent
        own = rows.var(axis=1, ddof=1) / mu if n_recent > 1 else 1.0
        phi = np.maximum(own, recent_phi)
        method[fallback] = RECENT
        mean[fallback] = mu
        dispersion[fallback] = phi
        variance[fallback] = phi * mu * (1 + 1 / n_recent)
    # A new cell (no report in any baseline week): the rule compares it with half a report
    # over the baseline weeks and the week's pooled dispersion, never below NEW_LARGE.
    new = method == NONE
    baseline_weeks = seasonal_years * width + n_recent
    new_phi = fit["pooled"] if seasonal_years and seasonal is not None and seasonal.any() else 1.0
    new_phi = max(new_phi, recent_phi)
    new_mean = 0.5 / baseline_weeks
    new_variance = new_phi * new_mean * (1 + 1 / baseline_weeks)

    tested = method != NONE
    if alpha is None:
        alpha = per_test_level(int(tested.sum()) + int(new.sum()))
    threshold = np.zeros(len(keys), dtype=int)
    p = np.ones(len(keys))
    false_rate = np.zeros(len(keys))
    if tested.any():
        raw = nb_threshold(mean[tested], variance[tested], alpha)
        threshold[tested] = np.maximum(raw, MIN_COUNT)
        p[tested] = nb_tail(count[tested], mean[tested], variance[tested])
        false_rate[tested] = nb_tail(threshold[tested], mean[tested], variance[tested])
    new_threshold = int(
        max(NEW_LARGE, nb_threshold(np.array([new_mean]), np.array([new_variance]), alpha)[0])
    )
    if new.any():
        threshold[new] = new_threshold
        false_rate[new] = nb_tail(np.array([new_threshold]), new_mean, new_variance)[0]
    last_four = count + recent[:, -(RECENT_SPAN - 1) :].sum(axis=1)

    results: dict[Hashable, CellFlag] = {}
    for i, key in enumerate(keys):
        k = int(count[i])
        if not tested[i]:
            large = k >= new_threshold
            reason = Message(
                NEW_LARGE_CELL if large else NO_BASELINE,
                {"count": k, "new_large": new_threshold, "weeks": baseline_weeks},
            )
            results[key] = CellFlag(
                k,
                NONE,
                0.0,
                None,
                False,
                new_threshold,
                None,
                float(false_rate[i]),
                False,
                large,
                reason,
            )
            continue
        values = {
            "count": k,
            "expected": float(mean[i]),
            "threshold": int(threshold[i]),
            "min_count": MIN_COUNT,
            "min_recent": MIN_RECENT,
            "last_four": int(last_four[i]),
        }
        above = k >= threshold[i] and p[i] <= alpha
        if k < MIN_COUNT:
            code = BELOW_MIN_COUNT
        elif not above:
            code = WITHIN_THRESHOLD
        elif last_four[i] < MIN_RECENT:
            code = BELOW_MIN_RECENT
        else:
            code = ABOVE_THRESHOLD
        results[key] = CellFlag(
            count=k,
            method=str(method[i]),
            expected=float(mean[i]),
            dispersion=float(dispersion[i]),
            trend=bool(trend[i]),
            threshold=int(threshold[i]),
            p=float(min(max(p[i], 0.0), 1.0)),
            false_rate=float(false_rate[i]),
            increase=code == ABOVE_THRESHOLD,
            new_large=False,
            reason=Message(code, values),
        )
    return WeekFlags(
        cells=results,
        years=seasonal_years,
        alpha=alpha,
        expected_false_per_year=float(WEEKS_PER_YEAR * false_rate.sum()),
        n_seasonal=int((method == SEASONAL).sum()),
        n_recent=int((method == RECENT).sum()),
        recent_dispersion=recent_phi,
    )
