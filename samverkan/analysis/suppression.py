"""Cell suppression for published count tables: small counts hidden, and nothing that lets a
reader work a hidden count back out.

A table is a set of cells (any hashable key → a count ≥ 0) and the sums it publishes: a
*relation* ``(total, members)`` says ``value[total] == sum(value[m] for m in members)``.
Interior cells and totals are cells alike; a total can be a member of another relation (a
quarter's district total is a member of the year's district total).

``suppress_cells(values, relations, limit)`` gives each cell a status:

- ``SHOWN``: the count is published; zero is always shown (a zero reveals no one);
- ``SMALL`` (primary suppression): ``1 ≤ count < limit``, published as "1–4" for limit 5;
- ``HIDDEN`` (secondary suppression): a count ≥ ``limit`` withheld so that no ``SMALL`` or
  ``HIDDEN`` cell can be pinned down; published as "≥ 5".

What the reader is assumed to know: every shown count, every relation, and the ranges the
labels give (a ``SMALL`` cell lies in 1…limit−1, a ``FEW`` one in 0…limit−1, a ``HIDDEN``
one in limit…∞). A cell is
*pinned* when those allow it a single value. Secondary cells are added, smallest first and
interior before totals, until no suppressed cell is pinned, checked twice:

1. by interval reasoning over every relation, repeated until nothing changes (this finds the
   plain "total minus the rest", and "two hidden cells that must both be 1");
2. then by linear programming (the smallest and largest value each suppressed cell can take
   under all relations at once, by scipy's HiGHS); a cell whose two differ by less than one
   is pinned.

``cube(counts, rows, columns, periods)`` builds the cells and relations of a row × column
table per period with its row, column and grand totals, and the same table summed over the
periods (the year from its quarters): every cell key is ``(period, row, column)`` with
``ALL`` in place of a summed dimension.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from enum import StrEnum

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

ALL = "*"  # a summed dimension in a cube's cell key


class Status(StrEnum):
    SHOWN = "shown"
    SMALL = "small"
    HIDDEN = "hidden"
    FEW = "few"
    WITHHELD = "withheld"


Relation = tuple[Hashable, tuple[Hashable, ...]]


def effective_limit(limit: int) -> int:
    """0 or less turns suppression off; any other limit is at least 3 ("1–1" gives the count
    away, "1–2" is the narrowest range that does not)."""
    limit = int(limit or 0)
    return 0 if limit <= 0 else max(limit, 3)


def small_label(limit: int) -> str:
    return f"1–{limit - 1}"


def few_label(limit: int) -> str:
    return f"0–{limit - 1}"


def hidden_label(limit: int) -> str:
    return f"≥ {limit}"


def shown_value(value: int, status: Status, limit: int) -> int | str | None:
    """What a cell is published as: the count, "1–4", "0–4", "≥ 5" or None (withheld)."""
    if status is Status.SMALL:
        return small_label(limit)
    if status is Status.HIDDEN:
        return hidden_label(limit)
    if status is Status.FEW:
        return few_label(limit)
    if status is Status.WITHHELD:
        return None
    return value


# --- The cube: a table per period and the same table over the periods --------------------------


def cube(
    counts: Mapping[tuple, int],
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
    periods: Sequence[Hashable],
) -> tuple[dict[tuple, int], list[Relation]]:
    """Every cell (interior and totals) of the tables and the sums that link them.

    ``counts`` maps ``(period, row, column)`` to a count; a key left out counts 0.
    """
    axes = [list(periods), list(rows), list(columns)]
    for axis in axes:
        if ALL in axis:
            raise ValueError(f"{ALL!r} names the total and cannot be a period, row or column")
    interior = {
        (p, r, c): int(counts.get((p, r, c), 0)) for p in axes[0] for r in axes[1] for c in axes[2]
    }
    values: dict[tuple, int] = defaultdict(int)
    for (p, r, c), value in interior.items():
        for key in _covering(p, r, c):
            values[key] += value
    values = dict(values)
    relations: list[Relation] = []
    for axis in range(3):
        members: dict[tuple, list[tuple]] = defaultdict(list)
        for key in values:
            if key[axis] != ALL:
                members[key[:axis] + (ALL,) + key[axis + 1 :]].append(key)
        for total, parts in members.items():
            relations.append((total, tuple(parts)))
    return values, relations


def _covering(p, r, c) -> list[tuple]:
    """The cell itself and every total it is counted in."""
    return [(pp, rr, cc) for pp in (p, ALL) for rr in (r, ALL) for cc in (c, ALL)]


# --- Suppression -------------------------------------------------------------------------------


def suppress_cells(
    values: Mapping[Hashable, int], relations: Iterable[Relation], limit: int
) -> dict[Hashable, Status]:
    """The status of every cell (see the module docstring). ``limit`` 0: all shown."""
    limit = effective_limit(limit)
    relations = [(total, tuple(members)) for total, members in relations]
    for total, members in relations:
        if values[total] != sum(values[m] for m in members):
            raise ValueError(f"the cells under {total!r} do not add up to it")
    status = {key: Status.SHOWN for key in values}
    if not limit:
        return status
    for key, value in values.items():
        if value < 0:
            raise ValueError(f"a count cannot be negative: {key!r} is {value}")
        if 0 < value < limit:
            status[key] = Status.SMALL
    of_cell: dict[Hashable, list[int]] = defaultdict(list)
    for index, (total, members) in enumerate(relations):
        for key in (total, *members):
            of_cell[key].append(index)
    while True:
        pinned = pinned_by_intervals(values, relations, status, limit)
        if not pinned:
            pinned = pinned_by_linear_programming(values, relations, status, limit)
        if not pinned:
            return status
        added = False
        for key in pinned:  # one more hidden cell for each pinned one, then check again
            extra = _complement(key, values, relations, of_cell, status, limit)
            if extra is not None:
                status[extra] = Status.HIDDEN
                added = True
        if not added:
            # Every non-zero cell around is already suppressed (a table of a few small
            # counts): "1–4" itself gives the count away, so say "0–4" instead.
            wider = _widen(pinned[0], values, relations, of_cell, status)
            if wider is None:  # nothing left to hide or widen: the table is not published
                return {key: Status.WITHHELD for key in values}
            status[wider] = Status.FEW


def _depth(key: Hashable) -> int:
    """How many summed dimensions a cube key has: interior cells (0) are hidden first."""
    return sum(part == ALL for part in key) if isinstance(key, tuple) else 0


def _complement(pinned, values, relations, of_cell, status, limit) -> Hashable | None:
    """The cell to hide next to protect ``pinned``, in the relation through it with the
    fewest suppressed cells: interior before totals, then the smallest count that leaves
    room (at least 2·limit − 1: a hidden cell is known to be ≥ limit, so hiding a 5 beside
    a 1 would only tell that the 1 is 1), else the largest there is."""

    def candidates(index: int) -> list:
        total, members = relations[index]
        found = [k for k in (*members, total) if status[k] is Status.SHOWN and values[k] > 0]
        roomy = [k for k in found if values[k] >= 2 * limit - 1]
        return sorted(
            found,
            key=lambda k: (
                _depth(k),
                k not in roomy,
                values[k] * (1 if k in roomy else -1),
                str(k),
            ),
        )

    def exposure(index: int) -> int:
        total, members = relations[index]
        return sum(status[k] is not Status.SHOWN for k in (*members, total))

    for index in sorted(of_cell[pinned], key=exposure):
        found = candidates(index)
        if found:
            return found[0]
    for index in range(len(relations)):
        found = candidates(index)
        if found:
            return found[0]
    return None


def _widen(pinned, values, relations, of_cell, status) -> Hashable | None:
    """The cell to show as "0–4" next: ``pinned`` itself if it is "1–4", else a "1–4" or a
    zero in a relation through it (interior first), else any."""
    if status[pinned] is Status.SMALL:
        return pinned

    def candidates(indices) -> list:
        found = {
            k
            for index in indices
            for k in (relations[index][0], *relations[index][1])
            if status[k] is Status.SMALL or (status[k] is Status.SHOWN and values[k] == 0)
        }
        return sorted(found, key=lambda k: (status[k] is not Status.SMALL, _depth(k), str(k)))

    found = candidates(of_cell[pinned]) or candidates(range(len(relations)))
    return found[0] if found else None


def _ranges(values, status, limit) -> dict[Hashable, list[float]]:
    return {
        key: {
            Status.SMALL: [1, limit - 1],
            Status.FEW: [0, limit - 1],
            Status.HIDDEN: [limit, math.inf],
        }[s]
        for key, s in status.items()
        if s is not Status.SHOWN
    }


def pinned_by_intervals(values, relations, status, limit, *, sweeps: int = 200) -> list:
    """The suppressed cells that interval reasoning over the relations pins to one value."""
    bounds = _ranges(values, status, limit)
    equations = []
    for total, members in relations:
        terms = [(1, m) for m in members] + [(-1, total)]
        unknown = [(a, k) for a, k in terms if k in bounds]
        if unknown:
            known = sum(a * values[k] for a, k in terms if k not in bounds)
            equations.append((unknown, -known))  # Σ a·x over the unknown = -known
    for _sweep in range(sweeps):
        changed = False
        for unknown, rhs in equations:
            low = sum(min(a * bounds[k][0], a * bounds[k][1]) for a, k in unknown)
            high = sum(max(a * bounds[k][0], a * bounds[k][1]) for a, k in unknown)
            for a, k in unknown:
                lo, hi = bounds[k]
                rest_low = low - min(a * lo, a * hi)
                rest_high = high - max(a * lo, a * hi)
                # a·x = rhs − rest, rest ∈ [rest_low, rest_high]
                if a == 1:
                    new_lo, new_hi = rhs - rest_high, rhs - rest_low
                else:
                    new_lo, new_hi = rest_low - rhs, rest_high - rhs
                new_lo = max(lo, math.ceil(new_lo) if math.isfinite(new_lo) else lo)
                new_hi = min(hi, math.floor(new_hi) if math.isfinite(new_hi) else hi)
                if (new_lo, new_hi) != (lo, hi):
                    bounds[k] = [new_lo, new_hi]
                    changed = True
                    low = sum(min(b * bounds[j][0], b * bounds[j][1]) for b, j in unknown)
                    high = sum(max(b * bounds[j][0], b * bounds[j][1]) for b, j in unknown)
        if not changed:
            break
    return sorted((k for k, (lo, hi) in bounds.items() if lo >= hi), key=str)


def pinned_by_linear_programming(values, relations, status, limit) -> list:
    """The suppressed cells whose smallest and largest value under every relation at once
    (a linear programme per cell and direction) differ by less than one."""
    bounds = _ranges(values, status, limit)
    if not bounds:
        return []
    keys = sorted(bounds, key=str)
    index = {k: i for i, k in enumerate(keys)}
    # Connected groups of suppressed cells: each is solved on its own, smaller programmes.
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows = []
    for total, members in relations:
        terms = [(1, m) for m in members] + [(-1, total)]
        unknown = [(a, index[k]) for a, k in terms if k in bounds]
        if unknown:
            rhs = -sum(a * values[k] for a, k in terms if k not in bounds)
            rows.append((unknown, rhs))
            for _a, i in unknown[1:]:
                parent[find(i)] = find(unknown[0][1])
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(keys)):
        groups[find(i)].append(i)
    truth = np.array([values[k] for k in keys], dtype=float)
    rng = np.random.default_rng(0)
    pinned = []
    for members in groups.values():
        local = {i: n for n, i in enumerate(members)}
        entries, cols, row_ids, rhs = [], [], [], []
        for unknown, b in rows:
            if unknown[0][1] not in local:
                continue
            for a, i in unknown:
                entries.append(a)
                cols.append(local[i])
                row_ids.append(len(rhs))
            rhs.append(b)
        var_bounds = [
            (bounds[keys[i]][0], None if math.isinf(bounds[keys[i]][1]) else bounds[keys[i]][1])
            for i in members
        ]
        a_eq = (
            csr_matrix((entries, (row_ids, cols)), shape=(len(rhs), len(members))) if rhs else None
        )
        true_here = truth[members]
        open_ = set(range(len(members)))  # not yet shown to take another value

        def solve(
            objective,
            cell=None,
            a_eq=a_eq,
            rhs=rhs,
            bounds_=var_bounds,
            true_here=true_here,
            open_=open_,
        ):
            point = _optimum(objective, a_eq, rhs, bounds_)
            if point is None:  # unbounded: the cell it raises is not pinned
                if cell is not None:
                    open_.discard(cell)
                return
            moved = np.abs(point - true_here) >= 1 - 1e-6
            open_.difference_update(np.flatnonzero(moved).tolist())

        # A few programmes in random directions free most cells at once (each solution is a
        # table that fits what is shown); the rest are tried one by one, down and up.
        for _try in range(4):
            if not open_:
                break
            solve(rng.standard_normal(len(members)))
        for n in sorted(open_):
            if n not in open_:
                continue
            objective = np.zeros(len(members))
            objective[n] = 1.0
            solve(objective, n)
            if n in open_:
                solve(-objective, n)
            if n in open_:
                pinned.append(keys[members[n]])
                open_.discard(n)
    return pinned


def _optimum(objective, a_eq, rhs, var_bounds):
    """A point that minimises objective·x under the relations, None when unbounded."""
    result = linprog(
        objective,
        A_eq=a_eq,
        b_eq=np.array(rhs, dtype=float) if a_eq is not None else None,
        bounds=var_bounds,
        method="highs",
    )
    if result.status == 3:  # unbounded
        return None
    if result.status != 0:
        raise RuntimeError(f"the suppression check could not be solved: {result.message}")
    return result.x
