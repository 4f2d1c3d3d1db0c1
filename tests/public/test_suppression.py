"""Cell suppression (samverkan.analysis.suppression): no small count shown, and no suppressed
cell that a reader can work back out from what is shown.

The property tests check the published tables with checkers of their own, written from the
tables as a reader sees them (a table per period with row, column and grand totals, and the
same table over the periods), not from the relations the function uses:

- ``recovered_by_subtraction``: a row, a column or a period line with a shown total and
  exactly one unknown cell gives that cell; repeated until nothing more comes out;
- ``alternative_values``: every table of counts that fits what is shown (shown counts, "1–4"
  as 1…4, "0–4" as 0…4, "≥ 5" as 5 or more), found by brute force over the interior cells; each suppressed
  cell must take at least two values among them.
"""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samverkan.analysis.suppression import (
    ALL,
    Status,
    cube,
    effective_limit,
    shown_value,
    suppress_cells,
)

# --- Checkers of a reader's own --------------------------------------------------------------


def lines(periods, rows, columns):
    """Every sum the published tables show: (total cell, the cells it adds up)."""
    ps, rs, cs = [*periods, ALL], [*rows, ALL], [*columns, ALL]
    found = []
    for p in ps:  # in each table: each row and each column, totals included
        for r in rs:
            found.append(((p, r, ALL), [(p, r, c) for c in columns]))
        for c in cs:
            found.append(((p, ALL, c), [(p, r, c) for r in rows]))
    for r in rs:  # the year against its periods, cell by cell
        for c in cs:
            found.append(((ALL, r, c), [(p, r, c) for p in periods]))
    return found


def recovered_by_subtraction(shown: dict, periods, rows, columns) -> set:
    """The suppressed cells a reader gets by subtracting shown cells from shown totals."""
    known = {k: v for k, v in shown.items() if type(v) is int}
    recovered = set()
    changed = True
    while changed:
        changed = False
        for total, members in lines(periods, rows, columns):
            unknown = [k for k in (total, *members) if k not in known]
            if len(unknown) != 1:
                continue
            (cell,) = unknown
            if cell == total:
                known[cell] = sum(known[m] for m in members)
            else:
                known[cell] = known[total] - sum(known[m] for m in members if m != cell)
            recovered.add(cell)
            changed = True
    return recovered


def _domain(label, limit: int, ceiling: int) -> range:
    if label is None:  # withheld
        return range(0, ceiling + 1)
    if isinstance(label, int):
        return range(label, label + 1)
    if label.startswith("1–"):
        return range(1, limit)
    if label.startswith("0–"):
        return range(0, limit)
    assert label == f"≥ {limit}", label
    return range(limit, ceiling + 1)


def alternative_values(shown: dict, periods, rows, columns, limit: int, ceiling: int) -> dict:
    """For each cell, the values it takes over every interior table that fits what is shown
    (brute force over the interior cells, a published total checked once all its cells are
    set). ``ceiling`` bounds a "≥ 5" cell: the largest total a reader could think of."""
    interior = [(p, r, c) for p in periods for r in rows for c in columns]
    totals = [k for k in shown if k not in set(interior)]
    under = {
        t: [i for i in interior if all(a in (b, ALL) for b, a in zip(i, t, strict=True))]
        for t in totals
    }
    position = {k: n for n, k in enumerate(interior)}
    checked_at = {n: [] for n in range(len(interior))}
    for t, cells in under.items():
        checked_at[max(position[c] for c in cells)].append(t)
    domains = [_domain(shown[k], limit, ceiling) for k in interior]
    seen = {k: set() for k in shown}
    assignment: dict = {}

    def fits(total) -> bool:
        value = sum(assignment[c] for c in under[total])
        return value in _domain(shown[total], limit, ceiling)

    def walk(n: int) -> None:
        if n == len(interior):
            for k in interior:
                seen[k].add(assignment[k])
            for t in totals:
                seen[t].add(sum(assignment[c] for c in under[t]))
            return
        for value in domains[n]:
            assignment[interior[n]] = value
            if all(fits(t) for t in checked_at[n]):
                walk(n + 1)
        del assignment[interior[n]]

    walk(0)
    return seen


