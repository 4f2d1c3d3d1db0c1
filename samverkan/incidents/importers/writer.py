"""The writer of the incident loader: checked rows into the incident table, bypassing the
ORM but storing what it would (the model's defaults, ``created_at``/``updated_at``, Django's
datetime and decimal adaptation). Existing ids are read with one query per batch on the
unique index, new rows go in with ``COPY`` (PostgreSQL) or one ``executemany`` INSERT
(SQLite), changed ones with one ``executemany`` UPDATE; the reports' version is raised
once per batch (`version_raised_once`). See docs/polisen.md and docs/performance.md for the
performance notes.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.imports.runs import problem
from samverkan.incidents.importers.rules import CENT, COLUMNS, DEFAULTS, DERIVED, Row
from samverkan.incidents.models import Incident, ReportsVersion, point_cells

# SQLite's page cache while a run writes: the default (2 MiB) is far smaller than the
# incident table's indexes, so each insert into an index read pages back from the file; with
# room for the indexes the same inserts run about 1.5 times as fast (docs/performance.md). The
# connection's own setting is put back at the end of the run; memory is used only as pages
# are read.
SQLITE_IMPORT_CACHE_KIB = 256 * 1024


@contextmanager
def write_settings() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(SQLITE_IMPORT_CACHE_KIB)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def version_raised_once() -> Iterator[None]:
    """The writes inside raise the reports' version once, not once per row.

    On SQLite the version triggers (migration 0013) fire for each row, and a table with a
    row trigger makes every execution of executemany's INSERT open a statement journal that
    copies each page the row touches first: that, not the trigger's one-row UPDATE, doubles
    the cost of an insert (docs/performance.md). So the triggers are dropped inside a
    transaction (a savepoint when one is open), the writes done, the triggers created again
    from their stored SQL and the version raised once, all before the transaction ends. The
    transaction holds SQLite's only write lock from its start (transaction_mode IMMEDIATE),
    so no other write, from any connection, can happen while the triggers are away, and
    readers see only committed schemas, which have them; an error rolls the drop back.

    PostgreSQL's trigger fires once per statement, but executemany sends one statement per
    row, and 33 000 updates of the counter's one row in one transaction tripled the demo's
    insert. There the trigger function skips while the transaction-local setting
    ``samverkan.version_once`` is on (migration 0015): set here, cleared and the version
    raised once before the transaction ends; other sessions never see it."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('samverkan.version_once', 'on', true)")
            yield
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('samverkan.version_once', '', true)")
            ReportsVersion.objects.filter(pk=1).update(version=F("version") + 1)
        return
    if connection.vendor != "sqlite":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
                "AND name LIKE 'incidents_version_%%' ORDER BY name",
                [Incident._meta.db_table],
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
        yield
        with connection.cursor() as cursor:
            for _name, sql in triggers:
                cursor.execute(sql)
        ReportsVersion.objects.filter(pk=1).update(version=F("version") + 1)


_UTC = dt.UTC


def _datetime_adapter():
    """Aware datetime → what the database's driver takes, without Django's per-value checks:
    SQLite stores naive UTC text (as Django does with USE_TZ: ``str()`` of the naive UTC
    datetime), PostgreSQL takes it as is."""
    if connection.vendor == "sqlite":

        def adapt(value):
            if value is None:
                return None
            if value.tzinfo is not _UTC:
                value = value.astimezone(_UTC)
            return str(value)[:-6]  # "…+00:00" off: the naive UTC datetime's str()

        return adapt
    return lambda value: value


def _decimal_adapter():
    ops = connection.ops

    def adapt(value):
        return None if value is None else ops.adapt_decimalfield_value(value, 12, 2)

    return adapt


def _stored_readers() -> dict[str, Any]:
    """Column → function that turns a raw value read back into what the ORM would give, for
    the columns where the driver's value differs (the conversions of Django's backend)."""
    if connection.vendor != "sqlite":
        return {}  # psycopg gives aware datetimes, Decimal and bool, as the ORM does

    def read_datetime(value):
        # Django's converter: text → datetime (sqlite3 has done it by the declared type), then
        # aware in the connection's time zone, UTC.
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        return value.replace(tzinfo=_UTC) if value.tzinfo is None else value

    create_decimal = decimal.Context(prec=15).create_decimal_from_float

    def read_decimal(value):
        # Django's converter for a column of a DecimalField(decimal_places=2).
        if value is None or isinstance(value, decimal.Decimal):
            return value
        if isinstance(value, str):
            return decimal.Decimal(value).quantize(CENT)
        return create_decimal(value).quantize(CENT)

    def read_bool(value):
        return value if value is None or isinstance(value, bool) else bool(value)

    return {
        "occurred_from": read_datetime,
        "occurred_to": read_datetime,
        "published_at": read_datetime,
        "cost_sek": read_decimal,
        "creates_insecurity": read_bool,
        "is_summary": read_bool,
        "position_is_centre": read_bool,
    }


