"""The lägesbild over HTTP: the same JSON as ``samverkan lagesbild --format json``.

An API response leaves the organisation's own users (it goes into other systems and
documents): every answer here carries the lägesbild with small counts suppressed
(``lagesbild.disclosure``, docs/privacy.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import QueryDict
from ninja import Field, Query, Router, Schema

from samverkan.core.disclosure import small_count_limit, suppress_count
from samverkan.core.limits import DbId
from samverkan.core.schemas import errors
from samverkan.lagesbild.access import get_snapshot_for_user, snapshot_list_for_user
from samverkan.lagesbild.assemble import lagesbild
from samverkan.lagesbild.disclosure import outbound_result
from samverkan.lagesbild.params import parse
from samverkan.plans.access import agreement_list_for_user

router = Router(tags=["lägesbild"])


class LagesbildQuery(Schema):
    agreement: str
    # "from" is a Python keyword: the schema reads it through the alias.
    date_from: str = Field("", alias="from")
    to: str = ""
    district: list[str] = []
    category: list[str] = []


class SnapshotSummary(Schema):
    id: int
    title: str
    agreement: int
    scope: str
    classification: str
    created_at: dt.datetime
    created_by: str | None
    date_from: str
    date_to: str
    total: int | str | None
    recomputed_from: int | None


def compute(request_data, user) -> dict[str, Any]:
    chosen = parse(request_data, agreement_list_for_user(user))
    return outbound_result(lagesbild(user=user, **chosen.kwargs()).to_dict())


@router.get(
    "/lagesbild",
    response={200: dict[str, Any], **errors(401, 403, 422)},
    summary="Lägesbild för en överenskommelse och period",
    description=(
        "Parametrar: agreement (id eller kortnamn), from och to (ÅÅÅÅ-MM-DD), district och "
        "category (upprepningsbara). Svaret innehåller hot spot-rutnätet i SWEREF 99 TM: "
        "origin, cell, och för varje ruta i, j, count, z och p."
    ),
)
def lagesbild_get(request, params: Query[LagesbildQuery]):
    data: QueryDict = request.GET
    return compute(data, request.user)


def _summary(snapshot) -> dict[str, Any]:
    return {
        "id": snapshot.pk,
        "title": snapshot.title,
        "agreement": snapshot.agreement_id,
        "scope": snapshot.scope,
        "classification": snapshot.classification,
        "created_at": snapshot.created_at,
        "created_by": snapshot.created_by.username if snapshot.created_by else None,
        "date_from": snapshot.parameters.get("date_from", ""),
        "date_to": snapshot.parameters.get("date_to", ""),
        "total": suppress_count(
            (snapshot.result.get("key_figures") or {}).get("total"), small_count_limit()
        ),
        "recomputed_from": snapshot.recomputed_from_id,
    }


@router.get(
    "/lagesbild/snapshots",
    response={200: list[SnapshotSummary], **errors(401, 403, 422)},
    summary="Sparade lägesbilder du får se",
)
def snapshot_list(request, agreement: DbId | None = None):
    snapshots = snapshot_list_for_user(request.user).select_related("created_by")
    if agreement is not None:
        snapshots = snapshots.filter(agreement=agreement)
    return [_summary(s) for s in snapshots[:500]]


@router.get(
    "/lagesbild/snapshots/{snapshot_id}",
    response={200: dict[str, Any], **errors(401, 403, 404, 422)},
    summary="En sparad lägesbild med hela resultatet",
)
def snapshot_detail(request, snapshot_id: DbId):
    snapshot = get_snapshot_for_user(request.user, snapshot_id)
    return {**_summary(snapshot), "parameters": snapshot.parameters,
            "data_version": snapshot.data_version,
            "result": outbound_result(snapshot.result)}  # fmt: skip
