"""How the incident map's data endpoint and the list page scale with stored reports.

For 100 000 and 1 000 000 stored reports in Luleå (synthetic, spread around the twelve
areas) prints the median time of:

- map, city zoom (12, 400 m cells over the town) and street zoom (16, points in Centrum,
  falling back to 100 m cells when more than 2 000), both through `incidents.map.map_data`
  on the scoped, filtered queryset of a kommun user — what the endpoint does (cells
  counted by the database on the stored 100 m cells, Incident.cell_x and cell_y);
- the city cells the other way: rows read into NumPy and projected with pyproj;
- the city cells with no stored cell (every report's emptied, as by an update that
  bypassed Python): the database's count finds none and NumPy counts the points;
- a plain degree-grid GROUP BY over the same scoped rows (the simplest database variant);
- the list page's queries (`views.incident_page`): the total count, one page of 50 ids, the
  page's rows with their joins;
- the raw limit: one hand-written SQL GROUP BY over the same table with no scoping, and
  DuckDB over an Arrow table of the same rows' SWEREF 99 TM coordinates (already read).

    python benchmarks/map_aggregation.py [--sizes 100000,1000000] [--repeat 7]

A throwaway SQLite file database in a temporary data directory; PostgreSQL when
BENCH_DATABASE_URL is set (its tables are created by migrate and emptied first). Each size
is measured twice: on the freshly filled database, and after ANALYZE. On SQLite the times are
processor time (time.process_time: the database runs in this process, and the machine is
often shared), on PostgreSQL wall time (the server's work is in another process). The rows are written
with raw SQL, so their cells are stored afterwards by migration 0014's `fill_cells` (its time
is printed: what the migration costs at that size).
"""

import argparse
import importlib
import os
import sys
import tempfile
import time

