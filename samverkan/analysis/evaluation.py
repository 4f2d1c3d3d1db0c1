"""Did a prevention measure work? Effect sizes for before/after comparisons with a comparison
area, displacement to a buffer, comparison areas to choose from, and survey shares.

Relative effect size (RES), the measure of the Campbell reviews of situational prevention
(Welsh & Farrington; Farrington et al. 2007, Journal of Experimental Criminology 3:21–38):

                 before   after
    treatment      a        b
    comparison     c        d

RES = (a·d)/(b·c) = (d/c)/(b/a): the comparison area's change divided by the treatment
area's. RES > 1 is the desirable result (crime fell more, or rose less, where the measure was
taken); the percentage reading is ``effect = 1 − 1/RES`` (RES 1.43 → 30 % fewer events in the
treatment area than its comparison area's change predicts). The 95 % interval is
exp(log RES ± z·√V) with V = (1/a + 1/b + 1/c + 1/d) · D. D = 1 is the Poisson variance the
reviews use. Farrington et al. (2007) also proposed inflating V for overdispersion with a D
that grows with the number of crimes; we could not confirm that formula's coefficients in a
source we could read, so it is not built in: ``dispersion`` takes a D the caller has estimated
(``quasi_poisson_dispersion`` below, from the monthly counts), default 1.

The test of "no effect" (the same change in both areas, RES = 1). With the four counts
independent Poisson and equal rate ratios, the table conditional on its margins is
hypergeometric, whatever the rates: the exact conditional test is Fisher's exact test of the
2×2 table (two-sided, SciPy's minimum-likelihood rule; ``test = "fisher_exact"``). It is exact
and, being discrete, conservative; it can disagree with the Wald interval at the edge (p just
above 0.05 while the interval just excludes 1, or the reverse). With ``dispersion`` > 1 the
conditional test no longer holds, and the test is the Wald z on log RES with the inflated
variance (``test = "wald_log_res"``), which then agrees with the interval. When D was
estimated from the data with ``dispersion_df`` residual degrees of freedom (quasi-Poisson),
the interval and the test use Student's t with those degrees of freedom instead of the normal
(``test = "t_log_res"``), the usual quasi-likelihood inference, which accounts for the noise
in the estimated D.

Too few events. With any cell below ``MIN_CELL`` = 5 events the log-variance approximation is
poor (and a 0 makes RES 0 or infinite), so res, interval and p are None and the note is
``evaluation_too_few`` with the smallest cell: a page says "för få händelser" instead of
quoting a misleading number.

Weighted displacement quotient (Bowers & Johnson 2003, Journal of Quantitative Criminology
19:275–301), treatment area R, buffer B, control C, before b / after a:

    success measure  = R_a/C_a − R_b/C_b   (< 0: the measure succeeded against the control)
    buffer measure   = B_a/C_a − B_b/C_b   (> 0: possible displacement, < 0: possible diffusion)
    WDQ              = buffer measure / success measure

Reading (Guerette 2009, Analyzing Crime Displacement and Diffusion, POP Center Tool Guide 10,
appendix C): WDQ > 1 diffusion greater than the direct effect; 0 < WDQ ≤ 1 diffusion of
benefits; WDQ = 0 neither; −1 ≤ WDQ < 0 displacement smaller than the direct effect (a net
benefit remains); WDQ < −1 displacement greater than the direct effect. With a success
measure ≥ 0 the measure did not succeed and WDQ is not read (``wdq_no_success``).

Overdispersion (``quasi_poisson_dispersion``): real crime counts vary more than Poisson, and
with D = 1 the test calls too many "effects". D is estimated from the monthly counts of the
series (treatment and comparison, before and after) as the quasi-Poisson scale of the model
with one rate per series: Pearson's χ² = Σ (y − μ)²/μ with μ = the series' rate × the bin's
exposure (days, so a part month weighs less), divided by the residual degrees of freedom
(bins − series), floored at 1. It equals statsmodels' GLM Poisson ``pearson_chi2 / df_resid``
with a dummy per series and log exposure as offset. Too few bins (df < 1) give D = 1.

Comparison areas: candidates ranked by distance to the treatment area's before-period
counts on the log(count + 0.5) scale (0.5 keeps empty months finite): level = difference of
log(total + 0.5); pattern = root mean square of the centred differences of log(monthly
count + 0.5), the shape of the series once the level is taken out; distance =
√(level² + pattern²). Ties break on the candidate's id as text.

Survey shares: each share with Wilson's interval, the difference after − before with
Newcombe's hybrid score interval (his method 10, built from the two Wilson intervals), and
the pooled two-proportion z test.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from samverkan.analysis.messages import Message
from samverkan.analysis.rates import wilson_interval

MIN_CELL = 5

FISHER = "fisher_exact"
WALD = "wald_log_res"
WALD_T = "t_log_res"
TWO_PROPORTION_Z = "two_proportion_z"

TOO_FEW = "evaluation_too_few"
NO_N = "evaluation_no_n"
WDQ_NO_CONTROL = "wdq_no_control"
WDQ_NO_SUCCESS = "wdq_no_success"
WDQ_DIFFUSION_GREATER = "wdq_diffusion_greater"
WDQ_DIFFUSION = "wdq_diffusion"
WDQ_NEITHER = "wdq_neither"
WDQ_DISPLACEMENT_SMALLER = "wdq_displacement_smaller"
WDQ_DISPLACEMENT_GREATER = "wdq_displacement_greater"


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(1 - (1 - confidence) / 2))


def _count(value, name: str) -> int:
    number = float(value)
    if not math.isfinite(number) or number < 0 or number != round(number):
        raise ValueError(f"{name} must be a non-negative whole number")
    return int(round(number))


@dataclass(frozen=True)
class RelativeEffect:
    """RES with its interval and test; res, interval and p are None when ``note`` says why."""

    a: int
    b: int
    c: int
    d: int
    res: float | None
    ci_low: float | None
    ci_high: float | None
    log_variance: float | None
    effect: float | None  # 1 − 1/RES: share fewer events than the comparison predicts
    p_value: float | None
    test: str
    dispersion: float
    confidence: float
    note: Message | None = None

    @property
    def significant(self) -> bool | None:
        if self.p_value is None:
            return None
        return self.p_value < 1 - self.confidence


def relative_effect_size(
    a: int,
    b: int,
    c: int,
    d: int,
    *,
    dispersion: float = 1.0,
    confidence: float = 0.95,
    min_cell: int = MIN_CELL,
    dispersion_df: int | None = None,
) -> RelativeEffect:
    """RES for treatment before ``a``, after ``b``, comparison before ``c``, after ``d``;
    ``dispersion_df``: the degrees of freedom D was estimated with (t instead of z)."""
    a, b, c, d = (_count(v, n) for v, n in ((a, "a"), (b, "b"), (c, "c"), (d, "d")))
    if not (math.isfinite(dispersion) and dispersion >= 1):
        raise ValueError("dispersion must be a number ≥ 1")
    if dispersion_df is not None and not dispersion_df >= 1:
        raise ValueError("dispersion_df must be at least 1")
    test = FISHER if dispersion == 1 else (WALD if dispersion_df is None else WALD_T)
    smallest = min(a, b, c, d)
    if smallest < min_cell:
        return RelativeEffect(
            a, b, c, d, None, None, None, None, None, None, test, dispersion, confidence,
            Message(TOO_FEW, {"smallest": smallest, "minimum": min_cell}),
        )  # fmt: skip
    res = (a * d) / (b * c)
    variance = (1 / a + 1 / b + 1 / c + 1 / d) * dispersion
    if test == WALD_T:
        quantile = float(stats.t.ppf(1 - (1 - confidence) / 2, dispersion_df))
    else:
        quantile = _z(confidence)
    half = quantile * math.sqrt(variance)
    if test == FISHER:
        p = float(stats.fisher_exact([[a, b], [c, d]]).pvalue)
    elif test == WALD_T:
        p = float(2 * stats.t.sf(abs(math.log(res)) / math.sqrt(variance), dispersion_df))
    else:
        p = float(2 * stats.norm.sf(abs(math.log(res)) / math.sqrt(variance)))
    return RelativeEffect(
        a=a,
        b=b,
        c=c,
        d=d,
        res=res,
        ci_low=math.exp(math.log(res) - half),
        ci_high=math.exp(math.log(res) + half),
        log_variance=variance,
        effect=1 - 1 / res,
        p_value=min(1.0, p),
        test=test,
        dispersion=dispersion,
        confidence=confidence,
    )


@dataclass(frozen=True)
class Dispersion:
    """The quasi-Poisson D (floored at 1) with its Pearson χ², degrees of freedom and the
    unfloored ratio (None when df < 1)."""

    dispersion: float
    ratio: float | None
    pearson_chi2: float
    df: int
    bins: int
    series: int


def quasi_poisson_dispersion(
    series: Sequence[Sequence[float]],
    exposures: Sequence[Sequence[float]] | None = None,
) -> Dispersion:
    """D from the binned counts of each series (e.g. the monthly counts of the four
    area × period series), each with its bins' exposures (default 1 each)."""
    chi2 = 0.0
    bins = 0
    used = 0
    for index, counts in enumerate(series):
        y = np.asarray([_count(v, "count") for v in counts], dtype=float)
        if exposures is None:
            e = np.ones_like(y)
        else:
            e = np.asarray(exposures[index], dtype=float)
            if e.shape != y.shape or not np.all(np.isfinite(e)) or np.any(e <= 0):
                raise ValueError(f"series {index} needs one positive exposure per bin")
        if not len(y):
            continue
        used += 1
        bins += len(y)
        total = y.sum()
        if total == 0:
            continue  # a series without events fits exactly (μ = 0 everywhere)
        mu = e * total / e.sum()
        chi2 += float(np.sum((y - mu) ** 2 / mu))
    df = bins - used
    if df < 1:
        return Dispersion(1.0, None, chi2, df, bins, used)
    ratio = chi2 / df
    return Dispersion(max(1.0, ratio), ratio, chi2, df, bins, used)


