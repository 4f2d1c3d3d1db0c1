"""The processor time of one incident map data request on a demo database, through Django's
test client: what the load test's map request (benchmarks/load_test.py, Luleå's city view at
zoom 12) costs the server, without the network or the other users.

    SAMVERKAN_DATA_DIR=/tmp/mapdemo python benchmarks/map_request.py [--repeat 15] [--check]

SAMVERKAN_DATA_DIR is a data directory the demo has filled (``python -m samverkan demo``,
stopped once it serves), migrated with the code measured. Prints, per user of the load test,
the median and the lowest thread time (time.thread_time) of --repeat requests after one
warm-up, with the answer's mode, cells and reports shown, and the machine's load.
``--check`` also asks for varied boxes, zooms and filters and compares each answer with the
one counted from the points by NumPy (``incidents.map.DATABASE_CELLS = False``).
"""

import argparse
import os
import statistics
import time

if not os.environ.get("SAMVERKAN_DATA_DIR"):
    raise SystemExit("SAMVERKAN_DATA_DIR: the demo's data directory")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
os.environ.setdefault("SAMVERKAN_DEMO", "1")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from samverkan.core.models import User  # noqa: E402
from samverkan.incidents import map as incident_map  # noqa: E402

USERS = ("samordnare", "kommunpolis", "admin")  # as benchmarks/load_test.py
PARAMS = {"bbox": "22.05,65.55,22.25,65.63", "zoom": "12"}
CHECKED = [
    ("22.05,65.55,22.25,65.63", (9, 10, 11, 12, 13, 14)),
    ("21.5,65.3,22.9,66.0", (5, 8, 10, 11)),
    ("22.14,65.578,22.17,65.59", (13, 14)),
    ("21.6,65.7,21.8,65.9", (11, 12, 14)),
    ("11,55,24,69", (3, 5, 6)),
    ("-30,30,40,75", (2,)),
]
FILTERS = ({}, {"kategori": "klotter"}, {"fran": "2025-01-01"})


def check(client) -> tuple[int, int]:
    """(answers compared, answers that differ) between the database's and NumPy's count."""
    compared = differ = 0
    for bbox, zooms in CHECKED:
        for zoom in zooms:
            for extra in FILTERS:
                params = {"bbox": bbox, "zoom": zoom, **extra}
                answers = []
                for in_database in (True, False):
                    incident_map.DATABASE_CELLS = in_database
                    answers.append(client.get("/handelser/karta/data/", params).json())
                incident_map.DATABASE_CELLS = True
                compared += 1
                differ += answers[0] != answers[1]
    return compared, differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1 and 5 min)")
    for username in USERS:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        answer = client.get("/handelser/karta/data/", PARAMS)
        if answer.status_code != 200:
            raise SystemExit(f"{username}: HTTP {answer.status_code}")
        data = answer.json()
        times = []
        for _ in range(args.repeat):
            start = time.thread_time()
            client.get("/handelser/karta/data/", PARAMS)
            times.append((time.thread_time() - start) * 1000)
        print(
            f"{username:<12} median {statistics.median(times):6.1f} ms, lowest "
            f"{min(times):6.1f} ms CPU | {data['mode']}, {len(data['features'])} cells, "
            f"{data['shown']} shown, {data['without_position']} without position"
        )
        if args.check:
            compared, differ = check(client)
            print(f"{'':<12} {compared} answers compared with NumPy's count, {differ} differ")


if __name__ == "__main__":
    main()
