"""Reads for the lägesbild. Incidents only through ``incidents.access.incident_list_for_user``.

Scope (see docs/lagesbild.md):

- a lägesbild computed for a user covers what that user may see: the agreement's
  municipalities, öppen and intern reports, and begränsad reports of the user's own
  organisation tree;
- with ``shared=True`` (or without a user, e.g. from the command line) only öppen and intern
  reports are read: the "delad" scope every party of the agreement may see;
- a stored snapshot records its scope. A "delad" snapshot is shown to everyone who sees the
  agreement; an "organisation" snapshot (computed over begränsad reports) only to users in
  that organisation tree; an "alla" snapshot (a superuser's) only to superusers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from django.db.models import Max, Min, QuerySet
from django.utils.translation import gettext as _
from shapely.geometry import shape

from samverkan.analysis.counts import LOCAL_COLUMN
from samverkan.analysis.geo import geometry_to_sweref
from samverkan.core.access import organisation_tree_ids, root_organisation, scope
from samverkan.core.models import Classification, User
from samverkan.incidents.access import incident_list_for_user
from samverkan.incidents.filters import IncidentFilter, category_and_children, incident_filter
from samverkan.incidents.models import Category, Incident
from samverkan.indicators.catalogue import population_figures
from samverkan.lagesbild import bulk
from samverkan.lagesbild.models import Snapshot
from samverkan.places.models import District, Municipality
from samverkan.plans.models import Agreement

FIELDS = (
    "id",
    "occurred_from",
    "updated_at",
    "category__name",
    "district__name",
    "place__name",
    "lat",
    "lon",
    "position_is_centre",
    "classification",
    "organisation_id",
    # Where each row comes from and what its time is worth (lagesbild.sections.sources).
    "source",
    "source_type",
    "time_precision",
    "category__slug",
)
COLUMNS = (
    "id",
    "occurred_at",
    "updated_at",
    "category",
    "district",
    "place",
    "lat",
    "lon",
    "position_is_centre",
    "classification",
    "organisation_id",
    "source",
    "source_type",
    "time_precision",
    "category_slug",
)
_TIME = pa.timestamp("us", tz="UTC")
TYPES = {
    "id": pa.int64(),
    "occurred_at": _TIME,
    "updated_at": _TIME,
    "category": pa.string(),
    "district": pa.string(),
    "place": pa.string(),
    "lat": pa.float64(),
    "lon": pa.float64(),
    "position_is_centre": pa.bool_(),
    "classification": pa.string(),
    "organisation_id": pa.int64(),
    "source": pa.string(),
    "source_type": pa.string(),
    "time_precision": pa.string(),
    "category_slug": pa.string(),
}


def agreement_municipalities(agreement: Agreement) -> QuerySet[Municipality]:
    """The municipalities whose kommun (or the kommun above a party) is party to the agreement."""
    return scope(Municipality.objects.all(), agreement, municipality="")


def agreement_districts(agreement: Agreement) -> QuerySet[District]:
    return scope(District.objects.all(), agreement, municipality="municipality").select_related(
        "municipality"
    )


def scoped_incidents(
    agreement: Agreement, user: User | None, *, shared: bool, include_summaries: bool
) -> QuerySet[Incident]:
    """The agreement's incidents the user may see (all of them for ``user=None``, shared)."""
    if user is None:
        queryset = Incident.objects.all()
        shared = True
    else:
        queryset = incident_list_for_user(user)
    queryset = scope(queryset, agreement, municipality="municipality")
    if shared:
        queryset = queryset.exclude(classification=Classification.RESTRICTED)
    if not include_summaries:
        queryset = incident_filter(queryset, IncidentFilter(summaries=False))
    return queryset


def narrowed(
    queryset: QuerySet[Incident],
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    districts: list[int] | None,
    categories: list[str] | None,
) -> QuerySet[Incident]:
    queryset = incident_filter(
        queryset, IncidentFilter(date_from=date_from, date_to=date_to, summaries=True)
    )
    if districts:
        queryset = queryset.filter(district__in=districts)
    if categories:
        ids: set[int] = set()
        for slug in categories:
            ids.update(category_and_children(slug))
        queryset = queryset.filter(category__in=ids)
    return queryset


