"""Change between two periods per district × category, checked against SciPy's binomial test,
statsmodels' conditional test for two Poisson rates and its Clopper–Pearson interval,
statsmodels' Benjamini–Hochberg, hand-worked cases, and a calibration on two periods with the
same rate by construction."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import test_poisson_2indep as poisson_2indep

from samverkan.analysis.change import (
    NOTE_NO_BASELINE,
    NOTE_NO_EVENTS,
    NOTE_TOO_FEW,
    benjamini_hochberg,
    period_change,
    poisson_known_mean_p,
    two_period_test,
)
from samverkan.analysis.formatting import format_p, format_stat
from samverkan.lagesbild.text.sentences import (
    change_note,
    change_sentence,
    change_sentences,
    change_summary,
    change_verdict,
)


def central_p(k1: int, k2: int, pi0: float) -> float:
    """Two-sided central p from SciPy's one-sided binomial tests."""
    n = k1 + k2
    up = stats.binomtest(k1, n, pi0, alternative="greater").pvalue
    down = stats.binomtest(k1, n, pi0, alternative="less").pvalue
    return min(1.0, 2 * min(up, down))


def frame(rows, columns=("district", "category", "count")):
    return pd.DataFrame(rows, columns=list(columns))


# Five baseline years for graffiti in Hertsön summing to 26, vandalism in Centrum steady at
# 10 a year, and graffiti in Centrum falling away this year.
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


def one(now: int, before: int, **kwargs):
    """The single row of a comparison of two totals."""
    result = period_change(
        pd.DataFrame({"g": ["x"], "count": [now]}),
        pd.DataFrame({"g": ["x"], "count": [before]}),
        by=("g",),
        baseline_periods=kwargs.pop("baseline_periods", 1),
        **kwargs,
    )
    return result.table.iloc[0]


def test_five_against_one_is_not_a_change_worked_by_hand():
    # Given 6 events in two equal periods, 5 or more in the first has probability
    # (C(6,5) + C(6,6)) / 2⁶ = 7/64; two-sided (central) 14/64 = 0.21875.
    r = one(5, 1)
    assert r["p_increase"] == pytest.approx(7 / 64, rel=1e-12)
    assert r["p_value"] == pytest.approx(14 / 64, rel=1e-12)
    assert r["flag"] == ""
    # The rule that took the baseline as a known mean said p ≈ 0.007.
    old = 2 * (1 - sum(math.exp(-1) / math.factorial(i) for i in range(5)))
    assert poisson_known_mean_p(5, 1) == pytest.approx(old, rel=1e-9)
    assert old == pytest.approx(0.0073, abs=1e-4)
    # Rate ratio 5 with Clopper–Pearson's interval for 5 of 6 turned into odds.
    low, high = proportion_confint(5, 6, alpha=0.05, method="beta")
    assert (r["ratio"], r["ratio_low"], r["ratio_high"]) == pytest.approx(
        (5.0, low / (1 - low), high / (1 - high)), rel=1e-9
    )
    assert change_verdict(r) == (
        "ingen statistiskt säkerställd förändring (kvot 5,00, 95 % KI 0,56–236; p = 0,22, "
        "exakt villkorligt binomialtest)"
    )


@pytest.mark.parametrize(
    ("k1", "k2", "exposure"),
    [(5, 1, 1.0), (30, 12, 1.0), (0, 9, 1.0), (12, 2, 120 / 123), (40, 25, 0.5), (3, 30, 2.0)],
)
def test_it_equals_scipy_and_statsmodels(k1, k2, exposure):
    r = one(k1, k2, exposure=exposure)
    pi0 = exposure / (exposure + 1)
    n = k1 + k2
    assert r["p_increase"] == pytest.approx(
        stats.binomtest(k1, n, pi0, alternative="greater").pvalue, rel=1e-9
    )
    assert r["p_decrease"] == pytest.approx(
        stats.binomtest(k1, n, pi0, alternative="less").pvalue, rel=1e-9
    )
    assert r["p_value"] == pytest.approx(central_p(k1, k2, pi0), rel=1e-9)
    for alternative, column in (("larger", "p_increase"), ("smaller", "p_decrease")):
        sm = poisson_2indep(k1, exposure, k2, 1.0, method="exact-cond", alternative=alternative)
        assert r[column] == pytest.approx(sm.pvalue, rel=1e-9)
    if exposure == 1.0:
        # With π₀ = ½ the central and the minimum-likelihood rule agree.
        sm = poisson_2indep(k1, 1.0, k2, 1.0, method="exact-cond")
        assert r["p_value"] == pytest.approx(sm.pvalue, rel=1e-9)
        assert r["p_value"] == pytest.approx(stats.binomtest(k1, n, 0.5).pvalue, rel=1e-9)
    low, high = proportion_confint(k1, n, alpha=0.05, method="beta")
    assert r["ratio"] == pytest.approx((k1 / exposure) / k2)
    assert r["ratio_low"] == pytest.approx(low / (1 - low) / exposure, rel=1e-9, abs=1e-12)
    assert r["ratio_high"] == pytest.approx(high / (1 - high) / exposure, rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    k1=st.integers(min_value=0, max_value=80),
    k2=st.integers(min_value=1, max_value=80),
    exposure=st.sampled_from([1.0, 0.5, 2.0, 90 / 92]),
)
def test_the_interval_excludes_one_exactly_when_p_is_below_five_percent(k1, k2, exposure):
    t = two_period_test(k1, k2, exposure=exposure)
    outside = bool(t.ci_low > 1 or t.ci_high < 1)
    p = float(t.p_value)
    if abs(p - 0.05) > 1e-9:
        assert outside == (p < 0.05)
    assert float(t.ci_low) <= float(t.rate_ratio) <= float(t.ci_high)


