"""Effect of a measure: RES, WDQ, comparison areas and survey shares, checked by hand, against
statsmodels (Poisson GLM, Newcombe interval, two-proportion z test) and SciPy (Fisher's exact
test), and calibrated on tables with no effect by construction."""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from samverkan.analysis.evaluation import (
    FISHER,
    NO_N,
    TOO_FEW,
    WALD,
    WDQ_DIFFUSION,
    WDQ_DIFFUSION_GREATER,
    WDQ_DISPLACEMENT_GREATER,
    WDQ_DISPLACEMENT_SMALLER,
    WDQ_NEITHER,
    WDQ_NO_CONTROL,
    WDQ_NO_SUCCESS,
    quasi_poisson_dispersion,
    relative_effect_size,
    share_change,
    suggest_comparison_areas,
    weighted_displacement_quotient,
)

# --- Relative effect size -----------------------------------------------------------------


def test_res_hand_worked_fall_in_the_treatment_area():
    """a=100, b=70, c=100, d=100: the treatment area fell by 30 %, the comparison area stayed.

    RES = (100·100)/(70·100) = 1.428571; effect = 1 − 1/RES = 1 − 0.7 = 0.30.
    V = 1/100 + 1/70 + 1/100 + 1/100 = 0.03 + 0.0142857 = 0.0442857, √V = 0.210442.
    log RES = 0.356675; ± 1.959964·0.210442 = ± 0.412459 → [−0.055784, 0.769134];
    exp → [0.94574, 2.15789]: the interval includes 1.
    """
    r = relative_effect_size(100, 70, 100, 100)
    assert r.res == pytest.approx(1.428571, abs=1e-6)
    assert r.effect == pytest.approx(0.30, abs=1e-12)
    assert r.log_variance == pytest.approx(0.0442857, abs=1e-7)
    assert r.ci_low == pytest.approx(0.94574, abs=1e-5)
    assert r.ci_high == pytest.approx(2.15789, abs=1e-5)
    assert r.test == FISHER
    assert r.note is None
    assert r.significant is False


def test_res_direction_rise_in_the_treatment_area_is_below_one():
    """a=50, b=75, c=50, d=50: the treatment area rose by half → RES = 2500/3750 = 2/3,
    effect = 1 − 1.5 = −0.5 (50 % more events than the comparison predicts)."""
    r = relative_effect_size(50, 75, 50, 50)
    assert r.res == pytest.approx(2 / 3)
    assert r.effect == pytest.approx(-0.5)


@pytest.mark.filterwarnings("ignore")  # the saturated GLM warns of a perfect fit
def test_res_equals_the_poisson_glm_interaction_and_its_wald_interval():
    """log μ = β0 + β1·treatment + β2·after + β3·treatment·after gives b·c/(a·d) = exp(β3),
    so RES = exp(−β3), and the GLM's standard error of β3 is √(1/a + 1/b + 1/c + 1/d)."""
    a, b, c, d = 212, 151, 340, 329
    frame = pd.DataFrame({"count": [a, b, c, d], "treatment": [1, 1, 0, 0], "after": [0, 1, 0, 1]})
    fit = smf.glm("count ~ treatment * after", frame, family=sm.families.Poisson()).fit()
    beta = fit.params["treatment:after"]
    low, high = fit.conf_int().loc["treatment:after"]
    r = relative_effect_size(a, b, c, d)
    assert r.res == pytest.approx(math.exp(-beta), rel=1e-8)
    assert r.ci_low == pytest.approx(math.exp(-high), rel=1e-6)
    assert r.ci_high == pytest.approx(math.exp(-low), rel=1e-6)
    assert r.log_variance == pytest.approx(fit.bse["treatment:after"] ** 2, rel=1e-6)


def test_res_test_is_fishers_exact_test_of_the_table():
    a, b, c, d = 212, 151, 340, 329
    r = relative_effect_size(a, b, c, d)
    assert r.p_value == pytest.approx(stats.fisher_exact([[a, b], [c, d]]).pvalue)
    assert r.significant is True


