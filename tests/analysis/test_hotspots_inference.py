"""The hot-spot decision: the exact binomial test against SciPy by hand, the conditional
permutation test against esda's G_Local with permutations (statistically: the same seed
cannot give the same draws), the study-area mask against esda on the restricted lattice,
and the conclusions on maps with no effect by construction (seeded) and with a cluster."""

import warnings

import esda
import libpysal
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from samverkan.analysis.concentration import cell_concentration, concentration
from samverkan.analysis.hotspot_inference import binomial_p, permutation_p
from samverkan.analysis.hotspots import (
    HOT,
    NOT_SIGNIFICANT,
    NOTE_NO_EVENTS,
    NOTE_ONE_CELL,
    NOTE_TOO_FEW_EVENTS,
    Grid,
    getis_ord_gi_star,
    grid_counts,
)
from samverkan.lagesbild.text.sentences import say


def a_grid(counts) -> Grid:
    return Grid(x0=0.0, y0=0.0, cell=250.0, counts=np.asarray(counts))


def disc_mask(rows: int, cols: int) -> np.ndarray:
    """A round study area inside a square grid: the corners are outside."""
    r, c = np.mgrid[0:rows, 0:cols]
    return (r - (rows - 1) / 2) ** 2 + (c - (cols - 1) / 2) ** 2 <= (min(rows, cols) / 2) ** 2


def by_hand(counts: np.ndarray, mask: np.ndarray):
    """Window sums and cardinalities over the mask's cells, by loops; and esda's W."""
    rows, cols = counts.shape
    ids = [int(k) for k in np.flatnonzero(mask.ravel())]
    neighbours = {}
    for k in ids:
        r, c = divmod(k, cols)
        neighbours[k] = [
            rr * cols + cc
            for rr in range(max(r - 1, 0), min(r + 1, rows - 1) + 1)
            for cc in range(max(c - 1, 0), min(c + 1, cols - 1) + 1)
            if (rr, cc) != (r, c) and mask[rr, cc]
        ]
    flat = counts.ravel()
    window = np.array([flat[k] + sum(flat[j] for j in neighbours[k]) for k in ids])
    card = np.array([1 + len(neighbours[k]) for k in ids])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.W(neighbours, id_order=ids, silence_warnings=True)
    return ids, window, card, w


