"""Assemble a lägesbild: read the incidents in bulk, run samverkan.analysis, return JSON.

Two layers:

- ``analyse(frame, ...)`` is the analysis part. It takes a DataFrame (one row per incident,
  the columns below), needs no database and is what ``benchmarks/lagesbild.py`` times.
- ``lagesbild(agreement=..., user=..., ...)`` reads the incidents of the agreement's
  municipalities that the user may see (``incidents.selectors.incident_list_for_user``, then
  ``incidents.filters``), in one ``values_list`` query, and calls ``analyse``.

Each section (counts and rates, time patterns, trends, comparison, hot spots and
concentration) is computed in its own module of ``lagesbild.sections``.

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
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from samverkan.analysis.counts import local_time, with_local_time
from samverkan.lagesbild.sections.common import (
    NO_CATEGORY,
    NO_DISTRICT,
    jsonable,
    num,
    subset,
    sv_date,
)
from samverkan.lagesbild.sections.comparison import comparison_section
from samverkan.lagesbild.sections.counts import counts_section, rates_section
from samverkan.lagesbild.sections.near_repeat import near_repeat_section
from samverkan.lagesbild.sections.periods import between, previous_period, trend_windows
from samverkan.lagesbild.sections.places import (
    concentration_section,
    drawn_cells,
    hotspot_section,
)
from samverkan.lagesbild.sections.sources import figure_sources, polisen_other, time_quality
from samverkan.lagesbild.sections.time_patterns import (
    holiday_section,
    seasonality_section,
    weekday_hour_section,
    weekend_section,
)
from samverkan.lagesbild.sections.trends import monthly_trends, trends_section


@dataclass(frozen=True)
class Options:
    """Analysis knobs, stored with a snapshot so it can be recomputed the same way."""

    cell: float = 250.0  # hot-spot grid cell, metres (SWEREF 99 TM)
    neighbourhood: int = 1  # Gi* window: the cell and its neighbours up to this many cells
    bandwidth: float = 500.0  # kernel density bandwidth, metres
    alpha: float = 0.05
    trend_years: int = 10
    min_difference: float = 3  # period comparison: smallest change in events to flag
    margin_cells: int = 2  # empty cells around the events' extent when no district outline
    hotspot_test: str = "binomial"  # decides hot/cold: "binomial", "permutation" or "normal"
    min_events: int = 3  # fewest events in a Gi* window before its cell can be hot
    permutations: int = 999  # draws for hotspot_test="permutation"
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
    # Per chart its sources' shares; the period's publication-timed and centre-only events;
    # Polisen's events still in Övrigt (sections.sources).
    sources: dict[str, Any] = field(default_factory=dict)

    near_repeat: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict, repr=False)

    def to_dict(self, *, drawn_only: bool = False) -> dict[str, Any]:
        """``drawn_only``: the hot-spot grid's drawn cells only (``drawn_cells``), for the
        page; the API and the snapshots keep the whole study area."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "timings"}
        if drawn_only:
            data["hotspots"] = {**self.hotspots, "cells": drawn_cells(self.hotspots["cells"])}
        return jsonable(data)


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
        elif isinstance(values.dtype, pd.StringDtype):
            changes[column] = values.fillna(missing)  # text stays text: no object copy
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
    and geography (see ``rates_section``), for the total and per-category rates.
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
    current = subset(frame, between(times, date_from, date_to)) if len(frame) else frame
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
            _("Data finns från %(d)s; perioden börjar före det.") % {"d": sv_date(data_start)}
        )
    if data_end is not None and date_to > data_end:
        notes.append(
            _("Den senaste händelsen är från %(d)s; perioden slutar efter det.")
            % {"d": sv_date(data_end)}
        )
    prev_from, prev_to = previous_period(date_from, date_to)
    previous = None
    if data_start is not None and prev_from >= data_start:
        previous = subset(frame, between(times, prev_from, prev_to))
    tick("split")

    count_section = counts_section(current, previous, opts, populations)
    rates = rates_section(
        count_section,
        population,
        days=(
            (min(date_to, data_end) if data_end else date_to)
            - (max(date_from, data_start) if data_start else date_from)
        ).days
        + 1,
    )
    tick("counts")
    wh = weekday_hour_section(current)
    tick("weekday_hour")
    weekend = weekend_section(current)
    tick("weekend_nights")
    first = max(date_from, data_start) if data_start else date_from
    last = min(date_to, data_end) if data_end else date_to
    season = (
        seasonality_section(current, first, last)
        if first <= last
        else {"months": [], "sentence": _("Inga dagar med data i perioden."), "p_value": None}
    )
    tick("seasonality")
    holidays = holiday_section(current, first, last)
    tick("holidays")
    windows = trend_windows(date_from, date_to, opts.trend_years)
    trends = trends_section(frame, windows, data_start, opts, populations)
    trends["monthly"] = (
        monthly_trends(current, first, last, opts)
        if not (trends["total"] or {}).get("tested")
        else None
    )
    tick("trends")
    comparison = comparison_section(
        current, previous, prev_from, prev_to, data_start, opts, (last - date_from).days + 1
    )
    tick("comparison")
    hotspots, grid = hotspot_section(current, opts, districts)
    tick("hotspots")
    conc = concentration_section(current, grid)
    tick("concentration")
    quality = time_quality(current)
    for section in (count_section, wh, weekend, season, holidays):
        section["time_note"] = quality["note"]
    other = polisen_other(current)
    sources = {
        "figures": figure_sources(current, previous, frame, windows),
        "time_quality": quality,
        "polisen_other": other,
    }
    tick("sources")

    near = near_repeat_section(current, (parameters or {}).get("categories"), opts)
    tick("near_repeat")

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
        "per_day": num(total / ((last - first).days + 1), 3) if first <= last else None,
        "per_100k": rates["per_100k"],
        "population_label": rates["label"],
        "polisen_other_share": other["share"],
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
        sources=sources,
        near_repeat=near,
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


