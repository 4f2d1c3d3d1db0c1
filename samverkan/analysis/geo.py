"""Coordinates and districts: WGS 84 for storage, SWEREF 99 TM (EPSG:3006) for metric work.

Positions are stored as WGS 84 longitude/latitude (what phones, Polisen's API and GeoJSON
use). Distances and areas are computed in SWEREF 99 TM, Sweden's national grid, whose unit
is the metre: easting E (x) and northing N (y). Every function takes and returns x before y,
that is longitude before latitude and easting before northing, as GeoJSON does.
"""

from collections.abc import Hashable, Sequence
from functools import lru_cache
from typing import TypeVar

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
SWEREF99TM = "EPSG:3006"

# Sweden with a margin, as (min lon, min lat, max lon, max lat) in WGS 84. Smygehuk lies at
# 55.34 N, Treriksröset at 69.06 N, the Koster islands at 10.96 E, Haparanda at 24.17 E.
SWEDEN_BBOX = (10.5, 55.0, 24.5, 69.5)

Key = TypeVar("Key", bound=Hashable)


@lru_cache(maxsize=16)
def _transformer(source: str, target: str) -> Transformer:
    # Building a Transformer reads PROJ's database (milliseconds); reuse one per pair.
    # Transformers are thread-safe since pyproj 3.1.
    return Transformer.from_crs(source, target, always_xy=True)


def _transform(source: str, target: str, x: ArrayLike, y: ArrayLike):
    xs, ys = _transformer(source, target).transform(np.asarray(x, float), np.asarray(y, float))
    if np.ndim(xs) == 0:
        return float(xs), float(ys)
    return np.asarray(xs), np.asarray(ys)


def to_sweref(lon: ArrayLike, lat: ArrayLike):
    """WGS 84 longitude and latitude (degrees) to SWEREF 99 TM easting and northing (metres).

    Takes two numbers or two equally long arrays; returns two floats or two NumPy arrays.
    """
    return _transform(WGS84, SWEREF99TM, lon, lat)


def to_wgs84(e: ArrayLike, n: ArrayLike):
    """SWEREF 99 TM easting and northing (metres) to WGS 84 longitude and latitude (degrees).

    Takes two numbers or two equally long arrays; returns two floats or two NumPy arrays.
    """
    return _transform(SWEREF99TM, WGS84, e, n)


def crs_name(user_input: str) -> str:
    """The authority code ("EPSG:3006") of a CRS as files name it: "EPSG:3006",
    "urn:ogc:def:crs:EPSG::3006", "urn:ogc:def:crs:OGC:1.3:CRS84". Raises ValueError for a
    CRS that PROJ does not know."""
    try:
        crs = CRS.from_user_input(user_input)
    except CRSError as exc:
        raise ValueError(str(exc)) from None
    authority = crs.to_authority()
    if authority is None:
        return crs.to_string()
    name = ":".join(authority)
    return WGS84 if name == "OGC:CRS84" else name


def is_wgs84(name: str) -> bool:
    return name in {WGS84, "OGC:CRS84"}


def geometry_to_wgs84(geometry: BaseGeometry, source: str) -> BaseGeometry:
    """The geometry with every vertex moved from CRS `source` (e.g. "EPSG:3006") to WGS 84
    longitude/latitude. Edges stay straight lines between the moved vertices."""
    return _transform_geometry(geometry, source, WGS84)


def geometry_to_sweref(geometry: BaseGeometry) -> BaseGeometry:
    """A WGS 84 (lon, lat) geometry with every vertex moved to SWEREF 99 TM (metres)."""
    return _transform_geometry(geometry, WGS84, SWEREF99TM)


