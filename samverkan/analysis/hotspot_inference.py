"""Which Gi* cells are hot or cold: tests for counts in a window, and the map's correction.

Gi*'s z is a standardised window sum. Its normal approximation is poor for counts on a
sparse grid (two events in a 3 × 3 window give z ≈ 1.8 when a few hundred events are spread
over tens of thousands of cells), so the decision is taken by a test made for counts:

- ``binomial``: exact, conditional on the total. Under complete spatial randomness over
  the study area's N cells every event falls in a given window of c cells with chance c/N,
  so the window's count is Binomial(total, c/N). No Monte Carlo noise; the default.
- ``permutation``: esda's conditional permutation. The cell keeps its own count and the
  other c − 1 cells of its window are drawn without replacement from the other N − 1 cells'
  counts. That distribution depends only on the cell's own count and c, so the draws are
  made once per (own count, c) group with NumPy's ``multivariate_hypergeometric`` over the
  count levels, and shared by the cells of the group. Pseudo p-value (1 + #extreme) /
  (1 + permutations).
- ``normal``: the normal approximation (esda's ``p_norm``), kept to show what it did.

All p-values here are ONE-sided in the direction of z: P(window ≥ observed) where z > 0,
P(window ≤ observed) where z < 0, 1 where z is 0 or undefined. (esda's ``p_sim`` folds by
whichever tail is smaller and counts the lower tail strictly, ``sim < observed``; with
whole-number counts an empty window then gets its smallest p.)
"""

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage, stats

BINOMIAL = "binomial"
PERMUTATION = "permutation"
NORMAL = "normal"
TESTS = (BINOMIAL, PERMUTATION, NORMAL)
DEFAULT_PERMUTATIONS = 999
DEFAULT_SEED = 12345


def window_sums(values: NDArray, k: int) -> NDArray:
    """Sum over the (2k + 1)² window around each cell, zeros outside the grid."""
    # Separable box sum: exact for whole-number counts.
    ones = np.ones(2 * k + 1)
    summed = ndimage.correlate1d(values, ones, axis=0, mode="constant", cval=0.0)
    return ndimage.correlate1d(summed, ones, axis=1, mode="constant", cval=0.0)


def binomial_p(
    observed: NDArray, cardinality: NDArray, total: int, n_cells: int, z: NDArray
) -> NDArray:
    """One-sided exact p in z's direction: the window count against Binomial(total, c/N)."""
    observed = np.asarray(observed, dtype=np.int64)
    cardinality = np.asarray(cardinality, dtype=np.int64)
    direction = np.sign(np.asarray(z)).astype(np.int64)
    if observed.size == 0:
        return np.ones(observed.shape)
    # Few distinct (count, cardinality, direction) triples: compute each once.
    width = int(cardinality.max()) + 1
    key = (observed * width + cardinality) * 3 + direction + 1
    unique, inverse = np.unique(key, return_inverse=True)
    d = unique % 3 - 1
    c = (unique // 3) % width
    k = (unique // 3) // width
    share = np.clip(c / max(n_cells, 1), 0.0, 1.0)
    upper = stats.binom.sf(k - 1, total, share)
    lower = stats.binom.cdf(k, total, share)
    p = np.where(d > 0, upper, np.where(d < 0, lower, 1.0))
    return p[inverse].reshape(observed.shape)


def permutation_p(
    values: NDArray,
    own: NDArray,
    observed: NDArray,
    cardinality: NDArray,
    z: NDArray,
    *,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int | None = DEFAULT_SEED,
) -> NDArray:
    """One-sided pseudo p in z's direction by conditional permutation (see the module).

    values: the counts of all N cells of the study area (the population the other cells of
    a window are drawn from). own, observed, cardinality, z: per tested cell, its own count,
    its window sum, its window's number of cells (itself included) and its Gi* z.
    """
    if permutations < 1:
        raise ValueError(f"permutations must be at least 1, got {permutations}")
    rng = np.random.default_rng(seed)
    values = np.asarray(values, dtype=np.int64)
    own = np.asarray(own, dtype=np.int64)
    observed = np.asarray(observed, dtype=np.int64)
    cardinality = np.asarray(cardinality, dtype=np.int64)
    levels, level_counts = np.unique(values, return_counts=True)
    p = np.ones(own.shape)
    if own.size == 0:
        return p
    own_level = np.searchsorted(levels, own)
    group_key = own_level * (int(cardinality.max()) + 1) + cardinality
    order = np.argsort(group_key, kind="stable")
    keys, starts = np.unique(group_key[order], return_index=True)
    ends = np.append(starts[1:], order.size)
    for start, end in zip(starts, ends, strict=True):
        members = order[start:end]
        level, c = own_level[members[0]], int(cardinality[members[0]])
        others = level_counts.copy()
        others[level] -= 1
        draws = min(c - 1, int(others.sum()))
        if draws > 0:
            sample = rng.multivariate_hypergeometric(others, draws, size=permutations)
            simulated = np.sort(levels[level] + sample @ levels)
        else:
            simulated = np.full(permutations, levels[level])
        obs = observed[members]
        at_least = permutations - np.searchsorted(simulated, obs, side="left")
        at_most = np.searchsorted(simulated, obs, side="right")
        zz = z[members]
        extreme = np.where(zz > 0, at_least, at_most)
        p[members] = np.where(zz != 0, (1 + extreme) / (1 + permutations), 1.0)
    return p


def cold_testable(cardinality: NDArray, total: int, n_cells: int, alpha: float) -> NDArray:
    """Where a cold spot could be found at all: even an EMPTY window would have a doubled
    one-sided binomial p below alpha. With few events over many cells an empty window is
    what chance gives, so nothing can be called cold there."""
    share = np.clip(np.asarray(cardinality, dtype=float) / max(n_cells, 1), 0.0, 1.0)
    return 2 * (1.0 - share) ** total < alpha  # Binomial(total, share) at 0
