"""Swedish public holidays and their eves, and whether incidents cluster on them.

Input frame (for ``holiday_effect``): one row per incident with ``occurred_at``, a tz-aware
pandas datetime in any time zone; days are Europe/Stockholm local dates. Rows without a
time are left out. Optional columns (``category``, ``district``, ``place``,
``organisation``, ``source``) are ignored: filter the frame first.

Why eves: the seed notes that domestic violence peaks at "storhelger såsom påsk, jul, nyår"
and Swedes celebrate on the eve, not the holiday: julafton, midsommarafton, nyårsafton and
påskafton are the evenings of the year, yet none is an *allmän helgdag* in law (SFS
1989:253). We therefore list two kinds of days:

- ``helgdag``: the allmänna helgdagar, from the ``holidays`` package's Sweden calendar
  without its optional "every Sunday is a holiday" entries;
- ``afton``: trettondagsafton, skärtorsdagen, påskafton, valborgsmässoafton,
  midsommarafton, julafton, nyårsafton. Skärtorsdagen is no eve by name, but it starts the
  Easter weekend in the same way.

Easter and midsommar move, so every date is computed per year, never typed in.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import holidays
import numpy as np
import pandas as pd
from scipy import stats

from samverkan.analysis.counts import NO_EVENTS, local_time
from samverkan.analysis.messages import Message

HELGDAG = "helgdag"
AFTON = "afton"
OTHER = "övriga dagar"
POISSON_TEST_NAME = "villkorligt binomialtest för två Poissonintensiteter"
# Codes of HolidayEffect.explanation (lagesbild.text writes them as sentences).
HOLIDAY_EFFECT = "holiday_effect"
NO_HOLIDAYS_OR_OTHER_DAYS = "holiday_effect_no_comparison"


def _eves(public: dict[date, str], year: int) -> list[tuple[date, str]]:
    by_name = {name: day for day, name in public.items()}
    easter = by_name["Påskdagen"]
    midsommardagen = by_name["Midsommardagen"]
    return [
        (date(year, 1, 5), "Trettondagsafton"),
        (easter - timedelta(days=3), "Skärtorsdagen"),
        (easter - timedelta(days=1), "Påskafton"),
        (date(year, 4, 30), "Valborgsmässoafton"),
        (midsommardagen - timedelta(days=1), "Midsommarafton"),
        (date(year, 12, 24), "Julafton"),
        (date(year, 12, 31), "Nyårsafton"),
    ]


def holiday_calendar(years: Iterable[int]) -> pd.DataFrame:
    """Public holidays (kind ``helgdag``) and eves (``afton``) of the given years.

    Columns ``date`` (datetime64, midnight), ``name`` (Swedish), ``kind``; sorted by date.
    A date can appear twice if an eve falls on a holiday (valborgsmässoafton on Kristi
    himmelsfärdsdag happens when Easter is on 22 March: next in 2285).
    """
    rows: list[tuple[date, str, str]] = []
    for year in sorted(set(years)):
        public = holidays.Sweden(years=year, include_sundays=False, language="sv")
        rows += [(day, name, HELGDAG) for day, name in public.items()]
        rows += [(day, name, AFTON) for day, name in _eves(dict(public), year)]
    calendar = pd.DataFrame(rows, columns=["date", "name", "kind"])
    calendar["date"] = pd.to_datetime(calendar["date"]).astype("datetime64[ns]")
    return calendar.sort_values(["date", "kind"], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class HolidayEffect:
    """Events per day on holidays and eves against other days.

    ``table``: index ``kind`` (helgdag, afton, övriga dagar), columns ``days``, ``count``,
    ``rate_per_day``. A day that is both a holiday and an eve counts as helgdag; with
    ``window_days`` > 0 the days around them count with them (as helgdag if near one).
    ``rate_ratio`` is (helgdag + afton) per day divided by övriga dagar per day, with an
    exact 95 % interval and the p-value of the exact conditional test: given the total, the
    holiday share of events is binomial with the holiday share of days under equal rates.
    Values that cannot be computed (no events, no days of a kind) are None.
    """

    table: pd.DataFrame
    window_days: int
    start: date | None
    end: date | None
    rate_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    test: str
    explanation: Message | None


def _special_days(first: pd.Timestamp, last: pd.Timestamp, window_days: int) -> pd.Series:
    """Kind per day of [first, last]: helgdag, afton or övriga dagar."""
    days = pd.date_range(first, last, freq="D")
    calendar = holiday_calendar(range(first.year - 1, last.year + 2))
    kinds = pd.Series(OTHER, index=days, dtype=object)
    # Eves first, holidays after, so a day near (or on) both becomes a helgdag.
    for kind in (AFTON, HELGDAG):
        marked = calendar.loc[calendar["kind"] == kind, "date"].to_numpy()
        near = np.concatenate([marked + np.timedelta64(k, "D") for k in _offsets(window_days)])
        kinds[days.isin(near)] = kind
    return kinds


def _offsets(window_days: int) -> range:
    return range(-window_days, window_days + 1)


def holiday_effect(
    frame: pd.DataFrame,
    window_days: int = 0,
    *,
    start: date | None = None,
    end: date | None = None,
) -> HolidayEffect:
    """Are there more events per day on public holidays and their eves? Needs: occurred_at.

    The period runs from ``start`` to ``end`` inclusive (local dates), by default from the
    first to the last event's date; events outside it are left out. ``window_days`` = 1 also
    counts the day before and after each holiday and eve.

    Holidays cluster around weekends (midsommar is always a weekend; Easter spans one), so
    a raised rate may partly be a weekend effect; compare with ``window_share`` for nights.
    """
    if window_days < 0:
        raise ValueError("window_days must be 0 or more")
    local = local_time(frame)
    dates = local.dt.normalize()
    first = pd.Timestamp(start) if start else (dates.min() if len(dates) else None)
    last = pd.Timestamp(end) if end else (dates.max() if len(dates) else None)
    index = pd.Index([HELGDAG, AFTON, OTHER], name="kind")
    if first is None or last is None or first > last:
        table = pd.DataFrame({"days": 0, "count": 0, "rate_per_day": None}, index=index)
        return HolidayEffect(
            table, window_days, None, None, None, None, None, None, POISSON_TEST_NAME, NO_EVENTS
        )

    kinds = _special_days(first, last, window_days)
    dates = dates[(dates >= first) & (dates <= last)]
    event_kinds = kinds.reindex(dates.to_numpy()).to_numpy()
    count = pd.Series(event_kinds).value_counts().reindex(index, fill_value=0).astype("int64")
    days = kinds.value_counts().reindex(index, fill_value=0).astype("int64")
    rate = [float(c) / d if d else None for c, d in zip(count, days, strict=True)]
    table = pd.DataFrame({"days": days, "count": count, "rate_per_day": rate}, index=index)

    special_count = int(count[HELGDAG] + count[AFTON])
    special_days = int(days[HELGDAG] + days[AFTON])
    other_count, other_days = int(count[OTHER]), int(days[OTHER])
    total = special_count + other_count

    base = HolidayEffect(
        table, window_days, first.date(), last.date(), None, None, None, None,
        POISSON_TEST_NAME, None,
    )  # fmt: skip
    if total == 0:
        return replace(base, explanation=NO_EVENTS)
    if special_days == 0 or other_days == 0:
        return replace(base, explanation=Message(NO_HOLIDAYS_OR_OTHER_DAYS))

    exposure_share = special_days / (special_days + other_days)
    test = stats.binomtest(special_count, total, exposure_share)
    p = float(test.pvalue)
    # Rate ratio and its exact interval, from the interval of the binomial share π:
    # ratio = π/(1−π) · other_days/special_days.
    odds_to_ratio = other_days / special_days
    ci = test.proportion_ci(confidence_level=0.95, method="exact")
    low = ci.low / (1 - ci.low) * odds_to_ratio
    high = ci.high / (1 - ci.high) * odds_to_ratio if ci.high < 1 else None
    ratio = special_count / other_count * odds_to_ratio if other_count else None

    explanation = Message(
        HOLIDAY_EFFECT,
        {
            "special_rate": special_count / special_days,
            "other_rate": other_count / other_days,
            "p_value": p,
            "test": POISSON_TEST_NAME,
        },
    )
    return replace(
        base,
        rate_ratio=ratio,
        ci_low=float(low),
        ci_high=None if high is None else float(high),
        p_value=p,
        explanation=explanation,
    )
