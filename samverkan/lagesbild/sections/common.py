"""What every section uses: plain JSON, rounded numbers, names for a missing group."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

NO_DISTRICT = "(utan område)"
NO_CATEGORY = "(utan kategori)"


class Plain(list):
    """A list that is plain JSON already (Python numbers from ``.tolist()``, None for NaN):
    ``jsonable`` passes it through instead of walking every element (the hot-spot grid)."""


def finite(values: np.ndarray, digits: int | None = None) -> list[float | None]:
    """``values`` as a list of Python floats, NaN and infinity as None."""
    out = np.asarray(values, dtype=float)
    if digits is not None:
        out = np.round(out, digits)
    listed = out.tolist()
    for k in np.flatnonzero(~np.isfinite(out)).tolist():
        listed[k] = None
    return listed


def jsonable(value: Any) -> Any:
    """Plain JSON: numpy scalars to Python, NaN and infinity to None, dates to ISO text."""
    if isinstance(value, Plain):
        return value
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


def sv_date(value: Any) -> str:
    """A date the Swedish way in the active language: "3 juni 2025" (ISO text accepted)."""
    from django.utils.formats import date_format

    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return date_format(value, "j F Y")


def sv_month(value: Any) -> str:
    """The month of a date the Swedish way: "juni 2025"."""
    from django.utils.formats import date_format

    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return date_format(value, "F Y")


def num(value: Any, digits: int = 6) -> float | None:
    if value is None:
        return None
    number = float(value)
    return round(number, digits) if math.isfinite(number) else None


def named(series: pd.Series, missing: str) -> pd.Series:
    if not series.isna().any():
        return series
    return series.astype(object).where(series.notna(), missing)


def subset(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """The rows of mask, without a copy when that is every row."""
    return frame if mask.all() else frame[mask]
