"""The trend over the same window in earlier years, or month by month within the period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from samverkan.analysis.counts import counts
from samverkan.analysis.formatting import format_decimal
from samverkan.analysis.trends import Trend, monthly_trend, yearly_trend
from samverkan.lagesbild.sections.common import num
from samverkan.lagesbild.sections.periods import local_start
from samverkan.lagesbild.text.sentences import say, trend_sentence, trend_summary


def _robustness(trend: Trend) -> dict[str, Any]:
    """The Mann–Kendall check and the break test beside the regression."""
    mk = trend.mann_kendall
    step = trend.step
    return {
        "mann_kendall": None
        if mk is None
        else {"method": mk.method, "s": mk.s, "z": num(mk.z), "p_value": num(mk.p_value, 12)},
        "break": None
        if step is None or not step.tested
        else {
            "found": step.found,
            "label": step.label,
            "factor": num(step.factor),
            "p_value": num(step.p_value, 12),
            "splits": step.splits,
            "method": step.method,
            "sentence": say(step.message),
        },
        "seasonal": trend.seasonal,
    }


def _trend_fields(trend: Trend) -> dict[str, Any]:
    return {
        "tested": trend.tested,
        "method": trend.method,
        "factor": num(trend.factor),
        "ci_low": num(trend.ci_low),
        "ci_high": num(trend.ci_high),
        "p_value": num(trend.p_value, 12),
        "direction": trend.direction,
        # The regression, Mann–Kendall beside it and any break warning (shown first).
        "sentence": trend_sentence(trend),
        "summary": "" if trend.broken else trend_summary(trend),
        **_robustness(trend),
    }


def trend_dict(name: str, series: pd.Series, population: float | None, alpha: float):
    pop = pd.Series(float(population), index=series.index) if population else None
    trend = yearly_trend(series, pop, alpha=alpha)
    return {
        "name": name,
        "years": [{"year": int(y), "count": int(c)} for y, c in series.items()],
        **_trend_fields(trend),
    }


MIN_MONTHS = 6


def whole_months(first: dt.date, last: dt.date) -> list[str]:
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


def monthly_trend_dict(name: str, series: pd.Series, alpha: float) -> dict[str, Any]:
    """Count ~ month number, with month-of-year terms from two years of months on
    (``analysis.trends.monthly_trend``), the seasonal or plain Mann–Kendall check beside it
    and the break test."""
    trend = monthly_trend(series, alpha=alpha)
    result = {
        "name": name,
        "months": [{"month": m, "count": int(c)} for m, c in series.items()],
        **_trend_fields(trend),
    }
    if result["tested"] and result["factor"] is not None and not trend.broken:
        percent = (result["factor"] - 1) * 100
        values = {
            "pct": ("+" if percent > 0 else "") + format_decimal(percent, 1),
            "n": len(series),
        }
        if trend.seasonal:
            result["summary"] = (
                _(
                    "Förändring %(pct)s %% per månad över %(n)d hela månader, med hänsyn till "
                    "säsongen (månadseffekter)."
                )
                % values
            )
        else:
            result["summary"] = (
                _(
                    "Förändring %(pct)s %% per månad över %(n)d hela månader; inom ett år kan en "
                    "trend vara säsong."
                )
                % values
            )
    return result


def monthly_trends(current: pd.DataFrame, first: dt.date, last: dt.date, opts) -> dict | None:
    """With too few years for a yearly trend: the same test on the whole months of the
    period (count ~ month number, Poisson or quasi-Poisson regression), total and per
    district. Needs at least six whole months."""
    if first > last:
        return None
    months = whole_months(first, last)
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
        "total": monthly_trend_dict(_("Alla händelser"), total, opts.alpha),
        "by_district": [
            monthly_trend_dict(str(name), pivot[name], opts.alpha) for name in pivot.columns
        ],
    }


def trends_section(frame, windows, data_start, opts, populations) -> dict[str, Any]:
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
        result["total"] = trend_dict(_("Alla händelser"), empty, None, opts.alpha)
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
    result["total"] = trend_dict(_("Alla händelser"), total, None, opts.alpha)
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
            result[key].append(trend_dict(str(name), series, population, opts.alpha))
    result["explanation"] = ""
    return result
