"""The indicator pages: one indicator, a focus area, the goals' progress and the indicators
beside the lägesbild's yearly counts, with the Swedish labels of values, geographies and
breakdowns they share.

The readers take querysets or objects already scoped by `samverkan.indicators.access`.
"""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from samverkan.analysis.formatting import format_decimal
from samverkan.indicators.catalogue import focus_area_title
from samverkan.indicators.comparisons import missing_geographies, observation_interval
from samverkan.indicators.goal_links import GoalIndicator
from samverkan.indicators.models import (
    BREAKDOWN_GRADE,
    BREAKDOWN_HOUSING,
    BREAKDOWN_LABELS,
    BREAKDOWN_SEX,
    HOUSING_LABELS,
    SEX_LABELS,
    Indicator,
    Observation,
)
from samverkan.indicators.seed_figures import seed_figures

# The note the plan's figures carry: Planen: ”drygt 60 %” (avsnitt 6.1).
QUOTED_IN_NOTE = re.compile(r"Planen: ”([^”]*)”")

GRADE_LABELS = {
    "fk": "förskoleklass",
    "ak4": "åk 4",
    "ak7": "åk 7",
    "ak8": "åk 8",
    "ak9": "åk 9",
    "gy1": "gymnasiet år 1",
    "gy2": "gymnasiet år 2",
}
BOUND_LABELS = {"nedre": "lägst", "ovre": "högst"}
GEO_LABELS = {("land", "SE"): "Riket", ("lan", "25"): "Norrbottens län"}
MUNICIPALITY_NAMES = {"2580": "Luleå", "2582": "Boden"}

# --- Formatting ----------------------------------------------------------------------------


def format_value(value: Decimal | float | None, unit: str = "") -> str:
    """A value as Swedish text, as many decimals as it has (at most two): 10.6 → "10,6 %",
    21 → "21 %", 1234 → "1 234"."""
    if value is None:
        return "–"
    value = Decimal(str(value)).quantize(Decimal("0.01")).normalize()
    decimals = max(0, -value.as_tuple().exponent)
    text = format_decimal(float(value), decimals)
    return f"{text} %" if unit == Indicator.Unit.PERCENT else text


def geography_label(level: str, code: str) -> str:
    if (level, code) in GEO_LABELS:
        return GEO_LABELS[(level, code)]
    if level == Observation.GeoLevel.MUNICIPALITY:
        return MUNICIPALITY_NAMES.get(code, code)
    if level == Observation.GeoLevel.DISTRICT:
        return code.split(":", 1)[-1].replace("-", " ").capitalize()
    return code


def observation_geography(o: Observation) -> str:
    """The district's own name when the observation is linked to one, else from the code."""
    if o.district_id and o.district is not None:
        return o.district.name
    return geography_label(o.geo_level, o.geo_code)


def breakdown_value_label(key: str, value: str, breakdown: dict) -> str:
    if key == BREAKDOWN_SEX:
        if BREAKDOWN_GRADE in breakdown:  # pupils: girls and boys
            return {"K": _("Flickor"), "M": _("Pojkar")}.get(value, value)
        return str(SEX_LABELS.get(value, value))
    if key == BREAKDOWN_GRADE:
        return GRADE_LABELS.get(value, value)
    if key == BREAKDOWN_HOUSING:
        return str(HOUSING_LABELS.get(value, value))
    if key == "grans":
        return BOUND_LABELS.get(value, value)
    if key == "age":
        return _("%(age)s år") % {"age": value}
    return value


def breakdown_label(breakdown: dict) -> str:
    """ "Flickor, åk 7"; the empty breakdown is "Totalt"."""
    order = {BREAKDOWN_SEX: 0, BREAKDOWN_GRADE: 1, "age": 2, BREAKDOWN_HOUSING: 3}
    keys = sorted((k for k in breakdown if k != "grans"), key=lambda k: (order.get(k, 9), k))
    parts = [breakdown_value_label(k, breakdown[k], breakdown) for k in keys]
    return ", ".join(parts) if parts else _("Totalt")


def breakdown_key_label(key: str) -> str:
    return str(BREAKDOWN_LABELS.get(key, key.capitalize()))


# --- One indicator ---------------------------------------------------------------------------


