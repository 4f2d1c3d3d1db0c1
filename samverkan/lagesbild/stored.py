"""The lägesbild page's heavy part (the result and its charts) computed once per data
version and kept in the database (``StoredPage``), so every web process and the worker share
it (docs/lagesbild.md, "Lagrat resultat").

The key holds everything the rendered result depends on:

- what the viewer may see, their *scope*: role, superuser flag, organisation and its
  organisation tree (begränsad reports are read by organisation tree). Two users with the
  same scope see the same reports and share the result (so the worker's precomputation is
  shared); a municipality user and a police user never do;
- the chosen parameters (agreement, period, districts, categories) and the language;
- the version of the reports: the counter ``incidents.ReportsVersion`` that database
  triggers raise on every insert, update and delete in the reports table (also
  ``QuerySet.update``, ``bulk_create``, imports and raw SQL), read as one row. A new, changed
  (also reclassified) or removed report anywhere gives a new key, and the next request
  computes afresh. (Without the counter's row, a flushed database, the count, largest id and
  latest ``updated_at`` of the scope's reports in the agreement.)

The row is kept per *slot* (scope, query, language): a new data version replaces it, so the
table holds one row per slot in use. ``clear()`` makes every stored page stale at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import get_language

from samverkan.core.access import organisation_tree_ids
from samverkan.incidents.models import ReportsVersion
from samverkan.lagesbild import selectors
from samverkan.lagesbild.models import StoredPage

# A "räknas" row older than this is a worker that died: the page computes itself.
COMPUTING_FOR = dt.timedelta(minutes=3)


def viewer(user) -> dict[str, Any]:
    """What decides which reports ``user`` may see (incidents.access, core.access.scope)."""
    return {
        "role": getattr(user, "role", None),
        "superuser": bool(getattr(user, "is_superuser", False)),
        "organisation": getattr(user, "organisation_id", None),
        "tree": sorted(organisation_tree_ids(user)) if user is not None else [],
    }


def data_version(user, chosen) -> dict[str, Any]:
    """Count, largest id and latest change of the agreement's reports ``user`` can see."""
    return agreement_version(user, chosen.agreement)


def agreement_version(user, agreement) -> dict[str, Any]:
    """The reports' version counter (``incidents.ReportsVersion``, raised by triggers on every
    change to any report: one indexed read instead of a scan of the scope); without its row
    the count, largest id and latest change of the reports of ``agreement`` ``user`` sees."""
    version = ReportsVersion.current()
    if version is not None:
        return {"reports": version}
    base = selectors.scoped_incidents(agreement, user, shared=False, include_summaries=True)
    stats = base.aggregate(n=Count("pk"), top=Max("pk"), changed=Max("updated_at"))
    return {
        "n": stats["n"],
        "top": stats["top"],
        "changed": stats["changed"].isoformat() if stats["changed"] else None,
    }


