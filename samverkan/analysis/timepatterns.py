"""When incidents happen: weekday × hour, the share in a time window, seasonality.

Input frame: one row per incident with ``occurred_at``, a tz-aware pandas datetime in any
time zone. Everything is read on the Europe/Stockholm wall clock, which is what the seed's
"kl 23.00–03.00" means. Rows without a time are left out. Optional columns (``category``,
``district``, ``place``, ``organisation``, ``source``) are ignored: filter the frame first.

Daylight saving time: the wall clock skips 02:00–02:59 on the last Sunday of March and
shows it twice on the last Sunday of October. Events are counted by the hour the clock
showed, so the October hour 02 can hold two real hours of events and the March hour 02
none; a window such as 23–03 is three real hours long on the March night and five in
October. That is how people report times, so we keep it and say so here rather than
rescale.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from scipy import stats

from samverkan.analysis.counts import NO_EVENTS, local_time
from samverkan.analysis.messages import Message

WEEKDAYS_SV = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
MONTHS_SV = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip
CHI_SQUARE_NAME = "χ²-test för god anpassning"
# Codes of the findings (lagesbild.text writes them as sentences) and of the test's units.
WINDOW_SHARE = "window_share"
FIT = "goodness_of_fit"
FIT_ONE_CLASS = "goodness_of_fit_one_class"
SEASONALITY = "seasonality"
MONTH = "month"
WEEK = "week"
MIN_EXPECTED = 5  # Cochran's rule: below five expected events per class χ² is unreliable.


# --- weekday × hour ---------------------------------------------------------------------


@dataclass(frozen=True)
class WeekdayHour:
    """``matrix``: counts, index ``weekday`` 1–7 (ISO, Monday = 1), columns ``hour`` 0–23."""

    matrix: pd.DataFrame
    total: int
    explanation: Message | None


def _weekday_hour_codes(local: pd.Series) -> np.ndarray:
    """0..167: (ISO weekday − 1) × 24 + hour, per event."""
    return local.dt.day_of_week.to_numpy() * 24 + local.dt.hour.to_numpy()


def weekday_hour(frame: pd.DataFrame) -> WeekdayHour:
    """Counts per ISO weekday (rows 1–7) and local hour (columns 0–23). Needs: occurred_at."""
    local = local_time(frame)
    cells = np.bincount(_weekday_hour_codes(local).astype(np.int64), minlength=168)
    matrix = pd.DataFrame(
        cells.reshape(7, 24),
        index=pd.RangeIndex(1, 8, name="weekday"),
        columns=pd.RangeIndex(0, 24, name="hour"),
    )
    return WeekdayHour(matrix, len(local), NO_EVENTS if len(local) == 0 else None)


# --- time windows -----------------------------------------------------------------------


@dataclass(frozen=True)
class TimeWindow:
    """Whole hours on given days, e.g. "fredag och lördag 23–03".

    ``days`` are ISO weekdays (1 = måndag … 7 = söndag) on which the window *starts*.
    The window runs from ``start_hour``:00 up to, not including, ``end_hour``:00. When
    ``end_hour`` is not after ``start_hour`` it ends the next day, and the small hours belong
    to the evening before: with days {5} and 23–03, Saturday 01:00 is "fredag natt", and an
    event at 03:00 sharp is outside. ``end_hour == start_hour`` means a full 24 hours.
    """

    days: frozenset[int]
    start_hour: int
    end_hour: int
    name: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "days", frozenset(self.days))
        if not self.days <= set(range(1, 8)):
            raise ValueError("days are ISO weekdays 1–7")
        if not (0 <= self.start_hour <= 23 and 0 <= self.end_hour <= 24):
            raise ValueError("start_hour is 0–23 and end_hour 0–24")

    @property
    def hours(self) -> int:
        """Length in wall-clock hours, per day."""
        return (self.end_hour - self.start_hour - 1) % 24 + 1

    def mask(self) -> np.ndarray:
        """7×24 booleans, [ISO weekday − 1, hour], true where the window covers the clock."""
        cells = np.zeros((7, 24), dtype=bool)
        for day in self.days:
            offsets = (day - 1) * 24 + self.start_hour + np.arange(self.hours)
            cells.flat[offsets % 168] = True
        return cells

    def label(self) -> str:
        days = " ".join(WEEKDAYS_SV[d - 1] for d in sorted(self.days))
        return self.name or f"{days} {self.start_hour:02d}–{self.end_hour % 24:02d}"


def helgnatter(*, include_sunday: bool = False) -> TimeWindow:
    """ "Helgnätter" as the seed counts violence in public places: the nights after fredag
    and lördag, 23.00–03.00 (so Friday 23:00 to Saturday 02:59 and Saturday 23:00 to Sunday
    02:59). ``include_sunday`` adds the night after söndag, up to Monday 03:00."""
    days = {5, 6, 7} if include_sunday else {5, 6}
    name = "helgnätter (fre–sön 23–03)" if include_sunday else "helgnätter (fre–lör 23–03)"
    return TimeWindow(frozenset(days), 23, 3, name=name)


@dataclass(frozen=True)
class WindowShare:
    """Share of events in a window, with a 95 % Wilson interval.

    ``expected_share`` is the window's part of the week's 168 clock hours: the share if
    events were spread evenly over the week; ``p_value`` tests the share against it
    (exact binomial test). Share, interval and p are None when there are no events.
    """

    window: TimeWindow
    count: int
    total: int
    share: float | None
    ci_low: float | None
    ci_high: float | None
    expected_share: float
    p_value: float | None
    explanation: Message


def wilson_interval(count: int, total: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion: good also near 0 and 1 and for
    small totals, where the usual p ± 1.96·se leaves [0, 1] or covers too little."""
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    p = count / total
    denominator = 1 + z**2 / total
    centre = (p + z**2 / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z**2 / (4 * total**2)) / denominator
    return max(0.0, float(centre - half)), min(1.0, float(centre + half))