@dataclass(frozen=True)
class DisplacementQuotient:
    """Bowers & Johnson's measures; ``reading`` is one of the ``WDQ_*`` codes."""

    success_measure: float | None
    buffer_measure: float | None
    wdq: float | None
    reading: str
    note: Message | None = None


def weighted_displacement_quotient(
    R_b: int, R_a: int, B_b: int, B_a: int, C_b: int, C_a: int, *, tolerance: float = 0.0
) -> DisplacementQuotient:
    """WDQ for treatment R, buffer B and control C, before (b) and after (a). |WDQ| ≤
    ``tolerance`` reads as neither displacement nor diffusion (0: only exactly 0)."""
    names = ("R_b", "R_a", "B_b", "B_a", "C_b", "C_a")
    R_b, R_a, B_b, B_a, C_b, C_a = (
        _count(v, n) for v, n in zip((R_b, R_a, B_b, B_a, C_b, C_a), names, strict=True)
    )
    if C_b == 0 or C_a == 0:
        note = Message(WDQ_NO_CONTROL, {"before": C_b, "after": C_a})
        return DisplacementQuotient(None, None, None, WDQ_NO_CONTROL, note)
    success = R_a / C_a - R_b / C_b
    buffer = B_a / C_a - B_b / C_b
    if success >= 0:
        note = Message(WDQ_NO_SUCCESS, {"success_measure": success})
        return DisplacementQuotient(success, buffer, None, WDQ_NO_SUCCESS, note)
    wdq = buffer / success
    if abs(wdq) <= tolerance:
        reading = WDQ_NEITHER
    elif wdq > 1:
        reading = WDQ_DIFFUSION_GREATER
    elif wdq > 0:
        reading = WDQ_DIFFUSION
    elif wdq >= -1:
        reading = WDQ_DISPLACEMENT_SMALLER
    else:
        reading = WDQ_DISPLACEMENT_GREATER
    return DisplacementQuotient(success, buffer, wdq, reading)


