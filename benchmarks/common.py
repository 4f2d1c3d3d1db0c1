"""What several benchmark scripts share: timing, counting queries, and filling the incident
table with synthetic reports as fast as the database takes them. Importing it needs no
Django set-up; calling the database helpers does."""

import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence

from django.db import connection, transaction
from django.utils import timezone


def setup_django(url: str | None) -> str:
    """Django on a fresh temporary data directory (SQLite there) or on the PostgreSQL
    database `url` (which must be empty), migrated; returns the data directory."""
    data_dir = tempfile.mkdtemp(prefix="samverkan-bench-")
    os.environ["SAMVERKAN_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["DEBUG"] = "false"
    if url:
        os.environ["DATABASE_URL"] = url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return data_dir


def child_results(script: str, argv: list[str], postgres: str | None):
    """Run `script argv --child <backend>` once per database (SQLite, and PostgreSQL when
    `postgres` is given), each in a process of its own; yield (backend, the dict its last
    "RESULT {json}" line printed), or (backend, None) after printing why it failed."""
    import json
    import subprocess
    import sys

    for backend, url in [("sqlite", None)] + ([("postgresql", postgres)] if postgres else []):
        command = [sys.executable, script, *argv, "--child", backend]
        if url:
            command += ["--postgres", url]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
        if done.returncode or not lines:
            print(f"{backend}: failed\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
            yield backend, None
            continue
        yield backend, json.loads(lines[-1].removeprefix("RESULT "))


def median_ms(
    fn: Callable[[], object], repeat: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    """The median time of `repeat` calls, after one warm-up call, in milliseconds: wall time,
    or processor time with ``clock=time.process_time``."""
    fn()
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append((clock() - start) * 1000)
    return statistics.median(times)


def count_queries(fn: Callable[[], object]) -> int:
    """How many SQL statements one call of `fn` sends."""
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        fn()
    return count


def insert_incidents(
    n: int,
    *,
    municipality: int,
    occurred_seconds: Sequence[int],
    columns: Mapping[str, Sequence],
    batch: int = 50_000,
    analyze: bool = False,
) -> None:
    """Write n synthetic reports with executemany, in batches, bypassing the model layer.

    Every row starts from one template report; `occurred_seconds[i]` places report i that
    many seconds after a year ago, and `columns` gives per-row values by attribute name
    (e.g. {"category_id": [...], "lat": [...]}), converted to plain Python values. With
    `analyze`, PostgreSQL's statistics are refreshed afterwards."""
    from samverkan.incidents.models import Incident

    now = timezone.now()
    template = Incident(
        occurred_from=now,
        occurred_to=now,
        municipality_id=municipality,
        description="[Syntetisk] Benchmark.",
        created_at=now,
        updated_at=now,
    )
    fields = [f for f in Incident._meta.concrete_fields if not f.primary_key]
    base = [f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields]
    index = {f.attname: i for i, f in enumerate(fields)}
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(Incident._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    start = now - dt.timedelta(days=365)
    given = [(index[name], values) for name, values in columns.items()]
    for first in range(0, n, batch):
        rows = []
        for i in range(first, min(n, first + batch)):
            row = list(base)
            when = start + dt.timedelta(seconds=int(occurred_seconds[i]))
            stamp = connection.ops.adapt_datetimefield_value(when)
            row[index["occurred_from"]] = row[index["occurred_to"]] = stamp
            for position, values in given:
                row[position] = values[i].item() if hasattr(values[i], "item") else values[i]
            rows.append(row)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    if analyze and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {quote(Incident._meta.db_table)}")
