"""Background tasks every installation needs, whatever its apps."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import connection
from django_tasks import task

from samverkan.core.backup import backup, prune
from samverkan.core.retention import gallring


def database_optimize() -> str:
    """Refresh the query planner's statistics.

    SQLite never gathers statistics by itself: without them it walks the incident table
    through the municipality index instead of scanning, which makes the incident list about
    six times slower at 100 000 reports (docs/performance.md). `ANALYZE` with an analysis
    limit samples each index (well under a second at a million reports) and writes row counts
    close to the truth. (`PRAGMA optimize=0x10002`, used before, re-analyses only from SQLite
    3.46; on the 3.40 Debian ships it left the statistics of an empty table in place after a
    million reports.) PostgreSQL's autovacuum already analyses its tables.
    """
    if connection.vendor != "sqlite":
        return "inget att göra"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
    return "ANALYZE"


def table_rows_estimate(table: str) -> int | None:
    """The planner's row count for `table` (SQLite's sqlite_stat1), None without statistics."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        rows = [int(stat.split()[0]) for (stat,) in cursor.fetchall()]
    return max(rows) if rows else None


@task()
def optimize_database() -> str:
    """Nightly: keep the planner's statistics fresh (SQLite)."""
    return database_optimize()


@task()
def backup_nightly() -> str:
    """Nightly: a backup into SAMVERKAN_BACKUP_DIR, keeping the SAMVERKAN_BACKUP_KEEP newest."""
    folder = Path(settings.SAMVERKAN_BACKUP_DIR)
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M%S")
    target = folder / f"samverkan-{stamp}.tar"
    backup(target)
    removed = prune(folder, settings.SAMVERKAN_BACKUP_KEEP)
    return f"{target} ({len(removed)} äldre borttagna)"


@task()
def gallring_nightly() -> str:
    """Nightly: apply the retention rules (SAMVERKAN_RETENTION_*)."""
    counts = gallring()
    return ", ".join(f"{name}: {n}" for name, n in counts.items() if n) or "inget att gallra"
