"""Rates per 100 000 inhabitants for any period, and intervals for survey shares.

- ``period_rate`` is a count per 100 000 inhabitants with Garwood's exact Poisson interval
  (``trends.rate_per_100k``). A period that is not one whole year (fewer than 365 or more
  than 366 days) is *annualised*: rate per 100 000 per year = count × 365.25 / days ×
  100 000 / population, and the interval's bounds are scaled by the same factor, so a
  quarter's 12 events read as about 48 a year. The interval is still that of the 12 events
  actually counted: annualising does not make a short period more certain. A year of 365 or
  366 days is left as it is (the factor would be 1.0007 or 0.998).
- ``wilson_interval`` is the Wilson score interval for a proportion from a survey of n
  respondents (the share that answered "trygg", for example). Unlike the plain
  p ± 1.96·√(p(1 − p)/n) it stays inside 0–100 % and keeps its coverage near the nominal
  95 % for small n and shares near 0 or 1.

Bad input (no population, no days, a share outside 0–1, n < 1) gives ``None`` and no
exception, so a page can say what is missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from samverkan.analysis.trends import PER, Rate, rate_per_100k

DAYS_PER_YEAR = 365.25
GARWOOD = "exakt Poissonintervall (Garwood)"
WILSON = "Wilsons intervall"

__all__ = ["PER", "Rate", "PeriodRate", "period_rate", "rate_per_100k", "wilson_interval"]


@dataclass(frozen=True)
class PeriodRate:
    """A rate per 100 000 (per year when ``annualised``) with its exact interval."""

    count: int
    population: float
    days: int | None
    annualised: bool
    factor: float  # 365.25 / days when annualised, else 1
    rate: float
    ci_low: float
    ci_high: float
    confidence: float
    method: str = GARWOOD


def whole_year(days: int | None) -> bool:
    return days is None or days in (365, 366)


def period_rate(
    count: int, population: float | None, days: int | None = None, *, confidence: float = 0.95
) -> PeriodRate | None:
    """The rate of ``count`` events over ``days`` days among ``population`` inhabitants;
    ``None`` without a population (or with days < 1). ``days=None`` means one year."""
    if population is None or not (population > 0) or not math.isfinite(float(population)):
        return None
    if days is not None and days < 1:
        return None
    base = rate_per_100k(int(count), float(population), confidence=confidence)
    annualised = not whole_year(days)
    factor = DAYS_PER_YEAR / days if annualised and days else 1.0
    return PeriodRate(
        count=base.count,
        population=base.population,
        days=days,
        annualised=annualised,
        factor=factor,
        rate=base.rate * factor,
        ci_low=base.ci_low * factor,
        ci_high=base.ci_high * factor,
        confidence=confidence,
    )


def wilson_interval(
    share: float, n: int | None, *, confidence: float = 0.95
) -> tuple[float, float] | None:
    """Wilson's score interval for a proportion ``share`` (0–1) of ``n`` respondents;
    ``None`` without a usable n or share."""
    if n is None or n < 1 or share is None:
        return None
    p = float(share)
    if not (0.0 <= p <= 1.0) or not math.isfinite(p):
        return None
    z = float(stats.norm.ppf(1 - (1 - confidence) / 2))
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