if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
os.environ.setdefault("SAMVERKAN_DATA_DIR", tempfile.mkdtemp(prefix="samverkan-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django  # noqa: E402

django.setup()


import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
from common import insert_incidents  # noqa: E402
from common import median_ms as common_median_ms  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from pyproj import Transformer  # noqa: E402

from samverkan.core.models import User  # noqa: E402
from samverkan.incidents import map as incident_map  # noqa: E402
from samverkan.incidents.access import incident_list_for_user  # noqa: E402
from samverkan.incidents.filters import incident_filter, parse_filter  # noqa: E402
from samverkan.incidents.models import Category, Incident  # noqa: E402
from samverkan.incidents.views import incident_page  # noqa: E402
from samverkan.organisations.models import Organisation  # noqa: E402
from samverkan.places.models import District  # noqa: E402

MIGRATION = importlib.import_module("samverkan.incidents.migrations.0014_map_cells")
CITY = ("22.05,65.54,22.32,65.64", 12)
STREET = ("22.145,65.580,22.162,65.588", 16)
ANCHORS = [
    (65.5840, 22.1540, 700, 0.30),
    (65.5830, 22.2670, 900, 0.12),
    (65.6060, 22.2000, 800, 0.12),
    (65.6140, 22.1360, 800, 0.10),
    (65.5650, 22.1280, 900, 0.08),
    (65.6000, 22.0870, 800, 0.08),
    (65.5900, 22.1800, 700, 0.08),
    (65.6320, 22.0260, 1500, 0.06),
    (65.6600, 21.9300, 2000, 0.03),
    (65.8500, 22.3000, 2000, 0.03),
]


def median_ms(fn, repeat: int) -> float:
    """The median of `repeat` calls after one warm-up, in ms: processor time on SQLite (the
    database works in this process), wall time on PostgreSQL (it works in the server's)."""
    clock = time.process_time if connection.vendor == "sqlite" else time.perf_counter
    return common_median_ms(fn, repeat, clock=clock)


def fill(n: int) -> None:
    """n synthetic reports straight into the table with executemany, in batches."""
    Incident.objects.all().delete()
    rng = np.random.default_rng(n)
    to_wgs = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    to_sweref = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    weights = np.array([a[3] for a in ANCHORS])
    which = rng.choice(len(ANCHORS), size=n, p=weights / weights.sum())
    anchors = np.array([to_sweref.transform(a[1], a[0]) for a in ANCHORS])
    spread = np.array([a[2] for a in ANCHORS])
    x = anchors[which, 0] + rng.normal(0, 1, n) * spread[which]
    y = anchors[which, 1] + rng.normal(0, 1, n) * spread[which]
    lon, lat = to_wgs.transform(x, y)
    categories = list(Category.objects.values_list("pk", flat=True))
    organisations = list(Organisation.objects.values_list("pk", flat=True))
    districts = list(
        District.objects.filter(municipality__code="2580").values_list("pk", flat=True)
    )
    municipality = District.objects.get(pk=districts[0]).municipality_id
    insert_incidents(
        n,
        municipality=municipality,
        occurred_seconds=rng.integers(0, 365 * 86400, n),
        columns={
            "category_id": rng.choice(categories, n),
            "organisation_id": rng.choice(organisations, n),
            "district_id": rng.choice(districts, n),
            "lat": lat,
            "lon": lon,
            "classification": rng.choice(["oppen", "intern", "begransad"], n, p=[0.3, 0.6, 0.1]),
            "position_is_centre": rng.random(n) < 0.03,
        },
    )


def scoped(user):
    return incident_filter(incident_list_for_user(user), parse_filter({}))


def db_cells(queryset, bbox: str, size_m: float):
    """The alternative: count cells in the database on a degree grid of about size_m."""
    box = incident_map.parse_bbox(bbox)
    dlat = size_m / 111_320
    dlon = size_m / (111_320 * np.cos(np.radians((box.south + box.north) / 2)))
    inner = incident_map._in_box(queryset, box).values("lat", "lon")
    sql, params = inner.query.sql_with_params()
    grouped = (
        f"SELECT CAST(FLOOR(t.lat / %s) AS INTEGER), CAST(FLOOR(t.lon / %s) AS INTEGER), "
        f"COUNT(*) FROM ({sql}) t GROUP BY 1, 2"
    )
    with connection.cursor() as cursor:
        cursor.execute(grouped, (dlat, dlon, *params))
        return cursor.fetchall()


def raw_group_by(bbox: str, size_m: float):
    box = incident_map.parse_bbox(bbox)
    dlat = size_m / 111_320
    dlon = size_m / (111_320 * np.cos(np.radians((box.south + box.north) / 2)))
    table = connection.ops.quote_name(Incident._meta.db_table)
    sql = (
        f"SELECT CAST(FLOOR(lat / %s) AS INTEGER), CAST(FLOOR(lon / %s) AS INTEGER), COUNT(*) "
        f"FROM {table} WHERE lat BETWEEN %s AND %s AND lon BETWEEN %s AND %s GROUP BY 1, 2"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (dlat, dlon, box.south, box.north, box.west, box.east))
        return cursor.fetchall()


def numpy_city(queryset):
    """The map's other way: rows to NumPy, projected with pyproj (what it does for the
    reports without a stored cell)."""
    incident_map.DATABASE_CELLS = False
    try:
        return incident_map.map_data(queryset, incident_map.parse_bbox(CITY[0]), CITY[1])
    finally:
        incident_map.DATABASE_CELLS = True


def without_cells(queryset, city_box, repeat: int) -> float:
    """The city view with every stored cell emptied (then filled again)."""
    Incident.objects.update(cell_x=None, cell_y=None)
    try:
        return median_ms(lambda: incident_map.map_data(queryset, city_box, CITY[1]), repeat)
    finally:
        MIGRATION.fill_cells(connection)


def phase_figures(queryset, city_box, street_box, size: float, repeat: int) -> list[float]:
    return [
        median_ms(lambda: incident_map.map_data(queryset, city_box, CITY[1]), repeat),
        median_ms(lambda: numpy_city(queryset), repeat),
        without_cells(queryset, city_box, repeat),
        median_ms(lambda: incident_map.map_data(queryset, street_box, STREET[1]), repeat),
        median_ms(lambda: db_cells(queryset, CITY[0], size), repeat),
        median_ms(lambda: list(incident_page(queryset, 1).object_list), repeat),
        median_ms(lambda: raw_group_by(CITY[0], size), repeat),
    ]


def measure(n: int, user, repeat: int) -> None:
    started = time.perf_counter()
    fill(n)
    filled = time.perf_counter() - started
    started = time.process_time()
    MIGRATION.fill_cells(connection)
    cells = time.process_time() - started
    size = incident_map.cell_size_m(CITY[1])

    rows = np.asarray(
        Incident.objects.filter(lat__isnull=False).values_list("lat", "lon"), dtype=float
    )
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True).transform(
        rows[:, 1], rows[:, 0]
    )
    arrow = pa.table({"x": np.asarray(x), "y": np.asarray(y)})
    duck = duckdb.connect()
    duck.register("reports", arrow)

    def duck_cells():
        return duck.execute(
            f"SELECT floor(x / {size}) AS cx, floor(y / {size}) AS cy, count(*) "
            "FROM reports GROUP BY 1, 2"
        ).fetchall()

    for phase in ("fresh", "analyzed"):
        if phase == "analyzed":
            # What PostgreSQL's autovacuum does by itself; SQLite needs ANALYZE (or PRAGMA
            # optimize) to know that the municipality index does not narrow anything.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        queryset = scoped(user)
        city_box = incident_map.parse_bbox(CITY[0])
        street_box = incident_map.parse_bbox(STREET[0])
        street_mode = incident_map.map_data(queryset, street_box, STREET[1])["mode"]
        figures = phase_figures(queryset, city_box, street_box, size, repeat) + [
            median_ms(duck_cells, repeat)
        ]
        print(
            f"{n:>10,} {phase:<8} | "
            + " | ".join(f"{value:8.1f} ms" for value in figures)
            + f"   (street: {street_mode}; filling {filled:.0f} s, its cells {cells:.1f} s CPU)"
        )
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    call_command("migrate", interactive=False, verbosity=0)
    from samverkan.demo.load import load_demo

    load_demo(present=False)
    user = User.objects.get(username="samordnare")
    clock = "processor time" if connection.vendor == "sqlite" else "wall time"
    print(
        f"database: {connection.vendor}; user: samordnare (kommun, scoped, classification); "
        f"{clock}, median of {args.repeat}; load {os.getloadavg()[0]:.1f}"
    )
    print(
        "reports    phase    | map city z12 | city via NumPy | city, no stored cells "
        "| map street z16 "
        "| city, degree-grid GROUP BY | list count+page | raw SQL GROUP BY | DuckDB over Arrow"
    )
    for n in [int(s) for s in args.sizes.split(",")]:
        measure(n, user, args.repeat)


if __name__ == "__main__":
    main()
