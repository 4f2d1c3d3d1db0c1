"""The effect evaluation of an intervention from the reports and indicators Samverkan holds.

`evaluation_compute` counts the reports of the chosen categories (with their
subcategories) in the treatment, comparison and (optional) buffer districts, in the before
and after periods (ISO dates, inclusive, in Swedish local time), through the incidents
chokepoint `incident_list_for_user` of the user who computes, in one grouped query by area,
period and month. Begränsad reports are left out whoever computes: the stored result is shown
to everyone who may see the intervention, and a count must not include reports some of them
may not open. From the monthly counts of the four treatment/comparison × before/after
series it estimates the quasi-Poisson D (`analysis.evaluation.quasi_poisson_dispersion`),
and with it computes RES (`relative_effect_size`); with buffer districts also the WDQ. For
the intervention's indicators it compares the latest observation by the end of each period
(`share_change` for a percentage). The result, the data version (count, newest change and
highest id of the reports read) and the time are stored on the Evaluation; the page and the
API show what is stored.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Case, CharField, Count, Max, Q, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from samverkan.analysis.evaluation import (
    quasi_poisson_dispersion,
    relative_effect_size,
    share_change,
    suggest_comparison_areas,
    weighted_displacement_quotient,
)
from samverkan.core.models import Classification, User
from samverkan.incidents.access import incident_list_for_user
from samverkan.incidents.filters import category_and_children, local_day_start
from samverkan.indicators.access import observation_list_for_user
from samverkan.indicators.models import Indicator, Observation
from samverkan.prevention.models import Evaluation
from samverkan.prevention.services import _agreement_districts, check_editor

AREAS = ("treatment", "comparison", "buffer")
PERIODS = ("before", "after")


def month_bins(start: dt.date, end: dt.date) -> list[tuple[dt.date, int]]:
    """The calendar months of [start, end] as (first day of the month, days inside)."""
    bins = []
    month = start.replace(day=1)
    while month <= end:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        first = max(month, start)
        last = min(following - dt.timedelta(days=1), end)
        bins.append((month, (last - first).days + 1))
        month = following
    return bins


def _category_ids(evaluation: Evaluation) -> list[int]:
    ids: set[int] = set()
    for slug in evaluation.categories.values_list("slug", flat=True):
        ids.update(category_and_children(slug))
    return sorted(ids)


def _range(start: dt.date, end: dt.date) -> Q:
    return Q(
        occurred_from__gte=local_day_start(start),
        occurred_from__lt=local_day_start(end + dt.timedelta(days=1)),
    )


def monthly_counts(evaluation: Evaluation, user: User) -> tuple[dict, dict]:
    """{(area, period): {month: count}} and the data version of the reports read, in one
    grouped query through the incidents chokepoint."""
    districts = {
        "treatment": list(evaluation.treatment_districts.values_list("pk", flat=True)),
        "comparison": list(evaluation.comparison_districts.values_list("pk", flat=True)),
        "buffer": list(evaluation.buffer_districts.values_list("pk", flat=True)),
    }
    every = [pk for ids in districts.values() for pk in ids]
    before = _range(evaluation.before_from, evaluation.before_to)
    after = _range(evaluation.after_from, evaluation.after_to)
    reports = (
        incident_list_for_user(user)
        .exclude(is_summary=True)
        .exclude(classification=Classification.RESTRICTED)
        .filter(category__in=_category_ids(evaluation), district__in=every)
        .filter(before | after)
        .annotate(
            area=Case(
                *(When(district__in=districts[a], then=Value(a)) for a in AREAS if districts[a]),
                default=Value(""),
                output_field=CharField(),
            ),
            period=Case(
                When(before, then=Value("before")),
                When(after, then=Value("after")),
                default=Value(""),
                output_field=CharField(),
            ),
            month=TruncMonth("occurred_from", tzinfo=ZoneInfo(settings.TIME_ZONE)),
        )
        .values("area", "period", "month")
        .annotate(n=Count("pk"), latest=Max("updated_at"), top=Max("pk"))
        .order_by()
    )
    counts: dict[tuple[str, str], dict[dt.date, int]] = {}
    total, latest, top = 0, None, None
    tz = ZoneInfo(settings.TIME_ZONE)
    for row in reports:
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = (timezone.localtime(month, tz) if timezone.is_aware(month) else month).date()
        series = counts.setdefault((row["area"], row["period"]), {})
        series[month] = series.get(month, 0) + row["n"]
        total += row["n"]
        latest = row["latest"] if latest is None or row["latest"] > latest else latest
        top = row["top"] if top is None or row["top"] > top else top
    version = {
        "count": total,
        "max_updated_at": latest.isoformat() if latest else None,
        "max_id": top,
    }
    return counts, version


def _series(counts: dict, evaluation: Evaluation, area: str, period: str) -> list[list]:
    start = getattr(evaluation, f"{period}_from")
    end = getattr(evaluation, f"{period}_to")
    found = counts.get((area, period), {})
    return [
        [month.isoformat(), found.get(month, 0), days] for month, days in month_bins(start, end)
    ]


def _message(note) -> dict | None:
    return None if note is None else {"code": note.code, "values": dict(note.values)}


def _indicator_part(evaluation: Evaluation, user: User) -> list[dict]:
    """Per linked indicator: the latest observation by the end of the before period and the
    latest one after it by the end of the after period, for the treatment districts (else
    their municipality), without breakdown."""
    treatment = list(evaluation.treatment_districts.select_related("municipality"))
    municipality_codes = sorted({d.municipality.code for d in treatment if d.municipality_id})
    rows = []
    indicators = evaluation.intervention.indicators.order_by("code")
    for indicator in indicators:
        observations = observation_list_for_user(user).filter(indicator=indicator, breakdown_key="")
        local = observations.filter(district__in=treatment)
        if not local.exists():
            local = observations.filter(
                geo_level=Observation.GeoLevel.MUNICIPALITY, geo_code__in=municipality_codes
            )
        before = local.filter(period_end__lte=evaluation.before_to).order_by("-period_end").first()
        after = (
            local.filter(period_end__gt=evaluation.before_to, period_end__lte=evaluation.after_to)
            .order_by("-period_end")
            .first()
        )
        row = {
            "indicator": indicator.code,
            "name": indicator.name,
            "unit": indicator.unit,
            "before": _observation(before),
            "after": _observation(after),
            "share": None,
        }
        if indicator.unit == Indicator.Unit.PERCENT and before is not None and after is not None:
            change = share_change(
                float(before.value) / 100, before.n, float(after.value) / 100, after.n
            )
            row["share"] = {
                "p_before": change.p_before,
                "p_after": change.p_after,
                "before_ci": list(change.before_ci) if change.before_ci else None,
                "after_ci": list(change.after_ci) if change.after_ci else None,
                "difference": change.difference,
                "diff_low": change.diff_low,
                "diff_high": change.diff_high,
                "p_value": change.p_value,
                "test": change.test,
                "note": _message(change.note),
            }
        rows.append(row)
    return rows


def _observation(observation: Observation | None) -> dict | None:
    if observation is None:
        return None
    return {
        "period": observation.period_label,
        "period_end": observation.period_end.isoformat(),
        "geo": observation.geo_code,
        "value": float(observation.value),
        "n": observation.n,
        "ci_low": None if observation.ci_low is None else float(observation.ci_low),
        "ci_high": None if observation.ci_high is None else float(observation.ci_high),
    }


def compute_result(evaluation: Evaluation, user: User) -> tuple[dict, dict]:
    """The result JSON and the data version, without storing them."""
    counts, version = monthly_counts(evaluation, user)
    monthly = {
        f"{area}_{period}": _series(counts, evaluation, area, period)
        for area in AREAS
        for period in PERIODS
    }
    main = [monthly[f"{a}_{p}"] for a in ("treatment", "comparison") for p in PERIODS]
    spread = quasi_poisson_dispersion(
        [[row[1] for row in s] for s in main], [[row[2] for row in s] for s in main]
    )
    totals = {key: sum(row[1] for row in rows) for key, rows in monthly.items()}
    a, b = totals["treatment_before"], totals["treatment_after"]
    c, d = totals["comparison_before"], totals["comparison_after"]
    effect = relative_effect_size(
        a,
        b,
        c,
        d,
        dispersion=spread.dispersion,
        dispersion_df=spread.df if spread.df >= 1 else None,
    )
    has_buffer = evaluation.buffer_districts.exists()
    result = {
        "treatment_before": a,
        "treatment_after": b,
        "comparison_before": c,
        "comparison_after": d,
        "buffer_before": totals["buffer_before"] if has_buffer else None,
        "buffer_after": totals["buffer_after"] if has_buffer else None,
        "res": effect.res,
        "res_ci_low": effect.ci_low,
        "res_ci_high": effect.ci_high,
        "effect": effect.effect,
        "p_value": effect.p_value,
        "test": effect.test,
        "confidence": effect.confidence,
        "note": _message(effect.note),
        "dispersion": spread.dispersion,
        "dispersion_ratio": spread.ratio,
        "dispersion_df": spread.df,
        "wdq": None,
        "wdq_success_measure": None,
        "wdq_buffer_measure": None,
        "wdq_reading": None,
        "wdq_note": None,
        "monthly": monthly
        if has_buffer
        else {k: v for k, v in monthly.items() if "buffer" not in k},
        "indicators": _indicator_part(evaluation, user),
        "computed_by": user.pk,
    }
    if has_buffer:
        quotient = weighted_displacement_quotient(
            a, b, totals["buffer_before"], totals["buffer_after"], c, d
        )
        result.update(
            wdq=quotient.wdq,
            wdq_success_measure=quotient.success_measure,
            wdq_buffer_measure=quotient.buffer_measure,
            wdq_reading=quotient.reading,
            wdq_note=_message(quotient.note),
        )
    return result, version


def evaluation_compute(evaluation: Evaluation, user: User) -> Evaluation:
    """Compute and store the evaluation's result with the user's view of the reports."""
    check_editor(user, evaluation.intervention.problem.agreement)
    result, version = compute_result(evaluation, user)
    with transaction.atomic():
        evaluation.result = result
        evaluation.data_version = json.dumps(version, sort_keys=True)[:200]
        evaluation.computed_at = timezone.now()
        evaluation.save(update_fields=["result", "data_version", "computed_at"])
    return evaluation


def comparison_suggestions(evaluation: Evaluation, user: User, k: int = 3) -> list[dict]:
    """The agreement's districts (not treatment or buffer) whose monthly before-period counts
    of the chosen categories are nearest the treatment districts' (suggest_comparison_areas),
    counted in one grouped query."""
    agreement = evaluation.intervention.problem.agreement
    treatment = set(evaluation.treatment_districts.values_list("pk", flat=True))
    excluded = treatment | set(evaluation.buffer_districts.values_list("pk", flat=True))
    districts = {d.pk: d for d in _agreement_districts(agreement)}
    bins = [month for month, _days in month_bins(evaluation.before_from, evaluation.before_to)]
    rows = (
        incident_list_for_user(user)
        .exclude(is_summary=True)
        .exclude(classification=Classification.RESTRICTED)
        .filter(category__in=_category_ids(evaluation), district__in=list(districts))
        .filter(_range(evaluation.before_from, evaluation.before_to))
        .annotate(month=TruncMonth("occurred_from", tzinfo=ZoneInfo(settings.TIME_ZONE)))
        .values("district", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    tz = ZoneInfo(settings.TIME_ZONE)
    counts: dict[int, dict[dt.date, int]] = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = (timezone.localtime(month, tz) if timezone.is_aware(month) else month).date()
        per = counts.setdefault(row["district"], {})
        per[month] = per.get(month, 0) + row["n"]
    target = [sum(counts.get(pk, {}).get(m, 0) for pk in treatment) for m in bins]
    candidates = {
        pk: [counts.get(pk, {}).get(m, 0) for m in bins] for pk in districts if pk not in excluded
    }
    if not candidates or not bins:
        return []
    return [
        {"district": districts[c.id], "distance": c.distance, "total": c.total}
        for c in suggest_comparison_areas(target, candidates, k=k)
    ]
