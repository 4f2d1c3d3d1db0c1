"""Assemble a lägesbild: read the incidents in bulk, run samverkan.analysis, return JSON.

Two layers:

- ``analyse(frame, ...)`` is the analysis part. It takes a DataFrame (one row per incident,
  the columns below), needs no database and is what ``benchmarks/lagesbild.py`` times.
- ``lagesbild(agreement=..., user=..., ...)`` reads the incidents of the agreement's
  municipalities that the user may see (``incidents.selectors.incident_list_for_user``, then
  ``incidents.filters``), in one ``values_list`` query, and calls ``analyse``.

Frame columns: ``occurred_at`` (tz-aware), ``category`` (name), ``district`` (name or None),
``place`` (name or None), ``lon``/``lat`` (WGS 84, NaN when the record has no exact point:
also when the position is only the municipality centre, which is therefore left out of
hot spots, kernel density and cell concentration but counted everywhere else).

Periods. The chosen period [date_from, date_to] (local dates, inclusive) is compared with the
same dates one year earlier. The trend uses the same window in each of the previous
``trend_years`` years (so a tertial is compared with the same tertial), or whole calendar
years when the period is longer than 365 days; a window that starts before the first
recorded incident is left out, since a missing year is unknown and not zero.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from samverkan.analysis.change import period_change
from samverkan.analysis.concentration import concentration, repeat_places
from samverkan.analysis.counts import TIME_ZONE, counts, local_time, with_local_time
from samverkan.analysis.formatting import format_decimal, format_stat
from samverkan.analysis.geo import to_sweref
from samverkan.analysis.holidays_se import holiday_effect
from samverkan.analysis.hotspots import (
    MAX_CELLS,
    getis_ord_gi_star,
    grid_counts,
    kernel_density,
)
from samverkan.analysis.timepatterns import (
    WEEKDAYS_SV,
    helgnatter,
    seasonality,
    weekday_hour,
    window_share,
    window_share_from_counts,
)
from samverkan.analysis.trends import yearly_trend

NO_DISTRICT = "(utan område)"
NO_CATEGORY = "(utan kategori)"
CHANGE_THRESHOLD = 0.05


@dataclass(frozen=True)
class Options:
    """Analysis knobs, stored with a snapshot so it can be recomputed the same way."""

    cell: float = 250.0  # hot-spot grid cell, metres (SWEREF 99 TM)
    neighbourhood: int = 1  # Gi* window: the cell and its neighbours up to this many cells
    bandwidth: float = 500.0  # kernel density bandwidth, metres
    alpha: float = 0.05
    trend_years: int = 10
    min_difference: float = 3  # period comparison: smallest change in events to flag
    margin_cells: int = 2  # empty cells around the events' extent in the hot-spot grid
    include_summaries: bool = False  # Polisen's "Sammanfattning" notices
    shared: bool = False  # only öppen and intern reports (the "delad" scope)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Options:
        data = dict(data or {})
        known = {f.name: f.type for f in fields(cls)}
        values = {}
        for key, value in data.items():
            if key not in known:
                continue
            default = getattr(cls, key)
            values[key] = type(default)(value) if not isinstance(default, bool) else bool(value)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Lagesbild:
    """One computed lägesbild. ``to_dict()`` is plain JSON (no NaN: None plus a note)."""

    parameters: dict[str, Any]
    scope: dict[str, Any]
    data_version: dict[str, Any]
    key_figures: dict[str, Any]
    counts: dict[str, Any]
    weekday_hour: dict[str, Any]
    weekend_nights: dict[str, Any]
    seasonality: dict[str, Any]
    holidays: dict[str, Any]
    trends: dict[str, Any]
    comparison: dict[str, Any]
    hotspots: dict[str, Any]
    concentration: dict[str, Any]
    districts: list[dict[str, Any]] = field(default_factory=list)
    rates: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "timings"}
        return jsonable(data)


# --- JSON -----------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """Plain JSON: numpy scalars to Python, NaN and infinity to None, dates to ISO text."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, str):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def _num(value: Any, digits: int = 6) -> float | None:
    if value is None:
        return None
    number = float(value)
    return round(number, digits) if math.isfinite(number) else None


