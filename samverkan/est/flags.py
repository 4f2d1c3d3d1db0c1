"""The weekly picture's increase flags: the counts they need, in two queries, and their words.

``analysis.surveillance.weekly_flags`` decides (docs/est.md, docs/statistics-weekly.md). It
needs, per district × category cell: this week's count, the previous weeks' counts and, for
each earlier year with data, the same weeks ± ``WINDOW`` of that year. All of it comes from
one aggregate (when the agreement's reports begin, so that a year before the first report
is not read as a year of zeros) and one grouped query (counts per cell per week over the
recent weeks and the window of each year with data): two queries whatever the data.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, IntegerField, Min, Q, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samverkan.analysis import surveillance
from samverkan.analysis.formatting import format_decimal
from samverkan.analysis.messages import Message

WINDOW = surveillance.WINDOW
MAX_YEARS = surveillance.MAX_YEARS
WEEKS_PER_YEAR = surveillance.WEEKS_PER_YEAR


def history_offsets(baseline_weeks: int, years: int = MAX_YEARS) -> list[list[int]]:
    """The week offsets (relative to the week, 0) fetched, as contiguous blocks: the recent
    weeks and the week itself, then the window of each earlier year with data, newest
    first."""
    blocks = [list(range(-baseline_weeks, 1))]
    for year in range(1, years + 1):
        centre = -WEEKS_PER_YEAR * year
        blocks.append(list(range(centre - WINDOW, centre + WINDOW + 1)))
    return blocks


def grouped_counts(
    shown: QuerySet,
    iso_year: int,
    iso_week: int,
    baseline_weeks: int,
    week_start,
    shift_week,
    monday_of,
    *,
    days: int | None = None,
    until: dt.time | None = None,
) -> tuple[dict[tuple[int | None, int], dict[int, int]], int]:
    """Counts per (district, category) per week offset, and how many earlier years have
    data. Two queries: when the reports begin, then the counts of the weeks needed (only the
    windows of years with data, so a young installation pays nothing for the history).

    ``days`` (1–7, the week in progress): only the first ``days`` days of every week count,
    from Monday 00:00 local time: in the week itself to the end of the last day (so that every
    report filed so far counts), in the recent weeks to the last day at ``until`` (the present
    time of day; the end of the day when None). The earlier years are not read (one query)."""
    if days is None:
        first = shown.aggregate(first=Min("occurred_from"))["first"]
        years = history_years(
            monday_of(first) if first is not None else None,
            iso_year,
            iso_week,
            week_start,
            shift_week,
        )
    else:
        years = 0
    blocks = history_offsets(baseline_weeks, years)
    offsets = sorted({o for block in blocks for o in block}, reverse=True)

    def start(offset: int) -> dt.datetime:
        return week_start(*shift_week(iso_year, iso_week, offset))

    ranges = Q()
    if days is None:
        for block in blocks:
            ranges |= Q(occurred_from__gte=start(block[0]), occurred_from__lt=start(block[-1] + 1))
    else:
        for offset in offsets:
            monday = start(offset)
            if until is None or offset == 0:
                cut = dt.datetime.combine(
                    monday.date() + dt.timedelta(days=days), dt.time(), tzinfo=monday.tzinfo
                )
            else:
                cut = dt.datetime.combine(
                    monday.date() + dt.timedelta(days=days - 1), until, tzinfo=monday.tzinfo
                )
            ranges |= Q(occurred_from__gte=monday, occurred_from__lt=cut)
    # Rows lie inside the ranges, so the latest week start not after a row's time is its
    # week: one comparison per branch, newest first.
    bucket = Case(
        *[When(occurred_from__gte=start(o), then=Value(o)) for o in offsets],
        output_field=IntegerField(),
    )
    rows = (
        shown.filter(ranges)
        .annotate(bucket=bucket)
        .values("district_id", "category_id", "bucket")
        .annotate(n=Count("*"))
        .order_by()
    )
    series: dict[tuple[int | None, int], dict[int, int]] = {}
    for row in rows:
        cell = series.setdefault((row["district_id"], row["category_id"]), {})
        cell[row["bucket"]] = cell.get(row["bucket"], 0) + row["n"]
    return series, years


def history_years(first: dt.datetime | None, iso_year: int, iso_week: int, week_start, shift):
    """How many earlier years have data throughout their window (0 … MAX_YEARS): the window
    must not begin before ``first``, the Monday of the first report's week."""
    if first is None:
        return 0
    years = 0
    for year in range(1, MAX_YEARS + 1):
        if week_start(*shift(iso_year, iso_week, -WEEKS_PER_YEAR * year - WINDOW)) < first:
            break
        years = year
    return years


