"""What leaves the organisation's own users: small counts suppressed, by one rule.

``outbound(data)`` is the lägesbild (or any plain JSON of aggregate figures) as a file, an
API response or a command's output may carry it: ``suppress_tree`` below with the limit ``SAMVERKAN_SMALL_COUNT_LIMIT`` (default 5; 0 turns it off) and a Swedish
sentence in place of a withheld one. Pages seen by signed-in staff of the agreement's
parties, who may already open the underlying reports, show exact counts. The rule and its
limits are written in docs/privacy.md.

The rule, as pure functions on plain data (JSON-like dicts and lists, as a lägesbild's ``to_dict()``):

- ``suppress_count(n, limit)``: a count 1 ≤ n < limit becomes the label "1–4" (for limit 5);
  0 stays 0, None stays None, and limit 0 turns suppression off.
- ``suppress_tree(data, limit)``: every count in the data, found by its key (``COUNT_KEYS``),
  is suppressed; then what would let a reader work a suppressed count back out is withheld:

  1. *Derived figures* (``DERIVED_KEYS``: shares, intervals, rates, ratios, p-values, test
     statistics, changes) in the dict that holds a suppressed count, and in every dict
     above it, become None: they were computed from it. Figures computed jointly over a
     list of rows (``JOINT_KEYS``: a hot-spot cell's z, p and density depend on its
     neighbours' counts) are withheld in every row of a list where any row is suppressed.
  2. *Sentences* (``PROSE_KEYS``) in those dicts quote the numbers: they are replaced by
     ``NOTICE`` (a code the caller turns into a sentence).
  3. *Complementary suppression*. In a list of rows, a count column adds up to a total that
     is usually published beside it. When exactly one row of a column is suppressed, the
     smallest other non-zero count of that column is also hidden (shown as "≥ 5"), so the
     suppressed one cannot be had as the total minus the rest. This is done per list and
     per column, one level: tables linked across lists (a category's yearly counts against
     the total's yearly counts, the weekday × hour matrix against the months) are not
     protected against a combined derivation.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

COUNT_KEYS = frozenset(
    {
        "count",
        "total",
        "previous",
        "previous_total",
        "current_total",
        "events",
        "n_events",
        "events_without_point",
        "events_at_places",
        "missing_time",
        "with_exact_point",
        "observed",
        "n_left_out",
    }
)
DERIVED_KEYS = frozenset(
    {
        "share",
        "ci_low",
        "ci_high",
        "rate_per_day",
        "per_100k",
        "per_day",
        "change",
        "p_value",
        "q_value",
        "statistic",
        "rate_ratio",
        "ratio",
        "factor",
        "weekend_night_share",
        "holiday_rate_ratio",
        "share_of_events",
    }
)
JOINT_KEYS = frozenset({"z", "p", "q", "density"})
PROSE_KEYS = frozenset(
    {"sentence", "explanation", "summary", "flagged", "weekend_night_sentence", "messages"}
)
NOTICE = "suppressed_small_count"


def label(limit: int) -> str:
    """The text a suppressed count is shown as: "1–4" for limit 5."""
    return f"1–{limit - 1}" if limit > 2 else "1"


def effective_limit(limit: int | None) -> int:
    """0 (off) stays 0; any other limit is at least 3, since "1–1" would give the count."""
    limit = int(limit or 0)
    return 0 if limit <= 0 else max(limit, 3)


def suppress_count(value: Any, limit: int) -> Any:
    """``value`` as shown outside: "1–4" for 1 ≤ value < limit; anything else unchanged."""
    limit = effective_limit(limit)
    if limit and _is_count(value) and 0 < value < limit:
        return label(limit)
    return value


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def suppress_tree(data: Any, limit: int, notice: str = NOTICE) -> Any:
    """A copy of ``data`` with small counts suppressed and what derives them withheld (see the
    module docstring). ``notice`` replaces a withheld sentence. ``limit`` 0: an unchanged
    copy."""
    limit = effective_limit(limit)
    if not limit:
        return data
    return _walk(data, limit, notice)[0]


def _walk(value: Any, limit: int, notice: str) -> tuple[Any, bool]:
    if isinstance(value, dict):
        return _walk_dict(value, limit, notice)
    if isinstance(value, list):
        return _walk_list(value, limit, notice)
    return value, False


def _walk_dict(data: dict, limit: int, notice: str) -> tuple[dict, bool]:
    out: dict = {}
    hit = False
    for key, value in data.items():
        if key in COUNT_KEYS and _is_count(value):
            out[key] = suppress_count(value, limit)
            hit |= out[key] != value
        else:
            out[key], below = _walk(value, limit, notice)
            hit |= below
    if hit:
        _withhold(out, DERIVED_KEYS, notice)
    return out, hit


def _withhold(row: dict, keys, notice: str) -> None:
    for key in keys & row.keys():
        if key in PROSE_KEYS:
            continue
        row[key] = None
    for key in PROSE_KEYS & row.keys():
        value = row[key]
        if isinstance(value, list):
            row[key] = [notice] if value else []
        elif value:
            row[key] = notice


def _walk_list(rows: list, limit: int, notice: str) -> tuple[list, bool]:
    walked = [_walk(value, limit, notice) for value in rows]
    out = [value for value, _hit in walked]
    hit = any(h for _value, h in walked)
    if not hit or not all(isinstance(row, dict) for row in out):
        return out, hit
    _complement(rows, out, limit, notice)
    for row in out:
        for key in JOINT_KEYS & row.keys():
            row[key] = None
    return out, hit


def _complement(original: list[dict], shown: list[dict], limit: int, notice: str) -> None:
    """Per count column: while the column's total and the shown rows pin down a hidden row's
    count, hide the smallest count still shown too (as "≥ limit")."""
    columns = {k for row in original for k in row if k in COUNT_KEYS}
    for key in columns:
        values = {
            k: row[key] for k, row in enumerate(original) if _is_count(row.get(key)) and row[key]
        }
        total = sum(values.values())
        hidden = {k: (1, limit - 1) for k, v in values.items() if v < limit}
        while hidden and _pinned(hidden, total - sum(v for k, v in values.items()
                                                      if k not in hidden)):  # fmt: skip
            shown_rows = [(v, k) for k, v in values.items() if k not in hidden]
            if not shown_rows:
                break  # every non-zero row is hidden: only hiding the total would help
            _value, k = min(shown_rows)
            hidden[k] = (limit, total)
            shown[k][key] = f"≥ {limit}"
            _withhold(shown[k], DERIVED_KEYS, notice)


def _pinned(hidden: dict[int, tuple[int, int]], rest: int) -> bool:
    """Whether any hidden row's count follows from ``rest`` (the total less the shown rows)
    and the other hidden rows' ranges: a sum of integer ranges takes every value between
    its bounds, so row k lies in [max(lo, rest - Σ hi), min(hi, rest - Σ lo)] of the others."""
    low = sum(lo for lo, _hi in hidden.values())
    high = sum(hi for _lo, hi in hidden.values())
    for lo, hi in hidden.values():
        first = max(lo, rest - (high - hi))
        last = min(hi, rest - (low - lo))
        if first == last:
            return True
    return False


# --- With the setting ----------------------------------------------------------------------


def small_count_limit() -> int:
    return effective_limit(getattr(settings, "SAMVERKAN_SMALL_COUNT_LIMIT", 5))


def notice(limit: int | None = None) -> str:
    limit = small_count_limit() if limit is None else limit
    return _(
        "Färre än %(limit)d händelser: talet, och det som räknats ur det, visas inte utanför "
        "organisationen (visas som %(label)s)."
    ) % {"limit": limit, "label": label(limit)}


def outbound(data: Any, limit: int | None = None) -> Any:
    """``data`` with small counts suppressed (a copy); unchanged when the limit is 0."""
    limit = small_count_limit() if limit is None else effective_limit(limit)
    if not limit:
        return data
    return suppress_tree(data, limit, notice(limit))
