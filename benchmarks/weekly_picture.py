"""How the weekly EST picture scales with stored reports.

For 100 000 and 1 000 000 stored reports in Luleå (synthetic: a year up to now, spread over
the twelve areas and all categories, 10 % begränsad, 3 % with only the municipality's centre
as position) prints, for the latest complete open week's picture of the Luleå agreement:

- `weekly_picture()` server time, cold (first call on a fresh database connection) and warm
  (median of several runs), and its number of queries;
- the weekly page (GET /est/<agreement>/<year>/v<week>/ through Django's test client:
  picture, map sketch and template), warm median, for a live week: the latest complete
  week whose meeting is not closed (a closed meeting's page shows its stored snapshot);
- the raw limit: the same grouped count (district × category × week over the 9 weeks) as one
  hand-written SQL query, no ORM.

    python benchmarks/weekly_picture.py [--sizes 100000,1000000] [--repeat 7]

A throwaway SQLite file database in a temporary data directory; PostgreSQL when
BENCH_DATABASE_URL is set (its tables are created by migrate and its reports emptied first).
"""

import argparse
import os
import tempfile
import time

if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
os.environ.setdefault("SAMVERKAN_DATA_DIR", tempfile.mkdtemp(prefix="samverkan-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

import numpy as np  # noqa: E402
from common import count_queries, insert_incidents, median_ms  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from samverkan.core.models import User  # noqa: E402
from samverkan.est.weekly import (  # noqa: E402
    current_week,
    meeting_of,
    shift_week,
    week_bounds,
    week_start,
    weekly_picture,
)
from samverkan.incidents.models import Category, Incident  # noqa: E402
from samverkan.organisations.models import Organisation  # noqa: E402
from samverkan.places.models import District  # noqa: E402
from samverkan.plans.models import Agreement  # noqa: E402

BASELINE_WEEKS = 8


def fill(n: int) -> None:
    """n synthetic reports straight into the table with executemany, in batches."""
    Incident.objects.all().delete()
    rng = np.random.default_rng(n)
    categories = list(Category.objects.values_list("pk", flat=True))
    organisations = list(Organisation.objects.values_list("pk", flat=True))
    districts = list(District.objects.filter(municipality__code="2580"))
    municipality = districts[0].municipality_id
    points = [d.geometry().representative_point() for d in districts]
    district = rng.integers(0, len(districts), n)
    jitter = rng.normal(0, 0.002, (n, 2))
    insert_incidents(
        n,
        municipality=municipality,
        occurred_seconds=rng.integers(0, 365 * 86400, n),
        columns={
            "category_id": rng.choice(categories, n),
            "organisation_id": rng.choice(organisations, n),
            "district_id": [districts[d].pk for d in district],
            "lat": [points[d].y + jitter[i, 0] for i, d in enumerate(district)],
            "lon": [points[d].x + jitter[i, 1] for i, d in enumerate(district)],
            "classification": rng.choice(["oppen", "intern", "begransad"], n, p=[0.3, 0.6, 0.1]),
            "position_is_centre": rng.random(n) < 0.03,
            "severity": rng.choice([1, 2, 3], n, p=[0.7, 0.25, 0.05]),
            "creates_insecurity": rng.random(n) < 0.1,
        },
        analyze=True,
    )


def raw_grouped_count(year: int, week: int, municipality: int) -> list:
    """The floor: the picture's one heavy query, written by hand."""
    bounds = [
        week_start(*shift_week(year, week, b - BASELINE_WEEKS)) for b in range(BASELINE_WEEKS + 1)
    ] + [week_bounds(year, week)[1]]
    cases = " ".join(f"WHEN occurred_from >= %s THEN {b}" for b in range(BASELINE_WEEKS, -1, -1))
    params = [bounds[b] for b in range(BASELINE_WEEKS, -1, -1)]
    table = connection.ops.quote_name(Incident._meta.db_table)
    sql = (
        f"SELECT district_id, category_id, CASE {cases} END AS bucket, COUNT(*) FROM {table} "
        "WHERE municipality_id = %s AND is_summary = %s AND classification IN (%s, %s) "
        "AND occurred_from >= %s AND occurred_from < %s GROUP BY 1, 2, 3"
    )
    params += [municipality, False, "oppen", "intern", bounds[0], bounds[-1]]
    params = [
        connection.ops.adapt_datetimefield_value(p) if isinstance(p, dt.datetime) else p
        for p in params
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from samverkan.demo.load import load_demo

    load_demo()
    agreement = Agreement.objects.get(slug="lulea-polisen-2020-2023")
    user = User.objects.get(username="samordnare")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    # The latest complete week whose meeting is open: the page then computes the live
    # picture (a closed meeting's page shows its stored snapshot and measures nothing).
    year, week = shift_week(*current_week(), -1)
    while (meeting := meeting_of(agreement, year, week)) is not None and meeting.is_closed:
        year, week = shift_week(year, week, -1)
    url = f"/est/{agreement.pk}/{year}/v{week}/"
    municipality = District.objects.filter(municipality__code="2580").first().municipality_id

    print(
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
        f"week {year}-W{week:02d}, baseline {BASELINE_WEEKS} weeks, median of {args.repeat} runs"
    )
    print(
        f"{'reports':>9} {'fill s':>7} {'week n':>7} {'queries':>7} {'cold ms':>8} "
        f"{'warm ms':>8} {'page ms':>8} {'raw SQL ms':>10} {'warm/raw':>8}"
    )
    for n in [int(s) for s in args.sizes.split(",")]:
        started = time.perf_counter()
        fill(n)
        filled = time.perf_counter() - started

        def picture():
            return weekly_picture(agreement, year, week, baseline_weeks=BASELINE_WEEKS)

        connection.close()
        start = time.perf_counter()
        result = picture()
        cold = (time.perf_counter() - start) * 1000
        queries = count_queries(picture)
        warm = median_ms(picture, args.repeat)
        # secure: production settings redirect plain HTTP to HTTPS (docs/security.md).
        response = client.get(url, secure=True)
        assert response.status_code == 200, (url, response.status_code)
        page = median_ms(lambda: client.get(url, secure=True), args.repeat)
        raw = median_ms(lambda: raw_grouped_count(year, week, municipality), args.repeat)
        rows = raw_grouped_count(year, week, municipality)
        assert sum(r[3] for r in rows if r[2] == BASELINE_WEEKS) == result.total
        print(
            f"{n:>9} {filled:>7.1f} {result.total:>7} {queries:>7} {cold:>8.1f} "
            f"{warm:>8.1f} {page:>8.1f} {raw:>10.1f} {warm / raw:>8.2f}"
        )


if __name__ == "__main__":
    main()
