"""Importing Polisen events at scale, against the raw insert limit, in one run.

Generates N events in the format of Polisen's open events API (Luleå and Boden, both by
municipality name and county-only "Norrbottens län" with the municipality last in the name;
other municipalities that are skipped; "Sammanfattning …" notices; types with trailing
spaces), then for each database:

- parse: `polisen.parse` alone (JSON → checked records);
- import: `import_polisen` (parse + type mapping + the loader's rules + writes), rows/s;
- again: the same payload once more (everything unchanged: the idempotence path);
- raw: the same stored rows written into the same table by a plain executemany INSERT
  (SQLite, with the page cache the loader sets for a run) or COPY (PostgreSQL), in one
  transaction, no checks: the floor;
- peak memory (ru_maxrss of the process doing it).

    python benchmarks/import_polisen.py [--rows 1000000] [--postgres URL] [--per-row-version]
    python benchmarks/import_polisen.py --index-costs 100000 [--postgres URL]
    python benchmarks/import_polisen.py --trigger-costs 100000

The raw floor is written as the loader writes, with the reports' version raised once
(`writer.version_raised_once`); its processor time is printed too. --per-row-version: the
import and the floor as before that, the SQLite triggers raising the version for each row.

--trigger-costs N (SQLite): what the version counter costs the raw insert of N rows: the
row triggers of migration 0013, the same with PRAGMA temp_store = MEMORY, triggers with a
WHEN clause that reads a one-row flag (set), no trigger, and version_raised_once; each
variant in a transaction that is rolled back, three times, forwards and backwards (the
median processor and wall time are printed).

--index-costs N: what each index of the incident table costs on insert: N rows written raw
(as above) with only the primary key and the unique (source, external_id) index (the base),
with the base plus each secondary index alone, and with all indexes; each variant in a
transaction that is rolled back (indexes are dropped only inside it), the series three
times, forwards and backwards (the median is printed).

SQLite runs in a temporary file. PostgreSQL runs when --postgres or BENCH_DATABASE_URL gives
an *empty* database the user may create tables in (it is migrated and filled). Each database
is measured in a child process of its own, so settings and memory are separate.
"""

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

OTHER = ["Kiruna", "Piteå", "Gällivare", "Umeå", "Stockholm", "Malmö", "Kalix", "Älvsbyn"]
TYPES = [
    "Skadegörelse",
    "Brand",
    "Ordningslagen",
    "Stöld",
    "Misshandel",
    "Narkotikabrott",
    "Trafikolycka",
    "Rattfylleri",
    "Bråk",
    "Inbrott",
    "Brand ",  # Polisen's trailing space
]
CENTRE = {"Luleå": "65.584819,22.156703", "Boden": "65.825000,21.688000"}
COUNTY_GPS = "66.830899,20.399244"
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]  # fmt: skip


