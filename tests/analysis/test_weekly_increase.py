import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from samverkan.analysis.weekly_increase import weekly_increases


def test_it_matches_a_hand_computed_case():
    # A: 5 this week, 8 in 8 weeks (μ = 1): p = 1 − e⁻¹(1 + 1 + 1/2 + 1/6 + 1/24)
    # B: 2 this week, 16 in 8 weeks (μ = 2): p = 1 − e⁻²(1 + 2)
    # C: 0 this week, 4 in 8 weeks (μ = 0.5): p = 1
    # D: 3 this week, none before: new, not tested
    result = weekly_increases(
        {"A": (5, 8), "B": (2, 16), "C": (0, 4), "D": (3, 0), "E": (0, 0)}, baseline_weeks=8
    )
    p_a = 1 - math.exp(-1) * (1 + 1 + 1 / 2 + 1 / 6 + 1 / 24)
    p_b = 1 - math.exp(-2) * 3
    assert result["A"].p == pytest.approx(p_a)
    assert result["B"].p == pytest.approx(p_b)
    assert result["C"].p == pytest.approx(1.0)
    # Benjamini–Hochberg over the three tested cells: rank 1 → 3p, rank 2 → 3p/2, rank 3 → p.
    assert result["A"].q == pytest.approx(3 * p_a)
    assert result["B"].q == pytest.approx(3 * p_b / 2)
    assert result["C"].q == pytest.approx(1.0)
    assert result["A"].increase and not result["B"].increase and not result["C"].increase
    assert result["D"].new and not result["D"].tested and result["D"].p is None
    assert "E" not in result
    assert result["A"].baseline_mean == 1.0


def test_it_agrees_with_scipy_for_many_cells():
    cells = {i: (i % 7, (i * 3) % 11 + 1) for i in range(40)}
    result = weekly_increases(cells, baseline_weeks=4)
    for key, (k, total) in cells.items():
        assert result[key].p == pytest.approx(stats.poisson.sf(k - 1, total / 4))
    # BH: no q below its p, and the order of p is kept.
    ordered = sorted(result.values(), key=lambda r: r.p)
    assert all(r.q >= r.p for r in ordered)
    assert [r.q for r in ordered] == sorted(r.q for r in ordered)


def test_it_refuses_a_baseline_of_no_weeks():
    with pytest.raises(ValueError):
        weekly_increases({"A": (1, 1)}, baseline_weeks=0)


@given(
    st.dictionaries(
        st.integers(0, 50),
        st.tuples(st.integers(0, 30), st.integers(0, 60)),
        max_size=40,
    ),
    st.integers(1, 12),
)
def test_its_properties_hold_for_any_cells(cells, weeks):
    result = weekly_increases(cells, baseline_weeks=weeks)
    assert set(result) == {key for key, (k, total) in cells.items() if k or total}
    tested = [r for r in result.values() if r.tested]
    for r in result.values():
        assert r.tested == (r.baseline_total > 0)
        if r.tested:
            assert 0 <= r.p <= r.q + 1e-12 and r.q <= 1
        # Only a count above the baseline mean can be an increase; a new cell is never tested.
        assert not r.increase or (r.tested and r.count > r.baseline_mean and r.q <= 0.10)
        assert r.new == (not r.tested and r.count > 0)
    # Benjamini–Hochberg keeps the order of the p-values.
    ordered = sorted(tested, key=lambda r: r.p)
    assert [r.q for r in ordered] == sorted(r.q for r in ordered)
