"""Grid counts, Getis–Ord Gi* and kernel density, each checked against an independent
computation: esda's G_Local on libpysal weights built for the same grid, NumPy's
histogram2d, SciPy's Benjamini–Hochberg and a direct sum over points and cells."""

import warnings

import esda
import libpysal
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import false_discovery_control

from samverkan.analysis.geo import to_sweref
from samverkan.analysis.hotspots import (
    COLD,
    HOT,
    NOT_SIGNIFICANT,
    NOTE_EQUAL_CELLS,
    NOTE_NO_EVENTS,
    NOTE_ONE_CELL,
    Grid,
    benjamini_hochberg,
    getis_ord_gi_star,
    grid_counts,
    grid_counts_for_frame,
    kernel_density,
    quartic_kernel,
)
from samverkan.lagesbild.text.sentences import say

# Luleå's Stadsön, roughly, in SWEREF 99 TM.
LULEA_E, LULEA_N = 915_000.0, 7_290_000.0


def window_weights(rows: int, cols: int, k: int) -> libpysal.weights.W:
    """Binary weights between cells at most k rows and k columns apart, without self-weights
    (esda adds them for star=True), ids in row-major order."""
    if k == 1:
        return libpysal.weights.lat2W(rows, cols, rook=False)
    neighbours = {}
    for r in range(rows):
        for c in range(cols):
            neighbours[r * cols + c] = [
                rr * cols + cc
                for rr in range(max(r - k, 0), min(r + k, rows - 1) + 1)
                for cc in range(max(c - k, 0), min(c + k, cols - 1) + 1)
                if (rr, cc) != (r, c)
            ]
    return libpysal.weights.W(neighbours, id_order=list(range(rows * cols)))


