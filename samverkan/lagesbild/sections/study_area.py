"""The hot-spot grid's study area: the cells whose centre lies in the districts' polygons.

Gi* and the cell concentration are computed over a fixed area rather than over the extent
of the period's points, so that the answer does not change with how far the points happen
to reach. The area is the union of the districts' outlines (SWEREF 99 TM rings, as
``selectors.district_outlines`` gives them); a cell belongs to it when its centre lies in
the union. Pure NumPy and shapely (no Django), so benchmarks can build the same mask.
"""

from dataclasses import dataclass
from math import floor

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from samverkan.analysis.hotspots import MAX_CELLS


@dataclass(frozen=True, eq=False)
class StudyArea:
    """bounds: (minx, miny, maxx, maxy) of the grid, whole cells from SWEREF's origin;
    mask[row, col]: True where the cell's centre lies in the area (row 0 is the south)."""

    bounds: tuple[float, float, float, float]
    cell: float
    mask: NDArray

    @property
    def n_cells(self) -> int:
        return int(self.mask.sum())

    @property
    def km2(self) -> float:
        return self.n_cells * self.cell**2 / 1e6


def outline_geometry(outlines: list[dict] | None) -> BaseGeometry | None:
    """The union of the districts' outlines (dicts with ``rings``, SWEREF 99 TM), or None
    when there is no usable ring."""
    polygons = []
    for district in outlines or []:
        for ring in district.get("rings") or []:
            if len(ring) < 4:
                continue
            polygon = Polygon(ring)
            if not polygon.is_valid:
                polygon = shapely.make_valid(polygon)
            if not polygon.is_empty and polygon.area > 0:
                polygons.append(polygon)
    if not polygons:
        return None
    union = shapely.union_all(polygons)
    return None if union.is_empty else union


def study_area(geometry: BaseGeometry, cell: float) -> StudyArea | None:
    """The grid over ``geometry``'s bounds (snapped outward to whole cells) and the mask of
    cells whose centre lies in it; None when the grid would be too large."""
    minx, miny, maxx, maxy = geometry.bounds
    bounds = (
        floor(minx / cell) * cell,
        floor(miny / cell) * cell,
        (floor(maxx / cell) + 1) * cell,
        (floor(maxy / cell) + 1) * cell,
    )
    cols = round((bounds[2] - bounds[0]) / cell)
    rows = round((bounds[3] - bounds[1]) / cell)
    if rows * cols > min(MAX_CELLS, 4_000_000):
        return None
    x = bounds[0] + (np.arange(cols) + 0.5) * cell
    y = bounds[1] + (np.arange(rows) + 0.5) * cell
    xx, yy = np.meshgrid(x, y)
    shapely.prepare(geometry)
    mask = shapely.contains_xy(geometry, xx, yy)
    return StudyArea(bounds, float(cell), np.asarray(mask, dtype=bool))


def study_area_of_outlines(outlines: list[dict] | None, cell: float) -> StudyArea | None:
    """``study_area`` of the districts' union; None without outlines or when too large."""
    geometry = outline_geometry(outlines)
    return None if geometry is None else study_area(geometry, cell)
