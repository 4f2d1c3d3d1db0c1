"""API: sources, indicators and observations (public statistics, for every logged-in user)."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from samverkan.core.limits import DB_INT_MAX
from samverkan.core.schemas import errors
from samverkan.indicators import access, catalogue
from samverkan.indicators.comparisons import observation_interval
from samverkan.indicators.models import Indicator, Observation

router = Router(tags=["indikatorer"])

MAX_LIMIT = 1000


class SourceOut(Schema):
    slug: str
    name: str
    publisher: str
    url: str
    licence: str
    citation: str
    kind: str = Field(description="api, fil eller dokument")


class SourcePage(Schema):
    items: list[SourceOut]
    count: int


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str = Field(description="antal, procent, per_100k, per_1000, index_0_6 …")
    direction: str = Field(description="upp (högre är bättre), ned, ingen")
    description: str
    source: str = Field(description="Källans kortnamn (slug)")
    cadence: str
    release_month: int | None
    external_id: str
    focus_area: str = Field(description="6.1, 6.2, 6.3 eller tomt")


class IndicatorDetailOut(IndicatorOut):
    observations: int
    latest_period: str | None
    next_update_due: dt.date | None = Field(
        description="Första dagen i månaden då nästa värde väntas"
    )
    overdue: bool


class IndicatorPage(Schema):
    items: list[IndicatorOut]
    count: int


class ObservationOut(Schema):
    id: int
    indicator: str
    period: str
    period_start: dt.date
    period_end: dt.date
    geo_level: str
    geo_code: str
    district: str | None = Field(description="Områdets kortnamn för geo_level omrade")
    breakdown: dict[str, str]
    value: Decimal
    n: int | None
    ci_low: Decimal | None
    ci_high: Decimal | None
    ci_method: str | None
    status: str = Field(description="preliminar eller slutlig")
    note: str
    retrieved_at: dt.datetime
    source_url: str


class ObservationPage(Schema):
    items: list[ObservationOut]
    count: int


def indicator_out(indicator: Indicator) -> dict:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "description": indicator.description,
        "source": indicator.source.slug,
        "cadence": indicator.cadence,
        "release_month": indicator.release_month,
        "external_id": indicator.external_id,
        "focus_area": indicator.focus_area,
    }


def observation_out(o: Observation) -> dict:
    # The same 95 % interval as the indicator page: the source's own, else Wilson's for a
    # survey share with its n; ci_method says which ("källan", "wilson"), null for none.
    interval = observation_interval(o, o.indicator.unit)
    return {
        "id": o.pk,
        "indicator": o.indicator.code,
        "period": o.period_label,
        "period_start": o.period_start,
        "period_end": o.period_end,
        "geo_level": o.geo_level,
        "geo_code": o.geo_code,
        "district": o.district.slug if o.district_id else None,
        "breakdown": o.breakdown,
        "value": o.value,
        "n": o.n,
        "ci_low": interval.low if interval else None,
        "ci_high": interval.high if interval else None,
        "ci_method": interval.method if interval else None,
        "status": o.status,
        "note": o.note,
        "retrieved_at": o.retrieved_at,
        "source_url": o.source_url,
    }


@router.get(
    "/sources",
    response={200: SourcePage, **errors(401, 403, 422)},
    summary="Källor till indikatorerna",
)
def list_sources(
    request,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    queryset = access.source_list_for_user(request.auth).order_by("name", "pk")
    items = [
        {
            **{f: getattr(s, f) for f in ("slug", "name", "publisher", "url", "licence")},
            "citation": s.citation,
            "kind": s.kind,
        }
        for s in queryset[offset : offset + limit]
    ]
    return {"items": items, "count": queryset.count()}


@router.get(
    "/indicators",
    response={200: IndicatorPage, **errors(401, 403, 422)},
    summary="Indikatorer, filtrerade på fokusområde och källa",
    description="`focus_area` (6.1, 6.2, 6.3), `source` (källans kortnamn).",
)
def list_indicators(
    request,
    focus_area: str | None = None,
    source: str | None = None,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    queryset = access.indicator_list_for_user(request.auth).order_by("focus_area", "code")
    if focus_area is not None:
        queryset = queryset.filter(focus_area=focus_area)
    if source is not None:
        queryset = queryset.filter(source__slug=source)
    items = [indicator_out(i) for i in queryset[offset : offset + limit]]
    return {"items": items, "count": queryset.count()}


@router.get(
    "/indicators/{code}",
    response={200: IndicatorDetailOut, **errors(401, 403, 404, 422)},
    summary="En indikator",
)
def get_indicator(request, code: str):
    indicator = access.get_indicator_for_user(request.auth, code)
    groups = catalogue.catalogue(
        access.indicator_list_for_user(request.auth),
        today=timezone.localdate(),
        code=indicator.code,
    )
    for entry in (e for g in groups for e in g.entries):
        return {
            **indicator_out(indicator),
            "observations": entry.observations,
            "latest_period": entry.latest_label or None,
            "next_update_due": entry.next_due,
            "overdue": entry.overdue,
        }
    raise Http404  # an inactive indicator is not in the catalogue


@router.get(
    "/observations",
    response={200: ObservationPage, **errors(401, 403, 422)},
    summary="Värden, filtrerade på indikator, period, geografi och uppdelning",
    description="`indicator` (kod), `period_from`/`period_to` (år eller datum; värden vars "
    "period överlappar), `geo_level` (land, lan, kommun, lpo, omrade), `geo_code` (t.ex. "
    "2580), `district` (id eller kortnamn), `breakdown` (upprepas, nyckel:värde, t.ex. "
    "`kon:K`, `arskurs:ak7`; `kon:T` = totalt).",
)
def list_observations(
    request,
    indicator: str | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
    geo_level: str | None = None,
    geo_code: str | None = None,
    district: str | None = None,
    breakdown: list[str] | None = Query(None),  # noqa: B008 (ninja reads the default)
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    queryset = catalogue.observation_filter(
        access.observation_list_for_user(request.auth).select_related("indicator", "district"),
        indicator=indicator,
        period_from=period_from,
        period_to=period_to,
        geo_level=geo_level,
        geo_code=geo_code,
        district=district,
        breakdown=breakdown,
    ).order_by("indicator__code", "period_start", "geo_level", "geo_code", "breakdown_key", "pk")
    items = [observation_out(o) for o in queryset[offset : offset + limit]]
    return {"items": items, "count": queryset.count()}