def _transform_geometry(geometry: BaseGeometry, source: str, target: str) -> BaseGeometry:
    transformer = _transformer(source, target)

    def move(coordinates: NDArray) -> NDArray:
        x, y = transformer.transform(coordinates[:, 0], coordinates[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, move)


def area_km2(geometry: BaseGeometry) -> float:
    """Area of a WGS 84 (lon, lat) polygon or multipolygon in km², computed in SWEREF 99 TM.

    The grid's scale grows away from its central meridian (15° E): at Luleå (22° E) a grid
    square is about 0.2 % larger than the ground it covers. That is negligible for comparing
    districts; use pyproj.Geod for survey-grade areas.
    """
    return float(shapely.area(geometry_to_sweref(geometry))) / 1e6


def district_for_points(
    lons: ArrayLike,
    lats: ArrayLike,
    districts: Sequence[tuple[Key, BaseGeometry]],
) -> list[Key | None]:
    """The district of each point, or None for a point in no district.

    lons, lats: equally long sequences of WGS 84 degrees (NaN for a missing position).
    districts: (key, WGS 84 polygon) pairs, e.g. (district id, shapely geometry).

    A point on a boundary belongs to the district; a point on the border between two
    districts, or in two overlapping ones, goes to the one listed first, so the answer
    never depends on the index's internal order. Vectorised with an STRtree: 100 000
    points against a hundred districts take a fraction of a second.
    """
    x = np.asarray(lons, dtype=float).ravel()
    y = np.asarray(lats, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"lons and lats differ in length ({x.size} and {y.size})")
    result: list[Key | None] = [None] * x.size
    if x.size == 0 or not districts:
        return result
    keys = [key for key, _ in districts]
    tree = shapely.STRtree([geometry for _, geometry in districts])
    points = shapely.points(x, y)  # NaN coordinates give empty points, which match nothing
    point_index, district_index = tree.query(points, predicate="intersects")
    if point_index.size == 0:
        return result
    # Sort by point, then by district, and keep each point's first (lowest) district.
    order = np.lexsort((district_index, point_index))
    point_index, district_index = point_index[order], district_index[order]
    first = np.ones(point_index.size, dtype=bool)
    first[1:] = point_index[1:] != point_index[:-1]
    for p, d in zip(point_index[first].tolist(), district_index[first].tolist(), strict=True):
        result[p] = keys[d]
    return result


def in_sweden(lon: float, lat: float) -> bool:
    min_lon, min_lat, max_lon, max_lat = SWEDEN_BBOX
    return min_lon <= lon <= max_lon and min_lat <= lat <= max_lat


# The side of the grid cell every report's point is stored in (incidents.Incident.cell_x and
# cell_y), in SWEREF 99 TM metres; every cell size of the incident map is a multiple of it.
CELL_M = 100


def sweref_cells(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray, NDArray, NDArray]:
    """The 100 m SWEREF 99 TM cell of each WGS 84 point: (floor(E / 100), floor(N / 100), ok).

    ``ok`` is False where the cell is not defined: a missing (NaN) coordinate or a point
    outside `SWEDEN_BBOX`, where SWEREF 99 TM is not meant to be used. Inside it easting and
    northing are positive, so a cell divided by a whole number (integer division in SQL,
    which truncates) is the cell of the larger size.
    """
    lon, lat = np.atleast_1d(np.asarray(lon, float)), np.atleast_1d(np.asarray(lat, float))
    min_lon, min_lat, max_lon, max_lat = SWEDEN_BBOX
    with np.errstate(invalid="ignore"):
        ok = (lon >= min_lon) & (lon <= max_lon) & (lat >= min_lat) & (lat <= max_lat)
    if not ok.any():
        zero = np.zeros(lon.shape, dtype=np.int64)
        return zero, zero.copy(), ok
    e, n = _transformer(WGS84, SWEREF99TM).transform(
        np.where(ok, lon, 15.0), np.where(ok, lat, 62.0)
    )
    ix = np.floor(np.asarray(e) / CELL_M).astype(np.int64)
    iy = np.floor(np.asarray(n) / CELL_M).astype(np.int64)
    return np.where(ok, ix, 0), np.where(ok, iy, 0), ok