def esda_g(y, w, permutations=0, seed=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda.getisord.G_Local(
            y.astype(float), w, star=True, transform="B", permutations=permutations, seed=seed
        )


def clustered_map(seed=4, shape=(14, 14)):
    counts = np.random.default_rng(seed).poisson(0.8, shape)
    counts[5:8, 5:8] += 3
    return counts


# -- z over a study area equals esda on the restricted lattice -----------------------------


def test_z_over_a_mask_equals_esda_on_the_lattice_restricted_to_the_mask():
    counts = clustered_map()
    mask = disc_mask(*counts.shape)
    ids, _window, _card, w = by_hand(counts, mask)
    reference = esda_g(counts.ravel()[ids], w)
    ours = getis_ord_gi_star(a_grid(counts), mask=mask)
    np.testing.assert_allclose(ours.z.ravel()[ids], reference.Zs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.p.ravel()[ids], reference.p_norm, rtol=0, atol=1e-9)
    assert ours.n_cells == len(ids)
    assert (ours.z[~mask] == 0).all() and (ours.classes[~mask] == NOT_SIGNIFICANT).all()


def test_cells_outside_the_area_change_nothing_inside_it():
    # The answer must not depend on how far the grid reaches: pad it with cells outside the
    # study area holding events, and the area's z, p and classes stay the same.
    counts = clustered_map()
    mask = disc_mask(*counts.shape)
    padded = np.pad(counts, 5, constant_values=0)
    padded[0, 0] = padded[-1, -1] = 7  # events outside the area
    padded_mask = np.pad(mask, 5, constant_values=False)
    small = getis_ord_gi_star(a_grid(counts), mask=mask)
    large = getis_ord_gi_star(a_grid(padded), mask=padded_mask)
    inner = (slice(5, -5), slice(5, -5))
    np.testing.assert_allclose(large.z[inner], small.z, atol=1e-12)
    np.testing.assert_allclose(large.q[inner], small.q, atol=1e-12)
    np.testing.assert_array_equal(large.classes[inner], small.classes)
    assert large.events_outside == 14 + counts[~mask].sum()
    assert small.events_outside == counts[~mask].sum()


def test_a_mask_of_the_wrong_shape_or_type_is_refused():
    with pytest.raises(ValueError, match="mask has shape"):
        getis_ord_gi_star(a_grid(np.ones((3, 4))), mask=np.ones((4, 3), dtype=bool))
    with pytest.raises(ValueError, match="boolean"):
        getis_ord_gi_star(a_grid(np.ones((3, 4))), mask=np.ones((3, 4)))
    with pytest.raises(ValueError, match="test must be one of"):
        getis_ord_gi_star(a_grid(np.ones((3, 4))), test="poisson")


def test_an_empty_study_area_is_explained():
    spots = getis_ord_gi_star(a_grid(np.ones((3, 4))), mask=np.zeros((3, 4), dtype=bool))
    assert spots.n_hot == 0 and spots.n_cells == 0
    assert say(spots.notes[0]) == "inget område att räkna i"


# -- the exact binomial test against SciPy by hand -------------------------------------------


def test_the_exact_test_is_the_binomial_tail_of_the_window_given_the_total():
    counts = clustered_map()
    mask = disc_mask(*counts.shape)
    ids, window, card, _w = by_hand(counts, mask)
    total, n = counts[mask].sum(), mask.sum()
    ours = getis_ord_gi_star(a_grid(counts), mask=mask, min_events=0, fdr=False)
    z = ours.z.ravel()[ids]
    upper = stats.binom.sf(window - 1, total, card / n)
    lower = stats.binom.cdf(window, total, card / n)
    raw = binomial_p(window, card, total, n, z)
    np.testing.assert_allclose(raw, np.where(z > 0, upper, np.where(z < 0, lower, 1)), rtol=1e-12)
    # A hand-worked cell: the cluster's centre.
    k = ids.index(6 * 14 + 6)
    assert window[k] == counts[5:8, 5:8].sum() and card[k] == 9
    assert raw[k] == pytest.approx(stats.binom.sf(window[k] - 1, total, 9 / n), rel=1e-12)
    # The decision: doubled p, BH across the area's cells (statsmodels), q < alpha.
    decided = getis_ord_gi_star(a_grid(counts), mask=mask)
    eligible = ((z > 0) & (window >= 3)) | ((z < 0) & (2 * (1 - card / n) ** total < 0.05))
    doubled = np.where(eligible, np.minimum(2 * raw, 1), 1)
    q = multipletests(doubled, method="fdr_bh")[1]
    np.testing.assert_allclose(decided.q.ravel()[ids], q, rtol=1e-9, atol=1e-15)
    np.testing.assert_array_equal(decided.classes.ravel()[ids] == HOT, (q < 0.05) & (z > 0))
    assert decided.classes[6, 6] == HOT


# -- the permutation test against esda -------------------------------------------------------


def directed_p_from_esda(reference, y, z):
    """Our one-sided p in z's direction from esda's own simulated window sums."""
    total = y.sum()
    sims = np.rint(reference.rGs * total)
    obs = np.rint(reference.Gs * total)[:, None]
    upper = (1 + (sims >= obs).sum(axis=1)) / (1 + sims.shape[1])
    lower = (1 + (sims <= obs).sum(axis=1)) / (1 + sims.shape[1])
    return np.where(z > 0, upper, np.where(z < 0, lower, 1.0))


def test_permutation_p_values_agree_with_esda_within_monte_carlo_error():
    counts = clustered_map(seed=8, shape=(12, 12))
    mask = disc_mask(12, 12)
    ids, window, card, w = by_hand(counts, mask)
    y = counts.ravel()[ids]
    refs = [esda_g(y, w, permutations=999, seed=s) for s in (1, 2)]
    z = refs[0].Zs
    esda_p = np.mean([directed_p_from_esda(r, y, z) for r in refs], axis=0)
    ours = permutation_p(y, y, window, card, z, permutations=999, seed=3)
    se = np.sqrt(esda_p * (1 - esda_p) * (1 / 999 + 1 / 1998))
    assert np.all(np.abs(ours - esda_p) <= 5 * se + 2e-3)
    assert abs(np.mean(ours - esda_p)) < 0.01
    # esda's own p_sim is our upper-tail p wherever that tail is the smaller one.
    upper_small = (z > 0) & (esda_p < 0.4)
    assert upper_small.sum() >= 5
    p_sim = np.mean([r.p_sim for r in refs], axis=0)
    assert np.all(np.abs(ours - p_sim)[upper_small] <= 5 * se[upper_small] + 2e-3)


def test_permutation_p_is_a_valid_p_value_under_random_relocation():
    # Counts placed at random: the doubled p in z's direction is at most 5 % for at most
    # 5 % of cells (plus sampling error), pooled over every cell of 200 maps. (Counting only
    # cells with z > 0 would select high windows and is not the test's error rate.)
    rng = np.random.default_rng(21)
    hits, tried = 0, 0
    for seed in range(200):
        counts = rng.poisson(1.0, (10, 10))
        spots = getis_ord_gi_star(
            a_grid(counts), test="permutation", fdr=False, min_events=0, seed=seed
        )
        hits += int(((spots.q <= 0.05) & spots.tested).sum())
        tried += spots.n_tested
    rate = hits / tried
    assert rate <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / tried)
    assert rate > 0.01  # not a test that never rejects