def test_two_periods_with_the_same_rate_give_at_most_the_nominal_false_alarms():
    # 3 000 pairs per rate, both Poisson(μ) by construction. Sampling error of a rate near
    # 5 % is √(0.05 · 0.95 / 3000) ≈ 0.4 %; the bound allows 0.8 %.
    rng = np.random.default_rng(20260101)
    for mu in (2, 5, 20, 100):
        k1, k2 = rng.poisson(mu, 3000), rng.poisson(mu, 3000)
        p = two_period_test(k1, k2).p_value
        new = np.mean(np.nan_to_num(p, nan=1.0) < 0.05)
        old = np.mean(np.where(k2 > 0, poisson_known_mean_p(k1, k2), 1.0) < 0.05)
        assert new <= 0.05 + 0.008, (mu, new)
        if mu >= 5:
            # The old rule fails this calibration (13–17 %): the check can fail.
            assert old > 0.10, (mu, old)
    # Through period_change's whole decision on one tested total (q = p, min_difference).
    k1, k2 = rng.poisson(20, 400), rng.poisson(20, 400)
    flags = [one(int(a), int(b))["flag"] for a, b in zip(k1, k2, strict=True)]
    assert np.mean([f != "" for f in flags]) <= 0.05 + 2 * math.sqrt(0.05 * 0.95 / 400)


def test_a_planted_doubling_is_found_most_of_the_time():
    rng = np.random.default_rng(7)
    k1, k2 = rng.poisson(40, 2000), rng.poisson(20, 2000)
    power = np.mean(two_period_test(k1, k2).p_value < 0.05)
    # Exact power: the chance of rejecting given n, binomial(n, 2/3), averaged over n.
    n = np.arange(0, 200)
    weight = stats.poisson.pmf(n, 60)
    reject = np.array([_rejects(int(m), 2 / 3) for m in n])
    assert power == pytest.approx(float(weight @ reject), abs=3 * math.sqrt(0.25 / 2000))
    assert power > 0.6


def _rejects(n: int, pi: float) -> float:
    k = np.arange(n + 1)
    p = np.array([central_p(int(a), n - int(a), 0.5) if n else 1.0 for a in k])
    return float(stats.binom.pmf(k, n, pi)[p < 0.05].sum())


def test_it_compares_each_group_with_the_baseline():
    result = period_change(CURRENT, BASELINE, baseline_periods=5)
    hertson = row(result, "Hertsön", "klotter")
    assert hertson["count"] == 14
    assert hertson["baseline_total"] == 26
    assert hertson["expected"] == pytest.approx(5.2)
    assert hertson["ratio"] == pytest.approx(14 / 5.2)
    assert hertson["difference"] == pytest.approx(8.8)
    # 14 of 40 events in one period of six: binomial(40, 1/6).
    assert hertson["p_increase"] == pytest.approx(stats.binom.sf(13, 40, 1 / 6), rel=1e-9)
    assert hertson["p_decrease"] == pytest.approx(stats.binom.cdf(14, 40, 1 / 6), rel=1e-9)


def test_it_controls_the_false_discovery_rate_like_statsmodels():
    result = period_change(CURRENT, BASELINE, baseline_periods=5)
    table = result.table
    two_sided = [
        central_p(k, b, 1 / 6) for k, b in zip(table["count"], table["baseline_total"], strict=True)
    ]
    _, q, _, _ = multipletests(two_sided, method="fdr_bh")
    assert table["p_value"].to_numpy() == pytest.approx(two_sided, rel=1e-9)
    assert table["q_value"].to_numpy() == pytest.approx(q, rel=1e-9)


def test_it_flags_a_district_where_graffiti_rises_and_says_so_in_swedish():
    result = period_change(CURRENT, BASELINE, baseline_periods=5)
    hertson = row(result, "Hertsön", "klotter")
    assert hertson["flag"] == "increase"
    q_text = format_stat("q", hertson["q_value"])
    assert change_sentence(hertson, result.by).startswith(
        "Klotter i Hertsön: 14 mot väntat 5,2 (kvot 2,69, 95 % KI "
    )
    assert change_sentence(hertson, result.by).endswith(
        f"; {q_text}, exakt villkorligt binomialtest, FDR-korrigerat)."
    )
    assert change_sentence(hertson, result.by) in change_sentences(result)