def published(counts, periods, rows, columns, limit):
    values, relations = cube(counts, rows, columns, periods)
    status = suppress_cells(values, relations, limit)
    return values, status, {k: shown_value(values[k], status[k], limit) for k in values}


# --- Properties over random tables ------------------------------------------------------------

small_tables = st.tuples(
    st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(3, 6)
).flatmap(
    lambda shape: st.tuples(
        st.just(shape),
        st.lists(
            st.integers(0, 12) | st.integers(0, 3),
            min_size=shape[0] * shape[1] * shape[2],
            max_size=shape[0] * shape[1] * shape[2],
        ),
    )
)


def _table(shape, numbers):
    n_periods, n_rows, n_columns, limit = shape
    periods = [f"Q{i + 1}" for i in range(n_periods)]
    rows = [f"område {i}" for i in range(n_rows)]
    columns = [f"kategori {i}" for i in range(n_columns)]
    keys = [(p, r, c) for p in periods for r in rows for c in columns]
    return dict(zip(keys, numbers, strict=True)), periods, rows, columns, limit


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_tables)
def test_no_suppressed_cell_comes_back_by_subtraction(table):
    counts, periods, rows, columns, limit = _table(*table)
    values, status, shown = published(counts, periods, rows, columns, limit)

    suppressed = {k for k, s in status.items() if s is not Status.SHOWN}
    assert recovered_by_subtraction(shown, periods, rows, columns) & suppressed == set()
    # No count under the limit is shown; every shown count is the true one.
    for key, label in shown.items():
        if isinstance(label, int):
            assert label == values[key]
            assert label == 0 or label >= limit


# The brute force walks every fitting table: tables of at most four interior cells.
tiny_tables = (
    st.tuples(st.integers(1, 2), st.integers(1, 2), st.integers(1, 2), st.integers(3, 4))
    .filter(lambda shape: shape[0] * shape[1] * shape[2] <= 4)
    .flatmap(
        lambda shape: st.tuples(
            st.just(shape),
            st.lists(
                st.integers(0, 7) | st.integers(0, 2),
                min_size=shape[0] * shape[1] * shape[2],
                max_size=shape[0] * shape[1] * shape[2],
            ),
        )
    )
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_tables)
def test_every_suppressed_cell_could_have_another_value(table):
    counts, periods, rows, columns, limit = _table(*table)
    values, status, shown = published(counts, periods, rows, columns, limit)
    ceiling = values[(ALL, ALL, ALL)] + limit  # past anything the hidden cells can be
    if set(status.values()) == {Status.WITHHELD}:  # the table is not published: nothing to find
        assert set(shown.values()) == {None}
        return

    seen = alternative_values(shown, periods, rows, columns, limit, ceiling)

    for key, s in status.items():
        assert values[key] in seen[key]  # the true table is among those found
        if s is not Status.SHOWN:
            assert len(seen[key]) >= 2, (key, s, shown)


def test_the_checkers_find_what_a_single_suppressed_cell_gives_away():
    """Without secondary suppression, one small cell in a row is its total minus the rest."""
    counts = {("Q1", "a", "x"): 2, ("Q1", "a", "y"): 10, ("Q1", "b", "x"): 9, ("Q1", "b", "y"): 8}
    periods, rows, columns = ["Q1"], ["a", "b"], ["x", "y"]
    values, _relations = cube(counts, rows, columns, periods)
    naive = {k: ("1–4" if 0 < v < 5 else v) for k, v in values.items()}

    assert ("Q1", "a", "x") in recovered_by_subtraction(naive, periods, rows, columns)
    seen = alternative_values(naive, periods, rows, columns, 5, 60)
    assert seen[("Q1", "a", "x")] == {2}


