"""The periods a lägesbild compares: the same dates a year earlier, the trend's windows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from samverkan.analysis.counts import TIME_ZONE


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


def between(times: pd.Series, first: dt.date, last: dt.date) -> np.ndarray:
    start, end = local_start(first), local_start(last + dt.timedelta(days=1))
    return ((times >= start) & (times < end)).to_numpy()