def events(n: int, seed: int = 2580) -> list[dict]:
    rng = random.Random(seed)
    start = 1_704_067_200  # 2024-01-01 UTC; two years of events
    out = []
    for i in range(n):
        t = start + rng.randrange(2 * 365 * 86400)
        tm = time.gmtime(t + 7200)
        r = rng.random()
        municipality = "Luleå" if r < 0.45 else "Boden" if r < 0.65 else rng.choice(OTHER)
        type_ = "Sammanfattning natt" if rng.random() < 0.03 else rng.choice(TYPES)
        county = rng.random() < 0.6
        hour = str(tm.tm_hour) if rng.random() < 0.5 else f"{tm.tm_hour:02d}"  # unpadded
        out.append(
            {
                "id": 1_000_000 + i,
                "datetime": f"{tm.tm_year}-{tm.tm_mon:02d}-{tm.tm_mday:02d} "
                f"{hour}:{tm.tm_min:02d}:{tm.tm_sec:02d} +02:00",
                "name": f"{tm.tm_mday} {MONTHS[tm.tm_mon - 1]} {tm.tm_hour:02d}.{tm.tm_min:02d}, "
                f"{type_.strip()}, {municipality}",
                "summary": f"Händelse {i} vid {rng.choice(['centrum', 'skolan', 'hamnen'])}.",
                "url": f"/aktuellt/handelser/{tm.tm_year}/{MONTHS[tm.tm_mon - 1]}/{i}/",
                "type": type_,
                "location": {
                    "name": "Norrbottens län" if county else municipality,
                    "gps": COUNTY_GPS if county else CENTRE.get(municipality, "67.8558,20.2253"),
                },
            }
        )
    return out


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(backend: str, rows: int, url: str | None, per_row_version: bool = False) -> None:
    data_dir = _setup(url)
    import contextlib

    from django.db import connection, transaction

    from samverkan.core.privacy import find_personal_data
    from samverkan.incidents.importers import polisen, writer
    from samverkan.incidents.importers.load import without_cyclic_gc
    from samverkan.incidents.importers.polisen_load import (
        import_polisen,
        municipalities_for,
        police_organisation,
        polisen_names,
    )
    from samverkan.incidents.importers.rules import COLUMNS
    from samverkan.incidents.importers.writer import SQLITE_IMPORT_CACHE_KIB
    from samverkan.incidents.models import Incident

    if per_row_version:
        # As before the loader raised the version once per batch: the triggers fire per row.
        writer.version_raised_once = contextlib.nullcontext
    police = police_organisation()
    names = {n: m.code for m in municipalities_for(police) for n in polisen_names(m)}

    payload = json.dumps(events(rows), ensure_ascii=False).encode()
    rss_before = maxrss_mb()

    start, cpu = time.perf_counter(), time.process_time()
    with without_cyclic_gc():  # as import_polisen parses
        parsed = polisen.parse(payload, municipalities=names)
    parse_s, parse_cpu = time.perf_counter() - start, time.process_time() - cpu
    kept = len(parsed.rows)
    # The privacy guard alone over the same texts (part of the loader's rules).
    texts = [event.summary or event.name for event in parsed.rows]
    del parsed
    cpu = time.process_time()
    for text in texts:
        find_personal_data(text)
    guard_cpu = time.process_time() - cpu
    del texts

    start, cpu = time.perf_counter(), time.process_time()
    run = import_polisen(payload, organisation=police)
    import_s, import_cpu = time.perf_counter() - start, time.process_time() - cpu
    rss_import = maxrss_mb()
    assert run.created == kept and run.failed == 0, (run.created, kept, run.failed)

    start = time.perf_counter()
    again = import_polisen(payload, organisation=police)
    again_s = time.perf_counter() - start
    assert again.created == again.updated == 0 and again.unchanged == kept

    # The floor: the same stored rows, written by the database's plainest bulk path.
    names_sql = (*COLUMNS, "organisation_id", "source", "external_id", "created_at", "updated_at")
    stored = list(Incident.objects.filter(source="polisen").values_list(*names_sql))
    Incident.objects.filter(source="polisen").delete()
    table = Incident._meta.db_table
    cols = ", ".join(connection.ops.quote_name(n) for n in names_sql)
    if connection.vendor == "sqlite":
        # The values as sqlite3 takes them, prepared before the clock starts.
        ops = connection.ops
        stored = [
            tuple(ops.adapt_datetimefield_value(v) if hasattr(v, "tzinfo") else v for v in r)
            for r in stored
        ]
    start, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic(), writer.version_raised_once(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in stored:
                    copy.write_row(row)
            raw_how = "COPY"
        else:
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
            placeholders = ", ".join(["%s"] * len(names_sql))
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({placeholders})", stored)
            raw_how = "executemany INSERT"
    raw_s, raw_cpu = time.perf_counter() - start, time.process_time() - cpu

    result = {
        "backend": backend,
        "events": rows,
        "stored": kept,
        "skipped": run.skipped,
        "parse_s": parse_s,
        "import_s": import_s,
        "import_cpu_s": import_cpu,
        "parse_cpu_s": parse_cpu,
        "guard_cpu_s": guard_cpu,
        "again_s": again_s,
        "raw_s": raw_s,
        "raw_cpu_s": raw_cpu,
        "raw_how": raw_how,
        "rss_payload_mb": rss_before,
        "rss_peak_mb": rss_import,
        "payload_mb": len(payload) / 1e6,
    }
    print("RESULT " + json.dumps(result))
    connection.close()
    shutil.rmtree(data_dir, ignore_errors=True)  # the SQLite file is hundreds of MB


def _raw_records(rows: int) -> list[tuple]:
    """`rows` synthetic Polisen rows as the raw insert of INSERT_NAMES takes them."""
    import datetime as dt

    from django.db import connection

    from samverkan.incidents.importers.polisen_load import police_organisation
    from samverkan.incidents.importers.writer import INSERT_NAMES
    from samverkan.incidents.models import Category
    from samverkan.places.models import Municipality

    rng = random.Random(7)
    categories = list(Category.objects.values_list("pk", flat=True))
    municipality = Municipality.objects.get(code="2580").pk
    organisation = police_organisation().pk
    postgresql = connection.vendor == "postgresql"
    now = dt.datetime.now(dt.UTC)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    records = []
    for i in range(rows):
        when = start + dt.timedelta(seconds=rng.randrange(2 * 365 * 86400))
        if not postgresql:
            when = str(when.replace(tzinfo=None))
        values = {
            **dict.fromkeys(INSERT_NAMES),
            "category_id": rng.choice(categories),
            "occurred_from": when,
            "occurred_to": when,
            "time_precision": "ungefar",
            "municipality_id": municipality,
            "lat": 65.58,
            "lon": 22.15,
            "description": f"Händelse {i} vid centrum.",
            "severity": 1,
            "creates_insecurity": False,
            "place_type": "offentlig",
            "classification": "oppen",
            "status": "ny",
            "source_type": "Brand",
            "source_url": f"https://polisen.se/aktuellt/handelser/{i}/",
            "is_summary": False,
            "position_is_centre": True,
            "organisation_id": organisation,
            "source": "polisen",
            "external_id": str(1_000_000 + i),
            "created_at": now if postgresql else str(now.replace(tzinfo=None)),
            "updated_at": now if postgresql else str(now.replace(tzinfo=None)),
        }
        records.append(tuple(values[n] for n in INSERT_NAMES))
    return records


def index_costs(backend: str, rows: int, url: str | None) -> None:
    """Raw insert of `rows` rows with and without each index (see the module docstring)."""
    import statistics

    data_dir = _setup(url)
    from django.db import connection, transaction

    from samverkan.incidents.importers.writer import (
        INSERT_NAMES,
        SQLITE_IMPORT_CACHE_KIB,
        version_raised_once,
    )
    from samverkan.incidents.models import Incident

    postgresql = connection.vendor == "postgresql"
    records = _raw_records(rows)
    table = Incident._meta.db_table
    quote = connection.ops.quote_name
    columns = ", ".join(quote(n) for n in INSERT_NAMES)
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE "
                "'%%pkey'",
                [table],
            )
        else:
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE tbl_name = %s AND type = 'index' "
                "AND sql IS NOT NULL",
                [table],
            )
        indexes = sorted(r[0] for r in cursor.fetchall())
    secondary = [i for i in indexes if i != "incident_external_id_unique_per_source"]
    base = "base: primary key + unique external id"
    variants = [(base, secondary)]
    variants += [(f"base + {i}", [j for j in secondary if j != i]) for i in secondary]
    variants.append(("all indexes", []))

    class Undo(Exception):
        pass

    times: dict[str, list[float]] = {}
    for repeat in range(3):
        for name, drop in variants if repeat % 2 == 0 else variants[::-1]:
            try:
                with transaction.atomic(), version_raised_once(), connection.cursor() as cursor:
                    for index in drop:
                        cursor.execute(f"DROP INDEX {quote(index)}")
                    begin = time.perf_counter()
                    if postgresql:
                        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                            for record in records:
                                copy.write_row(record)
                    else:
                        marks = ", ".join(["%s"] * len(INSERT_NAMES))
                        cursor.executemany(
                            f"INSERT INTO {table} ({columns}) VALUES ({marks})", records
                        )
                    times.setdefault(name, []).append(time.perf_counter() - begin)
                    raise Undo
            except Undo:
                pass
    floor = statistics.median(times[base])
    print(f"{backend}: {rows:,} rows, raw {'COPY' if postgresql else 'executemany INSERT'}")
    print(f"{'variant':<58} {'s':>6} {'rows/s':>9} {'+ s':>6}")
    for name, _drop in variants:
        seconds = statistics.median(times[name])
        print(f"{name:<58} {seconds:>6.2f} {rows / seconds:>9,.0f} {seconds - floor:>+6.2f}")
    connection.close()
    shutil.rmtree(data_dir, ignore_errors=True)


