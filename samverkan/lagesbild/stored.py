"""The lägesbild page's heavy part (the result and its charts) computed once per data
version and kept in Django's cache: the key holds the user's scope, the chosen parameters
and the version of the scoped reports (count, largest id, latest change), so an added,
changed or removed report gives a new key and the next request computes afresh."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.translation import get_language

from samverkan.lagesbild import selectors

TIMEOUT = 60 * 60 * 24


def data_version_key(user, chosen) -> str:
    base = selectors.scoped_incidents(chosen.agreement, user, shared=False, include_summaries=False)
    stats = base.aggregate(n=Count("pk"), top=Max("pk"), changed=Max("updated_at"))
    parts = {
        "user": getattr(user, "pk", None),
        "query": chosen.query(),
        "language": get_language(),
        "n": stats["n"],
        "top": stats["top"],
        "changed": stats["changed"].isoformat() if stats["changed"] else None,
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"lagesbild:page:{digest}"


def stored(user, chosen, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``compute()`` once per data version of ``user``'s view of ``chosen``."""
    key = data_version_key(user, chosen)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
