"""Hot spots: events counted on a square SWEREF 99 TM grid, Getis–Ord Gi* and kernel density.

The grid. A study area is covered by square cells (default 250 m) in SWEREF 99 TM metres,
including the cells where nothing happened: Gi* compares each neighbourhood with the whole
area, so the empty cells are part of the answer. The origin (x0, y0) is the south-west
corner; row 0 is the southernmost row and rows grow northwards, columns grow eastwards. A
cell's index is ``row * cols + col`` (row-major, the order of ``counts.ravel()`` and of
libpysal's ``lat2W``).

Gi*. For each cell, the count in its window (the cell and its queen neighbours up to
``neighbourhood`` cells away, binary weights) against what the window's share of the area
would hold if events were spread at random over the cells. A large positive z means more
events around the cell than expected (a hot spot), a large negative z fewer (a cold spot).
Formulas, z-scores and p-values are those of esda's ``G_Local(y, w, star=True,
transform="B")``; the tests check equality to 1e-9.
"""

from dataclasses import dataclass, field
from math import ceil, floor

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage, signal, stats

from samverkan.analysis.change import benjamini_hochberg
from samverkan.analysis.geo import to_sweref

DEFAULT_CELL = 250.0
DEFAULT_BANDWIDTH = 500.0
# A guard against a wrong position (degrees taken for metres) or a tiny cell turning the grid
# into gigabytes: 25 million cells (200 MB of counts) hold Sweden's bounding box at 250 m.
MAX_CELLS = 25_000_000

# Codes of HotSpots.notes (lagesbild.text writes them as sentences).
NOTE_NO_EVENTS = "hotspots_no_events"
NOTE_ONE_CELL = "hotspots_one_cell"
NOTE_EQUAL_CELLS = "hotspots_equal_cells"
NOTE_EMPTY_GRID = "hotspots_empty_grid"

HOT = "hot"
COLD = "cold"
NOT_SIGNIFICANT = "not significant"


# eq=False: the fields hold arrays and frames, which do not compare to a single bool.
@dataclass(frozen=True, eq=False)
class Grid:
    """Event counts on square cells. ``counts[row, col]``; row 0 is the south edge."""

    x0: float
    y0: float
    cell: float
    counts: NDArray  # shape (rows, cols), one count per cell, empty cells included
    dropped: int = 0  # points outside the bounds or without a position

    @property
    def origin(self) -> tuple[float, float]:
        return (self.x0, self.y0)

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.counts.shape
        return (rows, cols)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        rows, cols = self.shape
        return (self.x0, self.y0, self.x0 + cols * self.cell, self.y0 + rows * self.cell)

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def index(self, row: ArrayLike, col: ArrayLike) -> NDArray:
        """The row-major index of cell (row, col): ``row * cols + col``."""
        return np.asarray(row) * self.shape[1] + np.asarray(col)

    def row_col(self, index: ArrayLike) -> tuple[NDArray, NDArray]:
        rows, cols = np.divmod(np.asarray(index), self.shape[1])
        return rows, cols

    def centres(self) -> tuple[NDArray, NDArray]:
        """Easting and northing of every cell's centre, as two (rows, cols) arrays."""
        rows, cols = self.shape
        x = self.x0 + (np.arange(cols) + 0.5) * self.cell
        y = self.y0 + (np.arange(rows) + 0.5) * self.cell
        xx, yy = np.meshgrid(x, y)
        return xx, yy

    def with_counts(self, counts: ArrayLike) -> "Grid":
        counts = np.asarray(counts)
        if counts.shape != self.shape:
            raise ValueError(f"counts have shape {counts.shape}, the grid {self.shape}")
        return Grid(self.x0, self.y0, self.cell, counts, self.dropped)


def _bounds_around(e: NDArray, n: NDArray, cell: float) -> tuple[float, float, float, float]:
    # Snap outward to whole cells counted from SWEREF's own origin, so two periods over the
    # same area share cell edges and can be compared cell by cell.
    return (
        floor(e.min() / cell) * cell,
        floor(n.min() / cell) * cell,
        (floor(e.max() / cell) + 1) * cell,
        (floor(n.max() / cell) + 1) * cell,
    )


def _cells(extent: float, cell: float) -> int:
    # round() first so that 1000 / 250 stays 4 and does not become 5 through 4.0000000001.
    return max(1, ceil(round(extent / cell, 9)))


