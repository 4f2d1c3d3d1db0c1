"""Calibration of the hot-spot decision: false hot cells under no effect, power with a cluster.

No effect: ``--points`` (default 300) points thrown uniformly at random over Luleå
municipality's study area (the union of the approximate districts in
samverkan/places/data/lulea-districts-approximate.geojson, read with json + shapely, no
Django), counted on the 250 m grid over that area with the lägesbild's own mask
(``lagesbild.sections.study_area``). For each map: is ANY cell hot at 95 %, and how many.
The old rule (normal approximation, each cell at 5 % on its own, no minimum) against the
new default (exact binomial test, at least 3 events in the window, Benjamini–Hochberg at
5 % across the map) and the permutation test (999 draws, same minimum and BH).

Planted effect: the same uniform points plus a cluster (15, 8, 5, 4 or 3 extra points uniform
within 300 m of a point in central Luleå). Power: the share of maps where a cell within
one cell of the cluster's centre cell is hot at 95 %.

    PYTHONPATH=. python benchmarks/calibration_hotspots.py [--replicates 500] [--seed 1]

Sampling error: a share r over R maps has standard error sqrt(r (1 − r) / R); at the target
5 % and the default 500 maps that is 1.0 percentage point (none in 500 maps: the true share
is below 0.6 % with 95 % confidence). About 10 × R maps are analysed: 4–6 minutes on 2 cores.
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from samverkan.analysis.geo import to_sweref  # noqa: E402
from samverkan.analysis.hotspot_inference import BINOMIAL, NORMAL, PERMUTATION  # noqa: E402
from samverkan.analysis.hotspots import HOT, getis_ord_gi_star, grid_counts  # noqa: E402
from samverkan.lagesbild.sections.study_area import (  # noqa: E402
    outline_geometry,
    study_area,
)

DISTRICTS = ROOT / "samverkan" / "places" / "data" / "lulea-districts-approximate.geojson"
CELL = 250.0
CLUSTER_CENTRE = (22.1547, 65.5842)  # central Luleå, lon/lat
CLUSTER_RADIUS = 300.0

RULES = {
    "gammal regel (normalapproximation, utan BH)": {"test": NORMAL, "fdr": False, "min_events": 0},
    "ny standard (exakt binomialtest, minst 3, BH 5 %)": {"test": BINOMIAL},
    "permutation (999 dragningar, minst 3, BH 5 %)": {"test": PERMUTATION},
}


def lulea_outlines() -> list[dict]:
    """The districts' outer rings in SWEREF 99 TM, as ``selectors.district_outlines`` gives."""
    data = json.loads(DISTRICTS.read_text(encoding="utf-8"))
    outlines = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings = []
        for polygon in polygons:
            lon, lat = np.array(polygon[0], dtype=float).T
            e, n = to_sweref(lon, lat)
            rings.append(np.column_stack([e, n]).tolist())
        outlines.append({"name": feature["properties"]["name"], "rings": rings})
    return outlines


def uniform_points(geometry, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n points uniform over the polygon (rejection sampling in its bounds)."""
    minx, miny, maxx, maxy = geometry.bounds
    xs, ys = [], []
    got = 0
    while got < n:
        x = rng.uniform(minx, maxx, 4 * n)
        y = rng.uniform(miny, maxy, 4 * n)
        inside = shapely.contains_xy(geometry, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        got += int(inside.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def disc_points(centre, radius, n, rng) -> tuple[np.ndarray, np.ndarray]:
    r = radius * np.sqrt(rng.uniform(0, 1, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    return centre[0] + r * np.cos(angle), centre[1] + r * np.sin(angle)


def _hot(e, n, area, rule) -> np.ndarray:
    grid = grid_counts(e, n, cell=CELL, bounds=area.bounds)
    return getis_ord_gi_star(grid, mask=area.mask, **rule).classes == HOT


DEFAULT_REPLICATES = 500


def scenarios(replicates: int = 500, seed: int = 1, points: int = 300) -> list[dict]:
    geometry = outline_geometry(lulea_outlines())
    shapely.prepare(geometry)
    area = study_area(geometry, CELL)
    rng = np.random.default_rng(seed)
    maps = [uniform_points(geometry, points, rng) for _ in range(replicates)]
    where = f"{points} likformiga punkter över Luleå kommuns studieområde"
    area_text = f"{area.n_cells} rutor à {CELL:.0f} m, {area.km2:.0f} km²"
    out = []
    for name, rule in RULES.items():
        start = time.perf_counter()
        hot = np.array([_hot(e, n, area, rule).sum() for e, n in maps])
        seconds = time.perf_counter() - start
        common = {"test": f"Varma rutor (Gi*), {name}", "replicates": replicates}
        scenario = f"ingen effekt: {where} ({area_text})"
        out.append({**common, "scenario": scenario, "measure": "falsklarm",
                    "rate": float((hot > 0).mean()), "unit": "andel kartor med någon het ruta",
                    "target": "≤ 5 % av kartorna", "seconds": seconds})  # fmt: skip
        out.append({**common, "scenario": scenario, "measure": "falska rutor",
                    "rate": float(hot.mean()), "unit": "heta rutor per karta (medel)",
                    "target": "så få som möjligt", "seconds": 0.0})  # fmt: skip
    ce, cn = to_sweref(*CLUSTER_CENTRE)
    col = int((ce - area.bounds[0]) // CELL)
    row = int((cn - area.bounds[1]) // CELL)
    near = np.zeros(area.mask.shape, dtype=bool)
    near[row - 1 : row + 2, col - 1 : col + 2] = True
    new, permutation = list(RULES.items())[1:]
    for extra, (name, rule) in (
        (15, new),
        (8, new),
        (5, new),
        (4, new),
        (3, new),
        (15, permutation),
    ):
        start = time.perf_counter()
        found = 0
        for e, n in maps:
            de, dn = disc_points((ce, cn), CLUSTER_RADIUS, extra, rng)
            hot = _hot(np.append(e, de), np.append(n, dn), area, rule)
            found += bool((hot & near).any())
        out.append({
            "test": f"Varma rutor (Gi*), {name}", "replicates": replicates,
            "scenario": f"planterad effekt: {where} + {extra} punkter inom "
                        f"{CLUSTER_RADIUS:.0f} m från en punkt i centrala Luleå",
            "measure": "styrka", "rate": found / replicates,
            "unit": "andel kartor där en ruta i klustret är het", "target": "rapporteras",
            "seconds": time.perf_counter() - start,
        })  # fmt: skip
    return out


if __name__ == "__main__":
    from calibration import run_alone

    run_alone("hotspots")
