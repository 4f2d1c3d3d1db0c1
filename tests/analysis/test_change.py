"""Change against a baseline per district × category, checked against Poisson tail sums worked
from the probability mass function, statsmodels' Benjamini–Hochberg and hand-made cases."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from samverkan.analysis.change import benjamini_hochberg, period_change
from samverkan.lagesbild.text.sentences import change_sentence, change_sentences, change_summary


def poisson_at_least(k: int, mu: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mu), summed from the mass function."""
    return 1 - sum(math.exp(-mu) * mu**i / math.factorial(i) for i in range(k))


def poisson_at_most(k: int, mu: float) -> float:
    return sum(math.exp(-mu) * mu**i / math.factorial(i) for i in range(k + 1))


def frame(rows, columns=("district", "category", "count")):
    return pd.DataFrame(rows, columns=list(columns))


# Five baseline years for graffiti in Hertsön summing to 26 (mean 5.2), vandalism in Centrum
# steady at 10, and graffiti in Centrum falling away this year.
BASELINE = frame(
    [
        ("Hertsön", "klotter", 4, 2015),
        ("Hertsön", "klotter", 6, 2016),
        ("Hertsön", "klotter", 5, 2017),
        ("Hertsön", "klotter", 7, 2018),
        ("Hertsön", "klotter", 4, 2019),
        ("Centrum", "skadegörelse", 50, 2015),
        ("Centrum", "klotter", 100, 2015),
    ],
    columns=("district", "category", "count", "period"),
)
CURRENT = frame(
    [
        ("Hertsön", "klotter", 14),
        ("Centrum", "skadegörelse", 11),
        ("Centrum", "klotter", 8),
    ]
)


def row(result, district, category):
    table = result.table
    match = table[(table["district"] == district) & (table["category"] == category)]
    assert len(match) == 1
    return match.iloc[0]


def test_it_compares_each_group_with_the_baseline_mean():
    result = period_change(CURRENT, BASELINE, baseline_periods=5)
    hertson = row(result, "Hertsön", "klotter")
    assert hertson["count"] == 14
    assert hertson["baseline_total"] == 26
    assert hertson["expected"] == pytest.approx(5.2)
    assert hertson["ratio"] == pytest.approx(14 / 5.2)
    assert hertson["difference"] == pytest.approx(8.8)
    assert hertson["p_increase"] == pytest.approx(poisson_at_least(14, 5.2), rel=1e-9)
    assert hertson["p_decrease"] == pytest.approx(poisson_at_most(14, 5.2), rel=1e-9)


def test_it_controls_the_false_discovery_rate_like_statsmodels():
    result = period_change(CURRENT, BASELINE, baseline_periods=5)
    table = result.table
    two_sided = [
        min(1.0, 2 * min(poisson_at_least(k, mu), poisson_at_most(k, mu)))
        for k, mu in zip(table["count"], table["expected"], strict=True)
    ]
    _, q, _, _ = multipletests(two_sided, method="fdr_bh")
    assert table["p_value"].to_numpy() == pytest.approx(two_sided, rel=1e-9)
    assert table["q_value"].to_numpy() == pytest.approx(q, rel=1e-9)


def test_it_flags_a_district_where_graffiti_rises_and_says_so_in_swedish():
    result = period_change(CURRENT, BASELINE, baseline_periods=5)
    hertson = row(result, "Hertsön", "klotter")
    assert hertson["flag"] == "increase"
    q_text = f"{hertson['q_value']:.3f}".replace(".", ",")
    assert change_sentence(hertson, result.by) == (
        f"Klotter i Hertsön: 14 mot väntat 5,2 (q = {q_text}, exakt Poissontest, FDR-korrigerat)."
    )
    assert change_sentence(hertson, result.by) in change_sentences(result)