def esda_gi_star(counts: np.ndarray, k: int = 1) -> esda.getisord.G_Local:
    w = window_weights(*counts.shape, k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda.getisord.G_Local(
            counts.ravel().astype(float), w, star=True, transform="B", permutations=0
        )


def a_grid(counts) -> Grid:
    return Grid(x0=LULEA_E, y0=LULEA_N, cell=250.0, counts=np.asarray(counts))


# -- grid_counts ----------------------------------------------------------------------------


def test_it_counts_points_per_cell_including_empty_cells():
    e = np.array([10.0, 20.0, 260.0, 740.0])
    n = np.array([10.0, 30.0, 10.0, 490.0])
    grid = grid_counts(e, n, cell=250.0, bounds=(0.0, 0.0, 1000.0, 500.0))
    assert grid.origin == (0.0, 0.0)
    assert grid.shape == (2, 4)
    np.testing.assert_array_equal(grid.counts, [[2, 1, 0, 0], [0, 0, 1, 0]])
    assert grid.dropped == 0


def test_it_agrees_with_numpy_histogram2d():
    rng = np.random.default_rng(7)
    e = rng.uniform(LULEA_E, LULEA_E + 5_000, 10_000)
    n = rng.uniform(LULEA_N, LULEA_N + 3_000, 10_000)
    grid = grid_counts(e, n, cell=250.0)
    x0, y0, x1, y1 = grid.bounds
    rows, cols = grid.shape
    reference, _, _ = np.histogram2d(
        n, e, bins=[np.linspace(y0, y1, rows + 1), np.linspace(x0, x1, cols + 1)]
    )
    np.testing.assert_array_equal(grid.counts, reference)
    assert grid.total == 10_000


def test_it_snaps_the_default_extent_outward_to_whole_cells():
    grid = grid_counts(np.array([1_010.0, 1_740.0]), np.array([2_260.0, 2_990.0]), cell=250.0)
    assert grid.bounds == (1_000.0, 2_250.0, 1_750.0, 3_000.0)
    assert grid.total == 2


def test_it_snaps_a_point_on_a_cell_edge_into_a_cell_of_its_own():
    grid = grid_counts(np.array([0.0, 500.0]), np.array([0.0, 0.0]), cell=250.0)
    assert grid.shape == (1, 3)
    np.testing.assert_array_equal(grid.counts, [[1, 0, 1]])


def test_it_puts_a_point_on_the_east_or_north_bound_in_the_last_cell():
    grid = grid_counts(
        np.array([1_000.0, 0.0]), np.array([0.0, 500.0]), cell=250.0, bounds=(0, 0, 1000, 500)
    )
    np.testing.assert_array_equal(grid.counts, [[0, 0, 0, 1], [1, 0, 0, 0]])


def test_it_drops_and_counts_points_outside_the_bounds_or_without_a_position():
    e = np.array([100.0, -1.0, 100.0, 2_000.0, np.nan])
    n = np.array([100.0, 100.0, 600.0, 100.0, 100.0])
    grid = grid_counts(e, n, bounds=(0, 0, 1000, 500))
    assert grid.total == 1
    assert grid.dropped == 4


def test_it_gives_an_empty_grid_for_no_points_without_bounds():
    grid = grid_counts(np.array([]), np.array([]))
    assert grid.shape == (0, 0)
    assert grid.total == 0
    assert getis_ord_gi_star(grid).frame().empty


def test_it_refuses_a_grid_too_large_to_hold():
    # One position in Skåne among Luleå's would make a 100 m grid of 60 million cells.
    e = np.array([LULEA_E, 380_000.0])
    n = np.array([LULEA_N, 6_160_000.0])
    with pytest.raises(ValueError, match="give bounds"):
        grid_counts(e, n, cell=100.0)


def test_it_maps_cells_to_row_major_indices_and_centres():
    grid = a_grid(np.zeros((3, 4), dtype=int))
    assert grid.index(2, 1) == 9
    rows, cols = grid.row_col(np.array([9, 3]))
    np.testing.assert_array_equal(rows, [2, 0])
    np.testing.assert_array_equal(cols, [1, 3])
    x, y = grid.centres()
    assert (x[2, 1], y[2, 1]) == (LULEA_E + 375.0, LULEA_N + 625.0)


def test_it_counts_wgs84_positions_from_a_frame_in_sweref():
    lon, lat = np.array([22.15, 22.16, np.nan]), np.array([65.58, 65.585, 65.58])
    incidents = pd.DataFrame({"lon": lon, "lat": lat})
    grid = grid_counts_for_frame(incidents, cell=250.0)
    e, n = to_sweref(lon[:2], lat[:2])
    reference = grid_counts(e, n, cell=250.0)
    np.testing.assert_array_equal(grid.counts, reference.counts)
    assert grid.origin == reference.origin
    assert grid.dropped == 1


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-3_000, 3_000), st.integers(-3_000, 3_000)),
        min_size=0,
        max_size=200,
    ),
    st.sampled_from([100.0, 250.0, 333.0]),
)
def test_it_counts_every_point_inside_the_bounds_once(points, cell):
    e = np.array([p[0] for p in points], dtype=float)
    n = np.array([p[1] for p in points], dtype=float)
    bounds = (-1_000.0, -2_000.0, 1_500.0, 2_000.0)
    grid = grid_counts(e, n, cell=cell, bounds=bounds)
    inside = (e >= -1_000) & (e <= 1_500) & (n >= -2_000) & (n <= 2_000)
    assert grid.total == inside.sum()
    assert grid.total + grid.dropped == len(points)


# -- Gi* against esda -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "k", "seed"),
    [
        ((5, 7), 1, 1),
        ((20, 20), 1, 2),
        ((1, 10), 1, 3),
        ((10, 1), 1, 4),
        ((13, 9), 1, 5),
        ((12, 15), 2, 6),
        ((7, 30), 3, 7),
    ],
)
def test_it_equals_esda_g_local_star_on_random_grids(shape, k, seed):
    rng = np.random.default_rng(seed)
    counts = rng.poisson(rng.uniform(0.2, 4.0, shape))
    ours = getis_ord_gi_star(a_grid(counts), neighbourhood=k)
    reference = esda_gi_star(counts, k)
    np.testing.assert_allclose(ours.z.ravel(), reference.Zs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.p.ravel(), reference.p_norm, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.p_two_sided, np.minimum(2 * ours.p, 1))