def test_it_flags_a_decrease_and_leaves_a_steady_group_alone():
    result = period_change(CURRENT, BASELINE, baseline_periods=5)
    centrum_graffiti = row(result, "Centrum", "klotter")
    assert centrum_graffiti["expected"] == pytest.approx(20.0)
    assert centrum_graffiti["flag"] == "decrease"
    # 8 of 108 against π₀ = 1/6: P(X ≤ 8) = 0.0040, two-sided 0.0080; q = 3/2 · 0.0080.
    assert centrum_graffiti["p_value"] == pytest.approx(
        2 * stats.binom.cdf(8, 108, 1 / 6), rel=1e-9
    )
    assert change_sentence(centrum_graffiti, result.by).endswith(
        "(kvot 0,40, 95 % KI 0,17–0,82; q = 0,01, exakt villkorligt binomialtest, FDR-korrigerat)."
    )
    steady = row(result, "Centrum", "skadegörelse")
    assert (steady["flag"], change_sentence(steady, result.by)) == ("", "")
    assert change_summary(result) == (
        "3 grupper testade: 1 med säkerställd ökning och 1 med säkerställd minskning "
        "(exakt villkorligt binomialtest, FDR-korrigerat, q < 0,05)."
    )


def test_it_does_not_flag_tiny_differences_even_when_significant():
    # 3 events against 1 over five periods: P(X ≥ 3 | n = 4, π₀ = 1/6) = 0.016, q = 0.032;
    # significant, but only 2.8 more events than expected.
    current = frame([("Svartöstaden", "klotter", 3), ("Bergnäset", "klotter", 4)])
    baseline = frame([("Svartöstaden", "klotter", 1), ("Bergnäset", "klotter", 1)])
    result = period_change(current, baseline, baseline_periods=5)
    small = row(result, "Svartöstaden", "klotter")
    larger = row(result, "Bergnäset", "klotter")
    assert small["q_value"] == pytest.approx(2 * stats.binom.sf(2, 4, 1 / 6), rel=1e-9)
    assert small["q_value"] < 0.05 and small["flag"] == ""
    assert larger["q_value"] < 0.05 and larger["flag"] == "increase"
    relaxed = period_change(current, baseline, baseline_periods=5, min_difference=2)
    assert row(relaxed, "Svartöstaden", "klotter")["flag"] == "increase"


def test_too_few_events_for_any_verdict_are_explained_and_left_out_of_the_family():
    # Two equal periods: 5 events can at best give p = 2 · 2⁻⁵ = 0.0625 ≥ 0.05.
    current = frame([("Hertsön", "klotter", 4), ("Centrum", "klotter", 40)])
    baseline = frame([("Hertsön", "klotter", 1), ("Centrum", "klotter", 12)])
    result = period_change(current, baseline, baseline_periods=1)
    few = row(result, "Hertsön", "klotter")
    assert (few["tested"], few["note"], few["flag"]) == (False, NOTE_TOO_FEW, "")
    assert np.isnan(few["p_value"]) and np.isnan(few["q_value"])
    assert few["ratio"] == 4.0 and few["ratio_high"] > few["ratio_low"]  # still shown
    assert change_note(few).startswith("för få händelser för ett test (5 sammanlagt")
    assert result.n_tested == 1
    assert row(result, "Centrum", "klotter")["q_value"] == pytest.approx(central_p(40, 12, 0.5))
    assert change_summary(result).endswith(" 1 grupp har för få händelser för ett test.")
    assert change_verdict(few) == change_note(few)
    assert one(6, 0)["note"] == NOTE_NO_BASELINE  # no baseline: the "new" rule
    assert not one(3, 2)["tested"] and one(3, 3)["tested"]  # n = 6 can reach 0.03


def test_zero_in_both_periods_is_explained_not_tested():
    r = one(0, 0)
    assert (r["tested"], r["note"], r["flag"]) == (False, NOTE_NO_EVENTS, "")
    assert all(np.isnan(r[c]) for c in ("p_value", "q_value", "ratio", "ratio_high"))
    assert change_verdict(r) == "inga händelser i någon av perioderna, inget test"


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
    assert porson["p_decrease"] == pytest.approx(0.75**60)  # none of 60 in a quarter of time
    assert porson["flag"] == "decrease"


def test_unequal_period_lengths_compare_rates():
    # 92 against 90 days with 92 against 90 events: the same rate per day, ratio 1.
    r = one(92, 90, exposure=92 / 90)
    assert r["ratio"] == pytest.approx(1.0)
    assert r["expected"] == pytest.approx(92.0)
    assert r["p_value"] == pytest.approx(central_p(92, 90, 92 / 182), rel=1e-9)


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
    assert change_sentences(result)[0].startswith("Hertsön: 30 mot väntat 10,0 (kvot 3,00")
    q = 2 * central_p(30, 10, 0.5)  # two groups, the other has p = 1
    assert f"q = {format_p(q)}" in change_sentences(result)[0]


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
        (frame([("A", "klotter", 1.5)]), frame([("A", "klotter", 1)]), 1),
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