def test_it_flags_a_decrease_and_leaves_a_steady_group_alone():
    result = period_change(CURRENT, BASELINE, baseline_periods=5)
    centrum_graffiti = row(result, "Centrum", "klotter")
    assert centrum_graffiti["expected"] == pytest.approx(20.0)
    assert centrum_graffiti["flag"] == "decrease"
    # P(X ≤ 8 | μ = 20) = 0.00209, two-sided 0.00417, second of three p-values: q = 0.00626.
    assert change_sentence(centrum_graffiti, result.by) == (
        "Klotter i Centrum: 8 mot väntat 20,0 (q = 0,006, exakt Poissontest, FDR-korrigerat)."
    )
    steady = row(result, "Centrum", "skadegörelse")
    assert (steady["flag"], change_sentence(steady, result.by)) == ("", "")
    assert change_summary(result) == (
        "3 grupper testade: 1 med säkerställd ökning och 1 med säkerställd minskning "
        "(exakt Poissontest, FDR-korrigerat, q < 0,05)."
    )


def test_it_does_not_flag_tiny_differences_even_when_significant():
    # 3 events against an expected 0.2 is very unlikely (q ≈ 0.001) but only 2.8 more events.
    current = frame([("Svartöstaden", "klotter", 3), ("Bergnäset", "klotter", 4)])
    baseline = frame([("Svartöstaden", "klotter", 1), ("Bergnäset", "klotter", 1)])
    result = period_change(current, baseline, baseline_periods=5)
    small = row(result, "Svartöstaden", "klotter")
    larger = row(result, "Bergnäset", "klotter")
    assert small["q_value"] < 0.05 and small["flag"] == ""
    assert larger["q_value"] < 0.05 and larger["flag"] == "increase"
    relaxed = period_change(current, baseline, baseline_periods=5, min_difference=2)
    assert row(relaxed, "Svartöstaden", "klotter")["flag"] == "increase"


def test_it_lists_groups_without_baseline_as_new_and_leaves_them_out_of_the_test():
    current = frame([("Gammelstad", "klotter", 4), ("Gammelstad", "rån", 1), *CURRENT.values])
    result = period_change(current, BASELINE, baseline_periods=5)
    new = row(result, "Gammelstad", "klotter")
    assert not new["tested"]
    assert new["flag"] == "new"
    assert np.isnan(new["p_value"]) and np.isnan(new["q_value"]) and np.isnan(new["ratio"])
    assert change_sentence(new, result.by) == (
        "Klotter i Gammelstad: 4 mot inga under jämförelseperioden "
        "(nytt, inte testat eftersom jämförelsevärdet är noll)."
    )
    assert row(result, "Gammelstad", "rån")["flag"] == ""  # 1 event is below min_difference
    assert change_summary(result).endswith(" 1 ny grupp utan händelser under jämförelseperioden.")
    # The Benjamini–Hochberg family is the three tested groups, as without the new ones.
    assert result.n_tested == 3
    without = period_change(CURRENT, BASELINE, baseline_periods=5)
    assert row(result, "Hertsön", "klotter")["q_value"] == pytest.approx(
        row(without, "Hertsön", "klotter")["q_value"]
    )


def test_it_counts_a_group_missing_from_the_current_period_as_zero():
    current = frame([("Hertsön", "klotter", 5)])
    baseline = frame([("Hertsön", "klotter", 5), ("Porsön", "inbrott", 60)])
    result = period_change(current, baseline, baseline_periods=3)
    porson = row(result, "Porsön", "inbrott")
    assert porson["count"] == 0
    assert porson["expected"] == pytest.approx(20)
    assert porson["p_decrease"] == pytest.approx(math.exp(-20))
    assert porson["flag"] == "decrease"


def test_it_reads_a_baseline_period_without_rows_as_zero():
    # Three baseline periods, the group appears in two of them: mean is 9 / 3, not 9 / 2.
    baseline = frame(
        [("Hertsön", "klotter", 4, 1), ("Hertsön", "klotter", 5, 3)],
        columns=("district", "category", "count", "period"),
    )
    result = period_change(frame([("Hertsön", "klotter", 3)]), baseline, baseline_periods=3)
    assert row(result, "Hertsön", "klotter")["expected"] == pytest.approx(3.0)