def week_series(counts: dict[int, int], baseline_weeks: int, years: int) -> surveillance.WeekSeries:
    recent = [counts.get(o, 0) for o in range(-baseline_weeks, 0)]
    history = [
        [counts.get(-WEEKS_PER_YEAR * y + d, 0) for d in range(-WINDOW, WINDOW + 1)]
        for y in range(1, years + 1)
    ]
    return surveillance.WeekSeries(counts.get(0, 0), recent, history)


# --- Words ---------------------------------------------------------------------------------------


def _num(value: float) -> str:
    return format_decimal(value, 1 if value >= 1 else 2)


def method_description(flags: surveillance.WeekFlags, baseline_weeks: int) -> str:
    """Which test decided, for the page and the snapshot."""
    common = {
        "alpha": format_decimal(100 * flags.alpha, 3),
        "min": surveillance.MIN_COUNT,
        "recent": surveillance.MIN_RECENT,
        "span": surveillance.RECENT_SPAN,
    }
    if flags.years:
        text = _(
            "ökning markerad: jämfört med samma veckor (±%(w)d) de %(years)d föregående åren "
            "(Farrington–Noufaily: kvasi-Poisson-anpassning, negativ binomial övre gräns)"
        ) % {"w": WINDOW, "years": flags.years}
        if flags.n_recent:
            text += ", " + ngettext(
                "%(n)d cell utan historik jämförd med de %(weeks)d föregående veckorna",
                "%(n)d celler utan historik jämförda med de %(weeks)d föregående veckorna",
                flags.n_recent,
            ) % {"n": flags.n_recent, "weeks": baseline_weeks}
    else:
        text = _(
            "ökning markerad: reservmetod, jämfört med de %(weeks)d föregående veckorna med "
            "hänsyn till överspridning (negativ binomial); tidigare år saknas, så säsongen "
            "är inte med"
        ) % {"weeks": baseline_weeks}
    return (
        text
        + "; "
        + _(
            "nivå %(alpha)s %% per cell, minst %(min)d rapporter i veckan och minst %(recent)d "
            "under de senaste %(span)d veckorna"
        )
        % common
    )


def weekday_names() -> list[str]:
    return [_("mån"), _("tis"), _("ons"), _("tors"), _("fre"), _("lör"), _("sön")]


def days_label(days: int) -> str:
    """The days of a week counted so far: "mån", "mån–ons", "mån–sön"."""
    names = weekday_names()
    return names[0] if days <= 1 else f"{names[0]}–{names[min(days, 7) - 1]}"


def comparison_sentence(days: int) -> str:
    if days <= 1:
        return _("jämfört med samma dag (%(days)s) tidigare veckor") % {"days": days_label(1)}
    return _("jämfört med samma dagar (%(days)s) tidigare veckor") % {"days": days_label(days)}


def in_progress_description(comparison: str, baseline_weeks: int) -> str:
    """What the week in progress is compared with, for the page and the snapshot."""
    return _(
        "veckan pågår: antalen hittills %(comparison)s (de %(weeks)d föregående veckorna); "
        "ökningar markeras först när veckan är slut"
    ) % {"comparison": comparison, "weeks": baseline_weeks}


def false_flags_sentence(flags: surveillance.WeekFlags) -> str:
    return _(
        "Väntat antal falsklarm: %(e)s per år, om ingenting ändrats och varje vecka såg ut "
        "som denna."
    ) % {"e": format_decimal(flags.expected_false_per_year, 1)}


def cell_sentence(message: Message) -> str:
    """Why a cell is, or is not, flagged."""
    v = message.values
    code = message.code
    if code == surveillance.NEW_LARGE_CELL:
        return _(
            "Ny och stor: %(count)d rapporter, inga under %(weeks)d jämförelseveckor "
            "(regel: minst %(limit)d)."
        ) % {"count": v["count"], "weeks": v["weeks"], "limit": v["new_large"]}
    if code == surveillance.NO_BASELINE:
        return _(
            "Ny: inga rapporter under %(weeks)d jämförelseveckor; markeras från %(limit)d "
            "rapporter."
        ) % {"weeks": v["weeks"], "limit": v["new_large"]}
    values = {
        "count": v["count"],
        "expected": _num(v["expected"]),
        "threshold": v["threshold"],
        "min": v["min_count"],
        "recent": v["min_recent"],
        "four": v["last_four"],
    }
    if code == surveillance.ABOVE_THRESHOLD:
        return _("Ökning: %(count)d mot väntat %(expected)s (gräns %(threshold)d).") % values
    if code == surveillance.BELOW_MIN_COUNT:
        return _("För få rapporter för en markering (%(count)d; minst %(min)d krävs).") % values
    if code == surveillance.BELOW_MIN_RECENT:
        return (
            _(
                "Över gränsen %(threshold)d men bara %(four)d rapporter de senaste fyra "
                "veckorna (minst %(recent)d krävs): ingen markering."
            )
            % values
        )
    return _("Inom det väntade (väntat %(expected)s, gräns %(threshold)d).") % values