def test_it_equals_esda_on_a_sparse_grid_with_mostly_empty_cells():
    rng = np.random.default_rng(11)
    e = rng.normal(LULEA_E + 2_000, 300, 150)
    n = rng.normal(LULEA_N + 2_000, 300, 150)
    grid = grid_counts(e, n, bounds=(LULEA_E, LULEA_N, LULEA_E + 5_000, LULEA_N + 4_000))
    assert (grid.counts == 0).mean() > 0.8
    ours = getis_ord_gi_star(grid)
    reference = esda_gi_star(grid.counts)
    np.testing.assert_allclose(ours.z.ravel(), reference.Zs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.p.ravel(), reference.p_norm, rtol=0, atol=1e-9)


def hot_cluster_counts() -> np.ndarray:
    counts = np.ones((11, 11), dtype=int)
    counts[4:7, 4:7] = 9
    counts[5, 5] = 15
    return counts


def test_it_classifies_the_centre_of_an_obvious_cluster_as_hot():
    counts = hot_cluster_counts()
    hot_spots = getis_ord_gi_star(a_grid(counts))
    reference = esda_gi_star(counts)
    np.testing.assert_allclose(hot_spots.z.ravel(), reference.Zs, rtol=0, atol=1e-9)
    assert hot_spots.classes[5, 5] == HOT
    assert hot_spots.z[5, 5] == hot_spots.z.max()
    assert hot_spots.classes[0, 0] == NOT_SIGNIFICANT
    assert getis_ord_gi_star(a_grid(counts), fdr=True).classes[5, 5] == HOT


def test_it_classifies_an_empty_hole_in_a_busy_area_as_cold():
    counts = np.full((11, 11), 5)
    counts[4:7, 4:7] = 0
    hot_spots = getis_ord_gi_star(a_grid(counts))
    assert hot_spots.classes[5, 5] == COLD
    assert hot_spots.n_cold >= 1 and hot_spots.n_hot == 0


def test_the_old_normal_rule_classifies_by_two_sided_p_at_alpha():
    counts = np.random.default_rng(3).poisson(2, (15, 15))
    counts[6:9, 6:9] += 6
    hot_spots = getis_ord_gi_star(
        a_grid(counts), alpha=0.05, test="normal", fdr=False, min_events=0
    )
    significant = hot_spots.p_two_sided < 0.05
    np.testing.assert_array_equal(hot_spots.classes == HOT, significant & (hot_spots.z > 0))
    np.testing.assert_array_equal(hot_spots.classes == COLD, significant & (hot_spots.z < 0))
    # Two-sided at 0.05 is |z| > 1.96.
    np.testing.assert_array_equal(significant, np.abs(hot_spots.z) > 1.959963984540054)


def test_it_controls_the_false_discovery_rate_as_scipy_does():
    counts = np.random.default_rng(5).poisson(2, (15, 15))
    counts[2:5, 2:5] += 5
    plain = getis_ord_gi_star(a_grid(counts), alpha=0.05, test="normal", fdr=False, min_events=0)
    fdr = getis_ord_gi_star(a_grid(counts), alpha=0.05, test="normal", min_events=0)
    q = false_discovery_control(plain.p_two_sided.ravel(), method="bh")
    np.testing.assert_allclose(benjamini_hochberg(plain.p_two_sided).ravel(), q, atol=1e-12)
    np.testing.assert_array_equal((fdr.classes != NOT_SIGNIFICANT).ravel(), q < 0.05)
    assert set(zip(*np.nonzero(fdr.classes == HOT), strict=True)) <= set(
        zip(*np.nonzero(plain.classes == HOT), strict=True)
    )


def test_it_returns_a_tidy_frame_for_a_map():
    counts = hot_cluster_counts()
    hot_spots = getis_ord_gi_star(a_grid(counts))
    frame = hot_spots.frame()
    assert list(frame.columns) == [
        "index",
        "row",
        "col",
        "x",
        "y",
        "in_area",
        "count",
        "z",
        "p",
        "p_two_sided",
        "p_test",
        "q",
        "class",
    ]
    assert len(frame) == counts.size
    centre = frame.loc[frame["index"] == 5 * 11 + 5].iloc[0]
    assert (centre["row"], centre["col"], centre["count"]) == (5, 5, 15)
    assert (centre["x"], centre["y"]) == (LULEA_E + 5.5 * 250, LULEA_N + 5.5 * 250)
    assert centre["class"] == HOT
    assert not frame[["z", "p", "p_two_sided", "p_test", "q"]].isna().any().any()


