"""Background tasks every installation needs, whatever its apps."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import connection
from django_tasks import task

from samverkan.core.backup import backup, prune


def database_optimize() -> str:
    """Refresh the query planner's statistics.

    SQLite never gathers statistics by itself: without them it walks the incident table
    through the municipality index instead of scanning, which makes the incident list about
    six times slower at 100 000 reports (docs/performance.md). `PRAGMA optimize` runs ANALYZE
    where the statistics are stale and is cheap otherwise. PostgreSQL's autovacuum already
    analyses its tables, so there is nothing to do there.
    """
    if connection.vendor != "sqlite":
        return "inget att göra"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("PRAGMA optimize=0x10002")
    return "PRAGMA optimize"


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
