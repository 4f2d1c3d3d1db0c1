"""The figures the operational plan 2020–2021 quotes, loaded as observations.

`data/seed-figures.yaml` holds every figure of the plan's problem pictures (6.1–6.3) with
the sentence it was quoted in. The loader makes them observations whose source is the plan
document itself, so the focus-area pages show them with that citation until the coordinator
uploads the producers' own tables (Region Norrbotten, CAN, Polisen).

The demo loads this for nearly every test, so it is a handful of queries: existing rows are
fetched once and only missing ones are created in bulk.
"""

import datetime as dt
import functools
from decimal import Decimal
from importlib import resources

import yaml
from django.db import transaction
from django.utils import timezone

from samverkan.indicators.models import Indicator, Observation, Source, canonical_breakdown

SEED_SOURCE_SLUG = "verksamhetsplan-2020-2021"
LULEA = ("kommun", "2580")
# A range the plan quotes ("mellan 230-260") is two observations with this breakdown key,
# never a made-up middle value.
BOUND_KEY = "grans"
BOUND_LOW = "nedre"
BOUND_HIGH = "ovre"


@functools.cache
def seed_figures() -> dict:
    """The parsed seed-figures.yaml (read once per process)."""
    text = (
        resources.files("samverkan.indicators.data")
        .joinpath("seed-figures.yaml")
        .read_text(encoding="utf-8")
    )
    return yaml.safe_load(text)


def _period(spec: dict, decided: dt.date) -> tuple[dt.date, dt.date, str]:
    """ "2017" → the year; "2018/2019" → the school year; "2016-2019" → the years.

    A figure without a period in the plan is dated to the plan's decision (the latest it can
    be) and labelled as not given, so nothing reads as if the plan had said it.
    """
    period = spec.get("period")
    if period is None:
        return decided, decided, "Ej angiven (planen 2020)"
    period = str(period)
    if "/" in period:
        first, second = (int(p) for p in period.split("/"))
        return dt.date(first, 7, 1), dt.date(second, 6, 30), f"{first}/{second}"
    if "-" in period:
        first, last = (int(p) for p in period.split("-"))
        return dt.date(first, 1, 1), dt.date(last, 12, 31), f"{first}–{last}"
    year = int(period)
    return dt.date(year, 1, 1), dt.date(year, 12, 31), str(year)


def figure_values(spec: dict) -> list[tuple[Decimal, dict]]:
    """The observation values of one figure: (value, extra breakdown) pairs."""
    if "value_low" in spec:
        return [
            (Decimal(str(spec["value_low"])), {BOUND_KEY: BOUND_LOW}),
            (Decimal(str(spec["value_high"])), {BOUND_KEY: BOUND_HIGH}),
        ]
    return [(Decimal(str(spec["value"])), {})]


def _note(spec: dict) -> str:
    parts = [f"Planen: ”{spec['text']}” (avsnitt {spec['section']})."]
    for key in ("period_note", "note"):
        if spec.get(key):
            parts.append(spec[key])
    return " ".join(parts)[:300]


@transaction.atomic
def load_seed_figures() -> int:
    """Create the plan's source, indicators and figures where missing. Returns how many
    observations were created (0 when everything is already there)."""
    data = seed_figures()
    meta = data["source"]
    source, _ = Source.objects.get_or_create(
        slug=SEED_SOURCE_SLUG,
        defaults={
            "name": meta["name"],
            "publisher": meta["publisher"],
            "citation": meta["citation"],
            "licence": meta["licence"],
            "kind": Source.Kind.DOCUMENT,
            "description": "Siffrorna som verksamhetsplanens problembilder (6.1–6.3) citerar.",
        },
    )

    existing = {i.code: i for i in Indicator.objects.filter(code__in=_codes(data))}
    missing = [
        Indicator(
            code=spec["code"],
            name=spec["name"],
            unit=spec["unit"],
            direction=spec["direction"],
            focus_area=spec["focus_area"],
            cadence=spec["cadence"],
            release_month=spec.get("release_month"),
            description=f"{spec['description']} Ursprunglig källa: {spec['producer']}.",
            source=source,
        )
        for spec in data["indicators"]
        if spec["code"] not in existing
    ]
    if missing:
        Indicator.objects.bulk_create(missing)
        existing = {i.code: i for i in Indicator.objects.filter(code__in=_codes(data))}

    decided = meta["decided"]
    have = set(
        Observation.objects.filter(indicator__in=existing.values()).values_list(
            "indicator_id", "period_start", "period_end", "geo_level", "geo_code", "breakdown_key"
        )
    )
    now = timezone.now()
    new: list[Observation] = []
    for spec in data["figures"]:
        indicator = existing[spec["indicator"]]
        start, end, label = _period(spec, decided)
        for value, extra in figure_values(spec):
            breakdown, key = canonical_breakdown({**spec.get("breakdowns", {}), **extra})
            identity = (indicator.pk, start, end, *LULEA, key)
            if identity in have:
                continue
            have.add(identity)
            new.append(
                Observation(
                    indicator=indicator,
                    period_start=start,
                    period_end=end,
                    period_label=label,
                    geo_level=LULEA[0],
                    geo_code=LULEA[1],
                    breakdown=breakdown,
                    breakdown_key=key,
                    value=value,
                    note=_note(spec),
                    retrieved_at=now,
                )
            )
    Observation.objects.bulk_create(new)
    return len(new)


def _codes(data: dict) -> list[str]:
    return [spec["code"] for spec in data["indicators"]]