def grid_counts(
    e: ArrayLike,
    n: ArrayLike,
    *,
    cell: float = DEFAULT_CELL,
    bounds: tuple[float, float, float, float] | None = None,
) -> Grid:
    """Count points (SWEREF 99 TM easting e and northing n, metres) on a square grid.

    bounds = (minx, miny, maxx, maxy) in metres; the grid starts at (minx, miny) and has
    enough whole cells to reach maxx and maxy. Points outside the closed bounds, and points
    with a NaN coordinate, are dropped and counted in ``Grid.dropped``. A point on the
    east or north edge goes to the last cell. Without bounds the grid is the points' extent
    snapped outward to multiples of the cell size; without points it is then empty (0 × 0).
    Raises ValueError when the grid would have more than MAX_CELLS cells.
    Convert WGS 84 positions with ``geo.to_sweref`` first (or use ``grid_counts_for_frame``).
    """
    if cell <= 0:
        raise ValueError(f"cell must be positive, got {cell}")
    e = np.asarray(e, dtype=float).ravel()
    n = np.asarray(n, dtype=float).ravel()
    if e.shape != n.shape:
        raise ValueError(f"e and n differ in length ({e.size} and {n.size})")
    finite = np.isfinite(e) & np.isfinite(n)
    if bounds is None:
        if not finite.any():
            return Grid(0.0, 0.0, float(cell), np.zeros((0, 0), dtype=np.int64), int(e.size))
        bounds = _bounds_around(e[finite], n[finite], cell)
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    if maxx < minx or maxy < miny:
        raise ValueError(f"bounds {bounds} are not (minx, miny, maxx, maxy)")
    rows, cols = _cells(maxy - miny, cell), _cells(maxx - minx, cell)
    if rows * cols > MAX_CELLS:
        raise ValueError(
            f"a {rows} × {cols} grid has more than {MAX_CELLS} cells: give bounds around the "
            "study area or a larger cell"
        )
    inside = finite & (e >= minx) & (e <= maxx) & (n >= miny) & (n <= maxy)
    col = np.minimum(np.floor((e[inside] - minx) / cell).astype(np.int64), cols - 1)
    row = np.minimum(np.floor((n[inside] - miny) / cell).astype(np.int64), rows - 1)
    counts = np.bincount(row * cols + col, minlength=rows * cols).reshape(rows, cols)
    return Grid(minx, miny, float(cell), counts, int(e.size - inside.sum()))


def grid_counts_for_frame(
    incidents: pd.DataFrame,
    *,
    cell: float = DEFAULT_CELL,
    bounds: tuple[float, float, float, float] | None = None,
) -> Grid:
    """``grid_counts`` for a frame of WGS 84 positions. Needs: lon, lat (degrees, NaN when
    missing). bounds are SWEREF 99 TM metres, as for ``grid_counts``."""
    lon = incidents["lon"].to_numpy(dtype=float)
    lat = incidents["lat"].to_numpy(dtype=float)
    if lon.size == 0:
        e, n = np.empty(0), np.empty(0)
    else:
        e, n = to_sweref(lon, lat)
    return grid_counts(np.atleast_1d(e), np.atleast_1d(n), cell=cell, bounds=bounds)


@dataclass(frozen=True, eq=False)
class HotSpots:
    """Gi* for every cell of a grid, arrays shaped like ``grid.counts``.

    z: esda's ``Zs``. p: esda's ``p_norm``, the ONE-sided normal p-value ``P(Z > |z|)``
    in the direction of z. p_two_sided: ``2 * p``, the chance of a z at least this far from
    0 in either direction; ``classes`` use it (a cell is hot at alpha 0.05 when z > 1.96, as
    in ArcGIS' Hot Spot Analysis). Where Gi* is undefined (no events, no variance between
    cells, or a window covering the whole grid) z is 0 and both p-values are 1.
    """

    grid: Grid
    neighbourhood: int
    z: NDArray
    p: NDArray
    p_two_sided: NDArray
    classes: NDArray  # "hot", "cold" or "not significant"
    alpha: float
    fdr: bool
    notes: list[str] = field(default_factory=list)

    @property
    def n_hot(self) -> int:
        return int((self.classes == HOT).sum())

    @property
    def n_cold(self) -> int:
        return int((self.classes == COLD).sum())

    def frame(self) -> pd.DataFrame:
        """One row per cell: index, row, col, x, y (cell centre, SWEREF 99 TM), count, z, p,
        p_two_sided, class."""
        rows, cols = self.grid.shape
        row, col = np.divmod(np.arange(rows * cols), max(cols, 1))
        x, y = self.grid.centres()
        return pd.DataFrame(
            {
                "index": np.arange(rows * cols),
                "row": row,
                "col": col,
                "x": x.ravel(),
                "y": y.ravel(),
                "count": self.grid.counts.ravel(),
                "z": self.z.ravel(),
                "p": self.p.ravel(),
                "p_two_sided": self.p_two_sided.ravel(),
                "class": self.classes.ravel(),
            }
        )


def _window_sums(values: NDArray, k: int) -> NDArray:
    # Separable box sum with zeros outside the grid: exact for whole-number counts.
    ones = np.ones(2 * k + 1)
    summed = ndimage.correlate1d(values, ones, axis=0, mode="constant", cval=0.0)
    return ndimage.correlate1d(summed, ones, axis=1, mode="constant", cval=0.0)


def _cells_in_window(size: int, k: int) -> NDArray:
    # How many of the 2k + 1 positions around each position along one axis lie in the grid.
    i = np.arange(size)
    return np.minimum(i + k, size - 1) - np.maximum(i - k, 0) + 1


