"""Writes of the lägesbild: store a snapshot, recompute it, compare two."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samverkan.core.access import root_organisation
from samverkan.core.models import User
from samverkan.lagesbild.assemble import Lagesbild, Options, lagesbild
from samverkan.lagesbild.models import Snapshot
from samverkan.places.models import District
from samverkan.plans.models import Agreement


def default_title(result: dict[str, Any]) -> str:
    p = result["parameters"]
    return _("Lägesbild %(title)s %(a)s–%(b)s") % {
        "title": p.get("agreement_title", ""),
        "a": p["date_from"],
        "b": p["date_to"],
    }


@transaction.atomic
def snapshot_create(
    *, user: User | None, result: Lagesbild, agreement: Agreement, title: str = "",
    recomputed_from: Snapshot | None = None,
) -> Snapshot:  # fmt: skip
    """Store a computed lägesbild with its parameters, scope and data version."""
    data = result.to_dict()
    scope = data["scope"] or {"kind": Snapshot.Scope.SHARED, "organisation_id": None}
    title = (title or "").strip() or default_title(data)
    if len(title) > 300:
        raise ValidationError({"title": [_("Rubriken får vara högst 300 tecken.")]})
    return Snapshot.objects.create(
        agreement=agreement,
        title=title,
        parameters=data["parameters"],
        scope=scope["kind"],
        scope_organisation_id=scope.get("organisation_id"),
        classification=scope.get("classification") or "intern",
        data_version=data["data_version"],
        result=data,
        created_by=user if user is not None and user.is_authenticated else None,
        recomputed_from=recomputed_from,
    )


def recompute_args(snapshot: Snapshot) -> dict[str, Any]:
    p = snapshot.parameters
    options = Options.from_dict(p.get("options"))
    if snapshot.scope == Snapshot.Scope.SHARED and not options.shared:
        options = Options.from_dict({**options.to_dict(), "shared": True})
    return {
        "agreement": snapshot.agreement,
        "date_from": dt.date.fromisoformat(p["date_from"]),
        "date_to": dt.date.fromisoformat(p["date_to"]),
        "districts": list(District.objects.filter(pk__in=p.get("districts") or [])),
        "categories": p.get("categories") or [],
        "options": options,
    }


def snapshot_recompute(*, user: User | None, snapshot: Snapshot) -> Snapshot:
    """A new snapshot with the same parameters over today's data, in the same scope.

    A shared snapshot is recomputed over öppen and intern reports only; an organisation
    snapshot only by a user of that organisation tree (others would get a different scope).
    """
    if snapshot.scope == Snapshot.Scope.ORGANISATION:
        if (
            user is None
            or root_organisation(user.organisation_id) != snapshot.scope_organisation_id
        ):
            raise PermissionDenied(_("Bara organisationen som äger lägesbilden kan räkna om den."))
    if snapshot.scope == Snapshot.Scope.ALL and not (user is not None and user.is_superuser):
        raise PermissionDenied(_("Bara en systemadministratör kan räkna om den här lägesbilden."))
    result = lagesbild(user=user, **recompute_args(snapshot))
    title = snapshot.title
    suffix = _(" (omräknad)")
    if not title.endswith(suffix):
        title = (title + suffix)[:300]
    return snapshot_create(
        user=user,
        result=result,
        agreement=snapshot.agreement,
        title=title,
        recomputed_from=snapshot,
    )


def _by_name(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {str(r["name"]): int(r["count"]) for r in rows}


def _diff(old: dict[str, int], new: dict[str, int]) -> list[dict[str, Any]]:
    out = []
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name, 0), new.get(name, 0)
        if a != b:
            out.append({"name": name, "old": a, "new": b, "difference": b - a})
    return out


def _verdicts(trends: dict[str, Any], key: str) -> dict[str, str]:
    return {t["name"]: t["sentence"] for t in trends.get(key) or []}


def _comparable(parameters: dict[str, Any]) -> dict[str, Any]:
    """Parameters without who computed it and how the scope was asked for (the scope is
    compared on its own)."""
    out = {k: v for k, v in parameters.items() if k != "user"}
    out["options"] = {k: v for k, v in (out.get("options") or {}).items() if k != "shared"}
    return out


def snapshot_compare(old: Snapshot, new: Snapshot) -> dict[str, Any]:
    """What changed between two snapshots: totals, per category and district, trend verdicts."""
    a, b = old.result, new.result
    changes: dict[str, Any] = {
        "old": {"id": old.pk, "title": old.title, "created_at": old.created_at.isoformat()},
        "new": {"id": new.pk, "title": new.title, "created_at": new.created_at.isoformat()},
        "same_parameters": _comparable(a["parameters"]) == _comparable(b["parameters"]),
        "same_scope": old.scope == new.scope
        and old.scope_organisation_id == new.scope_organisation_id,
        "same_data": a["data_version"].get("hash") == b["data_version"].get("hash")
        and a["data_version"].get("count") == b["data_version"].get("count"),
        "total": {
            "old": a["key_figures"]["total"],
            "new": b["key_figures"]["total"],
            "difference": b["key_figures"]["total"] - a["key_figures"]["total"],
        },
        "by_category": _diff(
            _by_name(a["counts"]["by_category"]), _by_name(b["counts"]["by_category"])
        ),
        "by_district": _diff(
            _by_name(a["counts"]["by_district"]), _by_name(b["counts"]["by_district"])
        ),
        "trends": [],
    }
    for key in ("by_district", "by_category"):
        old_v, new_v = _verdicts(a["trends"], key), _verdicts(b["trends"], key)
        for name in sorted(set(old_v) | set(new_v)):
            if old_v.get(name) != new_v.get(name):
                changes["trends"].append(
                    {"group": key, "name": name, "old": old_v.get(name), "new": new_v.get(name)}
                )
    total_old, total_new = a["trends"].get("total") or {}, b["trends"].get("total") or {}
    if total_old.get("sentence") != total_new.get("sentence"):
        changes["trends"].insert(
            0,
            {"group": "total", "name": _("Alla händelser"), "old": total_old.get("sentence"),
             "new": total_new.get("sentence")},
        )  # fmt: skip
    changes["unchanged"] = (
        changes["total"]["difference"] == 0
        and not changes["by_category"]
        and not changes["by_district"]
        and not changes["trends"]
    )
    return changes
