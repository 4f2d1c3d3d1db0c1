"""The annual samlad lägesbild: incidents per year and focus area of the plan (section 6).

The plan's focus areas (sections of kind ``fokusomrade``) count the incident categories the
plan names for them (``incident_categories`` in the plan file, docs/plan-format.md). A focus
area without them is mapped by ``FOCUS_CATEGORIES``, keyed by a word of the section title
(lower case), which follows the seed: 6.1 Trygghet (violence in public places, vandalism,
disorder, unsafe places), 6.2 Ungdomar (gatherings, reckless driving, rumours on social
media), 6.3 ANDT(S) (drugs). A category may belong to more than one area. Sub-categories
count with their parent (klotter with skadegörelse).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.analysis.change import period_change
from samverkan.analysis.trends import yearly_trend
from samverkan.incidents.filters import category_and_children
from samverkan.incidents.models import Category
from samverkan.lagesbild import bulk, selectors
from samverkan.lagesbild.sections.common import sv_date
from samverkan.lagesbild.sections.periods import local_start
from samverkan.lagesbild.text.sentences import change_verdict, say
from samverkan.plans.models import Section
from samverkan.plans.selectors import current_plan

FOCUS_CATEGORIES: dict[str, list[str]] = {
    "trygghet": [
        "vald", "skadegorelse", "ordningsstorning", "otrygg-plats", "nedskrapning", "brand",
        "ran", "inbrott", "hot-mot-anstalld",
    ],
    "ungdom": ["tillhall", "buskorning", "ryktesspridning"],
    "andt": ["narkotika"],
}  # fmt: skip


def focus_areas(agreement, mapping: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    mapping = mapping or FOCUS_CATEGORIES
    plan = current_plan(agreement)
    if (plan is None or not plan.sections.filter(kind=Section.Kind.FOCUS_AREA).exists()) and (
        agreement.main_agreement is not None
    ):
        plan = current_plan(agreement.main_agreement)  # a medborgarlöfte: its main agreement
    sections = (
        list(plan.sections.filter(kind=Section.Kind.FOCUS_AREA).order_by("position", "pk"))
        if plan is not None
        else []
    )
    areas = []
    for section in sections:
        title = section.title.lower()
        slugs = list(section.incident_categories) or next(
            (v for k, v in mapping.items() if k in title), []
        )
        ids: set[int] = set()
        for slug in slugs:
            ids.update(category_and_children(slug))
        areas.append(
            {"number": section.number, "title": section.title, "slugs": slugs, "category_ids": ids}
        )
    return areas


def _compare(
    now_label: str, before_label: str, now: int, before: int, exposure: float = 1.0
) -> str:
    """ "2025 mot 2024: 25 mot 22, ingen statistiskt säkerställd förändring (kvot 1,14, 95 % KI
    …; p = …, exakt villkorligt binomialtest)". ``exposure``: the first period's length in
    the second's (days against days), so 365 against 366 days is a comparison of rates."""
    if before == 0:
        return _("%(a)s mot %(b)s: %(n)d mot 0; inget test utan jämförelsevärde.") % {
            "a": now_label, "b": before_label, "n": now,
        }  # fmt: skip
    change = period_change(
        pd.DataFrame({"g": ["x"], "count": [now]}),
        pd.DataFrame({"g": ["x"], "count": [before]}),
        by=("g",),
        baseline_periods=1,
        exposure=exposure,
    ).table.iloc[0]
    return _("%(a)s mot %(b)s: %(n)d mot %(m)d, %(v)s.") % {
        "a": now_label, "b": before_label, "n": now, "m": before, "v": change_verdict(change),
    }  # fmt: skip


def _days(first: dt.date, last: dt.date) -> int:
    return (last - first).days + 1


def _count_between(first: dt.date, last: dt.date) -> Count:
    """The reports from local midnight of ``first`` to the end of ``last``."""
    return Count(
        "pk",
        filter=Q(
            occurred_from__gte=local_start(first).to_pydatetime(),
            occurred_from__lt=local_start(last + dt.timedelta(days=1)).to_pydatetime(),
        ),
    )


