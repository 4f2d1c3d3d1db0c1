"""Reads of EST's weekly work: the chokepoints through which actions and closed meetings
are fetched (another agreement's are 404), the parties' organisations and their people, the
figures of the area prioritisation and the week's reports. The weekly picture itself is in `est.weekly`."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from samverkan.analysis.change import DECREASE, INCREASE, period_change
from samverkan.core.models import Classification, User
from samverkan.est.models import AreaRating
from samverkan.est.weekly import STOCKHOLM, agreement_municipalities
from samverkan.incidents.access import incident_list_for_user
from samverkan.incidents.models import Incident
from samverkan.organisations.models import Group, Organisation
from samverkan.places.models import District
from samverkan.plans.models import Agreement
from samverkan.plans.periods import period_bounds, period_label
from samverkan.plans.selectors import agreement_organisation_ids  # noqa: F401 (est's callers)


def est_agreements_of(user: User, agreements) -> list[Agreement]:
    """Those of ``agreements`` in whose EST group ``user`` sits today."""
    today = timezone.localdate()
    return list(
        agreements.filter(
            groups__kind=Group.Kind.EST,
            groups__memberships__person=user,
            groups__memberships__start__lte=today,
        )
        .filter(
            Q(groups__memberships__end__isnull=True) | Q(groups__memberships__end__gte=today)
        )
        .distinct()
    )




# --- Area prioritisation ----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # kvartal | tertial
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return period_label(self.kind, self.start)

    @property
    def previous(self) -> Period:
        start, end = period_bounds(self.kind, self.start - dt.timedelta(days=1))
        return Period(self.kind, start, end)

    @property
    def next(self) -> Period:
        start, end = period_bounds(self.kind, self.end + dt.timedelta(days=1))
        return Period(self.kind, start, end)

    @classmethod
    def containing(cls, day: dt.date, kind: str | None = None) -> Period:
        kind = kind or settings.SAMVERKAN_PRIORITY_PERIOD
        start, end = period_bounds(kind, day)
        return cls(kind, start, end)


@dataclass
class DistrictFigures:
    district_id: int
    district: str
    count: int
    previous: int
    change: int
    p: float | None  # two-sided exact conditional (binomial) test of the two periods' counts
    q: float | None  # Benjamini–Hochberg over the agreement's districts
    trend: str  # AreaRating.Trend value
    ratio: float | None = None  # reports per day against the previous period's
    ratio_low: float | None = None  # its exact 95 % interval
    ratio_high: float | None = None
    note: str = ""  # why the district was not tested (analysis.change.NOTE_*), "" when it was

    @property
    def trend_symbol(self) -> str:
        return str(AreaRating.Trend(self.trend).label)


def _bounds_utc(period: Period) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(period.start, dt.time(), tzinfo=STOCKHOLM)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), tzinfo=STOCKHOLM)
    return start, end


def period_figures(agreement: Agreement, period: Period) -> list[DistrictFigures]:
    """Per district: öppen and intern reports in the period and the previous one, and the
    trend: ↑ or ↓ only when the exact conditional test of the two counts (binomial given
    their sum, the periods' lengths in days as exposure; Benjamini–Hochberg over the
    districts, q < 0.10, a difference of at least 3) says so, else →. Two queries."""
    previous = period.previous
    first, _end = _bounds_utc(previous)
    middle, last = _bounds_utc(period)
    municipalities = agreement_municipalities(agreement).values("pk")
    districts = list(
        District.objects.filter(municipality__in=municipalities)
        .order_by("name")
        .values_list("pk", "name")
    )
    counts = (
        Incident.objects.filter(
            municipality__in=municipalities,
            is_summary=False,
            classification__in=[Classification.OPEN, Classification.INTERNAL],
            district__isnull=False,
            occurred_from__gte=first,
            occurred_from__lt=last,
        )
        .values("district_id")
        .annotate(
            now=Count("pk", filter=Q(occurred_from__gte=middle)),
            before=Count("pk", filter=Q(occurred_from__lt=middle)),
        )
        .order_by()
    )
    by_district = {row["district_id"]: (row["now"], row["before"]) for row in counts}
    frame = pd.DataFrame(
        [{"district": pk, "count": by_district.get(pk, (0, 0))[0]} for pk, _n in districts],
        columns=["district", "count"],
    )
    base = pd.DataFrame(
        [{"district": pk, "count": by_district.get(pk, (0, 0))[1]} for pk, _n in districts],
        columns=["district", "count"],
    )
    days = (period.end - period.start).days + 1
    days_before = (previous.end - previous.start).days + 1
    table = period_change(
        frame,
        base,
        by=("district",),
        baseline_periods=1,
        exposure=days / days_before,
        alpha=0.10,
        min_difference=3,
    ).table.set_index("district")
    trend_of = {INCREASE: AreaRating.Trend.UP, DECREASE: AreaRating.Trend.DOWN}
    rows = []
    for pk, name in districts:
        row = table.loc[pk]
        tested = bool(row["tested"])
        rows.append(
            DistrictFigures(
                district_id=pk,
                district=name,
                count=int(row["count"]),
                previous=int(row["baseline_total"]),
                change=int(row["count"]) - int(row["baseline_total"]),
                p=float(row["p_value"]) if tested else None,
                q=float(row["q_value"]) if tested else None,
                trend=trend_of.get(row["flag"], AreaRating.Trend.FLAT),
                ratio=_finite(row["ratio"]),
                ratio_low=_finite(row["ratio_low"]),
                ratio_high=_finite(row["ratio_high"]),
                note=str(row["note"]),
            )
        )
    return rows


def _finite(value) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def priority_scale() -> list[str]:
    return list(settings.SAMVERKAN_PRIORITY_SCALE)


# --- The week's reports ---------------------------------------------------------------------

WEEK_REPORTS_PAGE = 50


def week_reports_for_user(
    user,
    agreement: Agreement,
    start: dt.datetime,
    end: dt.datetime,
    *,
    category=None,
    district=None,
    classification: str = "",
    source: str = "",
    registered_before: dt.datetime | None = None,
):
    """Every report of the week that the picture is made of and the user may see: öppen and
    intern reports of the agreement's municipalities (never begränsad, as in the picture),
    without Polisen's summaries, within the user's own scope
    (``incidents.access.incident_list_for_user``), newest first. ``registered_before`` (a
    closed meeting's time) leaves out reports filed after the meeting."""
    reports = incident_list_for_user(user).filter(
        municipality__in=agreement_municipalities(agreement).values("pk"),
        is_summary=False,
        classification__in=[Classification.OPEN, Classification.INTERNAL],
        occurred_from__gte=start,
        occurred_from__lt=end,
    )
    if category is not None:
        reports = reports.filter(Q(category=category) | Q(category__parent=category))
    if district is not None:
        reports = reports.filter(district=district)
    if classification:
        reports = reports.filter(classification=classification)
    if source:
        reports = reports.filter(source=source)
    if registered_before is not None:
        reports = reports.filter(created_at__lte=registered_before)
    return reports.select_related("category", "district", "place", "organisation").order_by(
        "-occurred_from", "-pk"
    )


def owner_candidates(organisation: Organisation | None):
    """Who may be an action's ansvarig person for an organisation: its active users and
    those of the organisations directly under it (the rule est.services checks)."""
    if organisation is None:
        return User.objects.none()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(organisation=organisation) | Q(organisation__parent=organisation))
        .select_related("organisation")
        .order_by("first_name", "last_name", "username")
    )