def test_res_dispersion_widens_the_interval_and_switches_to_the_wald_test():
    """With D = 2 the variance doubles: half-width × √2, and p from z = log RES / √(2V)."""
    plain = relative_effect_size(212, 151, 340, 329)
    wide = relative_effect_size(212, 151, 340, 329, dispersion=2.0)
    assert wide.test == WALD
    assert wide.log_variance == pytest.approx(2 * plain.log_variance)
    half_plain = math.log(plain.ci_high) - math.log(plain.res)
    half_wide = math.log(wide.ci_high) - math.log(wide.res)
    assert half_wide == pytest.approx(math.sqrt(2) * half_plain)
    z = math.log(wide.res) / math.sqrt(wide.log_variance)
    assert wide.p_value == pytest.approx(2 * stats.norm.sf(abs(z)))
    with pytest.raises(ValueError, match="dispersion"):
        relative_effect_size(212, 151, 340, 329, dispersion=0.5)


@pytest.mark.parametrize("cells", [(0, 10, 10, 10), (10, 4, 10, 10), (10, 10, 3, 50)])
def test_res_too_few_events_gives_no_number(cells):
    r = relative_effect_size(*cells)
    assert r.res is None and r.ci_low is None and r.ci_high is None and r.p_value is None
    assert r.effect is None and r.significant is None
    assert r.note.code == TOO_FEW
    assert r.note.values == {"smallest": min(cells), "minimum": 5}


def test_res_five_in_every_cell_is_enough():
    assert relative_effect_size(5, 5, 5, 5).res == pytest.approx(1.0)


@pytest.mark.parametrize("bad", [-1, 2.5, float("nan")])
def test_res_refuses_counts_that_are_not_whole_numbers(bad):
    with pytest.raises(ValueError, match="non-negative whole number"):
        relative_effect_size(bad, 10, 10, 10)


def test_res_calibration_on_tables_with_no_effect_by_construction():
    """2 000 tables with the same rate ratio (0.8) in both areas: Fisher's test rejects at most
    5 % + 3 binomial standard errors (0.49 points each), the interval covers RES = 1 at least
    95 % − 3 standard errors."""
    rng = np.random.default_rng(20261202)
    replicates = 2000
    rates = np.array([40.0, 32.0, 90.0, 72.0])  # a, b, c, d: both areas fall by 20 %
    rejected = covered = tested = 0
    for a, b, c, d in rng.poisson(rates, size=(replicates, 4)):
        r = relative_effect_size(a, b, c, d)
        if r.res is None:
            continue
        tested += 1
        rejected += r.p_value < 0.05
        covered += r.ci_low <= 1 <= r.ci_high
    margin = 3 * math.sqrt(0.05 * 0.95 / tested)
    assert tested >= 0.99 * replicates
    assert rejected / tested <= 0.05 + margin
    assert covered / tested >= 0.95 - margin


def test_res_test_finds_a_planted_effect():
    """The treatment area falls by 40 % and the comparison not at all (RES 1.67) with about
    200 events before: the test rejects in most tables, so it is not simply always silent."""
    rng = np.random.default_rng(7)
    tables = rng.poisson([200.0, 120.0, 200.0, 200.0], size=(300, 4))
    power = np.mean([relative_effect_size(*t).p_value < 0.05 for t in tables])
    assert power > 0.8


# --- Weighted displacement quotient --------------------------------------------------------


def test_wdq_hand_worked_diffusion():
    """R 100 → 60, B 80 → 70, C 200 → 200: success = 60/200 − 100/200 = −0.2,
    buffer = 70/200 − 80/200 = −0.05, WDQ = −0.05/−0.2 = 0.25: diffusion of benefits."""
    w = weighted_displacement_quotient(100, 60, 80, 70, 200, 200)
    assert w.success_measure == pytest.approx(-0.2)
    assert w.buffer_measure == pytest.approx(-0.05)
    assert w.wdq == pytest.approx(0.25)
    assert w.reading == WDQ_DIFFUSION


@pytest.mark.parametrize(
    "buffer_after, wdq, reading",
    [
        (50, 1.5, WDQ_DIFFUSION_GREATER),  # buffer −30/200 = −0.15 against −0.1
        (80, 0.0, WDQ_NEITHER),
        (90, -0.5, WDQ_DISPLACEMENT_SMALLER),  # +0.05 / −0.1
        (100, -1.0, WDQ_DISPLACEMENT_SMALLER),  # exactly −1: displacement equals the effect
        (110, -1.5, WDQ_DISPLACEMENT_GREATER),
    ],
)
def test_wdq_reading_follows_the_interpretation_table(buffer_after, wdq, reading):
    """R 100 → 80 with C 200 → 200: success measure −0.1; the buffer starts at 80."""
    w = weighted_displacement_quotient(100, 80, 80, buffer_after, 200, 200)
    assert w.wdq == pytest.approx(wdq)
    assert w.reading == reading