def test_two_small_cells_that_must_both_be_one_are_protected():
    """A row of 1 + 1 with a shown total 12 and a shown 10 pins both: a third cell goes."""
    counts = {
        ("Q1", "a", "x"): 1, ("Q1", "a", "y"): 1, ("Q1", "a", "z"): 10,
        ("Q1", "b", "x"): 6, ("Q1", "b", "y"): 7, ("Q1", "b", "z"): 9,
    }  # fmt: skip
    periods, rows, columns = ["Q1"], ["a", "b"], ["x", "y", "z"]
    values, status, shown = published(counts, periods, rows, columns, 5)

    assert status[("Q1", "a", "x")] is Status.SMALL
    assert sum(s is Status.HIDDEN for s in status.values()) >= 1
    assert recovered_by_subtraction(shown, periods, rows, columns) == set()


def test_a_quarter_cannot_be_had_from_the_year():
    """One small quarter of a district's year: the year total minus the other quarters would
    give it, so another quarter (or the year) is hidden too."""
    counts = {("Q1", "a", "x"): 3, ("Q2", "a", "x"): 12, ("Q3", "a", "x"): 20, ("Q4", "a", "x"): 7}
    periods, rows, columns = ["Q1", "Q2", "Q3", "Q4"], ["a"], ["x"]
    values, status, shown = published(counts, periods, rows, columns, 5)

    assert shown[("Q1", "a", "x")] == "1–4"
    assert recovered_by_subtraction(shown, periods, rows, columns) == set()
    assert len(alternative_values(shown, periods, rows, columns, 5, 60)[("Q1", "a", "x")]) >= 2


@pytest.mark.parametrize("limit", [0, -1])
def test_limit_zero_shows_every_count(limit):
    values, relations = cube({("Q1", "a", "x"): 1}, ["a"], ["x"], ["Q1"])
    assert set(suppress_cells(values, relations, limit).values()) == {Status.SHOWN}


def test_a_limit_below_three_is_three():
    assert effective_limit(2) == 3 and effective_limit(1) == 3 and effective_limit(7) == 7


def test_the_threshold_decides_what_is_small():
    values, relations = cube({("Q1", "a", "x"): 6, ("Q1", "a", "y"): 40}, ["a"], ["x", "y"], ["Q1"])
    assert suppress_cells(values, relations, 5)[("Q1", "a", "x")] is Status.SHOWN
    assert suppress_cells(values, relations, 10)[("Q1", "a", "x")] is Status.SMALL


def test_cells_that_do_not_add_up_are_refused():
    values, relations = cube({("Q1", "a", "x"): 6}, ["a"], ["x"], ["Q1"])
    values[("Q1", "a", ALL)] = 7
    with pytest.raises(ValueError, match="do not add up"):
        suppress_cells(values, relations, 5)


def test_zero_is_shown():
    values, status, shown = published(
        {("Q1", "a", "x"): 0, ("Q1", "a", "y"): 30, ("Q1", "b", "x"): 25, ("Q1", "b", "y"): 9},
        ["Q1"],
        ["a", "b"],
        ["x", "y"],
        5,
    )
    assert shown[("Q1", "a", "x")] == 0
    assert set(status.values()) == {Status.SHOWN}


def test_the_checker_walks_every_table():
    """The brute force itself: a 1×1×2 table with a hidden cell finds the values it may have."""
    shown = {
        ("Q1", "a", "x"): "1–2", ("Q1", "a", "y"): "≥ 3", ("Q1", "a", ALL): 5,
        ("Q1", ALL, "x"): "1–2", ("Q1", ALL, "y"): "≥ 3", ("Q1", ALL, ALL): 5,
    }  # fmt: skip
    for key in list(shown):
        shown[(ALL, *key[1:])] = shown[key]
    seen = alternative_values(shown, ["Q1"], ["a"], ["x", "y"], 3, 10)
    assert seen[("Q1", "a", "x")] == {1, 2}
    assert seen[("Q1", "a", "y")] == {3, 4}
    assert list(itertools.islice(sorted(seen[(ALL, "a", "y")]), 2)) == [3, 4]
