"""Counts of incidents by any of category, district, place, organisation, source and period.

Input frame: one row per incident.

- ``occurred_at``: tz-aware pandas datetime, any time zone. Every period is taken in
  Europe/Stockholm local time, so an event at 23:30 UTC on 31 December belongs to the new
  year. Rows without a time (NaT) are left out and counted in ``missing_time``.
- optional ``category``, ``district``, ``place``, ``organisation``, ``source``: strings or
  categoricals; any column may be named in ``by``. Missing values form their own group so
  that the counts always add up to the number of timed rows.

Periods and their labels:

===========  =============  ==============================================================
period       label          note
===========  =============  ==============================================================
day          ``2020-01-31``
isoweek      ``2020-W05``   ISO 8601: weeks start on Monday; the year is the ISO year, so
                            Sunday 3 January 2021 is in ``2020-W53``
month        ``2020-01``
quarter      ``2020 Q1``
tertial      ``2020 T2``    Swedish municipal reporting: T1 jan–apr, T2 maj–aug, T3 sep–dec
year         ``2020``
===========  =============  ==============================================================
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from samverkan.analysis.messages import Message

TIME_ZONE = "Europe/Stockholm"
Period = Literal["day", "isoweek", "month", "quarter", "tertial", "year"]
PERIODS: tuple[str, ...] = ("day", "isoweek", "month", "quarter", "tertial", "year")
NO_EVENTS = Message("no_events")

# 1970-01-01 was a Thursday; Monday 1969-12-29 is day -3 since the epoch.
_EPOCH_WEEKDAY = 3


@dataclass(frozen=True)
class Counts:
    """A tidy table: optional ``period`` (label) and ``period_start`` (local date, naive), one
    column per ``by`` column, then ``count``. Sorted by period and the ``by`` columns."""

    table: pd.DataFrame
    by: tuple[str, ...]
    period: str | None
    total: int
    missing_time: int
    explanation: Message | None  # NO_EVENTS when there are none


# Optional column: ``occurred_at`` already converted by `with_local_time`, so that several
# analyses of the same rows convert the times once, not once each.
LOCAL_COLUMN = "occurred_local"


def local_time(frame: pd.DataFrame) -> pd.Series:
    """``occurred_at`` as naive Europe/Stockholm wall-clock time, without NaT rows.

    Raises ValueError when ``occurred_at`` is missing or not tz-aware: a naive time is
    ambiguous (UTC from an API or local from a form?) and guessing would shift counts.
    Uses the ``occurred_local`` column when `with_local_time` has added it.
    """
    if "occurred_at" not in frame.columns:
        raise ValueError("frame needs an occurred_at column")
    times = frame["occurred_at"]
    if len(times) == 0:
        return pd.Series([], dtype="datetime64[ns]", index=times.index, name="occurred_at")
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        raise ValueError("occurred_at must be a tz-aware datetime column")
    if LOCAL_COLUMN in frame.columns:
        return frame[LOCAL_COLUMN].dropna().rename("occurred_at")
    return times.dropna().dt.tz_convert(TIME_ZONE).dt.tz_localize(None)


def with_local_time(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the ``occurred_local`` column that `local_time` then reuses (a copy;
    the input is not changed). Call it once before running many analyses on the same rows."""
    if "occurred_at" not in frame.columns or LOCAL_COLUMN in frame.columns:
        return frame
    times = frame["occurred_at"]
    if len(times) and not isinstance(times.dtype, pd.DatetimeTZDtype):
        raise ValueError("occurred_at must be a tz-aware datetime column")
    local = (
        times.dt.tz_convert(TIME_ZONE).dt.tz_localize(None)
        if len(times)
        else pd.Series([], dtype="datetime64[ns]", index=times.index)
    )
    return frame.assign(**{LOCAL_COLUMN: local})


def _days_since_epoch(local: pd.Series) -> np.ndarray:
    return local.to_numpy().astype("datetime64[D]").astype(np.int64)


def period_keys(local: pd.Series, period: str) -> np.ndarray:
    """An integer per row that orders periods and steps by one between neighbouring periods
    (by seven for ISO weeks, whose key is the day number of their Monday)."""
    if period == "day":
        return _days_since_epoch(local)
    if period == "isoweek":
        days = _days_since_epoch(local)
        return days - (days + _EPOCH_WEEKDAY) % 7
    year = local.dt.year.to_numpy().astype(np.int64)
    month0 = local.dt.month.to_numpy().astype(np.int64) - 1
    if period == "month":
        return year * 12 + month0
    if period == "quarter":
        return year * 4 + month0 // 3
    if period == "tertial":
        return year * 3 + month0 // 4
    if period == "year":
        return year
    raise ValueError(f"unknown period {period!r}; choose one of {', '.join(PERIODS)}")


def _key_step(period: str) -> int:
    return 7 if period == "isoweek" else 1