def test_wdq_is_not_read_without_success():
    """R 100 → 100 while C fell 200 → 150: success = 100/150 − 0.5 = +0.167 ≥ 0."""
    w = weighted_displacement_quotient(100, 100, 80, 60, 200, 150)
    assert w.success_measure == pytest.approx(1 / 6)
    assert w.wdq is None and w.reading == WDQ_NO_SUCCESS and w.note.code == WDQ_NO_SUCCESS


def test_wdq_needs_control_events():
    w = weighted_displacement_quotient(100, 60, 80, 70, 0, 20)
    assert w.wdq is None and w.reading == WDQ_NO_CONTROL


def test_wdq_tolerance_reads_small_values_as_neither():
    w = weighted_displacement_quotient(100, 80, 80, 81, 200, 200, tolerance=0.1)
    assert w.wdq == pytest.approx(-0.05)
    assert w.reading == WDQ_NEITHER


# --- Comparison areas ---------------------------------------------------------------------


def test_comparison_areas_hand_worked_distance():
    """Treatment [10, 20], candidate [20, 40]: level = log(60.5) − log(30.5) = 0.684917;
    differences of log(x + 0.5) are log(20.5/10.5) = 0.669050 and log(40.5/20.5) = 0.680877,
    centred ±0.005914 → pattern 0.005914; distance = √(0.684917² + 0.005914²) = 0.684942."""
    [best] = suggest_comparison_areas([10, 20], {"x": [20, 40]}, k=1)
    assert best.level == pytest.approx(0.684917, abs=1e-6)
    assert best.pattern == pytest.approx(0.005914, abs=1e-6)
    assert best.distance == pytest.approx(0.684942, abs=1e-6)
    assert best.total == 60


def test_comparison_areas_ranks_the_most_similar_first_and_breaks_ties_by_id():
    treatment = [12, 10, 14, 11, 13, 12]
    candidates = {
        "far": [60, 55, 70, 58, 66, 61],
        "b-twin": [12, 10, 14, 11, 13, 12],
        "a-twin": [12, 10, 14, 11, 13, 12],
        "shape": [2, 20, 3, 22, 4, 21],
        "close": [13, 11, 15, 12, 14, 13],
    }
    ranked = suggest_comparison_areas(treatment, candidates, k=4)
    assert [r.id for r in ranked] == ["a-twin", "b-twin", "close", "shape"]
    assert ranked[0].distance == 0.0
    again = suggest_comparison_areas(treatment, dict(reversed(candidates.items())), k=4)
    assert [r.id for r in again] == [r.id for r in ranked]


def test_comparison_areas_refuse_series_of_other_lengths_and_bad_k():
    with pytest.raises(ValueError, match="3 periods, the treatment area 2"):
        suggest_comparison_areas([1, 2], {"x": [1, 2, 3]})
    with pytest.raises(ValueError, match="k must be"):
        suggest_comparison_areas([1, 2], {"x": [1, 2]}, k=0)


# --- Survey shares ------------------------------------------------------------------------


def test_share_change_matches_statsmodels_newcombe_and_z_test():
    """272 of 400 'trygga' after against 240 of 400 before."""
    s = share_change(0.60, 400, 0.68, 400)
    low, high = confint_proportions_2indep(272, 400, 240, 400, method="newcomb")
    assert s.difference == pytest.approx(0.08)
    assert s.diff_low == pytest.approx(low, abs=1e-10)
    assert s.diff_high == pytest.approx(high, abs=1e-10)
    _, p = proportions_ztest([272, 240], [400, 400])
    assert s.p_value == pytest.approx(p, rel=1e-10)
    assert s.before_ci == pytest.approx((0.551259, 0.646838), abs=1e-6)
    assert s.note is None


@pytest.mark.parametrize("args", [(0.6, None, 0.7, 300), (0.6, 300, 0.7, 0), (None, 300, 0.7, 3)])
def test_share_change_without_n_gives_none_and_a_code(args):
    s = share_change(*args)
    assert s.difference is None and s.p_value is None and s.diff_low is None
    assert s.note.code == NO_N


def test_share_change_calibration_with_the_same_share_by_construction():
    """2 000 pairs of surveys of 300 with the true share 0.6 in both: the z test rejects at
    most 5 % + 3 standard errors; Newcombe's interval covers 0 at least 95 % − 3 SE."""
    rng = np.random.default_rng(11)
    n = 300
    before = rng.binomial(n, 0.6, 2000) / n
    after = rng.binomial(n, 0.6, 2000) / n
    results = [share_change(p1, n, p2, n) for p1, p2 in zip(before, after, strict=True)]
    margin = 3 * math.sqrt(0.05 * 0.95 / 2000)
    assert np.mean([r.p_value < 0.05 for r in results]) <= 0.05 + margin
    assert np.mean([r.diff_low <= 0 <= r.diff_high for r in results]) >= 0.95 - margin


