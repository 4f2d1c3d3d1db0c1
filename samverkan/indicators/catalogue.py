"""What indicator data is held: the data catalogue (which base data the lägesbild uses, what
is held and when the next figures are due), the API's observation filters, and the population
figures the lägesbild divides by.

The readers take querysets already scoped by `samverkan.indicators.access`.
"""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from samverkan.core.limits import is_db_int
from samverkan.imports.models import ImportRun
from samverkan.indicators.models import (
    BREAKDOWN_GRADE,
    BREAKDOWN_HOUSING,
    BREAKDOWN_SEX,
    Indicator,
    Observation,
    Source,
)

IMPORT_KIND = "indicators"

# How far one period reaches, in months, per cadence; irregular has no due date.
CADENCE_MONTHS = {
    Indicator.Cadence.YEARLY: 12,
    Indicator.Cadence.HALF_YEARLY: 6,
    Indicator.Cadence.QUARTERLY: 3,
    Indicator.Cadence.MONTHLY: 1,
}


# --- The data catalogue (Delmål 1) -------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30]
    days += [31, 31, 30, 31, 30, 31]
    return dt.date(year, month, min(day.day, days[month - 1]))


def next_update_due(
    *, cadence: str, release_month: int | None, latest_end: dt.date | None
) -> dt.date | None:
    """The first day of the month the next period's figures are expected.

    The next period ends one cadence step after the latest one held; its figures come in
    the release month that follows that end (2023 → March 2024 for release month 3;
    school year 2018/2019 → October 2020 for the school year 2019/2020 and month 10).
    Without a release month, the month after the next period ends. None for an irregular
    indicator or one without data.
    """
    months = CADENCE_MONTHS.get(cadence)
    if months is None or latest_end is None:
        return None
    next_end = _add_months(latest_end, months)
    if release_month is None:
        return _add_months(dt.date(next_end.year, next_end.month, 1), 1)
    year = next_end.year if next_end.month < release_month else next_end.year + 1
    return dt.date(year, release_month, 1)


def is_overdue(next_due: dt.date | None, today: dt.date) -> bool:
    """Overdue once the whole expected month has passed without the figures."""
    return next_due is not None and today >= _add_months(next_due, 1)


@dataclass
class CatalogueEntry:
    indicator: Indicator
    observations: int
    latest_end: dt.date | None
    latest_label: str
    next_due: dt.date | None
    overdue: bool

    @property
    def missing(self) -> bool:
        return self.observations == 0

    @property
    def can_fetch(self) -> bool:
        """An API source is fetched; a file or document source is uploaded."""
        return self.indicator.source.kind == Source.Kind.API


@dataclass
class CatalogueGroup:
    code: str
    title: str
    entries: list[CatalogueEntry] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(e.overdue for e in self.entries)


def focus_area_title(code: str) -> str:
    choices = dict(Indicator.FocusArea.choices)
    return str(choices[code]) if code in choices else _("Övriga underlag")


def catalogue(
    indicators: QuerySet[Indicator],
    *,
    today: dt.date,
    focus_area: str | None = None,
    code: str | None = None,
) -> list[CatalogueGroup]:
    """Which base data the lägesbild uses, per focus area, with what is held and what is due,
    of the user's indicators (`indicator_list_for_user`).

    Two queries whatever the number of indicators.
    """
    latest = Observation.objects.filter(indicator=OuterRef("pk")).order_by("-period_end", "-pk")
    indicators = (
        indicators.filter(active=True)
        .annotate(
            n_observations=Count("observations"),
            latest_end=Max("observations__period_end"),
            latest_label=Subquery(latest.values("period_label")[:1]),
        )
        .order_by("focus_area", "name")
    )
    if focus_area is not None:
        indicators = indicators.filter(focus_area=focus_area)
    if code is not None:
        indicators = indicators.filter(code=code)
    groups: dict[str, CatalogueGroup] = {}
    for indicator in indicators:
        code = indicator.focus_area or ""
        group = groups.setdefault(code, CatalogueGroup(code=code, title=focus_area_title(code)))
        due = next_update_due(
            cadence=indicator.cadence,
            release_month=indicator.release_month,
            latest_end=indicator.latest_end,
        )
        group.entries.append(
            CatalogueEntry(
                indicator=indicator,
                observations=indicator.n_observations,
                latest_end=indicator.latest_end,
                latest_label=indicator.latest_label or "",
                next_due=due,
                overdue=is_overdue(due, today),
            )
        )
    # The plan's focus areas first, in their order; then everything else.
    return sorted(groups.values(), key=lambda g: (g.code == "", g.code))


def import_runs(limit: int = 20) -> QuerySet[ImportRun]:
    """The latest indicator imports and fetches (scheduled or started by hand)."""
    return (
        ImportRun.objects.filter(kind=IMPORT_KIND)
        .select_related("user")
        .annotate(n_problems=Count("problems"))
        .order_by("-started_at", "-pk")[:limit]
    )


# --- Observation filters (API) -------------------------------------------------------------

# Swedish names accepted for the well-known breakdown keys: breakdown=kon:K.
BREAKDOWN_ALIASES = {
    "kon": BREAKDOWN_SEX,
    "arskurs": BREAKDOWN_GRADE,
    "alder": "age",
    "aldersgrupp": "age",
    "boendeform": BREAKDOWN_HOUSING,
}


