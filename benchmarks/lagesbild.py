"""The whole lägesbild from the database, beside the ADBC + DuckDB floor on the same SQL.

    python benchmarks/lagesbild.py [--reports 100000,1000000] [--repeat 3] [--old]

SQLite in a temporary data directory; PostgreSQL when DATABASE_URL is set (its tables are
emptied and the demo loaded into them). The demo is loaded, then synthetic reports in Luleå
are added (benchmarks/common.insert_incidents: five years up to now, clustered around the
districts' points, 10 % begränsad, 3 % at the municipality centre) until --reports. For
each size it prints, as the coordinator, the default period (the last 12 months; the read
goes ten trend years back, so it covers every stored report):

- read: ``selectors.incident_frame`` (the bulk read into Arrow and pandas, local time once);
- whole: ``assemble.lagesbild`` plus ``json.dumps(result.to_dict(drawn_only=True))`` (read,
  every analysis, serialise as the page stores it), and the analyses' own part of it;
- floor: the same SQL text (the same scope, the same ``NOT INDEXED``) read by ADBC into
  Arrow in this process (on SQLite with Django's connection closed first; the lägesbild's
  own read runs ADBC's SQLite in a child process, bulk.py says why), the local time computed once (DuckDB ``timezone()`` into a table), then the
  lägesbild's seven plain aggregations in DuckDB SQL (month, ISO week, category, district,
  year × district, weekday × hour, weekend nights), 2 threads;
- on SQLite, the same ADBC read through the index the planner picks by itself;
- with --old, the values_list read it replaced (once);
- the annual page (GET /lagesbild/ar/) and its median.

Medians of --repeat runs after one warm-up. The load average is printed before and after:
the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import insert_incidents, setup_django  # noqa: E402

DUCK_SQL = {
    "month": "SELECT strftime(lt, '%Y-%m') AS period, count(*) FROM t GROUP BY 1",
    "isoweek": "SELECT isoyear(lt) AS y, week(lt) AS w, count(*) FROM t GROUP BY 1, 2",
    "category": "SELECT category, count(*) FROM t GROUP BY 1",
    "district": "SELECT district, count(*) FROM t GROUP BY 1",
    "year_district": "SELECT year(lt), district, count(*) FROM t GROUP BY 1, 2",
    "weekday_hour": "SELECT isodow(lt), hour(lt), count(*) FROM t GROUP BY 1, 2",
    "weekend": (
        "SELECT count(*) FROM t WHERE (isodow(lt) IN (5, 6) AND hour(lt) >= 23) "
        "OR (isodow(lt) IN (6, 7) AND hour(lt) < 3)"
    ),
}
YEARS_BACK = 4


def median_s(fn, repeat: int) -> tuple[float, object]:
    out = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def add(n: int) -> None:
    import numpy as np

    from samverkan.incidents.models import Category
    from samverkan.organisations.models import Organisation
    from samverkan.places.models import District

    rng = np.random.default_rng(n)
    categories = list(Category.objects.filter(active=True).values_list("pk", flat=True))
    organisations = list(Organisation.objects.values_list("pk", flat=True))
    districts = list(District.objects.filter(municipality__code="2580"))
    points = [d.geometry().representative_point() for d in districts]
    district = rng.integers(0, len(districts), n)
    jitter = rng.normal(0, 0.004, (n, 2))
    year = 365 * 86400
    insert_incidents(
        n,
        municipality=districts[0].municipality_id,
        # From YEARS_BACK years before a year ago up to now (rounded to whole seconds).
        occurred_seconds=rng.integers(-YEARS_BACK * year, year - 3600, n),
        columns={
            "category_id": rng.choice(categories, n),
            "organisation_id": rng.choice(organisations, n),
            "district_id": [districts[d].pk for d in district],
            "lat": (np.array([points[d].y for d in district]) + jitter[:, 0]).tolist(),
            "lon": (np.array([points[d].x for d in district]) + jitter[:, 1]).tolist(),
            "classification": rng.choice(["oppen", "intern", "begransad"], n, p=[0.3, 0.6, 0.1]),
            "position_is_centre": rng.random(n) < 0.03,
        },
        analyze=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", default="100000", help="sizes to fill up to, comma list")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--old", action="store_true", help="also time the values_list read")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    setup_django(url)
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

    import duckdb
    import pyarrow as pa
    from django.conf import settings
    from django.core.management import call_command
    from django.core.serializers.json import DjangoJSONEncoder
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from samverkan.core.models import User
    from samverkan.demo.load import load_demo
    from samverkan.incidents.models import Incident
    from samverkan.lagesbild import bulk, selectors
    from samverkan.lagesbild.assemble import Options, lagesbild, wide_read
    from samverkan.lagesbild.params import quick_periods
    from samverkan.lagesbild.sections.periods import previous_period, trend_windows
    from samverkan.lagesbild.views import default_agreement

    if url:
        call_command("flush", interactive=False, verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    call_command("collectstatic", interactive=False, verbosity=0)
    load_demo()
    user = User.objects.get(username="samordnare")
    agreement = default_agreement(user)
    today = timezone.localdate()
    period = next(q for q in quick_periods(today) if q["key"] == "12m")
    date_from, date_to = period["from"], today
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    def queryset():
        """What lagesbild() reads, built the same way."""
        opts = Options()
        base = selectors.scoped_incidents(
            agreement, user, shared=opts.shared, include_summaries=opts.include_summaries
        )
        start, end = selectors.data_range(base)
        windows = trend_windows(date_from, date_to, opts.trend_years)
        earliest = min(
            [date_from, previous_period(date_from, date_to)[0], *[w[1] for w in windows]]
        )
        narrowed = selectors.narrowed(
            base, date_from=earliest, date_to=date_to, districts=None, categories=None
        )
        return narrowed, wide_read(earliest, date_to, start, end)

    def whole():
        result = lagesbild(agreement=agreement, user=user, date_from=date_from, date_to=date_to)
        return result, json.dumps(result.to_dict(drawn_only=True), cls=DjangoJSONEncoder)

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute(f"SET TimeZone = '{settings.TIME_ZONE}'")

    def floor(sql, params):
        # In this process, the raw tool: Django's connection closed first, since two copies
        # of SQLite must not have the file open in one process (adbc_sqlite_reader.py).
        connection.close()
        adbc = bulk.adbc_connection()
        try:
            with adbc.cursor() as cursor:
                cursor.execute(bulk.adbc_sql("default", sql, params), params or None)
                table = cursor.fetch_arrow_table()
        finally:
            adbc.close()
        time_type = table.schema.field("occurred_from").type
        if not pa.types.is_timestamp(time_type):  # SQLite: text, as the driver reads it
            times = (
                table["occurred_from"].cast(pa.timestamp("us")).cast(pa.timestamp("us", tz="UTC"))
            )
            table = table.set_column(table.schema.get_field_index("occurred_from"),
                                     "occurred_from", times)  # fmt: skip
        con.register("raw", table)
        # Local time once, into a table, as the lägesbild does once per read.
        con.execute(
            "CREATE OR REPLACE TEMP TABLE t AS SELECT category__name AS category, "
            "district__name AS district, timezone('Europe/Stockholm', occurred_from) AS lt "
            "FROM raw"
        )
        con.unregister("raw")
        return {key: con.execute(q).fetchall() for key, q in DUCK_SQL.items()}

    def index_read(sql, params):
        plain = sql.replace(" NOT INDEXED", "")
        connection.close()
        adbc = bulk.adbc_connection()
        try:
            with adbc.cursor() as cursor:
                cursor.execute(bulk.adbc_sql("default", plain, params), params or None)
                return cursor.fetch_arrow_table().num_rows
        finally:
            adbc.close()

    def annual_page():
        response = client.get("/lagesbild/ar/", {"overenskommelse": agreement.pk})
        assert response.status_code == 200, response.status_code
        return response

    vendor = connection.vendor
    print(f"database: {vendor}, period {date_from}–{date_to} ({agreement.slug}), "
          f"median of {args.repeat}; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    print(
        f"{'reports':>9} {'read':>8} {'rows':>8} {'analyse':>8} {'whole':>8} {'floor':>8} "
        f"{'ratio':>6} {'idx read':>8} {'old read':>8} {'annual':>8}  (s, annual in ms)"
    )
    sizes = [0] + [int(s) for s in args.reports.split(",") if s.strip()]
    for n in sizes:
        missing = n - Incident.objects.count()
        if missing > 0:
            add(missing)
        qs, wide = queryset()
        assert wide, "the read should cover most of the stored span"
        sql, params = bulk.select(qs, selectors.FIELDS, scan=wide)
        read_t, frame = median_s(
            lambda qs=qs, wide=wide: selectors.incident_frame(qs, scan=wide, local_time=True),
            args.repeat,
        )
        whole_t, (result, _text) = median_s(whole, args.repeat)
        analyse_t = sum(result.timings.values())
        floor_t, counts = median_s(lambda s=sql, p=params: floor(s, p), args.repeat)
        assert sum(r[-1] for r in counts["month"]) == len(frame), (counts["month"], len(frame))
        index_t = (
            median_s(lambda s=sql, p=params: index_read(s, p), 1)[0] if vendor == "sqlite" else None
        )
        old_t = None
        if args.old:
            start = time.perf_counter()
            list(qs.order_by().values_list(*selectors.FIELDS))
            old_t = time.perf_counter() - start
        annual_t = median_s(annual_page, args.repeat)[0]

        def opt(value):
            return f"{value:>8.2f}" if value is not None else f"{'–':>8}"

        print(
            f"{Incident.objects.count():>9} {read_t:>8.2f} {len(frame):>8} {analyse_t:>8.2f} "
            f"{whole_t:>8.2f} {floor_t:>8.2f} {whole_t / floor_t:>6.2f} {opt(index_t)} "
            f"{opt(old_t)} {annual_t * 1000:>8.0f}",
            flush=True,
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