@dataclass
class Series:
    key: str  # geography + breakdown key, stable for the chart's colours
    label: str
    points: list[Observation]


@dataclass
class Pivot:
    """The latest period's breakdown as a table: rows × columns (e.g. grade × sex)."""

    period: str
    row_title: str
    column_title: str
    columns: list[str]
    rows: list[tuple[str, list[tuple[str, Observation | None]]]]  # (column, cell)


@dataclass
class IndicatorPage:
    indicator: Indicator
    series: list[Series]
    periods: list[str]
    table: list[tuple[str, list[tuple[str, Observation | None]]]]  # (series, cell)
    pivot: Pivot | None
    latest: list[Observation]
    comparison: list[Observation]
    comparison_missing: list[str] = field(default_factory=list)
    has_wilson: bool = False


def _geo_key(o: Observation) -> str:
    return f"{o.geo_level}:{o.geo_code}"


def series_label(o: Observation, several_geographies: bool) -> str:
    label = breakdown_label(o.breakdown)
    bound = o.breakdown.get("grans")
    if bound:
        label = f"{label} ({BOUND_LABELS.get(bound, bound)})"
    if several_geographies:
        return f"{observation_geography(o)}: {label}"
    return label


def indicator_page(indicator: Indicator) -> IndicatorPage:
    """Its time series per geography and breakdown, the latest period's breakdown as a
    table, and the national/county figures held for comparison. One query."""
    observations = list(
        indicator.observations.select_related("district").order_by(
            "period_start", "period_end", "geo_level", "geo_code", "breakdown_key"
        )
    )
    geographies = {_geo_key(o) for o in observations}
    several = len(geographies) > 1
    by_series: dict[str, Series] = {}
    for o in observations:
        key = f"{_geo_key(o)}|{o.breakdown_key}"
        if key not in by_series:
            by_series[key] = Series(key=key, label=series_label(o, several), points=[])
        by_series[key].points.append(o)
    series = list(by_series.values())

    periods: list[str] = []
    for o in observations:
        if o.period_label not in periods:
            periods.append(o.period_label)
    table = []
    for period in periods:
        cells = []
        for s in series:
            cells.append((s.label, next((o for o in s.points if o.period_label == period), None)))
        table.append((period, cells))

    latest: list[Observation] = []
    comparison: list[Observation] = []
    missing: list[str] = []
    if observations:
        local_levels = {Observation.GeoLevel.MUNICIPALITY, Observation.GeoLevel.DISTRICT}
        local = [o for o in observations if o.geo_level in local_levels] or observations
        last_end = max(o.period_end for o in local)
        latest = [o for o in local if o.period_end == last_end]
        comparison = [
            o
            for o in observations
            if o.geo_level in {Observation.GeoLevel.COUNTRY, Observation.GeoLevel.COUNTY}
            and o.period_end == last_end
        ]
        missing = _missing_comparison(latest + comparison)
    for o in observations:
        o.interval = observation_interval(o, indicator.unit)
    return IndicatorPage(
        indicator=indicator,
        series=series,
        periods=periods,
        table=table,
        pivot=_pivot(latest),
        latest=latest,
        comparison=comparison,
        comparison_missing=missing,
        has_wilson=any(o.interval and o.interval.method == "wilson" for o in observations),
    )


def _missing_comparison(shown: list[Observation]) -> list[str]:
    """The comparison geographies (`comparisons.comparison_geographies`) without a figure
    for the latest period, by name."""
    return [geography_label(*g) for g in missing_geographies(shown)]


def _pivot(latest: list[Observation]) -> Pivot | None:
    """Two dimensions that vary in the latest period (breakdown keys or area) as a grid."""
    if len(latest) < 2:
        return None

    def dims(o: Observation) -> dict[str, str]:
        values = {k: v for k, v in o.breakdown.items()}
        values["__geo"] = _geo_key(o)
        return values

    keys = sorted({k for o in latest for k in dims(o)})
    varying = [k for k in keys if len({dims(o).get(k, "") for o in latest}) > 1]
    if len(varying) != 2:
        return None
    # Sex in the columns reads as "girls | boys" side by side.
    row_key, column_key = sorted(varying, key=lambda k: (k == BREAKDOWN_SEX, k))

    def label(o: Observation, key: str) -> str:
        if key == "__geo":
            return observation_geography(o)
        value = o.breakdown.get(key, "")
        return breakdown_value_label(key, value, o.breakdown) if value else _("Totalt")

    def title(key: str) -> str:
        return _("Område") if key == "__geo" else breakdown_key_label(key)

    columns: list[str] = []
    rows: dict[str, dict[str, Observation]] = {}
    for o in latest:
        c, r = label(o, column_key), label(o, row_key)
        if c not in columns:
            columns.append(c)
        rows.setdefault(r, {})[c] = o
    return Pivot(
        period=latest[0].period_label,
        row_title=title(row_key),
        column_title=title(column_key),
        columns=columns,
        rows=[(r, [(c, cells.get(c)) for c in columns]) for r, cells in rows.items()],
    )


