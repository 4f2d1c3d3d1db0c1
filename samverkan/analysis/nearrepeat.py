"""Near repeats: the Knox test with Monte Carlo inference, as in Ratcliffe's Near Repeat
Calculator.

Every pair of events is put in a cell of the Knox table by its distance (metres, SWEREF 99
TM) and its time apart (days). Distance bands: "same location" (at most
``same_location`` metres apart), then (0, e₁], (e₁, e₂], … up to the last edge, then
"farther". Time bands: [0, t₁], (t₁, t₂], … then "later". Under the null hypothesis time and
place are independent: any assignment of the observed times to the observed locations is as
likely as the one seen. The expected table is the mean over ``permutations`` random
permutations of the times over the fixed locations (seeded); a cell's pseudo p-value is
(1 + #{simulations ≥ observed}) / (1 + permutations), one-sided (more pairs than chance).

Multiple testing. The table has many cells; the *primary* hypothesis, decided in advance,
is the near cell: pairs at most the first distance edge apart (the same location included)
and at most the first time edge apart (by default 100 m and 7 days). Only that test says
"near repeat"; every cell's p-value is also given with a Benjamini–Hochberg q-value across
the cells within the bands, to read as exploration.

Memory. All pairs are O(n²); only the pairs within the last distance edge are held
(``scipy.spatial.cKDTree.query_pairs``), m of them, and the simulations work in chunks of at
most about ``CHUNK_ELEMENTS`` pair-times, so memory is O(n + m) whatever the number of
permutations. The pairs farther apart than the last edge are counted per time band from the
sorted times, which a permutation does not change, so the "farther" column needs no pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree
from scipy.stats import false_discovery_control

from samverkan.analysis.messages import Message

DISTANCE_EDGES = (100.0, 200.0, 300.0, 400.0, 500.0)  # metres
TIME_EDGES = (7.0, 14.0, 21.0, 28.0)  # days
SAME_LOCATION = 1.0  # metres: geocoded to the same address or point
PERMUTATIONS = 999
SEED = 20260
MIN_EVENTS = 20
MAX_PAIRS = 2_000_000  # close pairs held; beyond it the caller is asked to narrow the choice
CHUNK_ELEMENTS = 4_000_000

TOO_FEW_EVENTS = "nearrepeat_too_few_events"
NO_TIMES = "nearrepeat_no_times"
TOO_MANY_PAIRS = "nearrepeat_too_many_pairs"
KNOX_RESULT = "nearrepeat_result"


@dataclass
class KnoxResult:
    """The Knox table. Arrays are (distance bands + 1 "farther") × (time bands + 1 "later").

    ``distance_edges``/``time_edges``: the upper edges of the bands within range;
    ``observed``, ``expected`` (mean of the simulations), ``ratio`` (observed / expected,
    NaN where expected is 0), ``p`` (pseudo p-value), ``q`` (Benjamini–Hochberg over the
    cells within the bands; NaN for the "farther" and "later" margins);
    ``primary``: the near cell's test (see the module docstring). ``tested`` is False with
    a message in ``messages`` when there are too few events.
    """

    tested: bool
    n_events: int
    n_left_out: int
    distance_edges: list[float]
    time_edges: list[float]
    same_location: float
    permutations: int
    seed: int
    observed: NDArray | None = None
    expected: NDArray | None = None
    ratio: NDArray | None = None
    p: NDArray | None = None
    q: NDArray | None = None
    primary: dict = field(default_factory=dict)
    pairs_held: int = 0
    messages: list[Message] = field(default_factory=list)


def _distance_band(d: NDArray, edges: NDArray, same: float) -> NDArray:
    """0 for the same location, k for (edge k-1, edge k] (edge 0 = same), len(edges)+1
    beyond."""
    band = np.searchsorted(edges, d, side="left") + 1
    band[d <= same] = 0
    return band


def _time_band(dt: NDArray, edges: NDArray) -> NDArray:
    """k for (edge k-1, edge k] with [0, edge 0] as band 0; len(edges) for later."""
    return np.searchsorted(edges, dt, side="left")


def _pairs_within_time(times_sorted: NDArray, limit: float) -> int:
    """The number of pairs i < j with |t_i - t_j| <= limit (times sorted ascending)."""
    upper = np.searchsorted(times_sorted, times_sorted + limit, side="right")
    return int((upper - np.arange(times_sorted.size) - 1).sum())


def _time_totals(times: NDArray, edges: NDArray) -> NDArray:
    """All pairs per time band, including "later"; a permutation does not change them."""
    ordered = np.sort(times)
    n = times.size
    cumulative = [_pairs_within_time(ordered, float(e)) for e in edges]
    cumulative.append(n * (n - 1) // 2)
    return np.diff(np.asarray([0, *cumulative], dtype=np.int64))


def _table(
    i: NDArray,
    j: NDArray,
    space: NDArray,
    times: NDArray,
    time_edges: NDArray,
    totals: NDArray,
    n_space: int,
) -> NDArray:
    """The full table for one assignment of times: close pairs counted, "farther" derived."""
    n_time = time_edges.size + 1
    tb = _time_band(np.abs(times[i] - times[j]), time_edges)
    close = np.bincount(space * n_time + tb, minlength=(n_space - 1) * n_time)
    table = np.zeros((n_space, n_time), dtype=np.int64)
    table[:-1] = close.reshape(n_space - 1, n_time)
    table[-1] = totals - table[:-1].sum(axis=0)
    return table


def knox_test(
    x: ArrayLike,
    y: ArrayLike,
    t: ArrayLike,
    *,
    exact: ArrayLike | None = None,
    distance_edges: Sequence[float] = DISTANCE_EDGES,
    time_edges: Sequence[float] = TIME_EDGES,
    same_location: float = SAME_LOCATION,
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
    min_events: int = MIN_EVENTS,
    alpha: float = 0.05,
    max_pairs: int = MAX_PAIRS,
) -> KnoxResult:
    """The Knox test of events at (x, y) metres (SWEREF 99 TM) and times t (days, floats).

    ``exact``: False for an event whose position is not its own (only the municipality's
    centre); such events, and those with a missing position or time, are left out and
    counted in ``n_left_out``. Fewer than ``min_events`` events left: ``tested=False`` and
    the message ``TOO_FEW_EVENTS``; more than ``max_pairs`` pairs within the last distance
    edge: ``TOO_MANY_PAIRS`` (counted first without holding them). The primary test is
    significant when its p ≤ ``alpha``.
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    t = np.asarray(t, dtype=float).ravel()
    if not (x.size == y.size == t.size):
        raise ValueError("x, y and t differ in length")
    d_edges = np.asarray(sorted(float(e) for e in distance_edges), dtype=float)
    t_edges = np.asarray(sorted(float(e) for e in time_edges), dtype=float)
    if d_edges.size == 0 or t_edges.size == 0 or d_edges[0] <= same_location:
        raise ValueError("need at least one distance and one time edge above same_location")
    keep = np.isfinite(x) & np.isfinite(y) & np.isfinite(t)
    if exact is not None:
        keep &= np.asarray(exact, dtype=bool).ravel()
    x, y, t = x[keep], y[keep], t[keep]
    n = int(x.size)
    result = KnoxResult(
        tested=False,
        n_events=n,
        n_left_out=int((~keep).sum()),
        distance_edges=d_edges.tolist(),
        time_edges=t_edges.tolist(),
        same_location=float(same_location),
        permutations=int(permutations),
        seed=int(seed),
    )
    if n < max(min_events, 3):
        result.messages.append(Message(TOO_FEW_EVENTS, {"n": n, "minimum": max(min_events, 3)}))
        return result
    if np.ptp(t) == 0:
        result.messages.append(Message(NO_TIMES, {"n": n}))
        return result

    tree = cKDTree(np.column_stack([x, y]))
    close_pairs = (int(tree.count_neighbors(tree, float(d_edges[-1]))) - n) // 2
    if close_pairs > max_pairs:
        result.messages.append(
            Message(
                TOO_MANY_PAIRS,
                {
                    "n": n,
                    "pairs": close_pairs,
                    "maximum": int(max_pairs),
                    "distance": float(d_edges[-1]),
                },
            )
        )
        return result
    pairs = tree.query_pairs(float(d_edges[-1]), output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    distance = np.hypot(x[i] - x[j], y[i] - y[j])
    space = _distance_band(distance, d_edges, same_location)
    inside = space <= d_edges.size  # query_pairs includes the edge itself; so do the bands
    i, j, space = i[inside], j[inside], space[inside]
    n_space, n_time = d_edges.size + 2, t_edges.size + 1
    totals = _time_totals(t, t_edges)
    observed = _table(i, j, space, t, t_edges, totals, n_space)

    rng = np.random.default_rng(seed)
    m = max(int(i.size), 1)
    chunk = max(1, min(permutations, CHUNK_ELEMENTS // max(m, n)))
    n_cells = (n_space - 1) * n_time
    total_sum = np.zeros((n_space, n_time))
    at_least = np.zeros((n_space, n_time), dtype=np.int64)
    primary_obs = int(observed[:2, 0].sum())
    primary_sum, primary_at_least = 0.0, 0
    done = 0
    while done < permutations:
        size = min(chunk, permutations - done)
        shuffled = np.stack([t[rng.permutation(n)] for _ in range(size)])  # size × n
        tb = _time_band(np.abs(shuffled[:, i] - shuffled[:, j]), t_edges)  # size × m
        offset = np.arange(size)[:, None] * n_cells
        close = np.bincount((offset + space * n_time + tb).ravel(), minlength=size * n_cells)
        sims = np.zeros((size, n_space, n_time), dtype=np.int64)
        sims[:, :-1] = close.reshape(size, n_space - 1, n_time)
        sims[:, -1] = totals - sims[:, :-1].sum(axis=1)
        total_sum += sims.sum(axis=0)
        at_least += (sims >= observed).sum(axis=0)
        near = sims[:, :2, 0].sum(axis=1)
        primary_sum += float(near.sum())
        primary_at_least += int((near >= primary_obs).sum())
        done += size

    expected = total_sum / permutations
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / np.where(expected > 0, expected, 1), np.nan)
    p = (1 + at_least) / (1 + permutations)
    q = np.full(p.shape, np.nan)
    q[:-1, :-1] = false_discovery_control(p[:-1, :-1].ravel(), method="bh").reshape(
        n_space - 1, n_time - 1
    )
    primary_expected = primary_sum / permutations
    result.tested = True
    result.observed, result.expected, result.ratio, result.p, result.q = (
        observed,
        expected,
        ratio,
        p,
        q,
    )
    result.pairs_held = int(i.size)
    result.primary = {
        "distance": float(d_edges[0]),
        "days": float(t_edges[0]),
        "observed": primary_obs,
        "expected": primary_expected,
        "ratio": primary_obs / primary_expected if primary_expected > 0 else float("nan"),
        "p": (1 + primary_at_least) / (1 + permutations),
    }
    result.primary["significant"] = bool(result.primary["p"] <= alpha)
    result.messages.append(
        Message(
            KNOX_RESULT,
            {
                "n": n,
                "distance": float(d_edges[0]),
                "days": float(t_edges[0]),
                "observed": primary_obs,
                "expected": primary_expected,
                "p": result.primary["p"],
                "permutations": int(permutations),
                "alpha": float(alpha),
                "significant": result.primary["significant"],
            },
        )
    )
    return result
