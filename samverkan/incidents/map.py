"""The incident map's data: server-side aggregation, so the map stays fast at 100 000 reports.

Below `POINT_ZOOM` the reports in the visible box are counted in square grid cells of
SWEREF 99 TM (EPSG:3006), aligned to multiples of the cell size so a cell stays the same
when the map pans; the size follows the zoom (`cell_size_m`: 2 km at a county view, 100 m
at a street view). From `POINT_ZOOM` on the reports are returned as points, at most
`POINT_CAP`; with more in the box the answer falls back to 100 m cells.

How, for cells: every report stores its point's 100 m cell as two integers (Incident.cell_x
and cell_y, floor(E / 100) and floor(N / 100), set from lat/lon on every write through
Python), and every cell size is a multiple of 100 m, so the database counts the cells in
one GROUP BY on ``cell_x / k, cell_y / k`` over the filtered, scoped queryset (the list's,
so the same scoping and classification) with no projection per row (`_db_cells`). A report
in the box without a stored cell (outside Sweden, or its point changed by a write that
bypassed Python: migration 0014's trigger then empties the cells rather than leave a wrong
one) is counted from its point: read into NumPy, projected with pyproj and counted with
`numpy.unique` (`count_cells`), the two counts merged. ``DATABASE_CELLS = False`` counts
every report that way. For points: one query reads the ids and points in the box, then the
details of at most `POINT_CAP` reports by primary key. benchmarks/map_aggregation.py
measures the ways against each other (docs/performance.md).

Reports whose point is only the municipality's centre (Polisen) and reports without a point
are never drawn; the answer carries how many of the filtered reports that is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pyproj import Transformer

from samverkan.analysis.geo import CELL_M
from samverkan.core.sql import fetch_all
from samverkan.incidents.models import Incident

POINT_ZOOM = 15
# Count cells in the database (GROUP BY on the stored cells); False: NumPy over the rows'
# points. benchmarks/map_aggregation.py measures both.
DATABASE_CELLS = True
POINT_CAP = 2000
MIN_CELL_M = float(CELL_M)  # the stored cells' size; every size is a multiple of it
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


def _hidden_or_in_box(queryset: QuerySet[Incident], box: BBox) -> QuerySet[Incident]:
    """The drawable reports in the box and every report the map cannot draw (centre only or
    no point)."""
    in_box = Q(
        position_is_centre=False,
        lat__gte=box.south,
        lat__lte=box.north,
        lon__gte=box.west,
        lon__lte=box.east,
    )
    return queryset.filter(_HIDDEN | in_box)


def _with_hidden(queryset: QuerySet[Incident], box: BBox) -> QuerySet[Incident]:
    """`_hidden_or_in_box`, those the map cannot draw flagged ``drawable=0``."""
    return _hidden_or_in_box(queryset, box).annotate(
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


def _merge(cell_x, cell_y, counts):
    """Cells given more than once (the database's and NumPy's) summed, in `count_cells`'
    order: by x, then y."""
    cells, inverse = np.unique(np.stack([cell_x, cell_y], axis=1), axis=0, return_inverse=True)
    return cells[:, 0], cells[:, 1], np.bincount(inverse.ravel(), weights=counts).astype(np.int64)


# The database groups on one integer per cell, x * CELL_KEY + y (a single key sorts faster
# than two, SQLite's GROUP BY about a quarter cheaper): the stored cells lie in SWEDEN_BBOX,
# where 0 < cell_y < CELL_KEY and the key stays below 2**31 (PostgreSQL's integer).
CELL_KEY = 100_000
_NOT_DRAWN, _NO_CELL = -1, -2


def _db_cells(queryset: QuerySet[Incident], box: BBox, size_m: float, scan: bool = False):
    """The cells counted by the database: one GROUP BY on the stored 100 m cells divided by
    k = size_m / 100 (integer division, which is the floor: SWEREF 99 TM's coordinates are
    positive where cells are stored), and the drawable reports in the box without a stored
    cell (a point outside Sweden, or changed by a write that bypassed Python) counted by
    `count_cells` from their points. Returns (cell_x, cell_y, counts, hidden) like
    `count_cells` plus the hidden count."""
    k = round(size_m / CELL_M)
    if k < 1 or k * CELL_M != size_m:
        raise ValueError(f"cell size {size_m} m is no multiple of {CELL_M} m")
    cx, cy = (F(name) if k == 1 else F(name) / Value(k) for name in ("cell_x", "cell_y"))
    key = Case(
        When(_HIDDEN, then=Value(_NOT_DRAWN)),
        When(Q(cell_x__isnull=True) | Q(cell_y__isnull=True), then=Value(_NO_CELL)),
        default=cx * Value(CELL_KEY) + cy,
    )
    rows = fetch_all(
        _hidden_or_in_box(queryset, box)
        .annotate(key=key)
        .order_by()
        .values_list("key")
        .annotate(n=Count("pk")),
        scan=scan,
    )
    counted = dict(rows)
    hidden = counted.pop(_NOT_DRAWN, 0)
    missing = counted.pop(_NO_CELL, 0)
    keys = np.fromiter(counted.keys(), dtype=np.int64, count=len(counted))
    counts = np.fromiter(counted.values(), dtype=np.int64, count=len(counted))
    order = np.argsort(keys)  # count_cells' order: by x, then y
    keys, counts = keys[order], counts[order]
    cell_x, cell_y = keys // CELL_KEY, keys % CELL_KEY
    if missing:
        points = np.array(
            _fetch(
                _in_box(queryset, box).filter(Q(cell_x__isnull=True) | Q(cell_y__isnull=True)),
                ("lat", "lon"),
                scan,
            ),
            dtype=float,
        ).reshape(-1, 2)
        more = count_cells(points[:, 0], points[:, 1], size_m)
        cell_x, cell_y, counts = _merge(
            *(np.concatenate(pair) for pair in zip((cell_x, cell_y, counts), more, strict=True))
        )
    return cell_x, cell_y, counts, hidden


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
    the database counts the cells (`_db_cells`; a second query reads the points of the
    reports in the box without a stored cell, when there are any). ``scan``: the filter
    reads most of the table, so SQLite scans it rather than walk an index (core.sql)."""
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