def _period_bound(raw: str, field: str, *, end: bool) -> dt.date:
    """ "2019" → 2019-01-01 (from) or 2019-12-31 (to); "2019-06-30" → that day."""
    raw = raw.strip()
    try:
        if len(raw) == 4 and raw.isdigit():
            return dt.date(int(raw), 12, 31) if end else dt.date(int(raw), 1, 1)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            {
                field: _("”%(value)s” är varken ett år (2019) eller ett datum (2019-06-30).")
                % {"value": raw}
            }
        ) from None


def parse_breakdown_filter(raw: str) -> tuple[str, str]:
    """ "kon:K" or "sex=K" → ("sex", "K")."""
    separator = ":" if ":" in raw else "="
    key, found, value = raw.partition(separator)
    key, value = key.strip().lower(), value.strip()
    if not found or not re.fullmatch(r"[a-z0-9_]+", key) or not value:
        raise ValidationError(
            {
                "breakdown": _("”%(value)s” är ingen uppdelning; skriv nyckel:värde, t.ex. kon:K.")
                % {"value": raw}
            }
        )
    key = BREAKDOWN_ALIASES.get(key, key)
    return key, value.upper() if key == BREAKDOWN_SEX else value


def observation_filter(
    queryset: QuerySet[Observation],
    *,
    indicator: str | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
    geo_level: str | None = None,
    geo_code: str | None = None,
    district: str | None = None,
    breakdown: list[str] | None = None,
) -> QuerySet[Observation]:
    """The API's observation filters. A period filter keeps observations that overlap it.
    Each `breakdown` pair must hold; "kon:T" (totalt) is an observation without a sex."""
    if indicator:
        queryset = queryset.filter(indicator__code=indicator)
    if period_from:
        queryset = queryset.filter(
            period_end__gte=_period_bound(period_from, "period_from", end=False)
        )
    if period_to:
        queryset = queryset.filter(
            period_start__lte=_period_bound(period_to, "period_to", end=True)
        )
    if geo_level:
        if geo_level not in Observation.GeoLevel.values:
            raise ValidationError(
                {
                    "geo_level": _("Okänd geografisk nivå ”%(value)s”; välj bland %(choices)s.")
                    % {"value": geo_level, "choices": ", ".join(Observation.GeoLevel.values)}
                }
            )
        queryset = queryset.filter(geo_level=geo_level)
    if geo_code:
        queryset = queryset.filter(geo_code=geo_code)
    if district:
        lookup = (
            {"district_id": int(district)} if is_db_int(district) else {"district__slug": district}
        )
        queryset = queryset.filter(**lookup)
    for raw in breakdown or []:
        key, value = parse_breakdown_filter(raw)
        pair = f"{key}={value}"
        if key == BREAKDOWN_SEX and value == "T":
            queryset = queryset.exclude(
                Q(breakdown_key__startswith=f"{key}=") | Q(breakdown_key__contains=f";{key}=")
            )
            continue
        # On the canonical key string ("grade=ak7;sex=K"): the same SQL on SQLite and PostgreSQL.
        queryset = queryset.filter(
            Q(breakdown_key=pair)
            | Q(breakdown_key__startswith=f"{pair};")
            | Q(breakdown_key__endswith=f";{pair}")
            | Q(breakdown_key__contains=f";{pair};")
        )
    return queryset


# --- Population for rates per 100 000 (read by the lägesbild) -------------------------------

# Which breakdown of the population to sum, best first: a held total, then SCB's sex × age
# cells, then age or sex alone. Only one shape is summed, so nothing is counted twice.
POPULATION_SHAPES = (frozenset(), frozenset({"sex", "age"}), frozenset({"age"}), frozenset({"sex"}))


@dataclass
class PopulationFigures:
    """Inhabitants per (geography code, year) of the indicator ``folkmangd``, the districts'
    ids where an observation is linked to one, and the source's name."""

    totals: dict[tuple[str, int], int]
    district_ids: dict[str, int]
    source: str


def population_figures(geo_level: str, geo_codes=None) -> PopulationFigures:
    """The held population of each geography (``kommun`` codes, or ``omrade`` codes such as
    ``2580:centrum``; None: every one of that level) and calendar year, summed over one
    breakdown shape. One query.

    Population is public statistics (see `samverkan.indicators.access`), so no user is
    needed."""
    from samverkan.indicators.importers.scb import POPULATION_CODE

    sums: dict[tuple[str, int], dict[frozenset, Decimal]] = defaultdict(dict)
    district_ids: dict[str, int] = {}
    source = ""
    observations = Observation.objects.filter(indicator__code=POPULATION_CODE, geo_level=geo_level)
    if geo_codes is not None:
        observations = observations.filter(geo_code__in=list(geo_codes))
    rows = observations.order_by().values_list(
        "geo_code", "period_label", "breakdown", "value", "district_id", "indicator__source__name"
    )
    for code, label, breakdown, value, district_id, source_name in rows:
        label = str(label).strip()
        if not label.isdigit():
            continue  # only yearly figures (31 December)
        shape = frozenset(breakdown or {})
        cell = sums[(code, int(label))]
        cell[shape] = cell.get(shape, Decimal(0)) + value
        if district_id:
            district_ids[code] = district_id
        source = source or source_name
    totals = {}
    for key, by_shape in sums.items():
        shape = next((s for s in POPULATION_SHAPES if s in by_shape), None)
        if shape is not None:
            totals[key] = int(by_shape[shape].to_integral_value())
    return PopulationFigures(totals=totals, district_ids=district_ids, source=source)
