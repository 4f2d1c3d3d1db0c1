"""The Knox test against a brute-force pair loop, a direct permutation loop, a hand-worked
case, and its conclusions on data with no near-repeat by construction and with one."""

import math

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from samverkan.analysis import nearrepeat
from samverkan.analysis.nearrepeat import NO_TIMES, TOO_FEW_EVENTS, knox_test

D_EDGES = (100.0, 200.0, 300.0)
T_EDGES = (7.0, 14.0)


def brute_table(x, y, t, d_edges=D_EDGES, t_edges=T_EDGES, same=1.0):
    """Every pair, one at a time: the band by walking the edges."""
    rows, cols = len(d_edges) + 2, len(t_edges) + 1
    table = [[0] * cols for _ in range(rows)]
    n = len(x)
    for a in range(n):
        for b in range(a + 1, n):
            d = math.sqrt((x[a] - x[b]) ** 2 + (y[a] - y[b]) ** 2)
            if d <= same:
                row = 0
            else:
                row = rows - 1
                for k, edge in enumerate(d_edges):
                    if d <= edge:
                        row = k + 1
                        break
            gap = abs(t[a] - t[b])
            col = cols - 1
            for k, edge in enumerate(t_edges):
                if gap <= edge:
                    col = k
                    break
            table[row][col] += 1
    return np.array(table)


def clustered_events(rng, n=70):
    """Events on a few streets, some at the same address, times on whole and half days."""
    x = rng.choice([0.0, 80.0, 150.0, 420.0], n) + rng.integers(0, 3, n) * 40.0
    y = rng.choice([0.0, 60.0, 250.0], n) + rng.integers(0, 2, n) * 30.0
    t = rng.integers(0, 60, n) / 2.0
    return x, y, t


def test_observed_table_equals_the_pair_loop():
    rng = np.random.default_rng(3)
    x, y, t = clustered_events(rng)
    result = knox_test(x, y, t, distance_edges=D_EDGES, time_edges=T_EDGES, permutations=9)
    assert result.tested
    np.testing.assert_array_equal(result.observed, brute_table(x, y, t))
    assert result.observed.sum() == len(x) * (len(x) - 1) // 2
    assert result.observed[0].sum() > 0  # same-location pairs are exercised


@pytest.mark.parametrize("chunk", [nearrepeat.CHUNK_ELEMENTS, 500])
def test_monte_carlo_equals_a_direct_permutation_loop(monkeypatch, chunk):
    monkeypatch.setattr(nearrepeat, "CHUNK_ELEMENTS", chunk)
    rng = np.random.default_rng(11)
    x, y, t = clustered_events(rng, 50)
    permutations, seed = 99, 5
    result = knox_test(
        x, y, t, distance_edges=D_EDGES, time_edges=T_EDGES, permutations=permutations, seed=seed
    )
    observed = brute_table(x, y, t)
    draw = np.random.default_rng(seed)
    sims = np.array([brute_table(x, y, t[draw.permutation(len(t))]) for _ in range(permutations)])
    np.testing.assert_allclose(result.expected, sims.mean(axis=0), rtol=0, atol=1e-12)
    p = (1 + (sims >= observed).sum(axis=0)) / (1 + permutations)
    np.testing.assert_allclose(result.p, p, rtol=0, atol=1e-12)
    near = sims[:, :2, 0].sum(axis=1)
    primary_obs = observed[:2, 0].sum()
    assert result.primary["observed"] == primary_obs
    assert result.primary["p"] == pytest.approx((1 + (near >= primary_obs).sum()) / 100)
    assert result.primary["expected"] == pytest.approx(near.mean())


def test_q_values_are_benjamini_hochberg_over_the_cells_within_the_bands():
    rng = np.random.default_rng(2)
    x, y, t = clustered_events(rng)
    result = knox_test(x, y, t, distance_edges=D_EDGES, time_edges=T_EDGES, permutations=199)
    inner = result.p[:-1, :-1].ravel()
    expected = multipletests(inner, method="fdr_bh")[1]
    np.testing.assert_allclose(result.q[:-1, :-1].ravel(), expected)
    assert np.isnan(result.q[-1]).all() and np.isnan(result.q[:, -1]).all()


