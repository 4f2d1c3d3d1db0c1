"""How fast the lägesbild page answers, at the demo's size and at 100 000 reports.

Loads the demo into a throwaway SQLite database (or DATABASE_URL via BENCH_DATABASE_URL),
then requests /lagesbild/ (the default period, the last 12 months, of the first agreement)
as the coordinator with Django's test client and prints:

- cold: the first request after the reports changed (the stored result is computed);
- warm: the median of --repeat requests (the stored result is reused);
- uncached: the median of --repeat requests with the cache emptied before each (the whole
  computation every time: analyses, charts, template);
- the login page's median beside it as the floor (a page with no data work at all);
- the annual page (/lagesbild/ar/): "år kall" computed afresh, "år varm" the median read
  from its stored result; "version" the median of the data version query alone (the part
  of every warm request that grows with the reports).

Then adds synthetic reports in Luleå (a year up to now, clustered around the districts'
points; written in batches with executemany, benchmarks/common.insert_incidents) until
--reports (default 100 000; a comma list gives several rows) and prints the same row.
The times are server times: the view runs in this process, no network in between.

    python benchmarks/lagesbild_page.py [--reports 100000] [--repeat 5]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
os.environ.setdefault("SAMVERKAN_DATA_DIR", tempfile.mkdtemp(prefix="samverkan-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
# Plain HTTP from the test client: no redirect to HTTPS, cookies without Secure.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")

import django  # noqa: E402

django.setup()

import statistics  # noqa: E402

import numpy as np  # noqa: E402
from common import insert_incidents, median_ms  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from samverkan.core.models import User  # noqa: E402
from samverkan.incidents.models import Category, Incident  # noqa: E402
from samverkan.lagesbild import stored  # noqa: E402
from samverkan.lagesbild.views import default_agreement  # noqa: E402
from samverkan.organisations.models import Organisation  # noqa: E402
from samverkan.places.models import District  # noqa: E402


def add(n: int) -> None:
    rng = np.random.default_rng(n)
    categories = list(Category.objects.values_list("pk", flat=True))
    organisations = list(Organisation.objects.values_list("pk", flat=True))
    districts = list(District.objects.filter(municipality__code="2580"))
    points = [d.geometry().representative_point() for d in districts]
    district = rng.integers(0, len(districts), n)
    jitter = rng.normal(0, 0.004, (n, 2))
    insert_incidents(
        n,
        municipality=districts[0].municipality_id,
        occurred_seconds=rng.integers(0, 365 * 86400, n),
        columns={
            "category_id": rng.choice(categories, n),
            "organisation_id": rng.choice(organisations, n),
            "district_id": [districts[d].pk for d in district],
            "lat": [points[d].y + jitter[i, 0] for i, d in enumerate(district)],
            "lon": [points[d].x + jitter[i, 1] for i, d in enumerate(district)],
            "classification": rng.choice(["oppen", "intern", "begransad"], n, p=[0.3, 0.6, 0.1]),
            "position_is_centre": rng.random(n) < 0.03,
        },
        analyze=True,
    )


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def forget() -> None:
    """Every stored result and the cache emptied: the next request computes afresh."""
    cache.clear()
    stored.clear()


def row(client, url: str, login: str, repeat: int) -> None:
    forget()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    forget()
    cold = timed(lambda: client.get(url))
    warm = median_ms(lambda: client.get(url), repeat)
    uncached = []
    for _ in range(repeat):
        forget()
        uncached.append(timed(lambda: client.get(url)))
    size = len(client.get(url).content) / 1e6
    floor = median_ms(lambda: Client(HTTP_HOST="localhost").get(login), repeat)
    # The annual page (/lagesbild/ar/): computed afresh, then read from its stored result.
    annual = reverse("lagesbild_annual")
    forget()
    annual_cold = timed(lambda: client.get(annual))
    annual_warm = median_ms(lambda: client.get(annual), repeat)
    user = User.objects.get(username="samordnare")
    agreement = default_agreement(user)
    version = median_ms(lambda: stored.agreement_version(user, agreement), repeat)
    print(
        f"{Incident.objects.count():>9} {cold:>8.0f} {warm:>8.0f} "
        f"{statistics.median(uncached):>11.0f} {size:>8.2f} {floor:>9.1f} "
        f"{annual_cold:>11.0f} {annual_warm:>11.0f} {version:>10.1f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--reports",
        "--sizes",
        dest="reports",
        default="100000",
        help="report counts to fill up to, comma separated; 0 = demo only",
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print the 30 slowest functions of one cold request instead",
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from samverkan.demo.load import load_demo

    load_demo()
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="samordnare"))
    url, login = reverse("lagesbild"), reverse("login")
    if args.profile:
        import cProfile
        import pstats

        client.get(url)
        cache.clear()
        profiler = cProfile.Profile()
        profiler.runcall(client.get, url)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        return
    print(
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
        f"median of {args.repeat} requests"
    )
    print(
        f"{'reports':>9} {'cold ms':>8} {'warm ms':>8} {'uncached ms':>11} {'page MB':>8} "
        f"{'login ms':>9} {'år kall ms':>11} {'år varm ms':>11} {'version ms':>10}"
    )
    row(client, url, login, args.repeat)
    for n in [int(s) for s in args.reports.split(",") if s.strip() and int(s)]:
        missing = n - Incident.objects.count()
        if missing > 0:
            add(missing)
        row(client, url, login, args.repeat)


if __name__ == "__main__":
    main()