def window_share(frame: pd.DataFrame, window: TimeWindow) -> WindowShare:
    """How many of the events fall in ``window`` (local wall clock). Needs: occurred_at."""
    local = local_time(frame)
    inside = window.mask().ravel()[_weekday_hour_codes(local).astype(np.int64)]
    return window_share_from_counts(window, int(inside.sum()), len(local))


def window_share_from_counts(window: TimeWindow, count: int, total: int) -> WindowShare:
    """The share, its interval, test and finding from counts already taken (so that a caller
    who counts many groups in one pass over the rows gets the same result as `window_share`)."""
    expected = window.hours * len(window.days) / 168
    if total == 0:
        return WindowShare(window, 0, 0, None, None, None, expected, None, NO_EVENTS)
    low, high = wilson_interval(count, total)
    share = count / total
    p_value = float(stats.binomtest(count, total, expected).pvalue) if 0 < expected < 1 else None
    explanation = Message(
        WINDOW_SHARE,
        {
            "share": share,
            "count": count,
            "total": total,
            "window": window.label(),
            "ci_low": low,
            "ci_high": high,
            "expected": expected,
            "p_value": p_value,
        },
    )
    return WindowShare(window, count, total, share, low, high, expected, p_value, explanation)


# --- seasonality ------------------------------------------------------------------------


@dataclass(frozen=True)
class GoodnessOfFit:
    """χ² goodness of fit of observed against expected counts; None when not computable."""

    statistic: float | None
    p_value: float | None
    dof: int
    test: str
    explanation: Message