def data_range(
    queryset: QuerySet[Incident], municipalities: list[int] | None = None
) -> tuple[dt.date | None, dt.date | None]:
    """First and last local date with a recorded incident.

    With ``municipalities`` (the ids the scope covers): per municipality the first and the
    last report in time order, each one step along the week index (``municipality_id``,
    ``occurred_from``, …) past the few reports the scope leaves out. Without them one
    MIN/MAX over the scope, which SQLite scans the table for (``bulk.grouped_rows``)
    instead of looking up each row from the week index."""
    from django.db.models import Value
    from django.utils import timezone

    if municipalities is not None:
        ends = []
        for municipality in municipalities:
            within = queryset.filter(municipality_id=municipality)
            for order in ("occurred_from", "-occurred_from"):
                ends += within.order_by(order).values_list("occurred_from", flat=True)[:1]
        ends = [value for value in ends if value is not None]
        if not ends:
            return None, None
        return timezone.localtime(min(ends)).date(), timezone.localtime(max(ends)).date()
    span = (
        queryset.order_by()
        .annotate(whole=Value(1))
        .values("whole")
        .annotate(first=Min("occurred_from"), last=Max("occurred_from"))
        .values_list("first", "last")
    )
    rows = bulk.grouped_rows(span, scan=True)
    if not rows or rows[0][0] is None:
        return None, None
    first, last = (bulk.aware(value) for value in rows[0])
    return timezone.localtime(first).date(), timezone.localtime(last).date()


def incident_frame(
    queryset: QuerySet[Incident], *, scan: bool = False, local_time: bool = False
) -> pd.DataFrame:
    """One row per incident, the columns ``analyse`` expects, read in one query into Arrow
    (``bulk.arrow_table``: no model instances). A position that is only the municipality
    centre becomes NaN. ``scan``: the read covers most of the table (SQLite reads it in
    order instead of through an index); ``local_time``: add ``occurred_local``, the local
    wall-clock time that ``analysis.counts.with_local_time`` would otherwise compute."""
    local = {LOCAL_COLUMN: "occurred_at"} if local_time else None
    table = bulk.arrow_table(queryset, FIELDS, TYPES, names=COLUMNS, local=local, scan=scan)
    if not table.num_rows:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
        frame["occurred_at"] = pd.Series(dtype="datetime64[ns, UTC]")
        frame["updated_at"] = pd.Series(dtype="datetime64[ns, UTC]")
        frame["lat"] = pd.Series(dtype=float)
        frame["lon"] = pd.Series(dtype=float)
        if local_time:
            frame[LOCAL_COLUMN] = pd.Series(dtype="datetime64[ns]")
        return frame
    centre = table["position_is_centre"]
    for name in ("lat", "lon"):
        position = table.schema.get_field_index(name)
        table = table.set_column(
            position, name, pc.if_else(centre, pa.scalar(None, pa.float64()), table[name])
        )
    frame = table.to_pandas()
    for name in COLUMNS:
        if pa.types.is_string(TYPES[name]) and table[name].null_count == table.num_rows:
            # As pandas reads a column of only None from Python rows: object, not str.
            frame[name] = pd.Series([None] * len(frame), dtype=object, index=frame.index)
    return frame


def district_outlines(agreement: Agreement, chosen: list[int] | None) -> tuple[list, list[str]]:
    """District outlines in SWEREF 99 TM (simplified to 10 m) for the map, and a note per
    district without a usable geometry."""
    outlines, notes = [], []
    for district in agreement_districts(agreement):
        if chosen and district.pk not in chosen:
            continue
        try:
            geometry = shape(district.boundary)
            if geometry.is_empty:
                raise ValueError("empty")
            sweref = geometry_to_sweref(geometry).simplify(10)
        except Exception:  # noqa: BLE001 - any broken GeoJSON: say so, never fail the page
            notes.append(f"Området {district.name} saknar giltig gräns och ritas inte på kartan.")
            continue
        polygons = list(getattr(sweref, "geoms", [sweref]))
        rings = [[[round(x, 1), round(y, 1)] for x, y in p.exterior.coords] for p in polygons]
        outlines.append({"id": district.pk, "name": district.name, "rings": rings})
    return outlines, notes


