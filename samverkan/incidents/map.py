"""The incident map's data: server-side aggregation, so the map stays fast at 100 000 reports.

Below `POINT_ZOOM` the reports in the visible box are counted in square grid cells of
SWEREF 99 TM (EPSG:3006), aligned to multiples of the cell size so a cell stays the same
when the map pans; the size follows the zoom (`cell_size_m`: 2 km at a county view, 100 m
at a street view). From `POINT_ZOOM` on the reports are returned as points, at most
`POINT_CAP`; with more in the box the answer falls back to 100 m cells.

How, for cells: the database counts them in one GROUP BY over the filtered, scoped
queryset (the list's, so the same scoping and classification), with the projection to
SWEREF 99 TM replaced by a polynomial in (lon, lat) fitted over the box (`_polynomial_fit`,
exact to well under a metre; plain SQL cannot project without PostGIS). A box too large
for the fit (a county or more) reads the rows' points into NumPy instead, projects them
with pyproj and counts with `numpy.unique` (`DATABASE_CELLS = False` forces that way). For
points: one query reads the ids and points in the box, then the details of at most
`POINT_CAP` reports by primary key. benchmarks/map_aggregation.py measures the ways
against each other (docs/performance.md).

Reports whose point is only the municipality's centre (Polisen) and reports without a point
are never drawn; the answer carries how many of the filtered reports that is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Floor
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pyproj import Transformer

from samverkan.core.sql import fetch_all
from samverkan.incidents.models import Incident

POINT_ZOOM = 15
# Count cells in the database (GROUP BY on the fitted projection) where the fit holds; else
# NumPy over the rows. benchmarks/map_aggregation.py measures both.
DATABASE_CELLS = True
POINT_CAP = 2000
MIN_CELL_M = 100.0
MAX_CELL_M = 2000.0


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float


@lru_cache(maxsize=1)
def _to_sweref() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)


def cell_size_m(zoom: int) -> float:
    """Cell side in metres: 100 m at zoom 14, doubling per zoom level out, at most 2 km."""
    return float(min(MAX_CELL_M, max(MIN_CELL_M, MIN_CELL_M * 2 ** (14 - zoom))))


def parse_bbox(value: str | None) -> BBox:
    """``west,south,east,north`` in WGS 84 degrees; ValidationError keyed ``bbox``."""
    message = _(
        "bbox ska vara fyra tal väst,syd,öst,nord i grader (WGS 84), t.ex. "
        "22.0,65.5,22.3,65.7; fick %(value)s."
    ) % {"value": value or _("inget värde")}
    try:
        west, south, east, north = (float(part) for part in (value or "").split(","))
    except ValueError:
        raise ValidationError({"bbox": [message]}) from None
    if not all(np.isfinite([west, south, east, north])):
        raise ValidationError({"bbox": [message]})
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValidationError(
            {
                "bbox": [
                    _(
                        "bbox %(value)s är ingen ruta: väst < öst och syd < nord krävs, inom "
                        "±180 och ±90 grader."
                    )
                    % {"value": value}
                ]
            }
        )
    return BBox(west, south, east, north)


def parse_zoom(value: str | None) -> int:
    if value is None or not value.strip().isdigit() or not 0 <= int(value) <= 22:
        raise ValidationError(
            {"zoom": [_("zoom ska vara ett heltal 0–22; fick %(value)s.") % {"value": value}]}
        )
    return int(value)


def _drawable(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    return queryset.filter(lat__isnull=False, lon__isnull=False, position_is_centre=False)


def _in_box(queryset: QuerySet[Incident], box: BBox) -> QuerySet[Incident]:
    return _drawable(queryset).filter(
        lat__gte=box.south, lat__lte=box.north, lon__gte=box.west, lon__lte=box.east
    )


def _fetch(queryset: QuerySet, columns: tuple[str, ...], scan: bool = False) -> list[tuple]:
    """The rows of a values_list as plain tuples, straight from the cursor (no model layer)."""
    return fetch_all(queryset.values_list(*columns), scan=scan)


def count_cells(lat: np.ndarray, lon: np.ndarray, size_m: float):
    """Grid cell indices (ix, iy) in SWEREF 99 TM and the number of points in each."""
    if len(lat) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    x, y = _to_sweref().transform(lon, lat)
    ix = np.floor(np.asarray(x) / size_m).astype(np.int64)
    iy = np.floor(np.asarray(y) / size_m).astype(np.int64)
    # One int64 key per cell; SWEREF 99 TM coordinates stay far below 2**31 metres.
    keys = (ix << 32) + (iy - iy.min())
    unique, counts = np.unique(keys, return_counts=True)
    cell_x = unique >> 32
    cell_y = (unique & 0xFFFFFFFF) + iy.min()
    return cell_x, cell_y, counts


def cell_features(cell_x, cell_y, counts, size_m: float) -> list[dict]:
    """GeoJSON polygons (WGS 84) of the cells, with their counts."""
    if len(counts) == 0:
        return []
    x0 = cell_x.astype(float) * size_m
    y0 = cell_y.astype(float) * size_m
    corners_x = np.stack([x0, x0 + size_m, x0 + size_m, x0, x0], axis=1)
    corners_y = np.stack([y0, y0, y0 + size_m, y0 + size_m, y0], axis=1)
    lon, lat = _to_wgs84().transform(corners_x.ravel(), corners_y.ravel())
    lon = np.round(np.asarray(lon).reshape(corners_x.shape), 6)
    lat = np.round(np.asarray(lat).reshape(corners_x.shape), 6)
    return [
        {
            "type": "Feature",
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    list(map(list, zip(lon[i].tolist(), lat[i].tolist(), strict=True)))
                ],
            },
            "properties": {"count": int(counts[i])},
        }
        for i in range(len(counts))
    ]


_HIDDEN = Q(position_is_centre=True) | Q(lat__isnull=True) | Q(lon__isnull=True)


def _with_hidden(queryset: QuerySet[Incident], box: BBox) -> QuerySet[Incident]:
    """The drawable reports in the box and every report the map cannot draw (centre only or
    no point), the latter flagged ``drawable=0``."""
    in_box = Q(
        position_is_centre=False,
        lat__gte=box.south,
        lat__lte=box.north,
        lon__gte=box.west,
        lon__lte=box.east,
    )
    return queryset.filter(_HIDDEN | in_box).annotate(
        drawable=Case(When(_HIDDEN, then=Value(0)), default=Value(1))
    )


def _scan(
    queryset: QuerySet[Incident], box: BBox, scan: bool = False
) -> tuple[np.ndarray, np.ndarray, int]:
    """One pass over the filtered reports: ids and points (lat, lon) of those drawable in
    the box, and the number the map cannot draw (centre only or no point), box or not."""
    rows = _fetch(_with_hidden(queryset, box), ("pk", "lat", "lon", "drawable"), scan)
    if not rows:
        return np.empty(0, dtype=np.int64), np.empty((0, 2)), 0
    table = np.array(rows, dtype=float)
    drawn = table[:, 3] == 1
    return table[drawn, 0].astype(np.int64), table[drawn][:, 1:3], int((~drawn).sum())


# A polynomial in (lon, lat) around the box's centre stands in for the projection to SWEREF 99
# TM inside the database: the lowest degree (1–3) exact to within FIT_TOLERANCE_M over the
# box (2nd degree: millimetres over a town), none when the box is too large (a county or
# more: then NumPy projects the rows).
FIT_TOLERANCE_M = 0.5


def _powers(degree: int) -> list[tuple[int, int]]:
    return [(i - j, j) for i in range(degree + 1) for j in range(i + 1)]


def _polynomial_fit(box: BBox):
    """(powers, x coefficients, y coefficients, lon0, lat0) of the fitted projection, or
    None when no polynomial up to degree 3 holds over the box."""
    lon0, lat0 = (box.west + box.east) / 2, (box.south + box.north) / 2
    grid_lon, grid_lat = np.meshgrid(
        np.linspace(box.west, box.east, 14), np.linspace(box.south, box.north, 14)
    )
    grid_lon, grid_lat = grid_lon.ravel(), grid_lat.ravel()
    check_lon = np.random.default_rng(0).uniform(box.west, box.east, 400)
    check_lat = np.random.default_rng(1).uniform(box.south, box.north, 400)
    x, y = _to_sweref().transform(grid_lon, grid_lat)
    true_x, true_y = _to_sweref().transform(check_lon, check_lat)
    for degree in (1, 2, 3):
        powers = _powers(degree)

        def design(lon, lat, powers=powers):
            return np.stack([(lon - lon0) ** a * (lat - lat0) ** b for a, b in powers], axis=1)

        fit_x = np.linalg.lstsq(design(grid_lon, grid_lat), x, rcond=None)[0]
        fit_y = np.linalg.lstsq(design(grid_lon, grid_lat), y, rcond=None)[0]
        checks = design(check_lon, check_lat)
        error = max(np.abs(checks @ fit_x - true_x).max(), np.abs(checks @ fit_y - true_y).max())
        if np.isfinite(error) and error <= FIT_TOLERANCE_M:
            return powers, fit_x, fit_y, lon0, lat0
    return None


def _polynomial(powers, coefficients, lon0: float, lat0: float):
    dlon = F("lon") - Value(lon0, output_field=FloatField())
    dlat = F("lat") - Value(lat0, output_field=FloatField())
    total = None
    for (a, b), coefficient in zip(powers, coefficients.tolist(), strict=True):
        term = Value(coefficient, output_field=FloatField())
        for _power in range(a):
            term = term * dlon
        for _power in range(b):
            term = term * dlat
        total = term if total is None else total + term
    return total


def _db_cells(queryset: QuerySet[Incident], box: BBox, size_m: float, scan: bool = False):
    """The cells counted by the database (GROUP BY), or None when the fit does not hold.
    Returns (cell_x, cell_y, counts, hidden) like `count_cells` plus the hidden count."""
    fit = _polynomial_fit(box)
    if fit is None:
        return None
    powers, fit_x, fit_y, lon0, lat0 = fit
    size = Value(float(size_m), output_field=FloatField())
    rows = fetch_all(
        _with_hidden(queryset, box)
        .annotate(
            cx=Floor(_polynomial(powers, fit_x, lon0, lat0) / size),
            cy=Floor(_polynomial(powers, fit_y, lon0, lat0) / size),
        )
        .order_by()
        .values_list("drawable", "cx", "cy")
        .annotate(n=Count("pk")),
        scan=scan,
    )
    hidden = sum(n for drawable, _x, _y, n in rows if drawable == 0)
    drawn = [(int(x), int(y), n) for drawable, x, y, n in rows if drawable == 1]
    if not drawn:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty, hidden
    table = np.array(drawn, dtype=np.int64)
    return table[:, 0], table[:, 1], table[:, 2], hidden


def _points(queryset: QuerySet[Incident], pks: np.ndarray) -> list[dict]:
    rows = (
        queryset.filter(pk__in=pks.tolist())
        .order_by("-occurred_from", "-pk")
        .values_list("pk", "category__name", "occurred_from", "lat", "lon")
    )
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": {
                "id": pk,
                "category": category,
                "time": timezone.localtime(occurred).strftime("%Y-%m-%d %H:%M"),
                "url": reverse("incident_detail", args=[pk]),
            },
        }
        for pk, category, occurred, lat, lon in rows
    ]


def map_data(queryset: QuerySet[Incident], box: BBox, zoom: int, *, scan: bool = False) -> dict:
    """The JSON answer of /handelser/karta/data/ for a scoped, filtered queryset.

    One database pass: at street zoom `_scan` (the points' details are then read by primary
    key, or, above POINT_CAP, the scanned points are counted into cells by NumPy); below it
    the database counts the cells (`_db_cells`), or NumPy when the box is too large for the
    fitted projection. ``scan``: the filter reads most of the table, so SQLite scans it
    rather than walk an index (core.sql)."""
    mode, size = "points", None
    features, coords = None, None
    if zoom >= POINT_ZOOM:
        pks, coords, hidden = _scan(queryset, box, scan)
        shown = len(pks)
        if shown <= POINT_CAP:
            features = _points(queryset, pks)
    if features is None:
        mode = "cells"
        size = cell_size_m(min(zoom, POINT_ZOOM - 1))
        counted = None
        if coords is None and DATABASE_CELLS:
            counted = _db_cells(queryset, box, size, scan)
        if counted is None:
            if coords is None:
                pks, coords, hidden = _scan(queryset, box, scan)
            cell_x, cell_y, counts = count_cells(coords[:, 0], coords[:, 1], size)
        else:
            cell_x, cell_y, counts, hidden = counted
        shown = int(counts.sum())
        features = cell_features(cell_x, cell_y, counts, size)
    return {
        "type": "FeatureCollection",
        "mode": mode,
        "cell_size_m": size,
        "zoom": zoom,
        "shown": shown,
        "without_position": hidden,
        "without_position_message": (
            ngettext(
                "%(count)s rapport utan exakt position visas inte på kartan.",
                "%(count)s rapporter utan exakt position visas inte på kartan.",
                hidden,
            )
            % {"count": hidden}
            if hidden
            else ""
        ),
        "features": features,
    }
