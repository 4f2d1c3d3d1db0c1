"""Where: the hot-spot grid (Gi*, kernel density) and how concentrated the events are.

The grid covers a fixed study area: the cells whose centre lies in the union of the
districts' outlines (``study_area``). Gi* and the cell concentration count only those
cells; events outside them are counted and reported. Without any district outline the
area falls back to the events' extent plus a margin, and the page says that the figures
then depend on how far the events reach.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from samverkan.analysis.concentration import cell_concentration, repeat_places
from samverkan.analysis.formatting import format_decimal
from samverkan.analysis.geo import to_sweref
from samverkan.analysis.hotspot_inference import BINOMIAL, DEFAULT_PERMUTATIONS, PERMUTATION
from samverkan.analysis.hotspots import (
    DEFAULT_MIN_EVENTS,
    MAX_CELLS,
    HotSpots,
    getis_ord_gi_star,
    grid_counts,
    kernel_density,
)
from samverkan.lagesbild.sections.common import Plain, finite, num
from samverkan.lagesbild.sections.study_area import study_area_of_outlines
from samverkan.lagesbild.text.sentences import (
    hotspot_area_sentence,
    hotspot_decision_sentence,
    hotspot_false_alarm_sentence,
    hotspot_outside_sentence,
    say,
)

if TYPE_CHECKING:
    from samverkan.lagesbild.assemble import Options

LEVELS = ((90, 0.10), (95, 0.05), (99, 0.01))


def _extent_bounds(e, n, c: float, margin: int) -> tuple[float, float, float, float]:
    m = margin * c
    return (
        math.floor(e.min() / c) * c - m,
        math.floor(n.min() / c) * c - m,
        (math.floor(e.max() / c) + 1) * c + m,
        (math.floor(n.max() / c) + 1) * c + m,
    )


def _area(n_cells: int, cell: float, source: str) -> dict[str, Any]:
    km2 = n_cells * cell * cell / 1e6
    return {
        "source": source,
        "cells": n_cells,
        "km2": num(km2, 2),
        "sentence": hotspot_area_sentence(source, n_cells, km2, cell),
    }


def hotspot_section(current: pd.DataFrame, opts: Options, districts: list | None = None):
    """The hot-spot part of the page and the HotSpots it rests on (None without a grid).
    districts: outlines as ``selectors.district_outlines`` gives them (SWEREF 99 TM rings)."""
    lon = current["lon"].to_numpy(dtype=float)
    lat = current["lat"].to_numpy(dtype=float)
    exact = np.isfinite(lon) & np.isfinite(lat)
    test = getattr(opts, "hotspot_test", BINOMIAL)
    min_events = int(getattr(opts, "min_events", DEFAULT_MIN_EVENTS))
    permutations = int(getattr(opts, "permutations", DEFAULT_PERMUTATIONS))
    base = {
        "crs": "EPSG:3006",
        "cell": opts.cell,
        "neighbourhood": opts.neighbourhood,
        "weights": _("binära vikter: rutan och dess grannar inom %(k)d ruta/rutor (Gi*)")
        % {"k": opts.neighbourhood},
        "alpha_levels": [0.10, 0.05, 0.01],
        "test": test,
        "fdr": True,
        "fdr_level": opts.alpha,
        "min_events": min_events,
        "permutations": permutations if test == PERMUTATION else None,
        "decision": hotspot_decision_sentence(test, opts.alpha, min_events, permutations),
        "false_hot": hotspot_false_alarm_sentence(opts.alpha),
        "area": None,
        "events": int(exact.sum()),
        "events_without_point": int((~exact).sum()),
        "events_outside_area": 0,
        "origin": None,
        "rows": 0,
        "cols": 0,
        "cells": [],
        "n_hot": {"90": 0, "95": 0, "99": 0},
        "n_cold": {"90": 0, "95": 0, "99": 0},
        "bandwidth": opts.bandwidth,
        "max_density": None,
        "notes": [],
    }
    c = opts.cell
    area = study_area_of_outlines(districts, c) if districts else None
    if area is not None:
        base["area"] = _area(area.n_cells, c, "districts")
    if not exact.any():
        base["notes"].append(_("Inga händelser med exakt position i perioden."))
        return base, None
    e, n = to_sweref(lon[exact], lat[exact])
    e, n = np.atleast_1d(e), np.atleast_1d(n)
    if area is not None:
        bounds, mask, source = area.bounds, area.mask, "districts"
    else:
        if districts:
            base["notes"].append(_("Områdenas gränser ger inget studieområde för rutnätet."))
        bounds, mask, source = _extent_bounds(e, n, c, opts.margin_cells), None, "extent"
        cells = round((bounds[2] - bounds[0]) / c) * round((bounds[3] - bounds[1]) / c)
        if cells > min(MAX_CELLS, 4_000_000):
            base["notes"].append(
                _("Händelserna spänner över för stort område för rutor om %(c)s m.")
                % {"c": format_decimal(c, 0)}
            )
            return base, None
    grid = grid_counts(e, n, cell=c, bounds=bounds)
    spots = getis_ord_gi_star(
        grid,
        neighbourhood=opts.neighbourhood,
        alpha=opts.alpha,
        test=test,
        min_events=min_events,
        mask=mask,
        permutations=permutations,
    )
    base["area"] = _area(spots.n_cells, c, source)
    outside = grid.dropped + spots.events_outside
    base["events_outside_area"] = int(outside)
    if outside:
        base["notes"].append(hotspot_outside_sentence(int(outside)))
    density = kernel_density(e, n, grid=grid, bandwidth=opts.bandwidth).density
    rows, cols = grid.shape
    z, q = spots.z, spots.q
    level = np.zeros(z.shape, dtype=np.int64)  # 0, 90, 95 or 99: highest level reached
    for confidence, limit in LEVELS:
        level[spots.tested & (q < limit)] = confidence
    base["origin"] = [grid.x0, grid.y0]
    base["rows"], base["cols"] = rows, cols
    flat_counts = grid.counts.ravel()
    inside = np.flatnonzero(spots.mask.ravel())
    jj, ii = np.divmod(inside, cols)
    # Plain lists first (NaN already None): a dict per cell over tens of thousands of cells
    # is the slow part, and ``jsonable`` passes the finished Plain list through.
    zf = z.ravel()[inside]
    kind = np.where(level.ravel()[inside] > 0, np.where(zf > 0, "hot", "cold"), "")
    columns = (
        inside.tolist(),
        ii.tolist(),
        jj.tolist(),
        flat_counts[inside].astype(np.int64).tolist(),
        finite(zf),
        finite(spots.p.ravel()[inside]),
        finite(spots.p_test.ravel()[inside]),
        finite(q.ravel()[inside]),
        finite(density.ravel()[inside], 4),
        kind.tolist(),
        level.ravel()[inside].tolist(),
    )
    keys = ("index", "i", "j", "count", "z", "p", "p_test", "q", "density", "class", "confidence")
    base["cells"] = Plain(
        dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)
    )
    for confidence, _limit in LEVELS:
        base["n_hot"][str(confidence)] = int(((level >= confidence) & (z > 0)).sum())
        base["n_cold"][str(confidence)] = int(((level >= confidence) & (z < 0)).sum())
    base["max_density"] = num(density.max(), 4) if density.size else None
    base["notes"] += [say(note) for note in spots.notes]
    base["p_definition"] = _(
        "z och p är Gi* med normalapproximation (esda Zs och p_norm) och beskriver bara "
        "kartan; p_test är det avgörande testets ensidiga p-värde i z:s riktning och q det "
        "Benjamini–Hochberg-justerade värdet av 2·p_test över studieområdets rutor. En ruta "
        "är varm eller kall på 90/95/99 %-nivån när q < 0,10/0,05/0,01."
    )
    return base, spots


def drawn_cells(cells: list[dict[str, Any]]) -> Plain:
    """The cells worth drawing: with an event, or hot or cold at some level. The rest of the
    study area is empty and not significant: the map leaves it blank."""
    return Plain(c for c in cells if c["count"] or c["confidence"])


def concentration_section(current: pd.DataFrame, spots: HotSpots | None) -> dict[str, Any]:
    out: dict[str, Any] = {"cells": None, "places": None}
    if spots is not None:
        result = cell_concentration(spots.grid.counts, mask=spots.mask)
        out["cells"] = {
            "n_units": result.n_units,
            "n_events": result.n_events,
            "gini": num(result.gini, 4),
            "top": [
                {
                    "share_of_units": num(r.share_of_units),
                    "units": int(r.units),
                    "events": int(r.events),
                    "share_of_events": num(r.share_of_events, 4),
                }
                for r in result.top.itertuples(index=False)
            ],
            "notes": [say(note) for note in result.notes],
        }
    repeats = repeat_places(current, "place", 2)
    out["places"] = {
        "n_places": repeats.n_places,
        "share_of_events": num(repeats.share_of_events, 4),
        "events_at_places": repeats.events_at_places,
        "n_without_place": repeats.n_without_place,
        "top": [
            {"place": str(r.place), "events": int(r.events)}
            for r in repeats.places.head(10).itertuples(index=False)
        ],
    }
    return out