def _digest(parts: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def slot_parts(user, chosen) -> dict[str, Any]:
    return {"viewer": viewer(user), "query": chosen.query(), "language": get_language()}


def key_parts(user, chosen) -> dict[str, Any]:
    return {**slot_parts(user, chosen), "version": data_version(user, chosen)}


def data_version_key(user, chosen) -> str:
    return _digest(key_parts(user, chosen))


def slot_key(user, chosen) -> str:
    return _digest(slot_parts(user, chosen))


def keys(user, chosen) -> tuple[str, str]:
    """(slot, key): the slot without and the key with the data version (one query)."""
    slot = slot_parts(user, chosen)
    return _digest(slot), _digest({**slot, "version": data_version(user, chosen)})


def ready(user, chosen, found: tuple[str, str] | None = None) -> dict[str, Any] | None:
    """The stored result of this data version, or None."""
    slot, key = found or keys(user, chosen)
    row = (
        StoredPage.objects.filter(slot=slot, key=key, state=StoredPage.State.READY)
        .values("html", "data_version")
        .first()
    )
    return dict(row) if row else None


def being_computed(user, chosen) -> bool:
    """The worker is computing this slot right now (and has not been at it for too long)."""
    return StoredPage.objects.filter(
        slot=slot_key(user, chosen),
        state=StoredPage.State.COMPUTING,
        updated_at__gte=timezone.now() - COMPUTING_FOR,
    ).exists()


def _put(found: tuple[str, str], agreement, state: str, value: dict[str, Any] | None) -> None:
    slot, key = found
    StoredPage.objects.update_or_create(
        slot=slot,
        defaults={
            "key": key,
            "agreement": agreement,
            "state": state,
            "html": value["html"] if value else "",
            "data_version": value["data_version"] if value else None,
        },
    )


def mark_computing(user, chosen) -> bool:
    """Say the slot is being computed; False (nothing marked) when it is already stored.
    The slot's older result, if any, stays readable meanwhile (``stale``)."""
    found = keys(user, chosen)
    if ready(user, chosen, found) is not None:
        return False
    slot, key = found
    updated = StoredPage.objects.filter(slot=slot).update(
        key=key, state=StoredPage.State.COMPUTING, updated_at=timezone.now()
    )
    if not updated:
        _put(found, chosen.agreement, StoredPage.State.COMPUTING, None)
    return True


def stale(user, chosen) -> dict[str, Any] | None:
    """The slot's result of an older data version (or of this one, being computed again):
    what the page shows while the worker computes the new one; None without one. With
    ``state`` and ``updated_at``, for ``refresh_due``."""
    row = (
        StoredPage.objects.filter(slot=slot_key(user, chosen))
        .exclude(html="")
        .values("html", "data_version", "state", "updated_at")
        .first()
    )
    if row is None:
        return None
    return dict(row)


def refresh_due(row: dict[str, Any]) -> bool:
    """Whether an older result should be computed afresh now: not while the worker is at
    it, and at most once per SAMVERKAN_LAGESBILD_REFRESH_SECONDS while reports come in."""
    now = timezone.now()
    if row["state"] == StoredPage.State.COMPUTING:
        return row["updated_at"] < now - COMPUTING_FOR
    wait = dt.timedelta(seconds=settings.SAMVERKAN_LAGESBILD_REFRESH_SECONDS)
    return row["updated_at"] <= now - wait


def stored(user, chosen, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``compute()`` once per data version of ``user``'s scope's view of ``chosen``."""
    found = keys(user, chosen)
    value = ready(user, chosen, found)
    if value is None:
        value = compute()
        _put(found, chosen.agreement, StoredPage.State.READY, value)
    return value


def annual(agreement, user, chart: Callable[[dict], Any] | None = None) -> dict[str, Any]:
    """The annual view (``focus.annual``) once per scope, day, plan focus areas, category
    names, language and data version; the page and its chart downloads read the same row.
    The result is kept as JSON in ``html`` of the slot ("årssidan", agreement); ``chart``
    gives the year chart's spec, stored with it as ``chart_spec``."""
    from samverkan.incidents.models import Category
    from samverkan.lagesbild import focus

    areas = [
        [a["number"], a["title"], a["slugs"], sorted(a["category_ids"])]
        for a in focus.focus_areas(agreement)
    ]
    names = sorted(Category.objects.values_list("slug", "name"))
    slot_parts = {
        "viewer": viewer(user),
        "query": {"annual": agreement.pk, "today": timezone.localdate().isoformat()},
        "language": get_language(),
    }
    slot = _digest({**slot_parts, "query": {"annual": agreement.pk}})
    key = _digest(
        {**slot_parts, "areas": areas, "names": names, "version": agreement_version(user, agreement)}
    )
    row = (
        StoredPage.objects.filter(slot=slot, key=key, state=StoredPage.State.READY)
        .values_list("html", flat=True)
        .first()
    )
    if row is not None:
        return json.loads(row)
    value = focus.annual(agreement, user)
    if chart is not None:
        value["chart_spec"] = chart(value)  # the page's Vega-Lite spec, kept beside it
    StoredPage.objects.update_or_create(
        slot=slot,
        defaults={
            "key": key,
            "agreement": agreement,
            "state": StoredPage.State.READY,
            "html": json.dumps(value, default=str),
            "data_version": None,
        },
    )
    return json.loads(json.dumps(value, default=str))


def clear() -> None:
    """Every stored page becomes stale."""
    StoredPage.objects.all().delete()