# --- Periods --------------------------------------------------------------------------------


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same date ``years`` earlier; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def previous_period(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    return shift_years(date_from, 1), shift_years(date_to, 1)


def trend_windows(
    date_from: dt.date, date_to: dt.date, years: int
) -> list[tuple[int, dt.date, dt.date]]:
    """(label year, first day, last day) of each trend window, oldest first."""
    days = (date_to - date_from).days + 1
    windows = []
    if days <= 365:
        for k in range(years):
            windows.append((date_to.year - k, shift_years(date_from, k), shift_years(date_to, k)))
    else:
        last = date_to.year if date_to >= dt.date(date_to.year, 12, 31) else date_to.year - 1
        for year in range(last - years + 1, last + 1):
            windows.append((year, dt.date(year, 1, 1), dt.date(year, 12, 31)))
    return sorted(windows, key=lambda w: w[1])


def local_start(day: dt.date) -> pd.Timestamp:
    """Midnight at the start of ``day`` in Swedish local time."""
    return pd.Timestamp(day).tz_localize(TIME_ZONE)


def _between(times: pd.Series, first: dt.date, last: dt.date) -> np.ndarray:
    start, end = local_start(first), local_start(last + dt.timedelta(days=1))
    return ((times >= start) & (times < end)).to_numpy()


# --- Sections -------------------------------------------------------------------------------


def _count_rows(table: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
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


def _named(series: pd.Series, missing: str) -> pd.Series:
    if not series.isna().any():
        return series
    return series.astype(object).where(series.notna(), missing)


def _subset(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """The rows of mask, without a copy when that is every row."""
    return frame if mask.all() else frame[mask]


def _counts_section(current: pd.DataFrame, previous: pd.DataFrame | None, opts, populations):
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
        item["per_100k"] = _per_100k(item["count"], population)
    return {
        "total": by_month.total,
        "missing_time": by_month.missing_time,
        "explanation": by_month.explanation,
        "by_month": _count_rows(by_month.table, ["period", "period_start", "count"]),
        "by_week": _count_rows(by_week.table, ["period", "period_start", "count"]),
        "by_category": rows(by_category, "category", before_cat),
        "by_district": district_rows,
    }


def _per_100k(count: int, population: float | None) -> float | None:
    """Per 100 000 inhabitants, one decimal (as shown: no second rounding on the page)."""
    return _num(count * 100_000 / population, 1) if population else None


def _rates_section(count_section: dict[str, Any], population: Mapping[str, Any] | None):
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
    out["per_100k"] = _per_100k(count_section["total"], inhabitants)
    out["by_category"] = [
        {"name": c["name"], "count": c["count"], "per_100k": _per_100k(c["count"], inhabitants)}
        for c in count_section["by_category"]
    ]
    return out


def _weekday_hour_section(current: pd.DataFrame) -> dict[str, Any]:
    result = weekday_hour(current)
    cells = [
        {
            "weekday": int(day),
            "weekday_name": WEEKDAYS_SV[int(day) - 1],
            "hour": int(hour),
            "count": int(result.matrix.loc[day, hour]),
        }
        for day in result.matrix.index
        for hour in result.matrix.columns
    ]
    return {"total": result.total, "explanation": result.explanation, "cells": cells}


def _share_dict(share, name: str) -> dict[str, Any]:
    sentence = share.explanation
    if share.share is not None:
        sentence = _(
            "%(share)s %% (95 %% KI %(low)s–%(high)s %%) av %(what)s inträffade %(w)s."
        ) % {
            "share": format_decimal(100 * share.share, 0),
            "low": format_decimal(100 * share.ci_low, 0),
            "high": format_decimal(100 * share.ci_high, 0),
            "what": name,
            "w": _("fredag–söndag natt 23–03"),
        }
    return {
        "name": name,
        "count": share.count,
        "total": share.total,
        "share": _num(share.share),
        "ci_low": _num(share.ci_low),
        "ci_high": _num(share.ci_high),
        "expected_share": _num(share.expected_share),
        "p_value": _num(share.p_value, 12),
        "sentence": sentence,
        "explanation": share.explanation,
    }


def _weekend_section(current: pd.DataFrame) -> dict[str, Any]:
    window = helgnatter()
    overall = _share_dict(window_share(current, window), _("händelserna"))
    per_category = []
    if len(current):
        # One pass over the rows: inside the window or not, per category.
        local = local_time(current)
        codes = local.dt.day_of_week.to_numpy() * 24 + local.dt.hour.to_numpy()
        inside = window.mask().ravel()[codes.astype(np.int64)]
        category, levels = pd.factorize(current.loc[local.index, "category"], sort=True)
        totals = np.bincount(category, minlength=len(levels))
        counts_in = np.bincount(category[inside], minlength=len(levels))
        for k, name in enumerate(levels):
            if totals[k]:
                share = window_share_from_counts(window, int(counts_in[k]), int(totals[k]))
                per_category.append(
                    _share_dict(share, _("händelserna i %s") % name) | {"category": name}
                )
    return {
        "window": _("fredag–söndag natt 23–03"),
        "definition": _(
            "Fredag 23.00 till lördag 03.00 och lördag 23.00 till söndag 03.00 (svensk tid)."
        ),
        "overall": overall,
        "by_category": per_category,
    }


def _seasonality_section(current, first, last) -> dict[str, Any]:
    result = seasonality(current, start=first, end=last)
    months = [
        {
            "month": int(month),
            "name": row["name"],
            "days": int(row["days"]),
            "count": int(row["count"]),
            "expected": _num(row["expected"], 3),
        }
        for month, row in result.by_month.iterrows()
        if row["days"] > 0
    ]
    test = result.month_test
    return {
        "months": months,
        "statistic": _num(test.statistic),
        "p_value": _num(test.p_value, 12),
        "test": test.test,
        "sentence": test.explanation,
        "explanation": result.explanation,
    }


def _holiday_section(current, first, last) -> dict[str, Any]:
    if first > last:
        return {
            "table": [],
            "rate_ratio": None,
            "ci_low": None,
            "ci_high": None,
            "p_value": None,
            "sentence": _("Perioden ligger utanför de dagar som har data."),
        }
    result = holiday_effect(current, start=first, end=last)
    table = [
        {
            "kind": kind,
            "days": int(row["days"]),
            "count": int(row["count"]),
            "rate_per_day": _num(row["rate_per_day"], 4)
            if row["rate_per_day"] is not None
            else None,
        }
        for kind, row in result.table.iterrows()
    ]
    return {
        "table": table,
        "rate_ratio": _num(result.rate_ratio, 4),
        "ci_low": _num(result.ci_low, 4),
        "ci_high": _num(result.ci_high, 4),
        "p_value": _num(result.p_value, 12),
        "test": result.test,
        "sentence": result.explanation,
    }


def _trend_dict(name: str, series: pd.Series, population: float | None, alpha: float):
    pop = pd.Series(float(population), index=series.index) if population else None
    trend = yearly_trend(series, pop, alpha=alpha)
    return {
        "name": name,
        "years": [{"year": int(y), "count": int(c)} for y, c in series.items()],
        "tested": trend.tested,
        "method": trend.method,
        "factor": _num(trend.factor),
        "ci_low": _num(trend.ci_low),
        "ci_high": _num(trend.ci_high),
        "p_value": _num(trend.p_value, 12),
        "direction": trend.direction,
        "sentence": trend.sentence,
        "summary": trend.summary,
    }


MIN_MONTHS = 6


def _whole_months(first: dt.date, last: dt.date) -> list[str]:
    """Labels (YYYY-MM) of the calendar months lying wholly inside [first, last]."""
    months = []
    year, month = first.year, first.month
    if first.day != 1:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    while True:
        end = (
            dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
        ) - dt.timedelta(days=1)
        if end > last:
            break
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _monthly_trend_dict(name: str, series: pd.Series, alpha: float) -> dict[str, Any]:
    result = _trend_dict(name, series.reset_index(drop=True), None, alpha)
    result["months"] = [{"month": m, "count": int(c)} for m, c in series.items()]
    result.pop("years")
    if result["tested"] and result["factor"] is not None:
        percent = (result["factor"] - 1) * 100
        result["summary"] = _(
            "Förändring %(pct)s %% per månad över %(n)d hela månader; inom ett år kan en "
            "trend vara säsong."
        ) % {"pct": ("+" if percent > 0 else "") + format_decimal(percent, 1), "n": len(series)}
    return result


def _monthly_trends(current: pd.DataFrame, first: dt.date, last: dt.date, opts) -> dict | None:
    """With too few years for a yearly trend: the same test on the whole months of the
    period (count ~ month number, Poisson or quasi-Poisson regression), total and per
    district. Needs at least six whole months."""
    if first > last:
        return None
    months = _whole_months(first, last)
    if len(months) < MIN_MONTHS:
        return {
            "explanation": _("För få hela månader (%(n)d) för en trend månad för månad.")
            % {"n": len(months)},
            "total": None,
            "by_district": [],
        }
    table = counts(current, by=("district",), period="month").table
    table = table[table["period"].isin(months)]
    pivot = table.pivot_table(
        index="period", columns="district", values="count", aggfunc="sum", observed=True
    )
    pivot = pivot.reindex(months, fill_value=0).fillna(0).astype(int)
    total = pivot.sum(axis=1) if len(pivot.columns) else pd.Series(0, index=months)
    return {
        "explanation": _(
            "Färre än fem år med data: trenden testas också månad för månad inom perioden."
        ),
        "total": _monthly_trend_dict(_("Alla händelser"), total, opts.alpha),
        "by_district": [
            _monthly_trend_dict(str(name), pivot[name], opts.alpha) for name in pivot.columns
        ],
    }


def _trends_section(frame, windows, data_start, opts, populations) -> dict[str, Any]:
    usable = [w for w in windows if data_start is not None and w[1] >= data_start]
    years = [w[0] for w in usable]
    result: dict[str, Any] = {
        "windows": [{"year": y, "from": a, "to": b} for y, a, b in usable],
        "total": None,
        "by_district": [],
        "by_category": [],
    }
    if not usable:
        result["explanation"] = _("Inga år med data för trendtest.")
        empty = pd.Series(dtype="int64")
        result["total"] = _trend_dict(_("Alla händelser"), empty, None, opts.alpha)
        return result
    # Each row's window: windows are disjoint and sorted, so one searchsorted finds it.
    starts = np.array([local_start(a).value for _, a, _b in usable], dtype=np.int64)
    ends = np.array(
        [local_start(b + dt.timedelta(days=1)).value for _, _a, b in usable], dtype=np.int64
    )
    times = frame["occurred_at"].dropna()
    t = pd.DatetimeIndex(times).as_unit("ns").asi8
    position = np.searchsorted(starts, t, side="right") - 1
    inside = (position >= 0) & (t < ends[np.clip(position, 0, None)])
    window_of = position[inside]
    index = pd.Index(years, name="year")
    total = pd.Series(np.bincount(window_of, minlength=len(years)), index=index)
    result["total"] = _trend_dict(_("Alla händelser"), total, None, opts.alpha)
    picked = np.flatnonzero(frame["occurred_at"].notna().to_numpy())[inside]
    for column, key in (("district", "by_district"), ("category", "by_category")):
        codes, levels = pd.factorize(frame[column], sort=True)
        codes = codes[picked]
        table = np.bincount(
            window_of * len(levels) + codes, minlength=len(years) * len(levels)
        ).reshape(len(years), len(levels))
        for k, name in enumerate(levels):
            if not table[:, k].any():
                continue
            population = (populations or {}).get(name) if column == "district" else None
            series = pd.Series(table[:, k], index=index)
            result[key].append(_trend_dict(str(name), series, population, opts.alpha))
    result["explanation"] = ""
    return result


def _comparison_section(current, previous, prev_from, prev_to, data_start, opts):
    out: dict[str, Any] = {
        "previous_from": prev_from,
        "previous_to": prev_to,
        "current_total": len(current),
        "previous_total": None,
        "change": None,
        "sentence": "",
        "rows": [],
        "flagged": [],
        "summary": "",
    }
    if previous is None:
        out["sentence"] = _(
            "Ingen jämförelse: det finns inga data för hela jämförelseperioden %(a)s–%(b)s."
        ) % {"a": prev_from.isoformat(), "b": prev_to.isoformat()}
        return out
    before, now = len(previous), len(current)
    out["previous_total"] = before
    out["change"] = _num((now - before) / before, 4) if before else None
    total = period_change(
        pd.DataFrame({"g": ["alla"], "count": [now]}),
        pd.DataFrame({"g": ["alla"], "count": [before]}),
        by=("g",),
        baseline_periods=1,
        alpha=opts.alpha,
        min_difference=opts.min_difference,
    ).table.iloc[0]
    if before == 0:
        out["sentence"] = _("%(now)d händelser mot inga under jämförelseperioden.") % {"now": now}
    else:
        verdict = (
            _("en statistiskt säkerställd förändring")
            if total["flag"] in ("increase", "decrease")
            else _("ingen statistiskt säkerställd förändring")
        )
        out["sentence"] = _(
            "%(now)d händelser mot %(before)d samma period året innan (%(pct)s %%): "
            "%(verdict)s (%(p)s, exakt Poissontest)."
        ) % {
            "now": now,
            "before": before,
            "pct": ("+" if now >= before else "")
            + format_decimal(100 * (now - before) / before, 0),
            "verdict": verdict,
            "p": format_stat("p", float(total["p_value"])),
        }
    cur = current.assign(district=_named(current["district"], NO_DISTRICT))
    prev = previous.assign(district=_named(previous["district"], NO_DISTRICT))
    cur_counts = cur.groupby(["district", "category"], observed=True).size().rename("count")
    prev_counts = prev.groupby(["district", "category"], observed=True).size().rename("count")
    if len(cur_counts) + len(prev_counts) == 0:
        out["summary"] = _("Inga händelser i någon av perioderna.")
        return out
    change = period_change(
        cur_counts.reset_index(),
        prev_counts.reset_index(),
        by=("district", "category"),
        baseline_periods=1,
        alpha=opts.alpha,
        min_difference=opts.min_difference,
    )
    table = change.table
    out["rows"] = [
        {
            "district": str(r.district),
            "category": str(r.category),
            "count": int(r.count),
            "previous": int(r.baseline_total),
            "p_value": _num(r.p_value, 12),
            "q_value": _num(r.q_value, 12),
            "flag": r.flag,
            "sentence": r.sentence,
        }
        for r in table.itertuples(index=False)
    ]
    out["flagged"] = [r["sentence"] for r in out["rows"] if r["flag"]]
    out["summary"] = change.summary
    out["method"] = change.method
    return out


def _hotspot_section(current: pd.DataFrame, opts: Options):
    lon = current["lon"].to_numpy(dtype=float)
    lat = current["lat"].to_numpy(dtype=float)
    exact = np.isfinite(lon) & np.isfinite(lat)
    base = {
        "crs": "EPSG:3006",
        "cell": opts.cell,
        "neighbourhood": opts.neighbourhood,
        "weights": _("binära vikter: rutan och dess grannar inom %(k)d ruta/rutor (Gi*)")
        % {"k": opts.neighbourhood},
        "alpha_levels": [0.10, 0.05, 0.01],
        "events": int(exact.sum()),
        "events_without_point": int((~exact).sum()),
        "origin": None,
        "rows": 0,
        "cols": 0,
        "cells": [],
        "n_hot": {"90": 0, "95": 0, "99": 0},
        "n_cold": {"90": 0, "95": 0, "99": 0},
        "bandwidth": opts.bandwidth,
        "max_density": None,
        "notes": [],
    }
    if not exact.any():
        base["notes"].append(_("Inga händelser med exakt position i perioden."))
        return base, None
    e, n = to_sweref(lon[exact], lat[exact])
    e, n = np.atleast_1d(e), np.atleast_1d(n)
    c = opts.cell
    m = opts.margin_cells * c
    bounds = (
        math.floor(e.min() / c) * c - m,
        math.floor(n.min() / c) * c - m,
        (math.floor(e.max() / c) + 1) * c + m,
        (math.floor(n.max() / c) + 1) * c + m,
    )
    cells = round((bounds[2] - bounds[0]) / c) * round((bounds[3] - bounds[1]) / c)
    if cells > min(MAX_CELLS, 4_000_000):
        base["notes"].append(
            _("Händelserna spänner över för stort område för rutor om %(c)s m.")
            % {"c": format_decimal(c, 0)}
        )
        return base, None
    grid = grid_counts(e, n, cell=c, bounds=bounds)
    spots = getis_ord_gi_star(grid, neighbourhood=opts.neighbourhood, alpha=opts.alpha)
    density = kernel_density(e, n, grid=grid, bandwidth=opts.bandwidth).density
    rows, cols = grid.shape
    z, p2 = spots.z, spots.p_two_sided
    level = np.zeros(z.shape, dtype=np.int64)  # 0, 90, 95 or 99: highest confidence reached
    for confidence, limit in ((90, 0.10), (95, 0.05), (99, 0.01)):
        level[p2 < limit] = confidence
    base["origin"] = [grid.x0, grid.y0]
    base["rows"], base["cols"] = rows, cols
    flat_counts = grid.counts.ravel()
    jj, ii = np.divmod(np.arange(rows * cols), cols)
    zf, pf, df, lf = z.ravel(), spots.p.ravel(), density.ravel(), level.ravel()
    base["cells"] = [
        {
            "index": int(k),
            "i": int(ii[k]),
            "j": int(jj[k]),
            "count": int(flat_counts[k]),
            "z": float(zf[k]),
            "p": float(pf[k]),
            "density": round(float(df[k]), 4),
            "class": ("hot" if zf[k] > 0 else "cold") if lf[k] else "",
            "confidence": int(lf[k]),
        }
        for k in range(rows * cols)
    ]
    for confidence in (90, 95, 99):
        base["n_hot"][str(confidence)] = int(((level >= confidence) & (z > 0)).sum())
        base["n_cold"][str(confidence)] = int(((level >= confidence) & (z < 0)).sum())
    base["max_density"] = _num(density.max(), 4)
    base["notes"] += list(spots.notes)
    base["p_definition"] = _(
        "p är det ensidiga p-värdet i z:s riktning (esda p_norm); en ruta är varm eller kall "
        "på 90/95/99 %-nivån när 2p < 0,10/0,05/0,01."
    )
    return base, grid


def _concentration_section(current: pd.DataFrame, grid) -> dict[str, Any]:
    out: dict[str, Any] = {"cells": None, "places": None}
    if grid is not None:
        result = concentration(pd.Series(grid.counts.ravel()))
        out["cells"] = {
            "n_units": result.n_units,
            "n_events": result.n_events,
            "gini": _num(result.gini, 4),
            "top": [
                {
                    "share_of_units": _num(r.share_of_units),
                    "units": int(r.units),
                    "events": int(r.events),
                    "share_of_events": _num(r.share_of_events, 4),
                }
                for r in result.top.itertuples(index=False)
            ],
            "notes": result.notes,
        }
    repeats = repeat_places(current, "place", 2)
    out["places"] = {
        "n_places": repeats.n_places,
        "share_of_events": _num(repeats.share_of_events, 4),
        "events_at_places": repeats.events_at_places,
        "n_without_place": repeats.n_without_place,
        "top": [
            {"place": str(r.place), "events": int(r.events)}
            for r in repeats.places.head(10).itertuples(index=False)
        ],
    }
    return out


def _fill_missing_names(frame: pd.DataFrame) -> pd.DataFrame:
    """A missing district or category becomes a named group, so tables and JSON keys are text."""
    changes = {}
    for column, missing in (("district", NO_DISTRICT), ("category", NO_CATEGORY)):
        if column not in frame.columns or not frame[column].isna().any():
            continue
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            if missing not in values.cat.categories:
                values = values.cat.add_categories([missing])
            changes[column] = values.fillna(missing)
        else:
            changes[column] = values.astype(object).where(values.notna(), missing)
    return frame.assign(**changes) if changes else frame


# --- The analysis part ----------------------------------------------------------------------


def analyse(
    frame: pd.DataFrame,
    *,
    date_from: dt.date,
    date_to: dt.date,
    options: Options | None = None,
    data_start: dt.date | None = None,
    data_end: dt.date | None = None,
    populations: Mapping[str, float] | None = None,
    population: Mapping[str, Any] | None = None,
    districts: list[dict[str, Any]] | None = None,
    parameters: dict[str, Any] | None = None,
    scope: dict[str, Any] | None = None,
    data_version: dict[str, Any] | None = None,
) -> Lagesbild:
    """The whole lägesbild of ``frame`` for [date_from, date_to] (see the module docstring).

    ``data_start``/``data_end``: the first and last day with recorded incidents (default: the
    frame's); used so that missing years are not read as zero and the holiday test does not
    count days after the last report. ``populations``: district name → inhabitants, for
    rates per 100 000; ``population``: the whole area's population with its year, source
    and geography (see ``_rates_section``), for the total and per-category rates.
    """
    opts = options or Options()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def tick(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now

    notes: list[str] = []
    frame = _fill_missing_names(frame)
    if date_to < date_from:
        raise ValueError(_("Periodens slut ligger före dess början."))
    times = frame["occurred_at"]
    if len(frame) and not isinstance(times.dtype, pd.DatetimeTZDtype):
        raise ValueError("occurred_at must be a tz-aware datetime column")
    # Every analysis below reads local wall-clock time: convert the times once, here.
    frame = with_local_time(frame)
    if data_start is None or data_end is None:
        local = local_time(frame)
        if len(local):
            data_start = data_start or local.min().date()
            data_end = data_end or local.max().date()
    current = _subset(frame, _between(times, date_from, date_to)) if len(frame) else frame
    missing_time = int(times.isna().sum()) if len(frame) else 0
    if missing_time:
        notes.append(
            _("%(n)d händelser saknar tidpunkt och ingår inte i tidsanalyserna.")
            % {"n": missing_time}
        )
    if data_start is None:
        notes.append(_("Det finns inga händelser att analysera."))
    elif date_from < data_start:
        notes.append(
            _("Data finns från %(d)s; perioden börjar före det.") % {"d": data_start.isoformat()}
        )
    if data_end is not None and date_to > data_end:
        notes.append(
            _("Den senaste händelsen är från %(d)s; perioden slutar efter det.")
            % {"d": data_end.isoformat()}
        )
    prev_from, prev_to = previous_period(date_from, date_to)
    previous = None
    if data_start is not None and prev_from >= data_start:
        previous = _subset(frame, _between(times, prev_from, prev_to))
    tick("split")

    count_section = _counts_section(current, previous, opts, populations)
    rates = _rates_section(count_section, population)
    tick("counts")
    wh = _weekday_hour_section(current)
    tick("weekday_hour")
    weekend = _weekend_section(current)
    tick("weekend_nights")
    first = max(date_from, data_start) if data_start else date_from
    last = min(date_to, data_end) if data_end else date_to
    season = (
        _seasonality_section(current, first, last)
        if first <= last
        else {"months": [], "sentence": _("Inga dagar med data i perioden."), "p_value": None}
    )
    tick("seasonality")
    holidays = _holiday_section(current, first, last)
    tick("holidays")
    windows = trend_windows(date_from, date_to, opts.trend_years)
    trends = _trends_section(frame, windows, data_start, opts, populations)
    trends["monthly"] = (
        _monthly_trends(current, first, last, opts)
        if not (trends["total"] or {}).get("tested")
        else None
    )
    tick("trends")
    comparison = _comparison_section(current, previous, prev_from, prev_to, data_start, opts)
    tick("comparison")
    hotspots, grid = _hotspot_section(current, opts)
    tick("hotspots")
    conc = _concentration_section(current, grid)
    tick("concentration")

    total = count_section["total"]
    share = weekend["overall"]
    key_figures = {
        "total": total,
        "previous_total": comparison["previous_total"],
        "change": comparison["change"],
        "missing_time": count_section["missing_time"],
        "with_exact_point": hotspots["events"],
        "weekend_night_share": share["share"],
        "weekend_night_sentence": share["sentence"],
        "holiday_rate_ratio": holidays["rate_ratio"],
        "hot_cells_95": hotspots["n_hot"]["95"],
        "per_day": _num(total / ((last - first).days + 1), 3) if first <= last else None,
        "per_100k": rates["per_100k"],
        "population_label": rates["label"],
    }
    if total == 0:
        notes.append(_("Inga händelser i perioden: figurer och tester saknas därför."))
    params = {
        "date_from": date_from,
        "date_to": date_to,
        "options": opts.to_dict(),
        **(parameters or {}),
    }
    result = Lagesbild(
        parameters=params,
        scope=scope or {},
        data_version=data_version or frame_version(frame),
        key_figures=key_figures,
        counts=count_section,
        weekday_hour=wh,
        weekend_nights=weekend,
        seasonality=season,
        holidays=holidays,
        trends=trends,
        comparison=comparison,
        hotspots=hotspots,
        concentration=conc,
        districts=districts or [],
        rates=rates,
        notes=notes,
    )
    tick("assemble")
    result.timings = timings
    return result


def frame_version(frame: pd.DataFrame) -> dict[str, Any]:
    """Count, newest change and highest id of the rows read, and a hash of (id, updated_at)."""
    if "id" not in frame.columns or "updated_at" not in frame.columns or not len(frame):
        return {"count": int(len(frame)), "max_updated_at": None, "max_id": None, "hash": ""}
    ordered = frame[["id", "updated_at"]].sort_values("id")
    digest = hashlib.sha256()
    digest.update(ordered["id"].to_numpy(dtype=np.int64).tobytes())
    stamps = pd.DatetimeIndex(ordered["updated_at"]).as_unit("us").asi8
    digest.update(stamps.tobytes())
    return {
        "count": int(len(frame)),
        "max_updated_at": ordered["updated_at"].max().isoformat(),
        "max_id": int(ordered["id"].max()),
        "hash": digest.hexdigest()[:16],
    }


# --- The database part ----------------------------------------------------------------------


def lagesbild(
    *,
    agreement,
    date_from: dt.date,
    date_to: dt.date,
    districts=None,
    categories=None,
    user=None,
    options: Options | None = None,
    populations: Mapping[str, float] | None = None,
) -> Lagesbild:
    """The lägesbild of ``agreement`` for [date_from, date_to] as ``user`` may see it.

    ``districts``: District objects or ids; ``categories``: Category objects or slugs (a
    parent includes its children). ``user=None`` reads the shared scope (öppen and intern
    reports only). Every read goes through ``incidents.selectors.incident_list_for_user``.

    Population: unless ``populations`` (district name → inhabitants) is given, the
    population held as the indicator ``folkmangd`` (SCB) is read for the agreement's
    municipalities and districts (``selectors.agreement_population``), for the year of
    ``date_to`` or the latest before it; without one the result says so in ``rates.note``.
    """
    from samverkan.lagesbild import selectors

    opts = options or Options()
    district_ids = sorted({getattr(d, "pk", d) for d in districts or []}) or None
    category_slugs = sorted({getattr(c, "slug", c) for c in categories or []}) or None
    base = selectors.scoped_incidents(
        agreement, user, shared=opts.shared, include_summaries=opts.include_summaries
    )
    data_start, data_end = selectors.data_range(base)
    windows = trend_windows(date_from, date_to, opts.trend_years)
    earliest = min([date_from, previous_period(date_from, date_to)[0], *[w[1] for w in windows]])
    queryset = selectors.narrowed(
        base,
        date_from=earliest,
        date_to=date_to,
        districts=district_ids,
        categories=category_slugs,
    )
    frame = selectors.incident_frame(queryset)
    scope = selectors.scope_of(user, frame, opts.shared)
    outlines, outline_notes = selectors.district_outlines(agreement, district_ids)
    in_period = frame[_between(frame["occurred_at"], date_from, date_to)] if len(frame) else frame
    version = frame_version(in_period)
    version["read"] = int(len(frame))
    version["read_hash"] = frame_version(frame)["hash"]
    names = dict(selectors.agreement_districts(agreement).values_list("pk", "name"))
    parameters = {
        "agreement": agreement.pk,
        "agreement_slug": agreement.slug,
        "agreement_title": agreement.title,
        "districts": district_ids or [],
        "district_names": [names.get(pk, str(pk)) for pk in district_ids or []],
        "categories": category_slugs or [],
        "user": getattr(user, "username", None),
    }
    if populations is None:
        population = selectors.agreement_population(agreement, date_to.year, district_ids)
        populations = population["districts"]
    else:
        population = None
    result = analyse(
        frame.drop(columns=["classification", "organisation_id", "position_is_centre"]),
        date_from=date_from,
        date_to=date_to,
        options=opts,
        data_start=data_start,
        data_end=data_end,
        populations=populations,
        population=population,
        districts=outlines,
        parameters=parameters,
        scope=scope,
        data_version=version,
    )
    result.notes.extend(outline_notes)
    return result
