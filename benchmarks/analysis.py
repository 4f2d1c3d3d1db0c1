"""The pure analysis functions against the raw tools doing the same work, in one run.

For each size it prints the median time of our function and of the floor:
- counts per month × district × category, and the weekday × hour matrix, both in
  Europe/Stockholm local time: `samverkan.analysis` against DuckDB SQL over the same Arrow
  table (aim: ours ≤ 2× DuckDB);
- Getis–Ord Gi* on the same grid and weights: ours against esda's G_Local(star=True)
  (aim: ours ≤ 1× esda, identical values – the z-scores' largest difference is printed);
- grid_counts (points to a 250 m grid in SWEREF 99 TM).

    python benchmarks/analysis.py [--sizes 10000,100000,1000000] [--repeat 5]

Needs the test extras plus duckdb and pyarrow (`pip install duckdb pyarrow`).
"""

import argparse

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from common import median_ms
from esda.getisord import G_Local
from libpysal.weights import lat2W

from samverkan.analysis.counts import counts
from samverkan.analysis.hotspots import getis_ord_gi_star, grid_counts
from samverkan.analysis.timepatterns import weekday_hour

CATEGORIES = [
    "Skadegörelse",
    "Klotter",
    "Nedskräpning",
    "Tillhåll",
    "Ordningsstörning",
    "Brand",
    "Narkotika",
    "Våld",
    "Buskörning",
    "Otrygg plats",
]
DISTRICTS = [
    "Bergnäset",
    "Björkskatan",
    "Centrum",
    "Gammelstad",
    "Hertsön",
    "Norrbyarna",
    "Notviken",
    "Porsön",
    "Råneå",
    "Sunderbyn",
    "Sörbyarna",
    "Örnäset",
]


def synthetic(n: int, rng: np.random.Generator) -> pd.DataFrame:
    start = pd.Timestamp("2023-01-01", tz="UTC").value // 10**9
    seconds = rng.integers(0, 3 * 365 * 86400, n)
    centres = rng.integers(0, 40, n)
    return pd.DataFrame(
        {
            "occurred_at": pd.to_datetime(start + seconds, unit="s", utc=True),
            "category": pd.Categorical(rng.choice(CATEGORIES, n), categories=CATEGORIES),
            "district": pd.Categorical(rng.choice(DISTRICTS, n), categories=DISTRICTS),
            # Clustered points around 40 centres in Luleå, SWEREF 99 TM metres.
            "e": 829_000 + centres * 300 + rng.normal(0, 400, n),
            "n": 7_290_000 + (centres % 7) * 500 + rng.normal(0, 400, n),
        }
    )


COUNTS_SQL = """
SELECT strftime(timezone('Europe/Stockholm', occurred_at), '%Y-%m') AS period,
       district, category, count(*) AS count
FROM incidents GROUP BY ALL
"""
WEEKDAY_HOUR_SQL = """
SELECT isodow(timezone('Europe/Stockholm', occurred_at)) AS weekday,
       hour(timezone('Europe/Stockholm', occurred_at)) AS hour, count(*) AS count
FROM incidents GROUP BY ALL
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(2580)
    con = duckdb.connect()

    print(f"median of {args.repeat} runs, ms")
    print(f"{'rows':>9} {'what':<22} {'ours':>9} {'floor':>9} {'ours/floor':>10}  floor is")
    for size in [int(s) for s in args.sizes.split(",")]:
        frame = synthetic(size, rng)
        incidents = pa.Table.from_pandas(frame[["occurred_at", "district", "category"]])
        con.register("incidents", incidents)

        ours_table = counts(frame, ["district", "category"], "month").table
        raw_table = con.execute(COUNTS_SQL).df()
        assert ours_table["count"].sum() == raw_table["count"].sum() == size
        assert len(ours_table) == len(raw_table)
        rows = [
            (
                "counts month×dist×cat",
                lambda f=frame: counts(f, ["district", "category"], "month"),
                lambda: con.sql(COUNTS_SQL).to_arrow_table(),
                "DuckDB SQL",
            ),
            (
                "weekday × hour",
                lambda f=frame: weekday_hour(f),
                lambda: con.sql(WEEKDAY_HOUR_SQL).to_arrow_table(),
                "DuckDB SQL",
            ),
        ]
        e, n = frame["e"].to_numpy(), frame["n"].to_numpy()
        rows.append(
            (
                "grid_counts 250 m",
                lambda e=e, n=n: grid_counts(e, n),
                lambda e=e, n=n: np.histogram2d(e, n, bins=(60, 60)),
                "np.histogram2d",
            )
        )
        for what, ours, raw, floor in rows:
            a, b = median_ms(ours, args.repeat), median_ms(raw, args.repeat)
            print(f"{size:>9} {what:<22} {a:>9.1f} {b:>9.1f} {a / b:>10.2f}  {floor}")
        con.unregister("incidents")

    print()
    print(f"{'grid':>9} {'Gi* ours ms':>12} {'esda ms':>9} {'ours/esda':>10} {'max |Δz|':>10}")
    for side in (50, 100, 200):
        counts_grid = rng.poisson(2.0, (side, side)).astype(float)
        counts_grid[side // 3 : side // 3 + 3, side // 2 : side // 2 + 3] += 15
        ys, xs = np.nonzero(counts_grid >= 0)
        grid = grid_counts(
            np.repeat(xs * 250.0 + 125, counts_grid.ravel().astype(int)),
            np.repeat(ys * 250.0 + 125, counts_grid.ravel().astype(int)),
            bounds=(0, 0, side * 250.0, side * 250.0),
        )
        w = lat2W(side, side, rook=False)  # weights built outside the timing, as esda needs them
        y = grid.counts.ravel()
        ours = median_ms(lambda g=grid: getis_ord_gi_star(g), args.repeat)
        theirs = median_ms(
            lambda y=y, w=w: G_Local(y, w, star=True, transform="B", permutations=0),
            max(1, args.repeat // 2),
        )
        z_ours = getis_ord_gi_star(grid).z.ravel()
        z_esda = G_Local(y, w, star=True, transform="B", permutations=0).Zs
        diff = float(np.nanmax(np.abs(z_ours - z_esda)))
        print(f"{side}×{side:<5} {ours:>12.1f} {theirs:>9.1f} {ours / theirs:>10.4f} {diff:>10.1e}")


if __name__ == "__main__":
    main()