def test_the_permutation_test_finds_a_planted_cluster_and_is_reproducible():
    counts = np.random.default_rng(2).poisson(0.5, (10, 10))
    counts[4:7, 4:7] += 8
    a = getis_ord_gi_star(a_grid(counts), test="permutation", seed=5)
    b = getis_ord_gi_star(a_grid(counts), test="permutation", seed=5)
    assert a.classes[5, 5] == HOT
    np.testing.assert_array_equal(a.p_test, b.p_test)


def test_the_permutation_floor_is_explained_on_a_large_map():
    counts = np.zeros((60, 60), dtype=int)
    counts[30, 30] = 5
    counts[10, 10] = 1
    spots = getis_ord_gi_star(a_grid(counts), test="permutation")
    assert spots.n_hot == 0
    assert any("minsta möjliga p-värdet 1/1 000" in say(n) for n in spots.notes)


# -- conclusions under no effect and with an effect -----------------------------------------


def uniform_map(rng, mask, points):
    rows, cols = mask.shape
    e = rng.uniform(0, cols * 250.0, 4 * points)
    n = rng.uniform(0, rows * 250.0, 4 * points)
    cells = np.floor(n / 250).astype(int) * cols + np.floor(e / 250).astype(int)
    keep = mask.ravel()[cells]
    return grid_counts(e[keep][:points], n[keep][:points], bounds=(0, 0, cols * 250, rows * 250))


def test_under_no_effect_at_most_5_percent_of_maps_show_any_hot_cell():
    # 300 points uniform over a round study area of about 2 800 cells, 300 maps: the share
    # of maps with ANY hot (or cold) cell at 95 % must not exceed 5 % + 2 standard errors.
    # The old rule (normal approximation, each cell alone) lights up cells on every map.
    rng = np.random.default_rng(13)
    mask = disc_mask(60, 60)
    maps, any_flag, old_any = 300, 0, 0
    for _ in range(maps):
        grid = uniform_map(rng, mask, 300)
        spots = getis_ord_gi_star(grid, mask=mask)
        any_flag += (spots.n_hot + spots.n_cold) > 0
        if _ < 20:
            old = getis_ord_gi_star(grid, mask=mask, test="normal", fdr=False, min_events=0)
            old_any += old.n_hot > 10
    assert any_flag / maps <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / maps)
    assert old_any == 20


