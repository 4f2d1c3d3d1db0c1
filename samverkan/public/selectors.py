"""What the public page shows, read for an agreement whose page is on.

- the agreement and its parties;
- its öppen, decided plans: focus areas (sections), commitments with their effective status;
- its medborgarlöften (supplementing agreements of that kind, and the promises of the
  prevention app with the values followed up);
- incident counts from **öppen** reports only (never intern or begränsad, never Polisen's
  summary notices) in the agreement's municipalities, per district (top-level) category and
  quarter of one year, with small counts suppressed by `samverkan.analysis.suppression`.

The counts are computed once per year, limit and state of the reports (count and latest
change) and kept in the cache for ten minutes.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max
from django.db.models.functions import Coalesce, ExtractQuarter, ExtractYear
from django.utils.translation import gettext as _

from samverkan.analysis.suppression import (
    ALL,
    Status,
    cube,
    effective_limit,
    shown_value,
    suppress_cells,
)
from samverkan.core.access import scope
from samverkan.core.models import Classification
from samverkan.incidents.models import Category, Incident
from samverkan.places.models import District
from samverkan.plans.models import Agreement, Plan
from samverkan.plans.selectors import plan_overview
from samverkan.prevention.models import Promise

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
NO_DISTRICT = "-"
LICENCE = "CC0 1.0"
LICENCE_URL = "https://creativecommons.org/publicdomain/zero/1.0/deed.sv"
CACHE_SECONDS = 600


def public_limit() -> int:
    return effective_limit(getattr(settings, "SAMVERKAN_PUBLIC_MIN_COUNT", 5))


def open_incidents(agreement: Agreement):
    """The agreement's öppen reports: in its municipalities, classification öppen only."""
    return scope(Incident.objects.all(), agreement, municipality="municipality").filter(
        classification=Classification.OPEN, is_summary=False
    )


def report_years(agreement: Agreement) -> list[int]:
    years = (
        open_incidents(agreement)
        .annotate(year=ExtractYear("occurred_from"))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True)


@dataclass
class CountTable:
    """One year's counts as published: ``cells[(quarter or ALL, district, category)]`` is an
    int, "1–4", "0–4", "≥ 5" or None (withheld)."""

    year: int
    limit: int
    districts: list[tuple[str, str]]  # (key, name)
    categories: list[tuple[str, str]]
    cells: dict[tuple, int | str | None]
    withheld: bool
    suppressed: int

    def label(self, key):
        return self.cells[key]


def count_table(agreement: Agreement, year: int) -> CountTable:
    limit = public_limit()
    reports = open_incidents(agreement).filter(occurred_from__year=year)
    state = reports.aggregate(n=Count("pk"), changed=Max("updated_at"))
    changed = state["changed"].timestamp() if state["changed"] else 0
    key = f"public-{agreement.pk}-{year}-{limit}-{state['n']}-{changed}"
    table = cache.get(key)
    if table is None:
        table = _count_table(agreement, year, limit, reports)
        cache.set(key, table, CACHE_SECONDS)
    return table


def _count_table(agreement, year, limit, reports) -> CountTable:
    rows = (
        reports.annotate(
            quarter=ExtractQuarter("occurred_from"),
            top=Coalesce(F("category__parent_id"), F("category_id")),
        )
        .values("quarter", "district_id", "top")
        .annotate(n=Count("pk"))
    )
    counts: dict[tuple, int] = {}
    district_ids, category_ids = set(), set()
    for row in rows:
        district = str(row["district_id"]) if row["district_id"] else NO_DISTRICT
        category = str(row["top"])
        district_ids.add(district)
        category_ids.add(category)
        key = (QUARTERS[row["quarter"] - 1], district, category)
        counts[key] = counts.get(key, 0) + row["n"]
    # Every district of the agreement's municipalities is a row, with or without reports.
    municipalities = scope(District.objects.all(), agreement, municipality="municipality")
    districts = [(str(d.pk), d.name) for d in municipalities.order_by("name")]
    if NO_DISTRICT in district_ids:
        districts.append((NO_DISTRICT, _("Utan angivet område")))
    names = {str(c.pk): c.name for c in Category.objects.filter(pk__in=category_ids)}
    categories = sorted(((k, names.get(k, k)) for k in category_ids), key=lambda c: c[1])
    if not districts or not categories:
        return CountTable(year, limit, districts, categories, {}, False, 0)
    values, relations = cube(
        counts, [d for d, _n in districts], [c for c, _n in categories], QUARTERS
    )
    status = suppress_cells(values, relations, limit)
    cells = {k: shown_value(values[k], status[k], limit) for k in values}
    withheld = bool(status) and all(s is Status.WITHHELD for s in status.values())
    suppressed = sum(s is not Status.SHOWN for s in status.values())
    return CountTable(year, limit, districts, categories, cells, withheld, suppressed)