# -- Gi* edge cases: valid, explained, never NaN ---------------------------------------------


def assert_undefined_everywhere(hot_spots, note):
    assert hot_spots.notes == [note]
    assert (hot_spots.z == 0).all()
    assert (hot_spots.p == 1).all() and (hot_spots.p_two_sided == 1).all()
    assert (hot_spots.classes == NOT_SIGNIFICANT).all()
    assert not hot_spots.frame()[["z", "p"]].isna().any().any()


def test_it_explains_an_area_without_events():
    grid = grid_counts(np.array([]), np.array([]), bounds=(0, 0, 1000, 1000))
    assert grid.shape == (4, 4)
    assert_undefined_everywhere(getis_ord_gi_star(grid), NOTE_NO_EVENTS)


def test_it_explains_a_single_event():
    grid = grid_counts(np.array([LULEA_E + 10]), np.array([LULEA_N + 10]))
    assert grid.shape == (1, 1)
    assert_undefined_everywhere(getis_ord_gi_star(grid), NOTE_ONE_CELL)


def test_it_explains_all_events_in_one_cell():
    grid = grid_counts(np.full(40, LULEA_E + 10), np.full(40, LULEA_N + 10))
    hot_spots = getis_ord_gi_star(grid)
    assert_undefined_everywhere(hot_spots, NOTE_ONE_CELL)
    assert [say(n) for n in hot_spots.notes] == ["alla händelser i samma ruta: ingen varians"]


def test_it_explains_equal_counts_in_every_cell():
    assert_undefined_everywhere(getis_ord_gi_star(a_grid(np.full((4, 5), 3))), NOTE_EQUAL_CELLS)


def test_it_still_tests_all_events_in_one_cell_of_a_larger_area():
    counts = np.zeros((9, 9), dtype=int)
    counts[4, 4] = 30
    hot_spots = getis_ord_gi_star(a_grid(counts))
    np.testing.assert_allclose(hot_spots.z.ravel(), esda_gi_star(counts).Zs, atol=1e-9)
    assert hot_spots.classes[4, 4] == HOT
    # Even an empty window is what chance gives with 30 events on 81 cells: no cold test.
    assert [say(n) for n in hot_spots.notes] == [
        "kalla rutor kan inte påvisas: med 30 händelser på 81 rutor är även ett tomt fönster "
        "vad slumpen ger"
    ]


def test_it_gives_z_0_where_the_window_covers_the_whole_grid():
    # On a 3 × 3 grid the centre's window is the whole grid: its Gi* is 1 whatever the
    # counts, esda divides 0 by 0; we say "nothing to see" instead.
    counts = np.array([[0, 1, 2], [3, 4, 5], [6, 7, 9]])
    hot_spots = getis_ord_gi_star(a_grid(counts))
    assert hot_spots.z[1, 1] == 0 and hot_spots.p[1, 1] == 1
    reference = esda_gi_star(counts).Zs.reshape(3, 3)
    defined = np.isfinite(reference)
    assert not defined[1, 1]
    np.testing.assert_allclose(hot_spots.z[defined], reference[defined], atol=1e-9)


# -- Gi* properties -------------------------------------------------------------------------

count_grids = st.tuples(st.integers(1, 12), st.integers(2, 12), st.integers(0, 2**32 - 1)).map(
    lambda t: np.random.default_rng(t[2]).poisson(1.5, (t[0], t[1]))
)


