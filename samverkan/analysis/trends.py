"""Trends over years: is a count really rising or falling, and by how much per year?

The seed's problem pictures are trend claims ("klotter och skadegörelse ... en minskning under
perioden 2016–2019", "en negativ utveckling de senaste sex åren (2014–2019)"). This module
tests such claims on yearly counts and says which test was used:

- ``yearly_trend`` fits a Poisson regression (log link) of the count on the year, with
  log(population) as offset when a population is given, so the annual change factor exp(β)
  is a change in the *rate*. Yearly crime counts are often over-dispersed (variance above
  the mean, e.g. one bad summer); when Pearson χ²/df exceeds 1.5 the model is refitted as
  quasi-Poisson (same point estimate, standard errors scaled by √(χ²/df), t-distribution
  with n − 2 degrees of freedom). We chose quasi-Poisson over negative binomial because with
  5–10 yearly points the negative-binomial shape parameter cannot be estimated reliably,
  while the quasi-Poisson scale only widens the interval and never moves the estimate.
- ``mann_kendall`` is a non-parametric check that makes no distributional assumption: is
  the series monotone? It uses the tie-corrected variance of S and a continuity correction.
- ``rate_per_100k`` gives an incidence rate with an exact (Garwood) Poisson interval.

Inputs are a pandas Series of counts indexed by year (int) and optionally a Series of
population indexed by year. Years missing from the index are *not* read as zero: reindex
the counts over the study period (``fill_value=0``) before calling when a missing year means
no events. Every result is a frozen dataclass; data too thin to test gives a result with
``tested=False`` and a coded reason (``Trend.message``), never an exception or a NaN;
``lagesbild.text`` writes the findings and reasons as sentences.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from samverkan.analysis.breaks import StepBreak, step_break
from samverkan.analysis.messages import Message

MIN_YEARS = 5
DISPERSION_LIMIT = 1.5
PER = 100_000

POISSON = "Poisson-regression"
QUASI_POISSON = "kvasi-Poisson-regression"
MANN_KENDALL = "Mann–Kendalls test"

# Codes of Trend.message: the test's finding, or why there is no test.
TREND_TESTED = "trend_tested"
TOO_FEW_YEARS = "trend_too_few_years"
NO_EVENTS_IN_SPAN = "trend_no_events"
ONE_YEAR_ONLY = "trend_one_year_only"
NO_POPULATION = "trend_no_population"
NOT_CONVERGED = "trend_not_converged"


# --- Rates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """Events per 100 000 inhabitants with an exact Poisson (Garwood) interval."""

    count: int
    population: float
    rate: float
    ci_low: float
    ci_high: float
    confidence: float
    year: int | None = None


def rate_per_100k(
    count: int, population: float, *, confidence: float = 0.95, year: int | None = None
) -> Rate:
    """Rate per 100 000 with Garwood's exact interval.

    For k events the bounds on the expected count are χ²(α/2; 2k)/2 and χ²(1 − α/2; 2k + 2)/2
    (the lower bound is 0 when k = 0); both are scaled by 100 000 / population.
    """
    if population <= 0 or not math.isfinite(population):
        raise ValueError(f"population must be a positive number, got {population!r}")
    if count < 0 or int(count) != count:
        raise ValueError(f"count must be a non-negative integer, got {count!r}")
    k = int(count)
    alpha = 1 - confidence
    low = 0.0 if k == 0 else float(stats.chi2.ppf(alpha / 2, 2 * k)) / 2
    high = float(stats.chi2.ppf(1 - alpha / 2, 2 * k + 2)) / 2
    scale = PER / float(population)
    return Rate(
        count=k,
        population=float(population),
        rate=float(k * scale),
        ci_low=float(low * scale),
        ci_high=float(high * scale),
        confidence=confidence,
        year=year,
    )


# --- Mann–Kendall ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MannKendall:
    """Mann–Kendall trend test. ``s`` is the sum of sign(x_j − x_i) over pairs i < j."""

    n: int
    s: int
    variance: float
    z: float
    p_value: float
    method: str = MANN_KENDALL


def mann_kendall(values: pd.Series | np.ndarray | list[float]) -> MannKendall:
    """Two-sided Mann–Kendall test on values in time order.

    Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 where t runs over the sizes of groups of
    tied values; z uses a continuity correction (S − 1 for S > 0, S + 1 for S < 0). The normal
    approximation is rough below about 10 points, which is one reason the regression is the
    main test and Mann–Kendall the robustness check.
    """
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n < 2:
        return MannKendall(n=n, s=0, variance=0.0, z=0.0, p_value=1.0)
    upper = np.triu_indices(n, k=1)
    s = int(np.sign(x[None, :] - x[:, None])[upper].sum())
    _, tie_sizes = np.unique(x, return_counts=True)
    ties = float(np.sum(tie_sizes * (tie_sizes - 1) * (2 * tie_sizes + 5)))
    variance = (n * (n - 1) * (2 * n + 5) - ties) / 18
    if variance <= 0:  # every value equal
        return MannKendall(n=n, s=s, variance=0.0, z=0.0, p_value=1.0)
    z = (s - np.sign(s)) / math.sqrt(variance)
    p = float(min(1.0, 2 * stats.norm.sf(abs(z))))
    return MannKendall(n=n, s=s, variance=float(variance), z=float(z), p_value=p)


# --- Yearly trend ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """An annual trend in counts (or rates, when a population was given).

    ``factor`` is the annual change factor exp(β): 1.10 means +10 % a year. When ``tested`` is
    False the numbers are None and ``message`` says why; when True ``message`` is the test's
    finding (TREND_TESTED with the p-value, factor, method and alpha).
    """

    tested: bool
    message: Message
    n_years: int
    first_year: int | None
    last_year: int | None
    total: int
    method: str | None = None
    factor: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    dispersion: float | None = None
    alpha: float = 0.05
    rates: tuple[Rate, ...] = ()
    mann_kendall: MannKendall | None = None
    step: StepBreak | None = None  # the break test on the same series
    seasonal: bool = False  # month-of-year terms in the model (monthly_trend)
    season_message: Message | None = None  # why there are none, when there are none

    @property
    def broken(self) -> bool:
        """A step was found: the series is not read as a trend."""
        return self.step is not None and self.step.found

    @property
    def direction(self) -> str:
        """``"increase"``, ``"decrease"`` or ``""`` (not significant, not tested, or a break
        in the series)."""
        if not self.tested or self.p_value is None or self.p_value >= self.alpha:
            return ""
        if self.broken:
            return ""
        return "increase" if (self.factor or 1.0) > 1 else "decrease"


def _fit(
    y: np.ndarray, exog: np.ndarray, offset: np.ndarray | None, names=(POISSON, QUASI_POISSON)
):
    """Poisson GLM (log link); quasi-Poisson when Pearson χ²/df > DISPERSION_LIMIT. The
    slope is column 1. Returns (β, CI low, CI high, p, dispersion, method); NaNs when the fit
    fails."""
    model = sm.GLM(y, exog, family=sm.families.Poisson(), offset=offset)
    try:
        with warnings.catch_warnings():
            # Convergence and domain warnings are caught below as non-finite numbers.
            warnings.simplefilter("ignore")
            fit = model.fit()
            dispersion = float(fit.pearson_chi2 / fit.df_resid)
            method = names[0]
            if dispersion > DISPERSION_LIMIT:
                # Quasi-Poisson: same estimate, scale = Pearson χ²/df, t with n − p df.
                fit = model.fit(start_params=fit.params, scale="X2", use_t=True)
                method = names[1]
            beta = float(fit.params[1])
            low, high = (float(v) for v in np.asarray(fit.conf_int(alpha=0.05))[1])
            p = float(fit.pvalues[1])
    except (ValueError, np.linalg.LinAlgError, ZeroDivisionError):
        return (math.nan,) * 5 + (names[0],)
    return beta, low, high, p, dispersion, method


def _untested(reason: Message, years: np.ndarray, counts: np.ndarray, alpha: float) -> Trend:
    return Trend(
        tested=False,
        message=reason,
        n_years=len(years),
        first_year=int(years[0]) if len(years) else None,
        last_year=int(years[-1]) if len(years) else None,
        total=int(counts.sum()),
        alpha=alpha,
    )


def yearly_trend(
    counts: pd.Series, population: pd.Series | None = None, *, alpha: float = 0.05
) -> Trend:
    """Test for a trend in yearly counts. Needs: ``counts`` indexed by year (int), one value per
    year; ``population`` (optional) indexed by the same years.

    Poisson GLM with log link, count ~ year (+ offset log population). If Pearson χ²/df > 1.5
    the fit is quasi-Poisson (see the module docstring). Not tested, with a coded reason:
    fewer than 5 years, no events at all, events in a single year only, or a year without a
    positive population. The Mann–Kendall check runs on the counts, or on the rates when a
    population is given.
    """
    series = pd.Series(counts).sort_index()
    years = np.asarray(series.index, dtype=int)
    y = np.asarray(series.to_numpy(), dtype=float)
    if len(y) and (np.any(~np.isfinite(y)) or np.any(y < 0) or np.any(y != np.round(y))):
        raise ValueError("counts must be non-negative integers")
    if len(set(years.tolist())) != len(years):
        raise ValueError("counts has more than one value for a year")

    if len(y) < MIN_YEARS:
        return _untested(
            Message(TOO_FEW_YEARS, {"n": len(y), "min_years": MIN_YEARS}),
            years,
            y,
            alpha,
        )
    span = {"first": int(years[0]), "last": int(years[-1])}
    if y.sum() == 0:
        return _untested(Message(NO_EVENTS_IN_SPAN, span), years, y, alpha)
    nonzero = years[y > 0]
    if len(nonzero) == 1:
        return _untested(
            Message(ONE_YEAR_ONLY, {"year": int(nonzero[0])}),
            years,
            y,
            alpha,
        )

    offset = None
    rates: tuple[Rate, ...] = ()
    if population is not None:
        pop = pd.Series(population).reindex(years).to_numpy(dtype=float)
        missing = years[~(np.isfinite(pop) & (pop > 0))]
        if len(missing):
            return _untested(
                Message(NO_POPULATION, {"years": [int(year) for year in missing]}),
                years,
                y,
                alpha,
            )
        offset = np.log(pop)
        rates = tuple(
            rate_per_100k(int(k), p, year=int(year))
            for year, k, p in zip(years, y, pop, strict=True)
        )

    # Centring the year keeps the intercept near the data; the slope is unchanged.
    exog = sm.add_constant(years - years.mean(), has_constant="add")
    beta, low, high, p, dispersion, method = _fit(y, exog, offset)
    numbers = (beta, low, high, p, dispersion)
    # A bound past exp's range (a series that starts from zero) is a fit that did not settle.
    if not all(math.isfinite(v) for v in numbers) or max(beta, low, high) > 700:
        return _untested(
            Message(NOT_CONVERGED, {**span, "method": method}),
            years,
            y,
            alpha,
        )
    p = min(max(p, 0.0), 1.0)
    factor = math.exp(beta)
    return Trend(
        tested=True,
        message=Message(
            TREND_TESTED, {"p_value": p, "factor": factor, "method": method, "alpha": alpha}
        ),
        n_years=len(y),
        first_year=int(years[0]),
        last_year=int(years[-1]),
        total=int(y.sum()),
        method=method,
        factor=factor,
        ci_low=math.exp(low),
        ci_high=math.exp(high),
        p_value=p,
        dispersion=dispersion,
        alpha=alpha,
        rates=rates,
        mann_kendall=mann_kendall(y if offset is None else y / np.exp(offset)),
        step=step_break(y, [str(int(v)) for v in years], alpha=alpha),
    )


# --- Monthly trend with seasonality ------------------------------------------------------------

SEASON_MIN_MONTHS = 24
POISSON_SEASONAL = "Poisson-regression med månadseffekter"
QUASI_POISSON_SEASONAL = "kvasi-Poisson-regression med månadseffekter"
SEASONAL_MANN_KENDALL = "säsongs-Mann–Kendall (Hirsch)"
TOO_FEW_MONTHS = "trend_too_few_months"
NO_SEASON_TERMS = "trend_no_season_terms"
MIN_MONTHS = 6


def seasonal_mann_kendall(values: np.ndarray, months: np.ndarray) -> MannKendall:
    """Hirsch's seasonal Kendall test: S and Var(S) summed over the months of the year, so
    the season does not count as a trend; continuity-corrected z as in mann_kendall."""
    s, variance = 0, 0.0
    for month in np.unique(months):
        part = mann_kendall(values[months == month])
        s += part.s
        variance += part.variance
    n = len(values)
    if variance <= 0:
        return MannKendall(n=n, s=s, variance=0.0, z=0.0, p_value=1.0, method=SEASONAL_MANN_KENDALL)
    z = (s - np.sign(s)) / math.sqrt(variance)
    p = float(min(1.0, 2 * stats.norm.sf(abs(z))))
    return MannKendall(n, int(s), float(variance), float(z), p, SEASONAL_MANN_KENDALL)


def month_indicators(months: np.ndarray) -> np.ndarray:
    """Month-of-year indicator columns (January is the reference), one per month present."""
    present = sorted(set(int(m) for m in months))[1:]
    return (
        np.column_stack([(months == m).astype(float) for m in present])
        if present
        else (np.zeros((len(months), 0)))
    )


def monthly_trend(counts: pd.Series, *, alpha: float = 0.05) -> Trend:
    """Trend over whole months: ``counts`` indexed by "YYYY-MM" labels in time order. With at
    least SEASON_MIN_MONTHS (two years) the model is count ~ month number + month of year
    (Poisson, quasi-Poisson when overdispersed) and the robustness check is the seasonal
    Mann–Kendall test; with fewer months the season cannot be told from a trend, so there are
    no month terms and ``season_message`` says so. The factor is per month. The break test
    uses the same month terms."""
    series = pd.Series(counts)
    labels = [str(v) for v in series.index]
    y = np.asarray(series.to_numpy(), dtype=float)
    if len(y) and (np.any(~np.isfinite(y)) or np.any(y < 0) or np.any(y != np.round(y))):
        raise ValueError("counts must be non-negative integers")
    months = np.array([int(label[5:7]) if len(label) >= 7 else 0 for label in labels])
    empty = np.array([], dtype=int)
    if len(y) < MIN_MONTHS:
        return _untested(Message(TOO_FEW_MONTHS, {"n": len(y), "min": MIN_MONTHS}), empty, y, alpha)
    span = {"first": labels[0], "last": labels[-1]}
    if y.sum() == 0:
        return _untested(Message(NO_EVENTS_IN_SPAN, span), empty, y, alpha)
    if np.count_nonzero(y) == 1:
        return _untested(
            Message(ONE_YEAR_ONLY, {"year": labels[int(np.argmax(y))]}), empty, y, alpha
        )
    seasonal = len(y) >= SEASON_MIN_MONTHS
    t = np.arange(len(y), dtype=float) - (len(y) - 1) / 2
    season = month_indicators(months) if seasonal else np.zeros((len(y), 0))
    exog = np.column_stack([np.ones(len(y)), t, season])
    names = (POISSON_SEASONAL, QUASI_POISSON_SEASONAL) if seasonal else (POISSON, QUASI_POISSON)
    beta, low, high, p, dispersion, method = _fit(y, exog, None, names)
    if not all(math.isfinite(v) for v in (beta, low, high, p, dispersion)):
        return _untested(Message(NOT_CONVERGED, {**span, "method": method}), empty, y, alpha)
    p = min(max(p, 0.0), 1.0)
    factor = math.exp(beta)
    return Trend(
        tested=True,
        message=Message(
            TREND_TESTED, {"p_value": p, "factor": factor, "method": method, "alpha": alpha}
        ),
        n_years=len(set(label[:4] for label in labels)),
        first_year=None,
        last_year=None,
        total=int(y.sum()),
        method=method,
        factor=factor,
        ci_low=math.exp(low),
        ci_high=math.exp(high),
        p_value=p,
        dispersion=dispersion,
        alpha=alpha,
        mann_kendall=seasonal_mann_kendall(y, months) if seasonal else mann_kendall(y),
        step=step_break(y, labels, season=season, alpha=alpha, min_segment=3),
        seasonal=seasonal,
        season_message=None
        if seasonal
        else Message(NO_SEASON_TERMS, {"n": len(y), "min": SEASON_MIN_MONTHS}),
    )
