"""Counts per month, week, category and district, and events per 100 000 inhabitants."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from samverkan.analysis.counts import counts
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


def rates_section(count_section: dict[str, Any], population: Mapping[str, Any] | None):
    """Events per 100 000 inhabitants during the period: in total and per category over the
    population of ``population`` (plain data read by the Django layer: ``population``,
    ``year``, ``source``, ``geography``, ``note``, ``district_year``), and per district
    where the district's population is held (``count_section["by_district"]``)."""
    info = dict(population or {})
    inhabitants = info.get("population") or None
    source = info.get("source") or ""
    districts = [
        {k: d[k] for k in ("name", "count", "population", "per_100k")}
        for d in count_section["by_district"]
        if d.get("population")
    ]
    out: dict[str, Any] = {
        "available": bool(inhabitants),
        "population": inhabitants,
        "year": info.get("year"),
        "source": source,
        "geography": info.get("geography") or "",
        "label": "",
        "total": count_section["total"],
        "per_100k": None,
        "by_category": [],
        "by_district": districts,
        "district_year": info.get("district_year"),
        "district_label": "",
        "note": "",
        "definition": _(
            "Antal händelser under perioden per 100 000 invånare (händelser × 100 000 / "
            "folkmängd); perioden räknas inte om till helår."
        ),
    }
    if districts and info.get("district_year"):
        out["district_label"] = _("Folkmängd %(year)s, %(source)s") % {
            "year": info["district_year"], "source": source,
        }  # fmt: skip
    if not inhabitants:
        out["note"] = info.get("note") or _(
            "Ingen folkmängd är angiven; antal per 100 000 invånare kan inte räknas."
        )
        return out
    out["label"] = _("Folkmängd %(year)s, %(source)s") % {
        "year": info.get("year"),
        "source": source,
    }
    out["per_100k"] = per_100k(count_section["total"], inhabitants)
    out["by_category"] = [
        {"name": c["name"], "count": c["count"], "per_100k": per_100k(c["count"], inhabitants)}
        for c in count_section["by_category"]
    ]
    return out