def getis_ord_gi_star(
    grid: Grid,
    *,
    neighbourhood: int = 1,
    alpha: float = 0.05,
    fdr: bool = False,
) -> HotSpots:
    """Getis–Ord Gi* on every cell, with binary weights over the (2k + 1)² window around
    it (k = neighbourhood; the default 1 is the cell and its 8 queen neighbours). Cells on
    the grid's edge have smaller windows. Equal to esda's ``G_Local(counts.ravel(), w,
    star=True, transform="B")`` with ``w`` that window as a libpysal W.

    Cells are hot (z > 0) or cold (z < 0) when their two-sided p is below alpha, or with
    fdr=True when their Benjamini–Hochberg adjusted two-sided p is (false-discovery rate
    alpha over all the grid's cells).
    """
    if neighbourhood < 1:
        raise ValueError(f"neighbourhood must be at least 1, got {neighbourhood}")
    rows, cols = grid.shape
    y = np.asarray(grid.counts, dtype=float)
    z = np.zeros((rows, cols))
    defined = np.zeros((rows, cols), dtype=bool)
    notes: list[str] = []
    N = rows * cols
    total = y.sum()
    mean = total / N if N else 0.0
    variance = (y**2).sum() / N - mean**2 if N else 0.0
    if N == 0:
        notes.append(NOTE_EMPTY_GRID)
    elif total == 0:
        notes.append(NOTE_NO_EVENTS)
    elif variance <= 0 or np.all(y == y.flat[0]):
        notes.append(NOTE_ONE_CELL if np.count_nonzero(y) == 1 else NOTE_EQUAL_CELLS)
    else:
        # esda's G_Local.calc with remove_self = False, written out for a lattice.
        statistic = _window_sums(y, neighbourhood) / total
        cardinality = np.outer(
            _cells_in_window(rows, neighbourhood), _cells_in_window(cols, neighbourhood)
        ).astype(float)
        expected = cardinality / N
        expected_variance = cardinality * (N - cardinality)
        expected_variance /= N - 1
        expected_variance *= 1 / N**2
        expected_variance *= variance / mean**2
        # A window that covers the whole grid holds every event whatever their layout.
        defined = expected_variance > 0
        z[defined] = (statistic[defined] - expected[defined]) / np.sqrt(expected_variance[defined])
    p = np.where(defined, stats.norm.sf(np.abs(z)), 1.0)
    p_two_sided = np.minimum(2 * p, 1.0)
    tested = benjamini_hochberg(p_two_sided) if fdr else p_two_sided
    significant = tested < alpha
    classes = np.full((rows, cols), NOT_SIGNIFICANT, dtype=object)
    classes[significant & (z > 0)] = HOT
    classes[significant & (z < 0)] = COLD
    return HotSpots(grid, neighbourhood, z, p, p_two_sided, classes, alpha, fdr, notes)


@dataclass(frozen=True, eq=False)
class KernelDensity:
    """A quartic kernel density surface on a grid's cell centres, in events per km²."""

    grid: Grid  # the points binned on the grid, as the surface was computed from them
    bandwidth: float
    density: NDArray  # shape grid.shape, events per km² at each cell centre


def quartic_kernel(distance: ArrayLike, bandwidth: float) -> NDArray:
    """The quartic (biweight) kernel in two dimensions, per m²: 3 / (π h²) · (1 − d²/h²)²
    within the bandwidth h, 0 beyond. It integrates to 1 over the plane."""
    u2 = (np.asarray(distance, dtype=float) / bandwidth) ** 2
    return np.where(u2 < 1, 3 / (np.pi * bandwidth**2) * (1 - u2) ** 2, 0.0)


def kernel_density(
    e: ArrayLike,
    n: ArrayLike,
    *,
    grid: Grid,
    bandwidth: float | None = None,
) -> KernelDensity:
    """Quartic kernel density of points (SWEREF 99 TM metres) at the centres of ``grid``'s
    cells, in events per km²: the sum over events of ``quartic_kernel(distance, h)``.

    The bandwidth h defaults to a fixed 500 m (two 250 m cells: about a few blocks in a
    Swedish town); a data-driven rule such as Silverman's is tuned to smooth unimodal
    densities and oversmooths clustered crime. An approximation: each point is first moved
    to the centre of its cell, so the surface is a convolution of the count grid with the
    kernel sampled at whole-cell offsets (exact for points at cell centres; elsewhere off by
    at most half a cell in position). Points outside the grid are dropped.
    """
    h = DEFAULT_BANDWIDTH if bandwidth is None else float(bandwidth)
    if h <= 0:
        raise ValueError(f"bandwidth must be positive, got {bandwidth}")
    rows, cols = grid.shape
    if rows * cols == 0:
        return KernelDensity(grid, h, np.zeros((rows, cols)))
    binned = grid_counts(e, n, cell=grid.cell, bounds=grid.bounds)
    reach = int(np.floor(h / grid.cell))
    offsets = np.arange(-reach, reach + 1) * grid.cell
    dx, dy = np.meshgrid(offsets, offsets)
    kernel = quartic_kernel(np.hypot(dx, dy), h) * 1e6  # per km²
    density = signal.convolve(binned.counts.astype(float), kernel, mode="same", method="auto")
    # FFT convolution (chosen for wide kernels) leaves rounding noise around 0.
    density = np.maximum(density, 0.0)
    return KernelDensity(binned, h, density)
