"""Concentration of events at few places, checked against hand-worked cases and the
pairwise definition of the Gini coefficient."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samverkan.analysis.concentration import (
    NOTE_NO_EVENTS,
    NOTE_NO_UNITS,
    concentration,
    gini,
    repeat_places,
    units_in_top,
)


def pairwise_gini(values) -> float:
    """Half the relative mean absolute difference: Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄)."""
    x = np.asarray(values, dtype=float)
    if x.size == 0 or x.sum() == 0:
        return 0.0
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean()))


def lorenz_gini(values) -> float:
    """1 − 2 × the area under the Lorenz curve, by trapezoids."""
    x = np.sort(np.asarray(values, dtype=float))
    if x.size == 0 or x.sum() == 0:
        return 0.0
    lorenz = np.concatenate([[0.0], np.cumsum(x) / x.sum()])
    area = ((lorenz[1:] + lorenz[:-1]) / 2).sum() / x.size
    return float(1 - 2 * area)


STREETS = pd.Series(
    {
        "Storgatan": 10,
        "Smedjegatan": 5,
        "Kungsgatan": 3,
        "Rådstugatan": 1,
        "Nygatan": 1,
        "Köpmangatan": 0,
        "Skeppsbrogatan": 0,
        "Sandviksgatan": 0,
        "Stationsgatan": 0,
        "Hermelinsgatan": 0,
    }
)


def test_it_gives_the_share_of_events_at_the_top_places_worked_by_hand():
    result = concentration(STREETS)
    assert result.n_units == 10 and result.n_events == 20
    # 1 % and 5 % of 10 places round up to 1 place: Storgatan, 10 of 20 events.
    assert result.top["units"].tolist() == [1, 1, 1, 2]
    assert result.top["events"].tolist() == [10, 10, 10, 15]
    assert result.top["share_of_events"].tolist() == [0.5, 0.5, 0.5, 0.75]
    assert result.notes == []


def test_it_computes_the_gini_coefficient_worked_by_hand():
    # [1, 2, 3]: pairwise |differences| sum to 2 × (1 + 2 + 1) = 8; 8 / (2 × 9 × 2) = 2/9.
    assert gini(np.array([1, 2, 3])) == pytest.approx(2 / 9)
    # Streets [10, 5, 3, 1, 1, 0 × 5], pairs i < j: from 10: 5 + 7 + 9 + 9 + 5 × 10 = 80;
    # from 5: 2 + 4 + 4 + 25 = 35; from 3: 2 + 2 + 15 = 19; from each 1: 5; the zeros: 0.
    # Σ|xi − xj| over ordered pairs = 2 × 144 = 288; 288 / (2 × 10² × 2) = 0.72.
    assert concentration(STREETS).gini == pytest.approx(0.72)
    assert pairwise_gini(STREETS) == pytest.approx(0.72)


def test_gini_is_0_for_equal_units_and_n_minus_1_over_n_for_one_unit_with_everything():
    assert gini(np.full(8, 4)) == 0
    assert gini(np.array([0, 0, 0, 12])) == pytest.approx(3 / 4)


def test_it_breaks_ties_by_the_unit_label():
    counts = pd.Series({"c": 2, "a": 2, "b": 5, "d": 0})
    result = concentration(counts, shares=(0.5,))
    assert result.top_units.index.tolist() == ["b", "a", "c", "d"]
    assert result.top.loc[0, "events"] == 7


def test_it_breaks_ties_between_grid_cells_by_cell_index():
    counts = pd.Series([3, 0, 3, 3], index=[12, 40, 7, 30])
    assert concentration(counts).top_units.index.tolist() == [7, 12, 30, 40]


def test_it_rounds_the_number_of_top_units_up():
    assert units_in_top(0.01, 50) == 1
    assert units_in_top(0.1, 30) == 3
    assert units_in_top(0.2, 7) == 2
    assert units_in_top(0.5, 0) == 0
    with pytest.raises(ValueError):
        units_in_top(0, 10)


def test_it_explains_no_units_and_no_events():
    empty = concentration(pd.Series([], dtype=float))
    assert empty.notes == [NOTE_NO_UNITS]
    assert empty.gini == 0 and (empty.top["share_of_events"] == 0).all()
    quiet = concentration(pd.Series({"Storgatan": 0, "Nygatan": 0}))
    assert quiet.notes == [NOTE_NO_EVENTS]
    assert quiet.gini == 0 and (quiet.top["share_of_events"] == 0).all()


def test_it_handles_a_single_place():
    result = concentration(pd.Series({"Storgatan": 4}))
    assert result.top["share_of_events"].tolist() == [1.0, 1.0, 1.0, 1.0]
    assert result.gini == 0


unit_counts = st.lists(st.integers(0, 50), min_size=1, max_size=60)


@settings(max_examples=100, deadline=None)
@given(unit_counts)
def test_gini_agrees_with_the_pairwise_and_lorenz_definitions(values):
    assert gini(np.array(values)) == pytest.approx(pairwise_gini(values), abs=1e-12)
    assert gini(np.array(values)) == pytest.approx(lorenz_gini(values), abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(unit_counts, st.randoms(use_true_random=False))
def test_a_permuted_input_gives_the_same_result(values, random):
    counts = pd.Series(values, index=[f"plats {i:02d}" for i in range(len(values))])
    shuffled = counts.sample(frac=1, random_state=random.randint(0, 2**31))
    a, b = concentration(counts), concentration(shuffled)
    pd.testing.assert_frame_equal(a.top, b.top)
    pd.testing.assert_series_equal(a.top_units, b.top_units)
    assert a.gini == b.gini


@settings(max_examples=100, deadline=None)
@given(unit_counts)
def test_the_share_at_the_top_is_at_least_the_share_of_units(values):
    result = concentration(pd.Series(values))
    if sum(values):
        top = result.top
        assert (top["share_of_events"] >= top["units"] / len(values) - 1e-12).all()
        assert top["share_of_events"].is_monotonic_increasing


def test_it_finds_repeat_places_and_their_share_of_all_events():
    incidents = pd.DataFrame(
        {
            "place": [
                "Storgatan 5",
                "Storgatan 5",
                "Storgatan 5",
                "Centralskolan",
                "Centralskolan",
                "Stationen",
                None,
                "Badhuset",
            ]
        }
    )
    result = repeat_places(incidents)
    assert result.places.to_dict("records") == [
        {"place": "Storgatan 5", "events": 3},
        {"place": "Centralskolan", "events": 2},
    ]
    assert result.n_places == 2
    assert result.events_at_places == 5
    assert result.n_events == 8 and result.n_without_place == 1
    assert result.share_of_events == pytest.approx(5 / 8)


def test_it_takes_another_column_and_threshold():
    incidents = pd.DataFrame({"cell": [3, 3, 3, 9, 9, 1]})
    result = repeat_places(incidents, place_col="cell", min_events=3)
    assert result.places["place"].tolist() == [3]
    assert result.share_of_events == pytest.approx(0.5)


def test_it_breaks_ties_between_repeat_places_by_name():
    incidents = pd.DataFrame({"place": ["b", "a", "b", "a", "c"]})
    assert repeat_places(incidents).places["place"].tolist() == ["a", "b"]


def test_it_explains_nothing_for_an_empty_period():
    result = repeat_places(pd.DataFrame({"place": pd.Series([], dtype=object)}))
    assert result.n_places == 0 and result.share_of_events == 0