@settings(max_examples=60, deadline=None)
@given(count_grids, st.floats(0.01, 1_000.0))
def test_z_does_not_change_when_every_count_is_multiplied_by_a_constant(counts, factor):
    grid = a_grid(counts)
    scaled = getis_ord_gi_star(grid.with_counts(counts * factor))
    np.testing.assert_allclose(scaled.z, getis_ord_gi_star(grid).z, rtol=1e-9, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4_000), st.integers(0, 4_000)), min_size=1, max_size=150),
    st.integers(-40, 40),
    st.integers(-40, 40),
)
def test_z_does_not_change_when_every_point_moves_by_whole_cells(points, dx, dy):
    e = LULEA_E + np.array([p[0] for p in points], dtype=float)
    n = LULEA_N + np.array([p[1] for p in points], dtype=float)
    before = grid_counts(e, n)
    after = grid_counts(e + dx * 250.0, n + dy * 250.0)
    assert after.origin == (before.x0 + dx * 250.0, before.y0 + dy * 250.0)
    np.testing.assert_array_equal(after.counts, before.counts)
    np.testing.assert_array_equal(getis_ord_gi_star(after).z, getis_ord_gi_star(before).z)


@settings(max_examples=40, deadline=None)
@given(count_grids)
def test_z_and_p_are_never_nan(counts):
    hot_spots = getis_ord_gi_star(a_grid(counts))
    assert np.isfinite(hot_spots.z).all()
    assert ((hot_spots.p > 0) & (hot_spots.p <= 1)).all()


# -- kernel density -------------------------------------------------------------------------


def direct_density(e, n, grid, bandwidth):
    """Events per km² at each cell centre, summing the kernel over every (event, cell)."""
    x, y = grid.centres()
    distance = np.hypot(x.ravel()[:, None] - e[None, :], y.ravel()[:, None] - n[None, :])
    return (quartic_kernel(distance, bandwidth).sum(axis=1) * 1e6).reshape(grid.shape)


def test_the_quartic_kernel_integrates_to_one():
    h = 500.0
    step = 5.0
    offsets = np.arange(-h, h + step, step)
    dx, dy = np.meshgrid(offsets, offsets)
    assert quartic_kernel(np.hypot(dx, dy), h).sum() * step**2 == pytest.approx(1, abs=1e-3)


@pytest.mark.parametrize("bandwidth", [None, 250.0, 600.0, 1_300.0, 4_000.0])
def test_kernel_density_equals_a_direct_sum_for_points_at_cell_centres(bandwidth):
    rng = np.random.default_rng(9)
    grid = a_grid(np.zeros((12, 17), dtype=int))
    rows, cols = rng.integers(0, 12, 60), rng.integers(0, 17, 60)
    x, y = grid.centres()
    e, n = x[rows, cols], y[rows, cols]
    surface = kernel_density(e, n, grid=grid, bandwidth=bandwidth)
    reference = direct_density(e, n, grid, surface.bandwidth)
    np.testing.assert_allclose(surface.density, reference, rtol=1e-9, atol=1e-9)
    assert surface.grid.total == 60


def test_kernel_density_defaults_to_a_500_metre_bandwidth():
    grid = a_grid(np.zeros((3, 3), dtype=int))
    assert kernel_density(np.array([]), np.array([]), grid=grid).bandwidth == 500.0


def test_kernel_density_binned_at_cell_centres_approximates_the_exact_surface():
    rng = np.random.default_rng(10)
    e = rng.normal(LULEA_E + 3_000, 700, 500)
    n = rng.normal(LULEA_N + 3_000, 700, 500)
    grid = grid_counts(
        e, n, cell=100.0, bounds=(LULEA_E, LULEA_N, LULEA_E + 6_000, LULEA_N + 6_000)
    )
    surface = kernel_density(e, n, grid=grid, bandwidth=800.0)
    exact = direct_density(e, n, grid, 800.0)
    assert np.abs(surface.density - exact).max() < 0.05 * exact.max()
    # Mass is kept: the surface integrates to about the number of events.
    cell_km2 = (grid.cell / 1_000) ** 2
    assert surface.density.sum() * cell_km2 == pytest.approx(grid.total, rel=0.02)


def test_kernel_density_drops_points_outside_the_grid_and_is_never_negative():
    grid = a_grid(np.zeros((5, 5), dtype=int))
    surface = kernel_density(
        np.array([LULEA_E + 100, LULEA_E - 5_000]),
        np.array([LULEA_N + 100, LULEA_N]),
        grid=grid,
        bandwidth=5_000.0,
    )
    assert surface.grid.total == 1 and surface.grid.dropped == 1
    assert (surface.density >= 0).all()
