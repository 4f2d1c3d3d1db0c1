"""Benchmark of the lägesbild's analysis part on synthetic incidents (no database).

    DEBUG=1 .venv/bin/python benchmarks/lagesbild.py [--sizes 10000 100000 1000000 10000000]

For each size N it generates N incidents over 2016–2025 (16 categories, 12 districts, 2 000
places, positions clustered around ten hot spots in Luleå plus background, 2 % without a
position) as a DataFrame with categorical columns, and prints:

- the time of each analysis and of the whole lägesbild (``assemble.analyse``) over the
  whole span 2016-01-01–2025-12-31, so every row is in the period, the trend runs over ten
  calendar years and the comparison over the nine overlapping years before;
- peak memory: the peak of Python/NumPy allocations during ``analyse`` (tracemalloc, sizes
  up to 1 000 000; a second, untimed run) and the process's peak resident set size;
- ratio 1: our aggregations (samverkan.analysis.counts / weekday_hour / window_share and
  the yearly counts per district of the trend) against the same aggregations written in
  DuckDB SQL over the same Arrow table (both read local Swedish time); the Arrow conversion
  is not timed;
- ratio 2: our Gi* (``getis_ord_gi_star``) against esda's ``G_Local(star=True,
  transform="B", permutations=0)`` on the same grid and the same weights (libpysal's queen
  lattice; building the W is not timed), and the largest difference of z and p.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import resource
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

from samverkan.analysis.counts import counts  # noqa: E402
from samverkan.analysis.geo import to_sweref  # noqa: E402
from samverkan.analysis.hotspots import getis_ord_gi_star, grid_counts  # noqa: E402
from samverkan.analysis.timepatterns import helgnatter, weekday_hour, window_share  # noqa: E402
from samverkan.lagesbild.assemble import analyse  # noqa: E402

FROM, TO = dt.date(2016, 1, 1), dt.date(2025, 12, 31)
CATEGORIES = [f"kategori {k:02d}" for k in range(16)]
DISTRICTS = [f"område {k:02d}" for k in range(12)]
HOT = [(22.10 + 0.02 * k, 65.57 + 0.006 * (k % 4)) for k in range(10)]


def generate(n: int, seed: int = 2580) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp(FROM, tz="UTC").value
    end = pd.Timestamp(TO + dt.timedelta(days=1), tz="UTC").value
    # More in later years (a trend) and at weekend nights (a pattern), as in real data.
    t = start + (end - start) * np.sqrt(rng.random(n))
    times = pd.to_datetime(t.astype(np.int64), utc=True)
    category = pd.Categorical.from_codes(rng.integers(0, 16, n), categories=CATEGORIES)
    district = pd.Categorical.from_codes(rng.integers(0, 12, n), categories=DISTRICTS)
    place = pd.Categorical.from_codes(
        np.where(rng.random(n) < 0.3, rng.integers(0, 2000, n), -1),
        categories=[f"plats {k}" for k in range(2000)],
    )
    hot = rng.random(n) < 0.4
    centre = rng.integers(0, len(HOT), n)
    lon = np.where(
        hot, np.array(HOT)[centre, 0] + rng.normal(0, 0.004, n), 22.0 + 0.3 * rng.random(n)
    )
    lat = np.where(
        hot, np.array(HOT)[centre, 1] + rng.normal(0, 0.002, n), 65.5 + 0.15 * rng.random(n)
    )
    missing = rng.random(n) < 0.02
    lon[missing], lat[missing] = np.nan, np.nan
    return pd.DataFrame(
        {"occurred_at": times, "category": category, "district": district, "place": place,
         "lon": lon, "lat": lat}
    )  # fmt: skip


def ours_aggregations(frame: pd.DataFrame) -> dict:
    out = {
        "month": counts(frame, period="month").table,
        "isoweek": counts(frame, period="isoweek").table,
        "category": counts(frame, by=("category",)).table,
        "district": counts(frame, by=("district",)).table,
        "year_district": counts(frame, by=("district",), period="year").table,
        "weekday_hour": weekday_hour(frame).matrix,
        "weekend": window_share(frame, helgnatter()).count,
    }
    return out


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


def duckdb_aggregations(con, table: pa.Table) -> dict:
    con.register("raw", table)
    # Local Swedish wall-clock time, as our functions read it (ICU time zones).
    con.execute(
        "CREATE OR REPLACE TEMP VIEW t AS SELECT *, "
        "timezone('Europe/Stockholm', occurred_at) AS lt FROM raw WHERE occurred_at IS NOT NULL"
    )
    return {key: con.execute(sql).fetchall() for key, sql in DUCK_SQL.items()}


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def gi_star_comparison(frame: pd.DataFrame, repeat: int) -> dict:
    import esda
    import libpysal

    lon = frame["lon"].to_numpy()
    lat = frame["lat"].to_numpy()
    ok = np.isfinite(lon)
    e, n = to_sweref(lon[ok], lat[ok])
    grid = grid_counts(e, n, cell=250.0)
    rows, cols = grid.shape
    w = libpysal.weights.lat2W(rows, cols, rook=False)
    y = grid.counts.ravel().astype(float)
    ours = best_of(lambda: getis_ord_gi_star(grid), repeat)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = best_of(
            lambda: esda.getisord.G_Local(y, w, star=True, transform="B", permutations=0), 1
        )
        reference = esda.getisord.G_Local(y, w, star=True, transform="B", permutations=0)
    result = getis_ord_gi_star(grid)
    return {
        "cells": rows * cols,
        "ours": ours,
        "esda": theirs,
        "dz": float(np.max(np.abs(result.z.ravel() - reference.Zs))),
        "dp": float(np.max(np.abs(result.p.ravel() - reference.p_norm))),
    }


def run(n: int) -> None:
    t0 = time.perf_counter()
    frame = generate(n)
    generated = time.perf_counter() - t0
    print(f"\n== {n:,} incidents (generated in {generated:.1f} s)".replace(",", " "), flush=True)
    repeat = 3 if n <= 1_000_000 else 1
    # Data start one year earlier, so the comparison with the year before also runs.
    kwargs = {"date_from": FROM, "date_to": TO, "data_start": dt.date(2015, 1, 1), "data_end": TO}
    analyse(frame.head(1000), **kwargs)  # warm imports and caches
    best, timings = None, {}
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = analyse(frame, **kwargs)
        took = time.perf_counter() - start
        if best is None or took < best:
            best, timings = took, result.timings
    for name, seconds in timings.items():
        print(f"  {name:<16} {seconds * 1000:9.1f} ms")
    print(
        f"  {'WHOLE lägesbild':<16} {best * 1000:9.1f} ms   (total {result.key_figures['total']})"
    )
    if n <= 1_000_000:
        gc.collect()
        tracemalloc.start()
        analyse(frame, **kwargs)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"  peak allocations during analyse: {peak / 2**20:.0f} MiB")
    frame_mib = frame.memory_usage(deep=True).sum() / 2**20
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  frame {frame_mib:.0f} MiB; process peak RSS so far {maxrss:.0f} MiB")

    table = pa.Table.from_pandas(
        frame[["occurred_at", "category", "district"]], preserve_index=False
    )
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    duckdb_aggregations(con, table)  # warm
    ours_t = best_of(lambda: ours_aggregations(frame), repeat)
    duck_t = best_of(lambda: duckdb_aggregations(con, table), repeat)
    mine, theirs = ours_aggregations(frame), duckdb_aggregations(con, table)
    assert int(mine["weekend"]) == theirs["weekend"][0][0], (mine["weekend"], theirs["weekend"])
    assert int(mine["month"]["count"].sum()) == sum(r[-1] for r in theirs["month"])
    assert int(mine["weekday_hour"].to_numpy().sum()) == sum(r[-1] for r in theirs["weekday_hour"])
    print(
        f"  aggregations: ours {ours_t * 1000:.1f} ms, DuckDB SQL {duck_t * 1000:.1f} ms, "
        f"ratio {ours_t / duck_t:.2f}× (aim ≤ 2×; same counts checked)"
    )
    gi = gi_star_comparison(frame, repeat)
    print(
        f"  Gi* on {gi['cells']} cells: ours {gi['ours'] * 1000:.2f} ms, esda {gi['esda'] * 1000:.1f} ms, "
        f"ratio {gi['ours'] / gi['esda']:.4f}× (aim ≤ 1×); max |Δz| {gi['dz']:.1e}, max |Δp| {gi['dp']:.1e}"
    )
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000, 10_000_000]
    )
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, pandas {pd.__version__}, DuckDB {duckdb.__version__}, "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    for n in args.sizes:
        run(n)


if __name__ == "__main__":
    main()