def period_labels(keys: np.ndarray, period: str) -> tuple[list[str], pd.DatetimeIndex]:
    """Labels and first local day of the periods with these keys (few: one per period)."""
    keys = np.asarray(keys, dtype=np.int64)
    if period in ("day", "isoweek"):
        starts = pd.DatetimeIndex(keys.astype("datetime64[D]").astype("datetime64[ns]"))
        if period == "day":
            return [d.strftime("%Y-%m-%d") for d in starts], starts
        iso = starts.isocalendar()
        labels = [f"{y}-W{w:02d}" for y, w in zip(iso["year"], iso["week"], strict=True)]
        return labels, starts
    if period == "year":
        years, first_month = keys, np.zeros_like(keys)
        labels = [str(y) for y in years]
    elif period == "month":
        years, first_month = keys // 12, keys % 12
        labels = [f"{y}-{m + 1:02d}" for y, m in zip(years, first_month, strict=True)]
    elif period == "quarter":
        years, first_month = keys // 4, (keys % 4) * 3
        labels = [f"{y} Q{k % 4 + 1}" for y, k in zip(years, keys, strict=True)]
    elif period == "tertial":
        years, first_month = keys // 3, (keys % 3) * 4
        labels = [f"{y} T{k % 3 + 1}" for y, k in zip(years, keys, strict=True)]
    else:
        raise ValueError(f"unknown period {period!r}; choose one of {', '.join(PERIODS)}")
    starts = pd.to_datetime(
        pd.DataFrame({"year": years, "month": first_month + 1, "day": 1})
    ).astype("datetime64[ns]")
    return labels, pd.DatetimeIndex(starts)


def _levels(column: pd.Series) -> pd.Index:
    """Every level of a ``by`` column: all categories of a categorical (also unused ones),
    otherwise the observed values; a missing value is a level of its own when present."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        levels = pd.Index(column.cat.categories)
    else:
        levels = pd.Index(pd.unique(column.dropna())).sort_values()
    if column.isna().any():
        levels = levels.append(pd.Index([None], dtype=levels.dtype))
    return levels


def counts(
    frame: pd.DataFrame,
    by: Sequence[str] = (),
    period: str | None = None,
    *,
    complete: bool = False,
) -> Counts:
    """Number of incidents per period (local time) and per combination of ``by`` columns.

    With ``complete=True`` the table also has zero rows: every period between the first and
    the last observed one, crossed with every level of each ``by`` column (all categories of
    a categorical), so a chart shows a gap as zero rather than joining its neighbours.
    """
    by = tuple(by)
    if period is not None and period not in PERIODS:
        raise ValueError(f"unknown period {period!r}; choose one of {', '.join(PERIODS)}")
    missing = [c for c in by if c not in frame.columns]
    if missing:
        raise ValueError(f"frame has no column {', '.join(missing)}")

    local = local_time(frame)
    missing_time = len(frame) - len(local)
    period_columns = ["period", "period_start"] if period else []
    group_columns: list[str] = []
    data: dict[str, object] = {}
    if period:
        data["_key"] = period_keys(local, period)
        group_columns.append("_key")
    timed = frame.loc[local.index] if missing_time else frame
    for column in by:
        data[column] = timed[column]
        group_columns.append(column)

    if not group_columns:
        table = pd.DataFrame({"count": [len(local)]}, dtype="int64")
        return Counts(table, by, period, len(local), missing_time, _explain(len(local)))

    grouped = pd.DataFrame(data, index=local.index)
    sizes = grouped.groupby(group_columns, observed=True, dropna=False, sort=True).size()

    if complete and len(local):
        axes: list[pd.Index] = []
        if period:
            step = _key_step(period)
            keys = sizes.index.get_level_values("_key")
            axes.append(pd.Index(np.arange(keys.min(), keys.max() + 1, step), name="_key"))
        axes += [_levels(timed[column]).rename(column) for column in by]
        full = pd.MultiIndex.from_product(axes) if len(axes) > 1 else axes[0]
        sizes = sizes.reindex(full, fill_value=0)

    table = sizes.rename("count").astype("int64").reset_index()
    if period:
        # Format each period once, then spread the labels over the rows.
        unique_keys, positions = np.unique(table["_key"].to_numpy(), return_inverse=True)
        labels, starts = period_labels(unique_keys, period)
        table.insert(0, "period", np.asarray(labels, dtype=object)[positions])
        table.insert(1, "period_start", starts[positions])
        table = table.drop(columns="_key")
    for column in by:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            table[column] = pd.Categorical(table[column], dtype=frame[column].dtype)
    table = table[[*period_columns, *by, "count"]]
    return Counts(table, by, period, len(local), missing_time, _explain(len(local)))


def _explain(total: int) -> Message | None:
    return NO_EVENTS if total == 0 else None