def table_rows(table: CountTable, quarter: str) -> list[dict]:
    """One quarter's (or the year's, ``ALL``) table as rows for the template."""
    rows = []
    for key, name in [*table.districts, (ALL, _("Totalt"))]:
        rows.append(
            {
                "name": name,
                "total": key == ALL,
                "cells": [table.cells[(quarter, key, c)] for c, _n in table.categories],
                "sum": table.cells[(quarter, key, ALL)],
            }
        )
    return rows


def open_plans(agreement: Agreement):
    return agreement.plans.filter(
        classification=Classification.OPEN, status=Plan.Status.DECIDED
    ).order_by("-period_start")


def plan_views(agreement: Agreement, today: dt.date) -> list:
    return [plan_overview(plan, today=today) for plan in open_plans(agreement)]


def citizen_promises(agreement: Agreement) -> tuple[list, list]:
    supplements = list(agreement.supplements.filter(kind=Agreement.Kind.CITIZEN_PROMISE))
    promises = list(
        Promise.objects.filter(agreement__in=[agreement, *supplements]).prefetch_related(
            "follow_ups"
        )
    )
    return supplements, promises


def open_data(agreement: Agreement, today: dt.date) -> dict:
    """The open data: the agreement, its open plans and every year's suppressed counts."""
    limit = public_limit()
    data = {
        "licens": LICENCE,
        "licens_url": LICENCE_URL,
        "overenskommelse": {
            "kortnamn": agreement.slug,
            "rubrik": agreement.title,
            "typ": agreement.get_kind_display(),
            "galler_fran": agreement.start.isoformat(),
            "galler_till": agreement.end.isoformat(),
            "parter": [p.name for p in agreement.parties.all()],
        },
        "undertryckning": {
            "grans": limit,
            "regel": _(
                "Antal under gränsen visas som ”1–%(high)d”; fler celler döljs (”≥ %(limit)d”, "
                "”0–%(high)d”) så att inget dolt antal kan räknas ut ur summorna."
            )
            % {"high": limit - 1, "limit": limit}
            if limit
            else _("Av"),
        },
        "planer": [
            {
                "rubrik": view.plan.title,
                "fokusomraden": [
                    {
                        "nummer": s.section.number,
                        "rubrik": s.section.title,
                        "ataganden": [
                            {"text": r.obj.text, "status": r.status.label if r.status else None}
                            for r in s.commitments
                        ],
                    }
                    for s in view.sections
                ],
            }
            for view in plan_views(agreement, today)
        ],
        "antal": [],
    }
    for year in report_years(agreement):
        table = count_table(agreement, year)
        for quarter in [*QUARTERS, ALL]:
            for d_key, d_name in [*table.districts, (ALL, None)]:
                for c_key, c_name in [*table.categories, (ALL, None)]:
                    data["antal"].append(
                        {
                            "ar": year,
                            "kvartal": None if quarter == ALL else quarter,
                            "omrade": d_name,
                            "kategori": c_name,
                            "antal": table.cells.get((quarter, d_key, c_key)),
                        }
                    )
    return data