# --- Focus areas ---------------------------------------------------------------------------


@dataclass
class Figure:
    """One value as shown on a focus-area page; a quoted range is one figure."""

    indicator: Indicator
    label: str
    text: str
    period: str
    geography: str
    n: int | None
    ci: str
    note: str


@dataclass
class FocusIndicator:
    indicator: Indicator
    figures: list[Figure]


@dataclass
class FocusAreaPage:
    code: str
    title: str
    indicators: list[FocusIndicator]
    findings: list[dict]


def latest_figures(indicator: Indicator, observations: list[Observation]) -> list[Figure]:
    """The latest period's values per geography and breakdown, a low/high pair as one range."""
    if not observations:
        return []
    last_end = max(o.period_end for o in observations)
    latest = [o for o in observations if o.period_end == last_end]
    grouped: dict[tuple, list[Observation]] = defaultdict(list)
    for o in latest:
        rest = {k: v for k, v in o.breakdown.items() if k != "grans"}
        grouped[(o.geo_level, o.geo_code, tuple(sorted(rest.items())))].append(o)
    figures = []
    for (_level, _code, rest), group in grouped.items():
        group.sort(key=lambda o: o.value)
        first = group[0]
        if len(group) > 1 and all("grans" in o.breakdown for o in group):
            text = (
                f"{format_value(group[0].value, indicator.unit)}–"
                f"{format_value(group[-1].value, indicator.unit)}"
            )
        else:
            text = format_value(first.value, indicator.unit)
            # The plan's own wording when it qualifies the number ("drygt 60 %", "ca 99 %").
            quoted = QUOTED_IN_NOTE.match(first.note)
            if quoted and quoted[1] != text and quoted[1].endswith(f" {text}"):
                text = quoted[1]
        interval = observation_interval(first, indicator.unit) if len(group) == 1 else None
        ci = f"{format_value(interval.low)}–{format_value(interval.high)}" if interval else ""
        if interval and interval.method == "wilson":
            ci = _("%(ci)s (Wilson)") % {"ci": ci}
        figures.append(
            Figure(
                indicator=indicator,
                label=breakdown_label(dict(rest)),
                text=text,
                period=first.period_label,
                geography=observation_geography(first),
                n=first.n,
                ci=ci,
                note=first.note,
            )
        )
    return figures


def focus_area_page(indicators: QuerySet[Indicator], code: str) -> FocusAreaPage:
    """A focus area's indicators (of the user's, `indicator_list_for_user`) with their latest
    values and sources, and the plan's own statements about it. Two queries."""
    if code not in Indicator.FocusArea.values:
        raise Http404
    indicators = list(indicators.filter(focus_area=code, active=True))
    by_indicator: dict[int, list[Observation]] = defaultdict(list)
    for o in (
        Observation.objects.filter(indicator__in=indicators)
        .select_related("district")
        .order_by("geo_level", "geo_code", "breakdown_key")
    ):
        by_indicator[o.indicator_id].append(o)
    names = {i.code: i for i in indicators}
    findings = [
        {**f, "indicator_obj": names.get(f.get("indicator"))}
        for f in seed_figures()["findings"]
        if f["section"] == code
    ]
    return FocusAreaPage(
        code=code,
        title=focus_area_title(code),
        indicators=[
            FocusIndicator(indicator=i, figures=latest_figures(i, by_indicator[i.pk]))
            for i in indicators
        ],
        findings=findings,
    )


# --- Goals and their indicators ------------------------------------------------------------