@dataclass(frozen=True)
class Seasonality:
    """Counts pooled over the years in the period.

    ``by_month``: index ``month`` 1–12, columns ``name`` (januari…), ``days`` (days of the
    period in that month), ``count`` and ``expected`` (total × days / all days: the counts
    if every day were alike). ``by_week``: the same for ISO week numbers 1–53.
    """

    by_month: pd.DataFrame
    by_week: pd.DataFrame
    month_test: GoodnessOfFit
    week_test: GoodnessOfFit
    start: date | None
    end: date | None
    total: int
    explanation: Message  # NO_EVENTS, or SEASONALITY with the month test's finding


def _goodness_of_fit(table: pd.DataFrame, what: str) -> GoodnessOfFit:
    used = table[table["days"] > 0]
    total = int(used["count"].sum())
    dof = max(len(used) - 1, 0)
    if total == 0:
        return GoodnessOfFit(None, None, dof, CHI_SQUARE_NAME, NO_EVENTS)
    if len(used) < 2:
        return GoodnessOfFit(
            None, None, dof, CHI_SQUARE_NAME, Message(FIT_ONE_CLASS, {"unit": what})
        )
    result = stats.chisquare(used["count"], used["expected"])
    statistic, p = float(result.statistic), float(result.pvalue)
    explanation = Message(
        FIT,
        {
            "unit": what,
            "p_value": p,
            "test": CHI_SQUARE_NAME,
            "uneven": p < 0.05,
            # Below MIN_EXPECTED expected events in some class the test is uncertain.
            "few_expected": MIN_EXPECTED if used["expected"].min() < MIN_EXPECTED else None,
        },
    )
    return GoodnessOfFit(statistic, p, dof, CHI_SQUARE_NAME, explanation)


def _pooled(keys: np.ndarray, day_keys: np.ndarray, levels: Iterable[int], name: str):
    levels = list(levels)
    index = pd.Index(levels, name=name)
    observed = pd.Series(keys).value_counts().reindex(index, fill_value=0)
    days = pd.Series(day_keys).value_counts().reindex(index, fill_value=0)
    total = int(observed.sum())
    table = pd.DataFrame({"days": days.astype("int64"), "count": observed.astype("int64")})
    table["expected"] = total * table["days"] / max(int(days.sum()), 1)
    return table


def seasonality(
    frame: pd.DataFrame, *, start: date | None = None, end: date | None = None
) -> Seasonality:
    """Counts per month of the year and per ISO week number against a uniform spread over
    the days of the period, with a χ² goodness-of-fit test for each. Needs: occurred_at.

    The period runs from ``start`` to ``end`` inclusive (local dates), by default from the
    first to the last event; events outside it are left out. A month with more days in the
    period expects more events: January 2024 twice over a two-year period expects twice as
    much as a June that appears once.
    """
    local = local_time(frame)
    dates = local.dt.normalize()
    first = pd.Timestamp(start) if start else (dates.min() if len(dates) else None)
    last = pd.Timestamp(end) if end else (dates.max() if len(dates) else None)
    if first is not None and last is not None:
        keep = (dates >= first) & (dates <= last)
        local, dates = local[keep], dates[keep]
        calendar = pd.date_range(first, last, freq="D")
    else:
        calendar = pd.DatetimeIndex([])

    by_month = _pooled(local.dt.month.to_numpy(), calendar.month.to_numpy(), range(1, 13), "month")
    by_month.insert(0, "name", MONTHS_SV)
    event_weeks = local.dt.isocalendar()["week"].to_numpy() if len(local) else np.array([])
    calendar_weeks = calendar.isocalendar()["week"].to_numpy()
    by_week = _pooled(event_weeks, calendar_weeks, range(1, 54), "week")

    month_test = _goodness_of_fit(by_month, MONTH)
    week_test = _goodness_of_fit(by_week, WEEK)
    total = len(local)
    explanation = (
        NO_EVENTS if total == 0 else Message(SEASONALITY, {"months": month_test.explanation})
    )
    return Seasonality(
        by_month,
        by_week,
        month_test,
        week_test,
        first.date() if first is not None else None,
        last.date() if last is not None else None,
        total,
        explanation,
    )
