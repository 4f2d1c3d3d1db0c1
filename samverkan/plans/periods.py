"""Follow-up periods: kvartal, tertial, halvår and år, as calendar-year slices.

A tertial is a third of a year (jan–apr, maj–aug, sep–dec), the rhythm of most Swedish
municipalities' ordinary follow-up and budget process.
"""

import datetime as dt

MONTHS_PER_PERIOD = {"kvartal": 3, "tertial": 4, "halvar": 6, "ar": 12}
LABEL_LETTER = {"kvartal": "K", "tertial": "T", "halvar": "H"}


def period_bounds(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the period of `kind` that contains `day`."""
    months = MONTHS_PER_PERIOD[kind]
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    last_month = first_month + months - 1
    if last_month == 12:
        end = dt.date(day.year, 12, 31)
    else:
        end = dt.date(day.year, last_month + 1, 1) - dt.timedelta(days=1)
    return start, end


def period_label(kind: str, start: dt.date) -> str:
    """ "2020 T2", "2021 K4", "2020 H1" or "2020"."""
    if kind == "ar":
        return str(start.year)
    index = (start.month - 1) // MONTHS_PER_PERIOD[kind] + 1
    return f"{start.year} {LABEL_LETTER[kind]}{index}"


def periods_between(kind: str, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Every period of `kind` that overlaps first..last, in order."""
    periods = []
    start, end = period_bounds(kind, first)
    while start <= last:
        periods.append((start, end))
        start, end = period_bounds(kind, end + dt.timedelta(days=1))
    return periods
