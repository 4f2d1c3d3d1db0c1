"""Counts per month, week, category and district, and events per 100 000 inhabitants."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from samverkan.analysis.counts import counts
from samverkan.analysis.rates import period_rate, whole_year
from samverkan.lagesbild.sections.common import num
from samverkan.lagesbild.text.sentences import say


def count_rows(table: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    out = []
    for row in table.itertuples(index=False):
        item = {}
        for column in columns:
            value = getattr(row, column)
            if column == "period_start":
                value = pd.Timestamp(value).date().isoformat()
            item[column] = value
        out.append(item)
    return out


def counts_section(current: pd.DataFrame, previous: pd.DataFrame | None, opts, populations):
    by_month = counts(current, period="month", complete=True)
    by_week = counts(current, period="isoweek", complete=True)
    # One count per district × category gives both margins (and the comparison's table).
    cross = counts(current, by=("district", "category")).table
    by_category = cross.groupby("category", observed=True, sort=True)["count"].sum().reset_index()
    by_district = cross.groupby("district", observed=True, sort=True)["count"].sum().reset_index()
    before_cat = before_dis = None
    if previous is not None:
        before_cat = previous.groupby("category", observed=True).size()
        before_dis = previous.groupby("district", observed=True).size()

    def rows(table, column, before):
        out = []
        for name, count in zip(table[column], table["count"], strict=True):
            item = {"name": name, "count": int(count)}
            if before is not None:
                item["previous"] = int(before.get(name, 0))
            out.append(item)
        return sorted(out, key=lambda r: (-r["count"], str(r["name"])))

    district_rows = rows(by_district, "district", before_dis)
    for item in district_rows:
        population = (populations or {}).get(item["name"])
        item["population"] = population
        item["per_100k"] = per_100k(item["count"], population)
    return {
        "total": by_month.total,
        "missing_time": by_month.missing_time,
        "explanation": say(by_month.explanation),
        "by_month": count_rows(by_month.table, ["period", "period_start", "count"]),
        "by_week": count_rows(by_week.table, ["period", "period_start", "count"]),
        "by_category": rows(by_category, "category", before_cat),
        "by_district": district_rows,
    }


def per_100k(count: int, population: float | None) -> float | None:
    """Per 100 000 inhabitants, one decimal (as shown: no second rounding on the page)."""
    return num(count * 100_000 / population, 1) if population else None


def rate_fields(count: int, population: float | None, days: int | None) -> dict[str, Any]:
    """The rate during the period per 100 000 with its exact (Garwood) 95 % interval, and the
    same per year when the period is not one whole year (``annualised``); None without a
    population."""
    during = period_rate(count, population)
    yearly = period_rate(count, population, days) if days else None
    out: dict[str, Any] = {
        "per_100k": per_100k(count, population),
        "ci_low": num(during.ci_low, 1) if during else None,
        "ci_high": num(during.ci_high, 1) if during else None,
        "annualised": bool(yearly and yearly.annualised),
        "per_year": None,
        "year_ci_low": None,
        "year_ci_high": None,
    }
    if yearly is not None and yearly.annualised:
        out["per_year"] = num(yearly.rate, 1)
        out["year_ci_low"] = num(yearly.ci_low, 1)
        out["year_ci_high"] = num(yearly.ci_high, 1)
    return out


def rates_section(
    count_section: dict[str, Any], population: Mapping[str, Any] | None, days: int | None = None
):
    """Events per 100 000 inhabitants during the period: in total and per category over the
    population of ``population`` (plain data read by the Django layer: ``population``,
    ``year``, ``source``, ``geography``, ``note``, ``district_year``), and per district
    where the district's population is held (``count_section["by_district"]``).

    Every rate carries Garwood's exact 95 % interval; ``days`` (the period's days with data)
    annualises a period that is not one whole year (``per_year`` with its interval scaled by
    365,25 / days, ``analysis.rates``)."""
    info = dict(population or {})
    inhabitants = info.get("population") or None
    source = info.get("source") or ""
    districts = [
        {
            **{k: d[k] for k in ("name", "count", "population")},
            **rate_fields(d["count"], d["population"], days),
        }
        for d in count_section["by_district"]
        if d.get("population")
    ]
    annualised = days is not None and days > 0 and not whole_year(days)
    out: dict[str, Any] = {
        "available": bool(inhabitants),
        "population": inhabitants,
        "year": info.get("year"),
        "source": source,
        "geography": info.get("geography") or "",
        "label": "",
        "total": count_section["total"],
        "per_100k": None,
        "ci_low": None,
        "ci_high": None,
        "days": days,
        "annualised": annualised,
        "per_year": None,
        "year_ci_low": None,
        "year_ci_high": None,
        "by_category": [],
        "by_district": districts,
        "district_year": info.get("district_year"),
        "district_label": "",
        "district_note": "",
        "note": "",
        "interval": _(
            "Intervallen är exakta 95 %-intervall för en Poissonfördelad räkning (Garwood); "
            "de säger hur osäkert ett antal per invånare är när händelserna är få."
        ),
        "comparison_note": _(
            "Jämförelse med andra kommuner, länet och riket: händelserna finns bara för "
            "överenskommelsens egna kommuner, så ingen jämförbar siffra kan räknas här. "
            "Anmälda brott per 100 000 invånare för kommunen, länet och riket visas bland "
            "indikatorerna (Kolada, BRÅ) där de är hämtade."
        ),
        "definition": _(
            "Antal händelser under perioden per 100 000 invånare (händelser × 100 000 / folkmängd)."
        ),
    }
    if annualised:
        out["definition"] += " " + _(
            "Perioden är inte ett helt år (%(days)d dagar med data), så talen räknas också "
            "om till helår: antal × 365,25 / %(days)d per 100 000 invånare och år, med "
            "intervallet omräknat på samma sätt. Omräkningen antar samma nivå hela året; "
            "säsongsvariation gör den osäkrare än intervallet visar."
        ) % {"days": days}
    else:
        out["definition"] += " " + _("Perioden är ett helt år; ingen omräkning behövs.")
    if districts and info.get("district_year"):
        out["district_label"] = _("Folkmängd %(year)s, %(source)s") % {
            "year": info["district_year"], "source": source,
        }  # fmt: skip
    elif count_section["by_district"]:
        out["district_note"] = _(
            "Folkmängd per område finns inte bland indikatorerna; antal per 100 000 invånare "
            "per område kan inte räknas (hämta folkmängd per område eller ladda upp den i "
            "datakatalogen)."
        )
    if not inhabitants:
        out["note"] = info.get("note") or _(
            "Ingen folkmängd är angiven; antal per 100 000 invånare kan inte räknas."
        )
        return out
    out["label"] = _("Folkmängd %(year)s, %(source)s") % {
        "year": info.get("year"),
        "source": source,
    }
    out.update({k: v for k, v in rate_fields(count_section["total"], inhabitants, days).items()})
    out["annualised"] = annualised
    out["by_category"] = [
        {"name": c["name"], "count": c["count"], **rate_fields(c["count"], inhabitants, days)}
        for c in count_section["by_category"]
    ]
    return out