def trigger_costs(rows: int) -> None:
    """SQLite: what the version counter costs a raw insert of `rows` rows (see the module
    docstring), each variant in a transaction that is rolled back, three times, forwards and
    backwards; the median processor and wall time."""
    import statistics

    data_dir = _setup(None)
    from django.db import connection, transaction

    from samverkan.incidents.importers.writer import (
        INSERT_NAMES,
        SQLITE_IMPORT_CACHE_KIB,
        version_raised_once,
    )
    from samverkan.incidents.models import Incident

    records = _raw_records(rows)
    table = Incident._meta.db_table
    bump = "UPDATE incidents_reportsversion SET version = version + 1 WHERE id = 1"
    flag = "(SELECT suppressed FROM bench_version_flag) = 0"

    operations = ("INSERT", "UPDATE", "DELETE")

    def triggers(when: str) -> list[str]:
        drop = [f"DROP TRIGGER incidents_version_{op.lower()}" for op in operations]
        return drop + [
            f"CREATE TRIGGER incidents_version_{op.lower()} AFTER {op} ON {table} FOR EACH ROW "
            f"{when} BEGIN {bump}; END"
            for op in operations
        ]

    flagged = [
        "CREATE TABLE bench_version_flag (suppressed bool NOT NULL)",
        "INSERT INTO bench_version_flag VALUES (1)",
        *triggers(f"WHEN {flag}"),
    ]
    variants = {
        "the triggers of 0013: one UPDATE per row": ([], "DEFAULT", False),
        "the triggers of 0013, PRAGMA temp_store = MEMORY": ([], "MEMORY", False),
        "triggers WHEN a one-row flag is 0, flag set": (flagged, "DEFAULT", False),
        "the flagged ones, PRAGMA temp_store = MEMORY": (flagged, "MEMORY", False),
        "no trigger (dropped)": (
            [f"DROP TRIGGER incidents_version_{op.lower()}" for op in operations],
            "DEFAULT",
            False,
        ),
        "version_raised_once (the loader's)": ([], "DEFAULT", True),
    }
    marks = ", ".join(["%s"] * len(INSERT_NAMES))
    columns = ", ".join(connection.ops.quote_name(n) for n in INSERT_NAMES)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"

    class Undo(Exception):
        pass

    cpu_times: dict[str, list[float]] = {}
    wall_times: dict[str, list[float]] = {}
    names = list(variants)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    for repeat in range(3):
        for name in names if repeat % 2 == 0 else names[::-1]:
            setup, temp_store, once = variants[name]
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA temp_store = {temp_store}")
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    for statement in setup:
                        cursor.execute(statement)
                    begin, cpu = time.perf_counter(), time.process_time()
                    with version_raised_once() if once else transaction.atomic():
                        cursor.executemany(sql, records)
                    cpu_times.setdefault(name, []).append(time.process_time() - cpu)
                    wall_times.setdefault(name, []).append(time.perf_counter() - begin)
                    raise Undo
            except Undo:
                pass
    print(f"sqlite: {rows:,} rows, raw executemany INSERT, the version counter's costs")
    print(f"{'variant':<50} {'CPU s':>6} {'s':>6} {'µs/row CPU':>11}")
    for name in names:
        cpu, wall = statistics.median(cpu_times[name]), statistics.median(wall_times[name])
        print(f"{name:<50} {cpu:>6.2f} {wall:>6.2f} {cpu / rows * 1e6:>11.1f}")
    connection.close()
    shutil.rmtree(data_dir, ignore_errors=True)