def _tuple_getter(keys):
    """itemgetter that always gives a tuple, also for one key."""
    if len(keys) == 1:
        key = keys[0]
        return lambda item: (item[key],)
    return itemgetter(*keys)


# New rows: every column but the id, in this order.
INSERT_NAMES = (
    *COLUMNS,
    "organisation_id",
    "reporter_id",
    "source",
    "external_id",
    "import_run_id",
    "created_at",
    "updated_at",
    "cell_x",
    "cell_y",
)


def _cells(rows: list[Row]) -> list[tuple[int | None, int | None]]:
    """The map cells of the rows' points (Incident.cell_x, cell_y), in one pyproj call; a row
    that does not give position_is_centre is taken as a point (the default; `Writer.update`
    empties the cells of a stored centre)."""
    return point_cells(
        [row.values["lat"] for row in rows],
        [row.values["lon"] for row in rows],
        [row.values.get("position_is_centre", False) for row in rows],
    )


class Writer:
    """Writes the checked rows of one run; counts what it created, updated and left
    unchanged, and keeps the problems it finds (an id of another organisation)."""

    def __init__(self, *, run, source, organisation, by):
        self.run = run
        self.source = source
        self.organisation = organisation
        self.by = by
        self.problems: list = []
        self.table = connection.ops.quote_name(Incident._meta.db_table)
        self.quote = connection.ops.quote_name
        self.counts = {"rows_total": 0, "created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        adapt_datetime, adapt_decimal = _datetime_adapter(), _decimal_adapter()
        self.adapters = {
            "occurred_from": adapt_datetime,
            "occurred_to": adapt_datetime,
            "published_at": adapt_datetime,
            "cost_sek": adapt_decimal,
        }
        self.adapt_datetime = adapt_datetime
        self.readers = _stored_readers()
        self.postgresql = connection.vendor == "postgresql"

    def existing(self, ids: list[str], compared: list[str]) -> dict[str, tuple]:
        """external id → (pk, organisation_id, stored values of `compared`) for the ids this
        source already has: one query on the unique index (a few on SQLite, whose statements
        take at most 999 parameters), read as the ORM would read them."""
        names = ("external_id", "id", "organisation_id", *compared)
        select = "SELECT {} FROM {} WHERE {} = %s AND NOT ({} = '') AND {} ".format(
            ", ".join(self.quote(n) for n in names),
            self.table,
            self.quote("source"),
            self.quote("external_id"),
            self.quote("external_id"),
        )
        # "NOT (external_id = '')", written exactly as the condition of the partial unique
        # index on (source, external_id), lets the database use that index: SQLite does not
        # see that "<> ''" implies it, and scans the whole table.
        if self.postgresql:
            queries = [(select + "= ANY(%s)", [self.source, ids])]
        else:
            queries = [
                (
                    select + "IN ({})".format(", ".join(["%s"] * len(chunk))),
                    [self.source, *chunk],
                )
                for chunk in (ids[i : i + 900] for i in range(0, len(ids), 900))
            ]
        readers = [(i, self.readers[c]) for i, c in enumerate(compared) if c in self.readers]
        found = {}
        with connection.cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, params)
                for external_id, pk, organisation_id, *stored in cursor.fetchall():
                    for i, read in readers:
                        stored[i] = read(stored[i])
                    found[external_id] = (pk, organisation_id, stored)
        return found

    def write(self, rows: list[Row]) -> None:
        given = sorted({key for row in rows for key in row.given}, key=COLUMNS.index)
        compared = [c for c in COLUMNS if c in DERIVED or c in given]
        existing = self.existing([row.external_id for row in rows], compared) if rows else {}
        now = timezone.now()
        new, changed = [], {}
        # Per set of columns a row gives: getters of its values and of the stored ones, so a
        # row is compared as one tuple against another.
        getters: dict[tuple[str, ...], tuple[Any, Any, tuple[str, ...]]] = {}
        for row in rows:
            found = existing.get(row.external_id)
            if found is None:
                new.append(row)
                continue
            pk, organisation_id, stored = found
            if organisation_id != self.organisation.pk:
                self.counts["failed"] += 1
                self.problems.append(
                    problem(
                        self.run,
                        _(
                            "Externt id %(id)s hör till en rapport från en annan organisation "
                            "och ändras inte."
                        )
                        % {"id": row.external_id},
                        row=row.number,
                        field="external_id",
                        value=row.external_id,
                    )
                )
                continue
            pair = getters.get(row.given)
            if pair is None:
                columns = tuple(c for c in compared if c in DERIVED or c in row.given)
                pair = getters[row.given] = (
                    _tuple_getter(columns),
                    _tuple_getter([compared.index(c) for c in columns]),
                    columns,
                )
            of_row, of_stored, columns = pair
            # A valid row has every derived column and every column it gives.
            if of_row(row.values) == of_stored(stored):
                self.counts["unchanged"] += 1
                continue
            changed.setdefault(columns, []).append((pk, row))
        if not (new or changed):
            return
        with version_raised_once():
            if new:
                self.insert(new, now)
            for columns, items in changed.items():
                self.update(columns, items, now)

    def insert(self, rows: list[Row], now: dt.datetime) -> None:
        """New rows with the values the ORM would give them: the row's, else the model's
        defaults; created_at = updated_at = now (auto_now_add / auto_now)."""
        stamp = self.adapt_datetime(now)
        tail = (
            self.organisation.pk,
            self.by.pk if self.by is not None else None,
            self.source,
        )
        record_of = itemgetter(*COLUMNS)
        run_pk = self.run.pk
        if self.postgresql:
            # COPY: psycopg adapts aware datetimes, Decimal, bool and None as Django would.
            records = (
                (
                    *record_of({**DEFAULTS, **row.values}),
                    *tail,
                    row.external_id,
                    run_pk,
                    now,
                    now,
                    *cell,
                )
                for row, cell in zip(rows, _cells(rows), strict=True)
            )
            sql = "COPY {} ({}) FROM STDIN".format(
                self.table, ", ".join(self.quote(n) for n in INSERT_NAMES)
            )
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                write_row = copy.write_row
                for record in records:
                    write_row(record)
        else:
            adapt_datetime, adapt_decimal = self.adapt_datetime, self.adapters["cost_sek"]
            i_from, i_to = COLUMNS.index("occurred_from"), COLUMNS.index("occurred_to")
            i_cost, i_published = COLUMNS.index("cost_sek"), COLUMNS.index("published_at")
            params = []
            for row, cell in zip(rows, _cells(rows), strict=True):
                record = list(record_of({**DEFAULTS, **row.values}))
                when, until = record[i_from], record[i_to]
                record[i_from] = adapted = adapt_datetime(when)
                record[i_to] = adapted if until is when else adapt_datetime(until)
                if record[i_cost] is not None:
                    record[i_cost] = adapt_decimal(record[i_cost])
                if record[i_published] is not None:
                    record[i_published] = adapt_datetime(record[i_published])
                record.extend(tail)
                record.extend((row.external_id, run_pk, stamp, stamp, *cell))
                params.append(record)
            sql = "INSERT INTO {} ({}) VALUES ({})".format(
                self.table,
                ", ".join(self.quote(n) for n in INSERT_NAMES),
                ", ".join(["%s"] * len(INSERT_NAMES)),
            )
            with connection.cursor() as cursor:
                cursor.executemany(sql, params)
        self.counts["created"] += len(rows)

    def update(self, columns: tuple[str, ...], items: list[tuple[int, Row]], now) -> None:
        names = (*columns, "import_run_id", "updated_at")
        # The cells follow the point (lat and lon are always written); a stored centre keeps
        # none when the row does not say (SET reads the columns' values before the UPDATE).
        cell_value = (
            "%s"
            if "position_is_centre" in columns
            else f"CASE WHEN {self.quote('position_is_centre')} THEN NULL ELSE %s END"
        )
        sql = "UPDATE {} SET {}, {} WHERE {} = %s".format(
            self.table,
            ", ".join(f"{self.quote(n)} = %s" for n in names),
            ", ".join(f"{self.quote(n)} = {cell_value}" for n in ("cell_x", "cell_y")),
            self.quote("id"),
        )
        stamp = self.adapt_datetime(now)
        identity = lambda value: value  # noqa: E731
        adapters = [self.adapters.get(c, identity) for c in columns]
        params = [
            (
                *(adapt(row.values.get(c)) for c, adapt in zip(columns, adapters, strict=True)),
                self.run.pk,
                stamp,
                *cell,
                pk,
            )
            for (pk, row), cell in zip(items, _cells([row for _pk, row in items]), strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        self.counts["updated"] += len(items)
