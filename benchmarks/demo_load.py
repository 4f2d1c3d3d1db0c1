"""How long loading the Luleå demo takes on a fresh SQLite database.

Each run is a process of its own on a new, migrated database (migrating is not timed):
the time of `load_demo()` as `samverkan demo` calls it, the part of it that is the years of
synthetic EST reports (`load_year`), and, as the floor, one raw executemany INSERT of the
same report rows straight through the database cursor. Prints the median of the runs.

    python benchmarks/demo_load.py [--runs 3]
"""

import argparse
import json
import statistics
import subprocess
import sys
import time


def child() -> dict:
    from common import setup_django

    setup_django(None)
    from django.db import connection, transaction

    from samverkan.demo import load as demo_load
    from samverkan.demo import year as demo_year
    from samverkan.incidents.models import Incident

    timings = {}
    original = demo_year.load_year

    def timed_year():
        started = time.perf_counter()
        created = original()
        timings["year"] = time.perf_counter() - started
        return created

    demo_load.load_year = timed_year
    started = time.perf_counter()
    demo_load.load_demo()
    timings["demo"] = time.perf_counter() - started

    table = Incident._meta.db_table
    columns = [f.column for f in Incident._meta.concrete_fields if not f.primary_key]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {table} WHERE external_id LIKE 'demo-year-%%'")
        rows = cursor.fetchall()
        cursor.execute(f"DELETE FROM {table} WHERE external_id LIKE 'demo-year-%%'")
    marks = ", ".join(["%s"] * len(columns))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)
    timings["raw"] = time.perf_counter() - started
    timings["rows"] = len(rows)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child()))
        return
    results = []
    for _ in range(args.runs):
        done = subprocess.run(
            [sys.executable, __file__, "--child"], capture_output=True, text=True, check=True
        )
        line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")][-1]
        results.append(json.loads(line.removeprefix("RESULT ")))

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    print(f"SQLite, median of {args.runs} runs, {results[0]['rows']} synthetic reports")
    print(f"  load_demo() in all              {median('demo'):6.2f} s")
    print(f"  of which the years of reports   {median('year'):6.2f} s")
    print(f"  raw executemany INSERT (floor)  {median('raw'):6.2f} s")


if __name__ == "__main__":
    main()