def _setup(url: str | None) -> str:
    """Django on its own database, migrated, with the demo's organisations and places."""
    from common import setup_django

    data_dir = setup_django(url)
    from samverkan.demo.load import load_demo

    load_demo()
    return data_dir


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--index-costs", type=int, metavar="N")
    parser.add_argument("--trigger-costs", type=int, metavar="N")
    parser.add_argument("--per-row-version", action="store_true")
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.index_costs and args.child:
        url = args.postgres if args.child == "postgresql" else None
        index_costs(args.child, args.index_costs, url)
        return
    if args.index_costs:
        for backend, url in [("sqlite", None)] + (
            [("postgresql", args.postgres)] if args.postgres else []
        ):
            command = [sys.executable, __file__, "--index-costs", str(args.index_costs)]
            command += ["--child", backend] + (["--postgres", url] if url else [])
            subprocess.run(command, check=False)
        return
    if args.trigger_costs:
        trigger_costs(args.trigger_costs)
        return
    if args.child:
        url = args.postgres if args.child == "postgresql" else None
        child(args.child, args.rows, url, args.per_row_version)
        return

    print(f"{args.rows:,} events in Polisen's format (45 % Luleå, 20 % Boden, 35 % elsewhere)")
    header = (
        f"{'database':<11} {'stored':>9} {'parse s':>8} {'load s':>8} {'import s':>9} "
        f"{'events/s':>9} {'rows/s':>9} {'again s':>8} {'raw s':>7} {'import/raw':>10} "
        f"{'peak MB':>8}  raw is"
    )
    print(header)
    from common import child_results

    argv = ["--rows", str(args.rows)] + (["--per-row-version"] if args.per_row_version else [])
    for backend, r in child_results(__file__, argv, args.postgres):
        if r is None:
            continue
        load_s = r["import_s"] - r["parse_s"]
        print(
            f"{backend:<11} {r['stored']:>9,} {r['parse_s']:>8.1f} {load_s:>8.1f} "
            f"{r['import_s']:>9.1f} {r['events'] / r['import_s']:>9,.0f} "
            f"{r['stored'] / r['import_s']:>9,.0f} {r['again_s']:>8.1f} {r['raw_s']:>7.1f} "
            f"{r['import_s'] / r['raw_s']:>10.1f} {r['rss_peak_mb']:>8,.0f}  {r['raw_how']}"
        )
        print(
            f"{'':<11} import CPU time of this process {r['import_cpu_s']:.1f} s "
            f"({r['stored'] / r['import_cpu_s']:,.0f} stored rows per CPU second); of it "
            f"parse {r['parse_cpu_s']:.1f} s, privacy guard {r['guard_cpu_s']:.1f} s, "
            f"the loader's other rules and writes "
            f"{r['import_cpu_s'] - r['parse_cpu_s'] - r['guard_cpu_s']:.1f} s; raw CPU time "
            f"{r['raw_cpu_s']:.1f} s"
        )
        print(
            f"{'':<11} payload {r['payload_mb']:,.0f} MB; memory with the payload built "
            f"{r['rss_payload_mb']:,.0f} MB; skipped (other municipalities) {r['skipped']:,}"
        )


if __name__ == "__main__":
    main()
