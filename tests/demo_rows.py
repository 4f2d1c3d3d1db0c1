"""The demo's rows, written once by `load_demo` and replayed into later tests' databases.

`load_demo` makes about 660 queries (0.1–0.3 s on SQLite, 0.4–0.5 s on PostgreSQL), and most
tests start from it. The first test of a run that asks for the demo loads it for real; the rows
it wrote (and the rows it changed) are read back, table by table, and later tests get the same
rows with one INSERT per table. Replaying is only done into the state the rows were read from:
every table's row count and largest key are compared first (one query), and any difference (a
fixture that wrote before the demo, a flushed database) loads the demo for real instead.

The result is the same database, row for row: `tests/test_demo_fixture.py` loads the demo again
on top of a replay and finds nothing to add.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from samverkan.demo.load import load_demo


@dataclass(frozen=True)
class Table:
    name: str
    pk: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Recording:
    removed: dict[str, list]  # table -> keys of rows load_demo deleted or changed
    added: dict[str, list[tuple]]  # table -> rows load_demo wrote (new or changed)


_tables: list[Table] | None = None
_recordings: dict[tuple, Recording] = {}  # (database, day, fingerprint) -> recording


def _all_tables() -> list[Table]:
    global _tables
    if _tables is None:
        names = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
        tables = []
        with connection.cursor() as cursor:
            present = set(connection.introspection.table_names(cursor))
            for name in sorted(names):
                if name not in present:
                    continue
                model = names[name]
                columns = tuple(f.column for f in model._meta.concrete_fields)
                tables.append(Table(name, model._meta.pk.column, columns))
        _tables = tables
    return _tables


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _fingerprint() -> tuple:
    """Each table's row count and largest key, in one query."""
    parts = [
        f"SELECT {i}, COUNT(*), MAX(CAST({_quote(t.pk)} AS TEXT)) FROM {_quote(t.name)}"
        for i, t in enumerate(_all_tables())
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return tuple(sorted(cursor.fetchall()))


def _rows(table: Table) -> dict:
    columns = ", ".join(_quote(c) for c in table.columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {_quote(table.name)}")
        key = table.columns.index(table.pk)
        return {row[key]: tuple(row) for row in cursor.fetchall()}


def _adapt(value):
    # psycopg reads json columns as dicts and lists but writes them only when told.
    if connection.vendor == "postgresql" and isinstance(value, dict | list):
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value


def _record() -> Recording:
    tables = _all_tables()
    before = {t.name: _rows(t) for t in tables}
    load_demo(present=False)
    removed: dict[str, list] = {}
    added: dict[str, list[tuple]] = {}
    for table in tables:
        old, new = before[table.name], _rows(table)
        gone = [k for k, row in old.items() if new.get(k) != row]
        fresh = [row for k, row in new.items() if old.get(k) != row]
        if gone:
            removed[table.name] = gone
        if fresh:
            added[table.name] = fresh
    return Recording(removed, added)


def _replay(recording: Recording) -> None:
    tables = {t.name: t for t in _all_tables()}
    # One transaction, so that the foreign keys (deferred) are checked when all rows are in,
    # also in a test that runs without the test's own transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        for name, keys in recording.removed.items():
            table = tables[name]
            marks = ", ".join(["%s"] * len(keys))
            cursor.execute(
                f"DELETE FROM {_quote(name)} WHERE {_quote(table.pk)} IN ({marks})", keys
            )
        for name, rows in recording.added.items():
            table = tables[name]
            columns = ", ".join(_quote(c) for c in table.columns)
            marks = ", ".join(["%s"] * len(table.columns))
            cursor.executemany(
                f"INSERT INTO {_quote(name)} ({columns}) VALUES ({marks})",
                [tuple(_adapt(v) for v in row) for row in rows],
            )
        # PostgreSQL's sequences do not follow rows written with their keys.
        models = [
            m
            for m in apps.get_models(include_auto_created=True)
            if m._meta.db_table in recording.added
        ]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            cursor.execute(";\n".join(statements))


def load_demo_rows() -> None:
    """The demo in this test's database: replayed when a recording fits, loaded otherwise."""
    # The demo dates its reports from today's midnight: a recording is good for one day.
    key = (
        connection.vendor,
        connection.settings_dict["NAME"],
        timezone.localdate(),
        _fingerprint(),
    )
    recording = _recordings.get(key)
    if recording is None:
        _recordings[key] = _record()
    else:
        _replay(recording)
