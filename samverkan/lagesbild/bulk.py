"""Bulk reads of report rows into Arrow: one SELECT, no model instances, no Python row loop.

``arrow_table(queryset, fields, types)`` sends the queryset's own SQL (so every scope and
filter of ``incident_list_for_user`` and ``narrowed`` stays in it) and returns a
``pyarrow.Table`` with one column per field, cast to the given Arrow types. Times come back
as UTC timestamps; ``local=`` adds the local Swedish wall-clock time of a time column,
computed in one vectorised step (``pyarrow.compute.local_timestamp``).

Two ways to the rows, the same frame from both (tests/lagesbild/test_bulk.py):

- ADBC (``adbc-driver-sqlite``, ``adbc-driver-postgresql``): a connection of its own that
  streams columnar batches, several times faster than Django's ``values_list`` at a million
  rows. SQLite's driver runs in a process of its own (``adbc_sqlite_reader.py`` says why)
  and sends the table back as an Arrow IPC stream;
- Django's own connection (its raw cursor) when ADBC cannot see what the query must see:
  inside an atomic block (a transaction's uncommitted rows, a test's data), an in-memory
  SQLite database, or without the ADBC drivers.

A read over a big table (``PART_ROWS``) is split into consecutive id ranges, each read on a
connection and a thread of its own and put together in order: one SQLite or PostgreSQL
connection turns rows into columns on one core.

SQLite picks the covering week index for ``municipality_id IN (…) AND occurred_from …`` and
then looks up each row in the table; for a read of most of the table a plain scan is 4–5
times faster, so ``scan=True`` adds ``NOT INDEXED`` to the main table
(docs/performance.md). PostgreSQL's planner chooses by its statistics and needs no hint.

ADBC's SQLite driver guesses each column's type from the first rows it reads; a column whose
first thousand values are NULL would be guessed wrong. The query therefore starts with one
typed row (``SELECT 0, '', 0.0 … UNION ALL …``) that is dropped after the read.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import connections
from django.db.models import QuerySet

from samverkan.core.sql import fetch_all, sql_with_params

_PLACEHOLDER = re.compile(r"(?<!%)%s")


def arrow_table(
    queryset: QuerySet,
    fields: Sequence[str],
    types: Mapping[str, pa.DataType],
    *,
    names: Sequence[str] | None = None,
    local: Mapping[str, str] | None = None,
    scan: bool = False,
    via: str | None = None,
) -> pa.Table:
    """The rows of ``queryset`` as an Arrow table.

    ``fields``: what ``values_list`` would take (``"category__name"``); ``names``: the
    columns' names (default the fields); ``types``: the Arrow type per name (timestamps as
    ``pa.timestamp("us", tz="UTC")``); ``local``: new column name → time column, the local
    wall-clock time (naive) in ``TIME_ZONE``; ``scan``: on SQLite, read the main table in
    order instead of through an index; ``via``: ``"adbc"`` or ``"django"`` to choose the
    path (default: ADBC when it can see the data).
    """
    names = list(names or fields)
    alias = queryset.db
    connection = connections[alias]
    schema = pa.schema([(name, types[name]) for name in names])
    sqlite = connection.vendor == "sqlite"
    span = _id_span(queryset) if via != "django" else (None, None)
    path = via or ("adbc" if adbc_sees_data(alias) and _worth_a_process(span, sqlite) else "django")
    if path == "adbc":
        parts = []
        for part in _parts(queryset, span):
            sql, params = select(part, fields, scan=scan)
            parts.append((f"{_typed_row(schema)} UNION ALL {sql}" if sqlite else sql, params))
        times = [i for i, f in enumerate(schema) if pa.types.is_timestamp(f.type)]
        raw = _read_adbc(alias, parts, times)
    else:
        sql, params = select(queryset, fields, scan=scan)
        if sqlite:
            sql = f"{_typed_row(schema)} UNION ALL {sql}"
        raw = _read_django(alias, sql, params, names)
        if sqlite:
            raw = raw.slice(1)
    columns = [_cast(raw.column(i), schema.field(i).type) for i in range(len(names))]
    out = pa.Table.from_arrays(columns, schema=schema)
    for name, source in (local or {}).items():
        zoned = pc.cast(out[source], pa.timestamp("us", tz=settings.TIME_ZONE))
        out = out.append_column(name, pc.local_timestamp(zoned))
    return out


def select(queryset: QuerySet, fields: Sequence[str], *, scan: bool = False) -> tuple[str, tuple]:
    """The SELECT of ``fields`` over ``queryset`` and its parameters (Django's ``%s``
    placeholders), with SQLite's ``NOT INDEXED`` on the main table when ``scan``."""
    return sql_with_params(queryset.order_by().values_list(*fields), scan=scan)


