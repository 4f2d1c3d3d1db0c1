"""What an indicator's figure is compared with and how uncertain it is: the source's own
interval or Wilson's for a survey share with an n, and the geographies (the agreements'
municipalities, the county, the country) a local figure is set beside."""

from dataclasses import dataclass
from decimal import Decimal

from samverkan.analysis.rates import wilson_interval
from samverkan.indicators.models import Indicator, Observation

COUNTY_CODE = "25"
COUNTRY_CODE = "SE"
FALLBACK_MUNICIPALITIES = ("2580", "2582")


@dataclass(frozen=True)
class Interval:
    """An observation's 95 % interval: the source's own, or Wilson's for a share with an n."""

    low: Decimal
    high: Decimal
    method: str  # "källan" (as published) or "wilson" (computed here)


def observation_interval(o: Observation, unit: str) -> Interval | None:
    """The source's interval when it publishes one; else, for a percentage of n respondents
    (a survey share), Wilson's 95 % interval computed from the value and n; else None."""
    if o.ci_low is not None and o.ci_high is not None:
        return Interval(Decimal(o.ci_low), Decimal(o.ci_high), "källan")
    if unit == Indicator.Unit.PERCENT and o.n:
        bounds = wilson_interval(float(o.value) / 100, int(o.n))
        if bounds is not None:
            low, high = (Decimal(str(round(100 * b, 1))) for b in bounds)
            return Interval(low, high, "wilson")
    return None


def comparison_geographies() -> list[tuple[str, str]]:
    """(level, code) of the geographies a local figure is compared with: the installation's
    municipalities (the agreements' kommuner), the county and the country."""
    from samverkan.places.models import Municipality

    codes = list(Municipality.objects.order_by("code").values_list("code", flat=True))
    return [
        *((Observation.GeoLevel.MUNICIPALITY.value, c) for c in codes or FALLBACK_MUNICIPALITIES),
        (Observation.GeoLevel.COUNTY.value, COUNTY_CODE),
        (Observation.GeoLevel.COUNTRY.value, COUNTRY_CODE),
    ]


def missing_geographies(shown: list[Observation]) -> list[tuple[str, str]]:
    """The comparison geographies without an observation among ``shown``."""
    held = {(o.geo_level, o.geo_code) for o in shown}
    return [g for g in comparison_geographies() if g not in held]