def test_a_planted_cluster_is_found():
    rng = np.random.default_rng(17)
    mask = disc_mask(60, 60)
    found = 0
    for _ in range(50):
        base = uniform_map(rng, mask, 300)
        e = np.full(8, 30 * 250 + 125.0) + rng.uniform(-200, 200, 8)
        n = np.full(8, 30 * 250 + 125.0) + rng.uniform(-200, 200, 8)
        extra = grid_counts(e, n, bounds=base.bounds).counts
        spots = getis_ord_gi_star(base.with_counts(base.counts + extra), mask=mask)
        found += bool((spots.classes[29:32, 29:32] == HOT).any())
    assert found >= 48


# -- bad input: explained, never hot ----------------------------------------------------------


def test_no_events_one_event_and_a_window_with_one_event_are_never_hot():
    empty = getis_ord_gi_star(a_grid(np.zeros((8, 8), dtype=int)))
    assert empty.n_hot == 0 and empty.notes == [NOTE_NO_EVENTS]
    one = np.zeros((8, 8), dtype=int)
    one[3, 3] = 1
    assert getis_ord_gi_star(a_grid(one[3:4, 3:4])).notes == [NOTE_ONE_CELL]
    single = getis_ord_gi_star(a_grid(one))
    assert single.n_hot == 0 and single.notes[0].code == NOTE_TOO_FEW_EVENTS
    # Two events far apart: each window holds one event (z ≈ 4 by the normal rule).
    two = one.copy()
    two[7, 7] = 1
    for test in ("binomial", "permutation", "normal"):
        spots = getis_ord_gi_star(a_grid(two), test=test)
        assert spots.n_hot == 0
        assert spots.notes[0].code == NOTE_TOO_FEW_EVENTS
    assert say(spots.notes[0]) == (
        "för få händelser för ett test: 2 händelser, minst 3 behövs i ett fönster för att "
        "en ruta ska kunna bli het"
    )
    assert getis_ord_gi_star(a_grid(two), test="normal", fdr=False, min_events=0).n_hot > 0


def test_the_minimum_count_holds_back_a_window_below_it():
    counts = np.zeros((40, 40), dtype=int)
    counts[20, 20] = 2
    counts[5, 5] = 1
    lax = getis_ord_gi_star(a_grid(counts), min_events=0)
    strict = getis_ord_gi_star(a_grid(counts), min_events=3)
    assert lax.n_hot > 0 and strict.n_hot == 0
    assert (strict.p_test[np.rint(strict.z) > 0] == 1).all()


def test_cold_spots_only_where_they_are_testable():
    sparse = np.zeros((30, 30), dtype=int)
    sparse[tuple(np.random.default_rng(1).integers(0, 30, (2, 40)))] = 1
    spots = getis_ord_gi_star(a_grid(sparse))
    assert spots.n_cold == 0
    assert "kalla rutor kan inte påvisas" in " ".join(say(n) for n in spots.notes)
    busy = np.full((11, 11), 5)
    busy[4:7, 4:7] = 0
    assert getis_ord_gi_star(a_grid(busy)).classes[5, 5] == "cold"


# -- concentration over the study area -------------------------------------------------------


def test_cell_concentration_counts_only_the_study_areas_cells():
    counts = clustered_map()
    mask = disc_mask(*counts.shape)
    ours = cell_concentration(counts, mask=mask)
    index = np.flatnonzero(mask.ravel())
    reference = concentration(pd.Series(counts.ravel()[index], index=index))
    assert ours.n_units == mask.sum() and ours.gini == reference.gini
    pd.testing.assert_frame_equal(ours.top, reference.top)
    # Padding the grid with empty cells outside the area changes nothing.
    padded = cell_concentration(np.pad(counts, 4), mask=np.pad(mask, 4))
    assert padded.gini == pytest.approx(ours.gini) and padded.n_units == ours.n_units
    assert cell_concentration(np.pad(counts, 4)).gini > ours.gini  # the extent's effect
    with pytest.raises(ValueError, match="boolean array shaped like counts"):
        cell_concentration(counts, mask=np.ones((2, 2), dtype=bool))
