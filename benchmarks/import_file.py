"""Importing a CSV file of incident reports: speed and, above all, memory.

Generates N rows as a partner's Excel export would look (Windows' `;`, a header in Swedish,
Swedish dates "22/8 2026" with the clock in its own column, comma decimals, category and
district by name, positions in Luleå in WGS 84), then in a child process of its own:

- import: `import_incident_file` with the guessed column mapping, rows/s;
- again: the same file once more (every row unchanged);
- memory: the child's peak RSS (ru_maxrss) before the import, with the file's bytes in
  hand, and after it; the difference is what the import itself held at its peak.

    python benchmarks/import_file.py [--rows 100000] [--postgres URL]

SQLite runs in a temporary file; PostgreSQL when --postgres or BENCH_DATABASE_URL gives an
*empty* database (it is migrated and filled).
"""

import argparse
import json
import os
import random
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

CATEGORIES = ["Skadegörelse", "Klotter", "Nedskräpning", "Ordningsstörning", "Brand/anlagd brand"]
HEADER = "Ärendenummer;Datum;Klockslag;Kategori;Beskrivning;Område;Latitud;Longitud;Kostnad (kr)"


def csv_bytes(n: int, districts: list[str], seed: int = 7) -> bytes:
    rng = random.Random(seed)
    lines = [HEADER]
    for i in range(n):
        day = 1 + rng.randrange(28)
        month = 1 + rng.randrange(12)
        lat = f"{65.575 + rng.random() * 0.02:.6f}".replace(".", ",")
        lon = f"{22.13 + rng.random() * 0.05:.6f}".replace(".", ",")
        cost = f"{rng.randrange(0, 20000)},{rng.randrange(100):02d}" if rng.random() < 0.3 else ""
        lines.append(
            f"R-{i};{day}/{month} 2025;{rng.randrange(24):02d}.{rng.randrange(60):02d};"
            f"{rng.choice(CATEGORIES)};Klotter på vägg vid {rng.choice(['skolan', 'torget'])} "
            f"nr {i % 97};{rng.choice(districts)};{lat};{lon};{cost}"
        )
    return ("\n".join(lines) + "\n").encode("cp1252")


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(rows: int, url: str | None) -> None:
    from common import setup_django

    data_dir = setup_django(url)
    from django.db import connection

    from samverkan.demo.load import load_demo
    from samverkan.imports.tabular import read_table
    from samverkan.incidents.importers.file_import import import_incident_file
    from samverkan.incidents.importers.mapping import guess_mapping
    from samverkan.organisations.models import Organisation
    from samverkan.places.models import District

    load_demo(present=False)
    organisation = Organisation.objects.get(slug="lulea-kommun")
    districts = list(
        District.objects.filter(municipality__code="2580").values_list("name", flat=True)
    )
    data = csv_bytes(rows, districts)
    mapping = guess_mapping(read_table(data[:4096].rsplit(b"\n", 1)[0]).headers)
    rss_before = maxrss_mb()

    start = time.perf_counter()
    run = import_incident_file(
        data=data, filename="bench.csv", organisation=organisation, mapping=mapping
    )
    import_s = time.perf_counter() - start
    rss_after = maxrss_mb()
    assert run.created == rows, (run.created, run.failed, run.message)

    start = time.perf_counter()
    again = import_incident_file(
        data=data, filename="bench.csv", organisation=organisation, mapping=mapping
    )
    again_s = time.perf_counter() - start
    assert again.created == 0 and again.unchanged == run.created, again.message
    print(
        "RESULT "
        + json.dumps(
            {
                "backend": connection.vendor,
                "rows": rows,
                "created": run.created,
                "failed": run.failed,
                "file_mb": len(data) / 1e6,
                "import_s": import_s,
                "again_s": again_s,
                "rss_before_mb": rss_before,
                "rss_after_mb": rss_after,
            }
        )
    )
    connection.close()
    __import__("shutil").rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.rows, args.postgres if args.child == "postgresql" else None)
        return
    print(f"{args.rows:,} rows of CSV (Windows-1252, ';', Swedish dates and decimals)")
    print(
        f"{'database':<11} {'file MB':>8} {'created':>9} {'import s':>9} {'rows/s':>9} "
        f"{'again s':>8} {'RSS before':>11} {'peak RSS':>9} {'import held':>12}"
    )
    from common import child_results

    for backend, r in child_results(__file__, ["--rows", str(args.rows)], args.postgres):
        if r is None:
            continue
        print(
            f"{backend:<11} {r['file_mb']:>8.1f} {r['created']:>9,} {r['import_s']:>9.1f} "
            f"{r['rows'] / r['import_s']:>9,.0f} {r['again_s']:>8.1f} "
            f"{r['rss_before_mb']:>8,.0f} MB {r['rss_after_mb']:>6,.0f} MB "
            f"{r['rss_after_mb'] - r['rss_before_mb']:>9,.0f} MB"
        )


if __name__ == "__main__":
    main()