WIDE_SHARE = 0.25


def wide_read(
    first: dt.date, last: dt.date, data_start: dt.date | None, data_end: dt.date | None
) -> bool:
    """Whether [first, last] covers at least ``WIDE_SHARE`` of the days with data: then a
    scan of the table beats one index lookup per row (docs/performance.md)."""
    if data_start is None or data_end is None:
        return False
    overlap = (min(last, data_end) - max(first, data_start)).days + 1
    return overlap >= WIDE_SHARE * ((data_end - data_start).days + 1)


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
    data_start, data_end = selectors.data_range(
        base, list(selectors.agreement_municipalities(agreement).values_list("pk", flat=True))
    )
    windows = trend_windows(date_from, date_to, opts.trend_years)
    earliest = min([date_from, previous_period(date_from, date_to)[0], *[w[1] for w in windows]])
    queryset = selectors.narrowed(
        base,
        date_from=earliest,
        date_to=date_to,
        districts=district_ids,
        categories=category_slugs,
    )
    # A read of most of the stored span scans the table (SQLite) instead of walking the
    # index; the local wall-clock time is computed once, in the read.
    frame = selectors.incident_frame(
        queryset, scan=wide_read(earliest, date_to, data_start, data_end), local_time=True
    )
    scope = selectors.scope_of(user, frame, opts.shared)
    outlines, outline_notes = selectors.district_outlines(agreement, district_ids)
    # The version reads two columns: take only those for the period's rows, not every column.
    stamps = frame[["id", "updated_at", "occurred_at"]] if len(frame) else frame
    version = frame_version(
        stamps[between(stamps["occurred_at"], date_from, date_to)] if len(frame) else frame
    )
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
        frame.drop(columns=["classification", "organisation_id"]),
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