@dataclass
class GoalProgress:
    link: GoalIndicator
    latest: Observation | None

    @property
    def share(self) -> int | None:
        """How far from baseline to target the latest value has come, 0–100 (%)."""
        if self.latest is None:
            return None
        span = self.link.target_value - self.link.baseline_value
        if span == 0:
            return 100
        moved = (self.latest.value - self.link.baseline_value) / span
        return int(max(Decimal(0), min(Decimal(1), moved)) * 100)

    @property
    def reached(self) -> bool:
        if self.latest is None:
            return False
        if self.link.target_value >= self.link.baseline_value:
            return self.latest.value >= self.link.target_value
        return self.latest.value <= self.link.target_value

    @property
    def unit(self) -> str:
        return self.link.indicator.unit

    @property
    def breakdown_text(self) -> str:
        """ "grade=ak7;sex=K" → "Flickor, åk 7"; empty for the total."""
        key = self.link.breakdown_key
        if not key:
            return ""
        return breakdown_label(dict(pair.split("=", 1) for pair in key.split(";")))


def goal_progress(goal_ids) -> dict[int, list[GoalProgress]]:
    """Each goal's indicator links with the latest matching observation. Two queries
    whatever the number of goals (the plan page calls this once)."""
    goal_ids = list(goal_ids)
    links = list(
        GoalIndicator.objects.filter(goal_id__in=goal_ids)
        .select_related("indicator__source")
        .order_by("goal_id", "indicator__name", "pk")
    )
    if not links:
        return {}
    candidates: dict[tuple, Observation] = {}
    observations = Observation.objects.filter(
        indicator_id__in={link.indicator_id for link in links},
        breakdown_key__in={link.breakdown_key for link in links},
    ).order_by("period_end", "pk")
    for o in observations:
        # Later periods overwrite earlier ones: the last seen is the latest.
        candidates[(o.indicator_id, o.breakdown_key, o.geo_code)] = o
        candidates[(o.indicator_id, o.breakdown_key, "")] = o
    result: dict[int, list[GoalProgress]] = defaultdict(list)
    for link in links:
        latest = candidates.get((link.indicator_id, link.breakdown_key, link.geo_code))
        result[link.goal_id].append(GoalProgress(link=link, latest=latest))
    return dict(result)


# --- Indicators beside the lägesbild's yearly counts -------------------------------------------


@dataclass
class YearRow:
    """One geography and breakdown of an indicator: its value per calendar year."""

    label: str
    geography: str
    values: dict[int, str]
    cells: list[tuple[int, str]] = field(default_factory=list)  # (year, text or "–")


@dataclass
class YearlyIndicator:
    indicator: Indicator
    rows: list[YearRow]
    latest: list[Figure]


def yearly_indicator_values(
    indicators: QuerySet[Indicator], focus_area: str, years: list[int]
) -> list[YearlyIndicator]:
    """The focus area's active indicators (of the user's, `indicator_list_for_user`) with
    their value per calendar year (observations covering exactly 1 January–31 December) for
    ``years``, one row per geography and breakdown, plus the latest figures (for indicators
    without values in those years, e.g. the plan's own figures). Two queries."""
    indicators = list(indicators.filter(focus_area=focus_area, active=True))
    by_indicator: dict[int, list[Observation]] = defaultdict(list)
    for o in (
        Observation.objects.filter(indicator__in=indicators)
        .select_related("district")
        .order_by("geo_level", "geo_code", "breakdown_key")
    ):
        by_indicator[o.indicator_id].append(o)
    wanted = set(years)
    out = []
    for indicator in indicators:
        observations = by_indicator[indicator.pk]
        rows: dict[tuple[str, str], YearRow] = {}
        for year in years:
            in_year = [
                o
                for o in observations
                if o.period_start == dt.date(year, 1, 1) and o.period_end == dt.date(year, 12, 31)
            ]
            for f in latest_figures(indicator, in_year) if year in wanted else []:
                row = rows.setdefault(
                    (f.geography, f.label), YearRow(label=f.label, geography=f.geography, values={})
                )
                row.values[year] = f.text
        for row in rows.values():
            row.cells = [(year, row.values.get(year, "–")) for year in years]
        out.append(
            YearlyIndicator(
                indicator=indicator,
                rows=list(rows.values()),
                latest=latest_figures(indicator, observations),
            )
        )
    return out
