"""A queryset's SQL for a raw cursor, with SQLite's scan hint.

For ``municipality_id IN (…)`` SQLite picks the (municipality, time) cover index and looks
every row up in the table one by one; for a read of most of the table a scan in table
order is several times faster (docs/performance.md). ``scan=True`` adds ``NOT INDEXED`` to
the main table on SQLite; PostgreSQL's planner chooses for itself and gets the SQL as is.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet


def sql_with_params(queryset: QuerySet, *, scan: bool = False) -> tuple[str, tuple]:
    """The SQL and parameters (Django's ``%s`` placeholders) of ``queryset``."""
    sql, params = queryset.query.sql_with_params()
    connection = connections[queryset.db]
    if scan and connection.vendor == "sqlite":
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        sql = sql.replace(f"FROM {table}", f"FROM {table} NOT INDEXED", 1)
    return sql, tuple(params)


def fetch_all(queryset: QuerySet, *, scan: bool = False) -> list[tuple]:
    """The rows of ``queryset`` (a ``values_list``) as the cursor sends them: no model
    layer, no per-value converters."""
    sql, params = sql_with_params(queryset, scan=scan)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