@dataclass(frozen=True)
class ComparisonCandidate:
    """A candidate area, nearest first: distance = √(level² + pattern²)."""

    id: Hashable
    distance: float
    level: float  # log(total + 0.5) of the candidate minus the treatment area's
    pattern: float  # RMS of the centred differences of log(monthly count + 0.5)
    total: int


def _log_series(counts: Sequence[float], name: str) -> np.ndarray:
    values = np.asarray([_count(v, name) for v in counts], dtype=float)
    return np.log(values + 0.5)


def suggest_comparison_areas(
    treatment_counts_by_period: Sequence[int],
    candidates: Mapping[Hashable, Sequence[int]],
    k: int = 3,
) -> list[ComparisonCandidate]:
    """The ``k`` candidates whose before-period counts are nearest the treatment area's."""
    if k < 1:
        raise ValueError("k must be at least 1")
    treatment = list(treatment_counts_by_period)
    if not treatment:
        raise ValueError("the treatment area has no periods")
    target = _log_series(treatment, "treatment count")
    target_total = math.log(sum(treatment) + 0.5)
    ranked = []
    for key, counts in candidates.items():
        counts = list(counts)
        if len(counts) != len(treatment):
            raise ValueError(
                f"candidate {key} has {len(counts)} periods, the treatment area {len(treatment)}"
            )
        series = _log_series(counts, f"count of {key}")
        level = math.log(sum(counts) + 0.5) - target_total
        difference = series - target
        pattern = float(np.sqrt(np.mean((difference - difference.mean()) ** 2)))
        distance = math.hypot(level, pattern)
        ranked.append(ComparisonCandidate(key, distance, level, pattern, int(sum(counts))))
    ranked.sort(key=lambda item: (round(item.distance, 12), str(item.id)))
    return ranked[:k]