def grouped_rows(queryset: QuerySet, *, scan: bool = False) -> list[tuple]:
    """The rows of a small (grouped) ``values_list`` queryset through Django's connection,
    with the same scan hint as ``select``. Values come as the database sends them: an
    aggregated time is text on SQLite."""
    return fetch_all(queryset, scan=scan)


def aware(value) -> dt.datetime:
    """An aggregated time as the database sends it (SQLite: UTC text) as an aware datetime."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def adbc_connection(alias: str = "default"):
    """A DB-API connection of ADBC's own to the database behind ``alias`` (close it). On
    SQLite only while Django's connection in this process is closed (see
    adbc_sqlite_reader.py); ``arrow_table`` reads SQLite in a process of its own."""
    connection = connections[alias]
    if connection.vendor == "sqlite":
        from adbc_driver_sqlite import dbapi

        return dbapi.connect(str(connection.settings_dict["NAME"]))
    from adbc_driver_postgresql import dbapi

    return dbapi.connect(_postgres_uri(connection.settings_dict))


def adbc_sql(alias: str, sql: str, params) -> str:
    """Django's ``%s`` placeholders as the ADBC driver's (``?`` or ``$1``)."""
    if connections[alias].vendor == "sqlite":
        return _PLACEHOLDER.sub("?", sql).replace("%%", "%")
    counter = iter(range(1, len(params) + 1))
    return _PLACEHOLDER.sub(lambda _m: f"${next(counter)}", sql).replace("%%", "%")


def adbc_sees_data(alias: str = "default") -> bool:
    """Whether a connection of ADBC's own sees what Django's connection sees: not inside a
    transaction, not an in-memory SQLite database, and the driver installed."""
    connection = connections[alias]
    if connection.in_atomic_block:
        return False
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            return False
        module = "adbc_driver_sqlite"
    elif connection.vendor == "postgresql":
        module = "adbc_driver_postgresql"
    else:
        return False
    try:
        __import__(f"{module}.dbapi")
    except ImportError:
        return False
    return True


# Below this many rows in the table a SQLite read stays in Django's connection: starting the
# reader process (about 0.3 s) costs more than it saves (about 8 µs a row).
SQLITE_PROCESS_ROWS = 100_000
# A read over a table of at least this many rows is split into id ranges read side by side,
# one connection and thread each, up to READ_PARTS of them (at most one per CPU): SQLite and
# the drivers turn rows into columns on one core per connection (docs/performance.md).
PART_ROWS = 200_000
READ_PARTS = 4


def _id_span(queryset: QuerySet) -> tuple[int | None, int | None]:
    """The lowest and highest primary key in the table (the key's own index: no scan)."""
    connection = connections[queryset.db]
    meta = queryset.model._meta
    table, key = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
    with connection.cursor() as cursor:
        # Two subqueries: SQLite finds a lone MIN or MAX at the end of the index, both at once
        # by a scan.
        cursor.execute(
            f"SELECT (SELECT MIN({key}) FROM {table}), (SELECT MAX({key}) FROM {table})"  # noqa: S608 - our names
        )
        return cursor.fetchone()


def _worth_a_process(span: tuple[int | None, int | None], sqlite: bool) -> bool:
    if not sqlite:
        return True
    return (span[1] or 0) >= SQLITE_PROCESS_ROWS


def _parts(queryset: QuerySet, span: tuple[int | None, int | None]) -> list[QuerySet]:
    """``queryset`` split into consecutive primary-key ranges (one part for a small table);
    read in this order, the rows come in the order of one read of the table."""
    low, high = span
    if low is None or high - low + 1 < PART_ROWS:
        return [queryset]
    count = max(1, min(READ_PARTS, os.cpu_count() or 1, (high - low + 1) // (PART_ROWS // 2)))
    if count == 1:
        return [queryset]
    edges = [low - 1 + (high - low + 1) * k // count for k in range(count + 1)]
    edges[-1] = high
    parts = [queryset.filter(pk__gt=a, pk__lte=b) for a, b in zip(edges, edges[1:], strict=False)]
    # Rows written while the span was read, above its top, belong to the last part.
    parts[-1] = queryset.filter(pk__gt=edges[-2])
    return parts


def _typed_row(schema: pa.Schema) -> str:
    """One row of constants of each column's type, for SQLite's type guess."""
    values = []
    for field in schema:
        if pa.types.is_floating(field.type):
            values.append("0.0")
        elif pa.types.is_integer(field.type) or pa.types.is_boolean(field.type):
            values.append("0")
        else:
            values.append("''")
    return "SELECT " + ", ".join(values)


def _read_adbc(alias: str, parts: list[tuple[str, tuple]], times: Sequence[int] = ()) -> pa.Table:
    """The parts' rows in order, each part on an ADBC connection and a thread of its own
    (on SQLite in the reader process, without the typed row, the ``times`` columns' text
    turned into timestamps there)."""
    connection = connections[alias]
    if connection.vendor == "sqlite":
        return _read_sqlite_in_child(str(connection.settings_dict["NAME"]), parts, times)

    def read(part: tuple[str, tuple]) -> pa.Table:
        sql, params = part
        adbc = adbc_connection(alias)
        try:
            with adbc.cursor() as cursor:
                cursor.execute(adbc_sql(alias, sql, params), tuple(params) if params else None)
                return cursor.fetch_arrow_table()
        finally:
            adbc.close()

    if len(parts) == 1:
        return read(parts[0])
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        tables = list(pool.map(read, parts))
    return pa.concat_tables(tables, promote_options="permissive")


def _read_sqlite_in_child(
    path: str, parts: list[tuple[str, tuple]], times: Sequence[int] = ()
) -> pa.Table:
    """ADBC's SQLite in a process of its own (adbc_sqlite_reader.py says why); the table
    comes back as an Arrow IPC file in memory-backed /dev/shm where there is one, mapped
    rather than copied through a pipe. Each part starts with the typed row, left out there."""
    import json
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as folder:
        out = str(Path(folder) / "rows.arrow")
        request = json.dumps({
            "path": path,
            "parts": [
                {"sql": _PLACEHOLDER.sub("?", sql).replace("%%", "%"), "params": list(params)}
                for sql, params in parts
            ],
            "drop_first": True,
            "times": list(times),
            "out": out,
        })  # fmt: skip
        script = Path(__file__).with_name("adbc_sqlite_reader.py")
        done = subprocess.run(  # noqa: S603 - our own script, the interpreter running us
            [sys.executable, "-I", str(script)],
            input=request.encode(),
            capture_output=True,
            check=False,
            timeout=600,  # a read that hangs is killed, not waited on for ever
        )
        if done.returncode:
            raise RuntimeError(f"ADBC-läsningen misslyckades: {done.stderr.decode()[-2000:]}")
        with pa.memory_map(out) as source:
            # Read into this process's memory: the file goes with the folder.
            return pa.ipc.open_file(source).read_all()


def _postgres_uri(config: Mapping) -> str:
    from urllib.parse import quote

    user = quote(config.get("USER") or "", safe="")
    password = quote(str(config.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = config.get("HOST") or "localhost"
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return f"postgresql://{auth}{host}{port}/{quote(config['NAME'], safe='')}"


def _read_django(alias: str, sql: str, params, names: Sequence[str]) -> pa.Table:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    return pa.Table.from_arrays(
        [pa.array(list(values)) if values else pa.array([], pa.null()) for values in columns],
        names=list(names),
    )


def _cast(column: pa.ChunkedArray, target: pa.DataType) -> pa.ChunkedArray:
    """One column as the target type, whichever way it came: SQLite's text times, integer
    booleans, Python datetimes with or without a zone."""
    kind = column.type
    if kind == target:
        return column
    if pa.types.is_null(kind):
        return pc.cast(column, target)
    if pa.types.is_timestamp(target):
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            column = pc.cast(column, pa.timestamp("us"))  # SQLite: "YYYY-MM-DD HH:MM:SS[.f]"
            kind = column.type
        if pa.types.is_timestamp(kind) and kind.tz is None:
            column = pc.assume_timezone(column, "UTC")
        return pc.cast(column, target)
    if pa.types.is_boolean(target) and pa.types.is_integer(kind):
        return pc.not_equal(column, 0)
    return pc.cast(column, target)
