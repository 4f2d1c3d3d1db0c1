"""Synthetic yearly figures for the demo, shaped like Kolada's and SCB's tables.

The seed's real figures (`indicators.seed_figures`) cover the years the plan quotes. Beside
them the demo adds invented yearly series for Luleå so the indicator pages and the lägesbild
have several years to show: population (SCB-shaped) and reported crimes (Kolada-shaped, in
total and per 100 000 inhabitants). Every one is marked: the source is named
"Syntetiskt demovärde", the indicator's description and every observation's note say so.

Deterministic (seeded generator, fixed years up to last year) and idempotent (keyed by the
observation's identity).
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from samverkan.indicators.models import Indicator, Observation, Source, canonical_breakdown

SYNTHETIC_SOURCE_SLUG = "syntetiskt-demovarde"
SYNTHETIC_SOURCE_NAME = "Syntetiskt demovärde"
SYNTHETIC_NOTE = "Syntetiskt demovärde, inte uppmätt."
FIRST_YEAR = 2017
SEED = 2580_17

SAFETY = Indicator.FocusArea.SAFETY
# code, name, unit, direction, external id shaped like the producer's, focus area (the
# population is background to every area and belongs to none)
INDICATORS = [
    ("demo-folkmangd", "Folkmängd (syntetisk)", Indicator.Unit.COUNT, "ingen", "TAB638", ""),
    (
        "demo-anmalda-brott",
        "Anmälda brott totalt (syntetisk)",
        Indicator.Unit.COUNT,
        "ned",
        "N07403",
        SAFETY,
    ),
    (
        "demo-anmalda-brott-per-100k",
        "Anmälda brott per 100 000 invånare (syntetisk)",
        Indicator.Unit.PER_100K,
        "ned",
        "N07403",
        SAFETY,
    ),
    (
        "demo-anmalda-vald-per-100k",
        "Anmälda våldsbrott per 100 000 invånare (syntetisk)",
        Indicator.Unit.PER_100K,
        "ned",
        "N07540",
        SAFETY,
    ),
]


def synthetic_series(last_year: int) -> dict[str, list[tuple[int, Decimal]]]:
    """Per indicator code, (year, value) for FIRST_YEAR … last_year (pure, seeded)."""
    rng = random.Random(SEED)
    series: dict[str, list[tuple[int, Decimal]]] = {code: [] for code, *_ in INDICATORS}
    population = 77_800
    for year in range(FIRST_YEAR, last_year + 1):
        population += 250 + rng.randint(-120, 180)
        crimes = round(
            population * (0.098 - 0.0015 * (year - FIRST_YEAR)) * rng.uniform(0.96, 1.04)
        )
        violence = round(population * 0.0085 * rng.uniform(0.9, 1.1))
        series["demo-folkmangd"].append((year, Decimal(population)))
        series["demo-anmalda-brott"].append((year, Decimal(crimes)))
        series["demo-anmalda-brott-per-100k"].append(
            (year, Decimal(crimes * 100_000 / population).quantize(Decimal("0.1")))
        )
        series["demo-anmalda-vald-per-100k"].append(
            (year, Decimal(violence * 100_000 / population).quantize(Decimal("0.1")))
        )
    return series


def load_synthetic_figures() -> int:
    """Create the synthetic indicators and yearly observations that are missing."""
    source, _ = Source.objects.get_or_create(
        slug=SYNTHETIC_SOURCE_SLUG,
        defaults={
            "name": SYNTHETIC_SOURCE_NAME,
            "publisher": "Samverkans demo",
            "citation": SYNTHETIC_SOURCE_NAME,
            "kind": Source.Kind.FILE,
            "description": "Påhittade årsvärden i Koladas och SCB:s form, bara för demot.",
        },
    )
    codes = [code for code, *_ in INDICATORS]
    existing = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    missing = [
        Indicator(
            code=code,
            name=name,
            unit=unit,
            direction=direction,
            cadence=Indicator.Cadence.YEARLY,
            external_id=external_id,
            description=f"{SYNTHETIC_NOTE} I samma form som källans tabell {external_id}.",
            source=source,
            focus_area=focus_area,
        )
        for code, name, unit, direction, external_id, focus_area in INDICATORS
        if code not in existing
    ]
    if missing:
        Indicator.objects.bulk_create(missing)
        existing = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    have = set(
        Observation.objects.filter(indicator__in=existing.values()).values_list(
            "indicator_id", "period_start"
        )
    )
    breakdown, key = canonical_breakdown({})
    now = timezone.now()
    new = [
        Observation(
            indicator=existing[code],
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            period_label=str(year),
            geo_level=Observation.GeoLevel.MUNICIPALITY,
            geo_code="2580",
            breakdown=breakdown,
            breakdown_key=key,
            value=value,
            status=Observation.Status.FINAL,
            note=SYNTHETIC_NOTE,
            retrieved_at=now,
        )
        for code, values in synthetic_series(timezone.localdate().year - 1).items()
        for year, value in values
        if (existing[code].pk, dt.date(year, 1, 1)) not in have
    ]
    Observation.objects.bulk_create(new)
    return len(new)