@dataclass(frozen=True)
class ShareChange:
    """Two survey shares, each with Wilson's interval, and their difference (after − before)
    with Newcombe's hybrid score interval and the pooled two-proportion z test."""

    p_before: float | None
    n_before: int | None
    p_after: float | None
    n_after: int | None
    before_ci: tuple[float, float] | None
    after_ci: tuple[float, float] | None
    difference: float | None
    diff_low: float | None
    diff_high: float | None
    p_value: float | None
    test: str
    confidence: float
    note: Message | None = None


def share_change(
    p_before: float | None,
    n_before: int | None,
    p_after: float | None,
    n_after: int | None,
    *,
    confidence: float = 0.95,
) -> ShareChange:
    """Compare a share (0–1) of ``n_before`` respondents with one of ``n_after``."""
    before = wilson_interval(p_before, n_before, confidence=confidence)
    after = wilson_interval(p_after, n_after, confidence=confidence)
    if before is None or after is None:
        missing = [name for name, ci in (("before", before), ("after", after)) if ci is None]
        return ShareChange(
            p_before, n_before, p_after, n_after, before, after, None, None, None, None,
            TWO_PROPORTION_Z, confidence, Message(NO_N, {"missing": missing}),
        )  # fmt: skip
    p1, p2 = float(p_before), float(p_after)
    l1, u1 = before
    l2, u2 = after
    difference = p2 - p1
    low = difference - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = difference + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    pooled = (p1 * n_before + p2 * n_after) / (n_before + n_after)
    spread = pooled * (1 - pooled) * (1 / n_before + 1 / n_after)
    if spread > 0:
        p_value = float(2 * stats.norm.sf(abs(difference) / math.sqrt(spread)))
    else:
        p_value = 1.0  # both shares 0 or both 1: no difference to test
    return ShareChange(
        p_before=p1,
        n_before=int(n_before),
        p_after=p2,
        n_after=int(n_after),
        before_ci=before,
        after_ci=after,
        difference=difference,
        diff_low=low,
        diff_high=high,
        p_value=p_value,
        test=TWO_PROPORTION_Z,
        confidence=confidence,
    )