def annual(agreement, user, *, years: int = 6, shared: bool = False) -> dict[str, Any]:
    """Counts per year and focus area over the last ``years`` calendar years with data, the
    trend test per area, and the last complete year against the one before."""
    areas = focus_areas(agreement)
    base = selectors.scoped_incidents(agreement, user, shared=shared, include_summaries=False)
    result: dict[str, Any] = {"areas": [], "years": [], "note": ""}
    names = dict(Category.objects.values_list("slug", "name"))
    today = timezone.localdate()
    end_year = today.year
    ytd_start = dt.date(today.year, 1, 1)
    ytd_before_start = dt.date(today.year - 1, 1, 1)
    ytd_before_end = today.replace(year=today.year - 1, day=min(today.day, 28))
    # One grouped query and one pass over the table: per category the first report and a
    # conditional count per local calendar year (and for this year so far and the same
    # dates last year) over UTC bounds. No report leaves the database.
    windows = {f"y{y}": (dt.date(y, 1, 1), dt.date(y, 12, 31))
               for y in range(end_year - years + 1, end_year + 1)}  # fmt: skip
    windows |= {"ytd_now": (ytd_start, today), "ytd_before": (ytd_before_start, ytd_before_end)}
    grouped = (
        base.order_by()
        .values("category_id")
        .annotate(first=Min("occurred_from"), **{k: _count_between(*d) for k, d in windows.items()})
        .values_list("category_id", "first", *windows)
    )
    rows = bulk.grouped_rows(grouped, scan=True)
    per_category = {row[0]: dict(zip(windows, row[2:], strict=True)) for row in rows}
    if not rows:
        result["note"] = _("Det finns inga händelser att sammanställa.")
        return result
    first = timezone.localtime(min(bulk.aware(row[1]) for row in rows)).date()
    start_year = max(first.year, end_year - years + 1)
    year_list = list(range(start_year, end_year + 1))
    result["years"] = year_list
    ytd_comparable = first <= ytd_before_start

    def total(key: str, ids: set[int]) -> int:
        return sum(per_category[c][key] for c in ids if c in per_category)

    # A year counts as whole when it has ended and the data began by its first week.
    complete = [
        y for y in year_list if y < end_year and dt.date(y, 1, 1) >= first - dt.timedelta(days=7)
    ]
    partial = [y for y in year_list if y not in complete]
    result["partial"] = partial
    if partial:
        result["note"] = _("Ofullständiga år (data saknas för en del av året): %s.") % ", ".join(
            str(y) for y in partial
        )
    for area in areas:
        ids = area["category_ids"]
        per_year = pd.Series({y: total(f"y{y}", ids) for y in year_list}, dtype="int64")
        trend = yearly_trend(per_year.loc[complete]) if complete else None
        comparison = ""
        if len(complete) >= 2:
            a, b = complete[-2], complete[-1]
            comparison = _compare(
                str(b), str(a), int(per_year[b]), int(per_year[a]),
                _days(dt.date(b, 1, 1), dt.date(b, 12, 31))
                / _days(dt.date(a, 1, 1), dt.date(a, 12, 31)),
            )  # fmt: skip
        so_far = _("Ingen jämförelse: data saknas för samma datum i fjol.")
        if ytd_comparable:
            now, before = total("ytd_now", ids), total("ytd_before", ids)
            so_far = _compare(
                _("I år t.o.m. %(d)s") % {"d": sv_date(today)}, _("samma datum i fjol"),
                now, before,
                _days(ytd_start, today) / _days(ytd_before_start, ytd_before_end),
            )  # fmt: skip
        result["areas"].append(
            {
                "number": area["number"],
                "title": area["title"],
                "categories": area["slugs"],
                "category_names": [names.get(slug, slug) for slug in area["slugs"]],
                "counts": [{"year": y, "count": int(per_year[y])} for y in year_list],
                "trend": say(trend.message) if trend else _("Inga hela år med data för trendtest."),
                "comparison": comparison or _("Minst två hela år behövs för en jämförelse."),
                "so_far": so_far,
            }
        )
    return result


def indicator_focus_codes(agreement, category_slugs: list[str] | None) -> list[str]:
    """The indicators' focus areas (``Indicator.FocusArea``: 6.1, 6.2, 6.3) to show beside a
    lägesbild: those whose incident categories meet the chosen ones, or all without a choice.

    The plan's focus-area sections give the numbers; without such sections the areas are
    matched by the same title words as ``FOCUS_CATEGORIES`` (6.1 Trygghet …)."""
    from django.utils import translation

    from samverkan.indicators.models import Indicator

    known = list(Indicator.FocusArea.values)
    if not category_slugs:
        return known
    chosen: set[int] = set()
    for slug in category_slugs:
        chosen.update(category_and_children(slug))
    areas = [a for a in focus_areas(agreement) if a["number"] in known]
    if not areas:
        with translation.override("sv"):
            labels = {code: str(label).lower() for code, label in Indicator.FocusArea.choices}
        areas = []
        for code in known:
            slugs = next((v for k, v in FOCUS_CATEGORIES.items() if k in labels[code]), [])
            ids: set[int] = set()
            for slug in slugs:
                ids.update(category_and_children(slug))
            areas.append({"number": code, "category_ids": ids})
    return [a["number"] for a in areas if a["category_ids"] & chosen]