def test_hand_worked_four_events():
    # A(0,0) day 0, B(50,0) day 3, C(1000,0) day 3, D(1000,50) day 100. Close pairs: AB and
    # CD (50 m). Of the six pairs of times {0,3,3,100}, the three without day 100 are within
    # 7 days. Exactly one of AB and CD holds day 100 in any assignment of the times, so the
    # near/near cell is 1 in every permutation: expected 1, ratio 1, p = 1. The far pairs
    # within 7 days are the 3 such time pairs less the near one: 2 in every permutation.
    x, y, t = [0, 50, 1000, 1000], [0, 0, 0, 50], [0, 3, 3, 100]
    result = knox_test(
        x, y, t, distance_edges=(100,), time_edges=(7,), permutations=99, min_events=3
    )
    np.testing.assert_array_equal(result.observed, [[0, 0], [1, 1], [2, 2]])
    np.testing.assert_array_equal(result.expected, [[0, 0], [1, 1], [2, 2]])
    assert result.primary["observed"] == 1
    assert result.primary["ratio"] == 1.0
    assert result.primary["p"] == 1.0
    assert math.isnan(result.ratio[0, 0])


def test_too_few_events_and_left_out_positions_are_explained():
    rng = np.random.default_rng(0)
    x, y, t = rng.uniform(0, 500, 30), rng.uniform(0, 500, 30), rng.uniform(0, 30, 30)
    exact = np.ones(30, dtype=bool)
    exact[:12] = False  # only the municipality's centre
    x[12] = np.nan
    result = knox_test(x, y, t, exact=exact)
    assert not result.tested
    assert result.n_events == 17 and result.n_left_out == 13
    assert result.messages[0].code == TOO_FEW_EVENTS
    assert result.messages[0].values == {"n": 17, "minimum": 20}
    same_day = knox_test(x[13:], y[13:], np.zeros(17), min_events=5)
    assert not same_day.tested and same_day.messages[0].code == NO_TIMES


def test_no_near_repeat_by_construction_keeps_the_false_alarm_rate():
    # Locations and times drawn independently: the primary cell's p < 0.05 in at most 5 % of
    # the replicates, plus 2 standard errors of a proportion over 300 replicates (2.5 %).
    rng = np.random.default_rng(2026)
    replicates, alarms = 300, 0
    for _ in range(replicates):
        x, y, t = rng.uniform(0, 3000, 80), rng.uniform(0, 3000, 80), rng.uniform(0, 120, 80)
        result = knox_test(x, y, t, permutations=99, seed=int(rng.integers(1 << 31)))
        alarms += result.primary["p"] < 0.05
    assert alarms / replicates <= 0.05 + 2 * math.sqrt(0.05 * 0.95 / replicates)


def planted(rng, seeds=30, background=90):
    """Background events independent in space and time, and for each seed event a
    neighbour within 100 m and 7 days afterwards."""
    x = rng.uniform(0, 3000, background + seeds)
    y = rng.uniform(0, 3000, background + seeds)
    t = rng.uniform(0, 180, background + seeds)
    angle = rng.uniform(0, 2 * math.pi, seeds)
    radius = rng.uniform(5, 100, seeds)
    x2 = x[:seeds] + radius * np.cos(angle)
    y2 = y[:seeds] + radius * np.sin(angle)
    t2 = t[:seeds] + rng.uniform(0, 7, seeds)
    return np.r_[x, x2], np.r_[y, y2], np.r_[t, t2]


def test_a_planted_near_repeat_is_found():
    rng = np.random.default_rng(7)
    found = 0
    for _ in range(10):
        x, y, t = planted(rng)
        result = knox_test(x, y, t, permutations=199, seed=int(rng.integers(1 << 31)))
        assert result.primary["ratio"] > 2
        found += result.primary["p"] < 0.05
    assert found == 10


def test_too_many_close_pairs_are_explained_before_they_are_held():
    rng = np.random.default_rng(1)
    x, y, t = rng.uniform(0, 200, 300), rng.uniform(0, 200, 300), rng.uniform(0, 30, 300)
    result = knox_test(x, y, t, max_pairs=1000)
    assert not result.tested and result.pairs_held == 0
    assert result.messages[0].code == nearrepeat.TOO_MANY_PAIRS
    # 300 events within 200 m of each other: every pair is within 500 m.
    assert result.messages[0].values["pairs"] == 300 * 299 // 2
