"""Trends over years: is a count really rising or falling, and by how much per year?

The seed's problem pictures are trend claims ("klotter och skadegörelse ... en minskning under
perioden 2016–2019", "en negativ utveckling de senaste sex åren (2014–2019)"). This module
tests such claims on yearly counts and says in plain Swedish which test was used:

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
``tested=False`` and a Swedish explanation, never an exception or a NaN.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from samverkan.analysis.formatting import format_decimal, format_stat

MIN_YEARS = 5
DISPERSION_LIMIT = 1.5
PER = 100_000

POISSON = "Poisson-regression"
QUASI_POISSON = "kvasi-Poisson-regression"
MANN_KENDALL = "Mann–Kendalls test"


# --- Swedish number formatting -------------------------------------------------------------


def _format_percent_change(factor: float) -> str:
    percent = (factor - 1) * 100
    sign = "+" if percent > 0 else ""
    return f"{sign}{format_decimal(percent, 0 if abs(percent) >= 10 else 1)} %"


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

    @property
    def sentence(self) -> str:
        pct = format_decimal(self.confidence * 100, 0)
        return (
            f"{format_decimal(self.rate)} per 100 000 invånare "
            f"({pct} % KI {format_decimal(self.ci_low)}–{format_decimal(self.ci_high)}, "
            f"{self.count} händelser)."
        )


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
    False the numbers are None and ``sentence`` says why.
    """

    tested: bool
    sentence: str
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

    @property
    def direction(self) -> str:
        """``"increase"``, ``"decrease"`` or ``""`` (not significant or not tested)."""
        if not self.tested or self.p_value is None or self.p_value >= self.alpha:
            return ""
        return "increase" if (self.factor or 1.0) > 1 else "decrease"

    @property
    def summary(self) -> str:
        """The estimated change per year with its interval, e.g. "+12 % per år (95 % KI …)"."""
        if not self.tested or self.factor is None:
            return self.sentence
        assert self.ci_low is not None and self.ci_high is not None
        what = "Antalet per invånare" if self.rates else "Antalet"
        return (
            f"{what} förändras med {_format_percent_change(self.factor)} per år "
            f"(95 % KI {_format_percent_change(self.ci_low)} till "
            f"{_format_percent_change(self.ci_high)}, {self.method})."
        )


def _untested(reason: str, years: np.ndarray, counts: np.ndarray, alpha: float) -> Trend:
    return Trend(
        tested=False,
        sentence=reason,
        n_years=len(years),
        first_year=int(years[0]) if len(years) else None,
        last_year=int(years[-1]) if len(years) else None,
        total=int(counts.sum()),
        alpha=alpha,
    )


def _test_sentence(p: float, factor: float, method: str, alpha: float) -> str:
    stat = format_stat("p", p)
    if p < alpha:
        change = "Ökningen" if factor > 1 else "Minskningen"
        return f"{change} är statistiskt säkerställd ({stat}, {method})."
    return f"Ingen säkerställd förändring ({stat}, {method})."


def yearly_trend(
    counts: pd.Series, population: pd.Series | None = None, *, alpha: float = 0.05
) -> Trend:
    """Test for a trend in yearly counts. Needs: ``counts`` indexed by year (int), one value per
    year; ``population`` (optional) indexed by the same years.

    Poisson GLM with log link, count ~ year (+ offset log population). If Pearson χ²/df > 1.5
    the fit is quasi-Poisson (see the module docstring). Not tested, with a Swedish reason:
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
            f"För få år för trendtest (n = {len(y)}; minst {MIN_YEARS} år med data krävs).",
            years,
            y,
            alpha,
        )
    span = f"{years[0]}–{years[-1]}"
    if y.sum() == 0:
        return _untested(f"Inga händelser under {span}; ingen trend kan skattas.", years, y, alpha)
    nonzero = years[y > 0]
    if len(nonzero) == 1:
        return _untested(
            f"Händelser bara under ett år ({nonzero[0]}); ingen trend kan skattas.",
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
            listed = ", ".join(str(year) for year in missing)
            return _untested(
                f"Befolkning saknas för {listed}; ingen trend per invånare kan skattas.",
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
    model = sm.GLM(y, exog, family=sm.families.Poisson(), offset=offset)
    try:
        with warnings.catch_warnings():
            # Convergence and domain warnings are caught below as non-finite numbers.
            warnings.simplefilter("ignore")
            fit = model.fit()
            dispersion = float(fit.pearson_chi2 / fit.df_resid)
            method = POISSON
            if dispersion > DISPERSION_LIMIT:
                # Quasi-Poisson: same estimate, scale = Pearson χ²/df, t with n − 2 df.
                fit = model.fit(start_params=fit.params, scale="X2", use_t=True)
                method = QUASI_POISSON
            beta = float(fit.params[1])
            low, high = (float(v) for v in np.asarray(fit.conf_int(alpha=0.05))[1])
            p = float(fit.pvalues[1])
    except (ValueError, np.linalg.LinAlgError):
        beta, low, high, p, dispersion, method = (math.nan,) * 5 + (POISSON,)

    numbers = (beta, low, high, p, dispersion)
    if not all(math.isfinite(v) for v in numbers):
        return _untested(
            f"Trenden för {span} kunde inte skattas ({method} konvergerade inte).",
            years,
            y,
            alpha,
        )
    p = min(max(p, 0.0), 1.0)
    factor = math.exp(beta)
    return Trend(
        tested=True,
        sentence=_test_sentence(p, factor, method, alpha),
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
    )