def scope_of(user: User | None, frame: pd.DataFrame, shared: bool) -> dict[str, Any]:
    """Whose picture it is: delad unless begränsad reports were read."""
    restricted = frame.loc[
        (frame["classification"] == Classification.RESTRICTED).to_numpy(dtype=bool),
        ["classification", "organisation_id"],
    ]
    if shared or user is None or restricted.empty:
        return {
            "kind": Snapshot.Scope.SHARED.value,
            "organisation_id": None,
            "classification": "intern",
        }
    root = root_organisation(user.organisation_id)
    tree = organisation_tree_ids(user) if root is not None else set()
    if root is not None and set(restricted["organisation_id"].dropna().astype(int)) <= tree:
        return {
            "kind": Snapshot.Scope.ORGANISATION.value,
            "organisation_id": root,
            "classification": Classification.RESTRICTED.value,
        }
    return {
        "kind": Snapshot.Scope.ALL.value,
        "organisation_id": None,
        "classification": "begransad",
    }


# --- Population for rates per 100 000 -------------------------------------------------------


def _pick_year(years, reference: int) -> int | None:
    """The latest year held up to ``reference``, else the earliest held after it."""
    years = sorted(years)
    if not years:
        return None
    before = [y for y in years if y <= reference]
    return before[-1] if before else years[0]


def agreement_population(
    agreement: Agreement, reference_year: int, district_ids: list[int] | None = None
) -> dict[str, Any]:
    """The population the lägesbild divides by, read from the indicator ``folkmangd``.

    Returns plain data for ``assemble.analyse``: ``population`` (the agreement's
    municipalities together, or the chosen districts together when districts are chosen),
    ``year``, ``source``, ``geography``, ``note`` (why there is no population, or ""), and
    ``districts`` (district name → inhabitants) with ``district_year``. The year is the
    latest held up to ``reference_year`` (the period's last year), else the earliest held.
    """
    municipalities = list(agreement_municipalities(agreement).order_by("code"))
    codes = [m.code for m in municipalities]
    kommun = population_figures("kommun", codes)
    complete = [
        y
        for y in {y for (_c, y) in kommun.totals}
        if all((code, y) in kommun.totals for code in codes)
    ]
    year = _pick_year(complete, reference_year)
    out: dict[str, Any] = {
        "population": None,
        "year": year,
        "source": kommun.source,
        "geography": ", ".join(m.name for m in municipalities),
        "note": "",
        "districts": {},
        "district_year": None,
    }
    if year is not None and codes:
        out["population"] = sum(kommun.totals[(code, year)] for code in codes)
    # Districts: linked by the observation's district, else by "<kommunkod>:<kortnamn>".
    districts = list(agreement_districts(agreement))
    by_code = {f"{d.municipality.code}:{d.slug}": d for d in districts}
    by_id = {d.pk: d for d in districts}
    omrade = population_figures("omrade")
    per_district: dict[int, dict[int, int]] = {}
    for (code, y), total in omrade.totals.items():
        district = by_id.get(omrade.district_ids.get(code)) or by_code.get(code)
        if district is not None:
            per_district.setdefault(district.pk, {})[y] = total
    district_year = _pick_year(
        {y for years in per_district.values() for y in years}, reference_year
    )
    if district_year is not None:
        out["district_year"] = district_year
        out["districts"] = {
            by_id[pk].name: years[district_year]
            for pk, years in per_district.items()
            if district_year in years
        }
        out["source"] = out["source"] or omrade.source
    if district_ids:
        chosen = [by_id[pk] for pk in district_ids if pk in by_id]
        held = [out["districts"].get(d.name) for d in chosen]
        out["geography"] = ", ".join(d.name for d in chosen)
        if chosen and all(held):
            out["population"], out["year"] = sum(held), district_year
        else:
            out["population"] = None
            out["note"] = _(
                "Folkmängd saknas för de valda områdena; antal per 100 000 invånare kan inte "
                "räknas för urvalet."
            )
    elif out["population"] is None:
        out["note"] = _(
            "Ingen folkmängd finns bland indikatorerna för %(where)s; antal per 100 000 "
            "invånare kan inte räknas (hämta Folkmängd från SCB i datakatalogen)."
        ) % {"where": out["geography"] or _("överenskommelsens kommuner")}
    return out


def category_choices() -> QuerySet[Category]:
    return Category.objects.filter(active=True).select_related("parent")
