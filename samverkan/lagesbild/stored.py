"""The lägesbild page's heavy part (the result and its charts) computed once per data
version and kept in Django's cache (docs/lagesbild.md, "Lagrat resultat").

The key holds everything the rendered result depends on:

- who is asking and what they may see: the user, their role, superuser flag, organisation
  and its organisation tree (begränsad reports are read by organisation tree), so a
  municipality user and a police user never share a result;
- the chosen parameters (agreement, period, districts, categories) and the language;
- the version of the reports the user can see in the agreement: count, largest id and
  latest ``updated_at``. An added report raises the count and the largest id, a changed
  one the latest ``updated_at`` (``auto_now``), a removed one lowers the count: each gives
  a new key, and the next request computes afresh.

A change that bypasses ``updated_at`` (``QuerySet.update`` without it, raw SQL) is not
seen until ``TIMEOUT``; ``clear()`` makes every stored page stale at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.translation import get_language

from samverkan.core.access import organisation_tree_ids
from samverkan.lagesbild import selectors

TIMEOUT = 60 * 60 * 24
PREFIX = "lagesbild:page:"
GENERATION = "lagesbild:generation"


def viewer(user) -> dict[str, Any]:
    """What decides which reports ``user`` may see (incidents.access, core.access.scope)."""
    return {
        "user": getattr(user, "pk", None),
        "role": getattr(user, "role", None),
        "superuser": bool(getattr(user, "is_superuser", False)),
        "organisation": getattr(user, "organisation_id", None),
        "tree": sorted(organisation_tree_ids(user)) if user is not None else [],
    }


def data_version(user, chosen) -> dict[str, Any]:
    """Count, largest id and latest change of the agreement's reports ``user`` can see."""
    base = selectors.scoped_incidents(chosen.agreement, user, shared=False, include_summaries=True)
    stats = base.aggregate(n=Count("pk"), top=Max("pk"), changed=Max("updated_at"))
    return {
        "n": stats["n"],
        "top": stats["top"],
        "changed": stats["changed"].isoformat() if stats["changed"] else None,
    }


def key_parts(user, chosen) -> dict[str, Any]:
    return {
        "viewer": viewer(user),
        "query": chosen.query(),
        "language": get_language(),
        "version": data_version(user, chosen),
        "generation": cache.get(GENERATION, 0),
    }


def data_version_key(user, chosen) -> str:
    parts = key_parts(user, chosen)
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"{PREFIX}{digest}"


def stored(user, chosen, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``compute()`` once per data version of ``user``'s view of ``chosen``."""
    key = data_version_key(user, chosen)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def clear() -> None:
    """Every stored page becomes stale: the generation in every key moves on."""
    try:
        cache.incr(GENERATION)
    except ValueError:
        cache.set(GENERATION, 1, None)
