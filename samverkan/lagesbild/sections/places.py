"""Where: the hot-spot grid (Gi*, kernel density) and how concentrated the events are."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from samverkan.analysis.concentration import concentration, repeat_places
from samverkan.analysis.formatting import format_decimal
from samverkan.analysis.geo import to_sweref
from samverkan.analysis.hotspots import MAX_CELLS, getis_ord_gi_star, grid_counts, kernel_density
from samverkan.lagesbild.sections.common import num
from samverkan.lagesbild.text.sentences import say

if TYPE_CHECKING:
    from samverkan.lagesbild.assemble import Options


def hotspot_section(current: pd.DataFrame, opts: Options):
    lon = current["lon"].to_numpy(dtype=float)
    lat = current["lat"].to_numpy(dtype=float)
    exact = np.isfinite(lon) & np.isfinite(lat)
    base = {
        "crs": "EPSG:3006",
        "cell": opts.cell,
        "neighbourhood": opts.neighbourhood,
        "weights": _("binära vikter: rutan och dess grannar inom %(k)d ruta/rutor (Gi*)")
        % {"k": opts.neighbourhood},
        "alpha_levels": [0.10, 0.05, 0.01],
        "events": int(exact.sum()),
        "events_without_point": int((~exact).sum()),
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
    if not exact.any():
        base["notes"].append(_("Inga händelser med exakt position i perioden."))
        return base, None
    e, n = to_sweref(lon[exact], lat[exact])
    e, n = np.atleast_1d(e), np.atleast_1d(n)
    c = opts.cell
    m = opts.margin_cells * c
    bounds = (
        math.floor(e.min() / c) * c - m,
        math.floor(n.min() / c) * c - m,
        (math.floor(e.max() / c) + 1) * c + m,
        (math.floor(n.max() / c) + 1) * c + m,
    )
    cells = round((bounds[2] - bounds[0]) / c) * round((bounds[3] - bounds[1]) / c)
    if cells > min(MAX_CELLS, 4_000_000):
        base["notes"].append(
            _("Händelserna spänner över för stort område för rutor om %(c)s m.")
            % {"c": format_decimal(c, 0)}
        )
        return base, None
    grid = grid_counts(e, n, cell=c, bounds=bounds)
    spots = getis_ord_gi_star(grid, neighbourhood=opts.neighbourhood, alpha=opts.alpha)
    density = kernel_density(e, n, grid=grid, bandwidth=opts.bandwidth).density
    rows, cols = grid.shape
    z, p2 = spots.z, spots.p_two_sided
    level = np.zeros(z.shape, dtype=np.int64)  # 0, 90, 95 or 99: highest confidence reached
    for confidence, limit in ((90, 0.10), (95, 0.05), (99, 0.01)):
        level[p2 < limit] = confidence
    base["origin"] = [grid.x0, grid.y0]
    base["rows"], base["cols"] = rows, cols
    flat_counts = grid.counts.ravel()
    jj, ii = np.divmod(np.arange(rows * cols), cols)
    zf, pf, df, lf = z.ravel(), spots.p.ravel(), density.ravel(), level.ravel()
    base["cells"] = [
        {
            "index": int(k),
            "i": int(ii[k]),
            "j": int(jj[k]),
            "count": int(flat_counts[k]),
            "z": float(zf[k]),
            "p": float(pf[k]),
            "density": round(float(df[k]), 4),
            "class": ("hot" if zf[k] > 0 else "cold") if lf[k] else "",
            "confidence": int(lf[k]),
        }
        for k in range(rows * cols)
    ]
    for confidence in (90, 95, 99):
        base["n_hot"][str(confidence)] = int(((level >= confidence) & (z > 0)).sum())
        base["n_cold"][str(confidence)] = int(((level >= confidence) & (z < 0)).sum())
    base["max_density"] = num(density.max(), 4)
    base["notes"] += [say(note) for note in spots.notes]
    base["p_definition"] = _(
        "p är det ensidiga p-värdet i z:s riktning (esda p_norm); en ruta är varm eller kall "
        "på 90/95/99 %-nivån när 2p < 0,10/0,05/0,01."
    )
    return base, grid


def concentration_section(current: pd.DataFrame, grid) -> dict[str, Any]:
    out: dict[str, Any] = {"cells": None, "places": None}
    if grid is not None:
        result = concentration(pd.Series(grid.counts.ravel()))
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