def test_it_groups_by_any_columns():
    current = pd.DataFrame({"district": ["Hertsön", "Centrum"], "count": [30, 10]})
    baseline = pd.DataFrame({"district": ["Hertsön", "Centrum"], "count": [10, 10]})
    result = period_change(current, baseline, by=("district",), baseline_periods=1)
    assert list(result.table["district"]) == ["Centrum", "Hertsön"]
    assert change_sentences(result)[0].startswith("Hertsön: 30 mot väntat 10,0 (q < 0,001")


def test_it_returns_an_empty_explained_result_for_empty_input():
    empty = frame([])
    result = period_change(empty, empty, baseline_periods=3)
    assert result.table.empty
    assert change_sentences(result) == ()
    assert (
        change_summary(result) == "Inga grupper med händelser under jämförelseperioden att testa."
    )


@pytest.mark.parametrize(
    ("current", "baseline", "periods"),
    [
        (frame([("A", "klotter", 1)]), frame([("A", "klotter", 1)]), 0),
        (pd.DataFrame({"district": ["A"], "count": [1]}), frame([("A", "klotter", 1)]), 1),
        (frame([("A", "klotter", -1)]), frame([("A", "klotter", 1)]), 1),
        (
            frame([("A", "klotter", 1)]),
            frame(
                [("A", "klotter", 1, 1), ("A", "klotter", 1, 2)],
                ("district", "category", "count", "period"),
            ),
            1,
        ),
    ],
)
def test_it_rejects_malformed_input(current, baseline, periods):
    with pytest.raises(ValueError):
        period_change(current, baseline, baseline_periods=periods)


# --- Benjamini–Hochberg ------------------------------------------------------------------------

p_lists = st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(p=p_lists)
def test_benjamini_hochberg_equals_statsmodels(p):
    _, expected, _, _ = multipletests(p, method="fdr_bh")
    assert benjamini_hochberg(p) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@settings(max_examples=200, deadline=None)
@given(p=p_lists)
def test_benjamini_hochberg_q_is_monotone_in_p_and_at_least_p(p):
    q = benjamini_hochberg(p)
    order = np.argsort(p, kind="mergesort")
    assert np.all(np.diff(q[order]) >= 0)
    assert np.all(q >= np.asarray(p) - 1e-15)
    assert np.all(q <= 1)


# --- Properties of period_change ---------------------------------------------------------------

DISTRICTS = ["Hertsön", "Centrum", "Gammelstad", "Porsön", "Björkskatan"]
CATEGORIES = ["klotter", "skadegörelse", "våld"]
groups = st.lists(
    st.tuples(
        st.sampled_from(DISTRICTS),
        st.sampled_from(CATEGORIES),
        st.integers(min_value=0, max_value=60),
        st.integers(min_value=0, max_value=120),
    ),
    min_size=1,
    max_size=15,
    unique_by=lambda g: (g[0], g[1]),
)


def split(groups_):
    current = frame([(d, c, now) for d, c, now, _ in groups_])
    baseline = frame([(d, c, before) for d, c, _, before in groups_])
    return current, baseline


@settings(max_examples=100, deadline=None)
@given(groups_=groups, seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_permuting_the_groups_permutes_the_results(groups_, seed):
    current, baseline = split(groups_)
    rng = np.random.default_rng(seed)
    shuffled_current = current.iloc[rng.permutation(len(current))]
    shuffled_baseline = baseline.iloc[rng.permutation(len(baseline))]
    plain = period_change(current, baseline, baseline_periods=4).table
    shuffled = period_change(shuffled_current, shuffled_baseline, baseline_periods=4).table
    pd.testing.assert_frame_equal(plain, shuffled)


@settings(max_examples=100, deadline=None)
@given(groups_=groups)
def test_p_and_q_values_stay_in_the_unit_interval(groups_):
    current, baseline = split(groups_)
    result = period_change(current, baseline, baseline_periods=4)
    table = result.table
    tested = table[table["tested"]]
    for column in ("p_increase", "p_decrease", "p_value", "q_value"):
        assert tested[column].between(0, 1).all()
    assert (tested["q_value"] >= tested["p_value"] - 1e-15).all()
    sentences = [change_sentence(r, result.by) for _, r in table.iterrows()]
    assert sum(s != "" for s in sentences) == (table["flag"] != "").sum()
    assert table["count"].sum() == current["count"].sum()