# --- Quasi-Poisson dispersion -------------------------------------------------------------------


def _glm_dispersion(series, exposures):
    rows = [
        {"y": y, "series": str(i), "exposure": e}
        for i, (ys, es) in enumerate(zip(series, exposures, strict=True))
        for y, e in zip(ys, es, strict=True)
    ]
    frame = pd.DataFrame(rows)
    fit = smf.glm(
        "y ~ C(series)", frame, family=sm.families.Poisson(), offset=np.log(frame["exposure"])
    ).fit()
    return fit.pearson_chi2 / fit.df_resid


def test_dispersion_equals_statsmodels_quasi_poisson_scale():
    rng = np.random.default_rng(3)
    series = [rng.negative_binomial(5, 5 / (5 + m), size=12).tolist() for m in (8, 6, 20, 18)]
    exposures = [[31.0] * 11 + [15.0] for _ in series]
    got = quasi_poisson_dispersion(series, exposures)
    expected = _glm_dispersion(series, exposures)
    assert got.ratio == pytest.approx(expected, rel=1e-9)
    assert got.df == 48 - 4
    assert got.dispersion == pytest.approx(max(1.0, expected))


def test_dispersion_hand_worked_and_floored_at_one():
    # One series 2, 4, 6: μ = 4, χ² = (4 + 0 + 4)/4 = 2, df = 2 → 1.0 exactly.
    assert quasi_poisson_dispersion([[2, 4, 6]]).ratio == pytest.approx(1.0)
    # 0, 8: μ = 4, χ² = 4 + 4 = 8, df = 1 → 8.
    assert quasi_poisson_dispersion([[0, 8]]).dispersion == pytest.approx(8.0)
    # Perfectly even counts are under-dispersed: floored at 1.
    flat = quasi_poisson_dispersion([[5, 5, 5], [7, 7, 7]])
    assert flat.ratio == 0 and flat.dispersion == 1.0
    # One bin per series: no degrees of freedom, D = 1.
    assert quasi_poisson_dispersion([[3], [9]]).dispersion == 1.0


def test_dispersion_near_one_on_poisson_and_near_two_on_variance_twice_the_mean():
    rng = np.random.default_rng(7)
    poisson = [rng.poisson(40, size=240).tolist() for _ in range(4)]
    assert quasi_poisson_dispersion(poisson).ratio == pytest.approx(1.0, abs=0.15)
    mean = 40
    n = mean  # variance = mean + mean²/n = 2 × mean
    doubled = [rng.negative_binomial(n, n / (n + mean), size=240).tolist() for _ in range(4)]
    assert quasi_poisson_dispersion(doubled).dispersion == pytest.approx(2.0, abs=0.3)


def test_dispersion_refuses_bad_exposures():
    with pytest.raises(ValueError, match="positive exposure"):
        quasi_poisson_dispersion([[1, 2]], [[1.0, 0.0]])


def test_res_with_an_estimated_dispersion_uses_students_t():
    a, b, c, d = 100, 70, 300, 290
    result = relative_effect_size(a, b, c, d, dispersion=2.0, dispersion_df=44)
    variance = (1 / a + 1 / b + 1 / c + 1 / d) * 2.0
    log_res = math.log(a * d / (b * c))
    t = stats.t.ppf(0.975, 44)
    assert result.test == "t_log_res"
    assert result.ci_low == pytest.approx(math.exp(log_res - t * math.sqrt(variance)))
    assert result.ci_high == pytest.approx(math.exp(log_res + t * math.sqrt(variance)))
    expected_p = 2 * stats.t.sf(abs(log_res) / math.sqrt(variance), 44)
    assert result.p_value == pytest.approx(expected_p)
    # Wider than the normal-based interval with the same D.
    wald = relative_effect_size(a, b, c, d, dispersion=2.0)
    assert result.ci_high > wald.ci_high and result.p_value > wald.p_value
    # D floored at 1 keeps Fisher's exact test.
    assert relative_effect_size(a, b, c, d, dispersion_df=44).test == FISHER
    with pytest.raises(ValueError, match="dispersion_df"):
        relative_effect_size(a, b, c, d, dispersion=2.0, dispersion_df=0)
