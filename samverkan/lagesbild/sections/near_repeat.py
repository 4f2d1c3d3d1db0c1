"""Near repeats: the Knox test for the chosen categories (``analysis.nearrepeat``).

Default bands for Luleå. Distance: the same location (within 1 m: the same address or
geocoded point), then 100 m bands to 500 m. 100 m is about a block in Luleå's centre and a
couple of houses or a stairwell's neighbours in Hertsön, Porsön or Bergnäset, the scale at
which burglary and vandalism research finds near repeats; beyond about 500 m a pair is in
another neighbourhood, and an excess there says more about districts than about repeats.
Time: weekly bands to four weeks, the period in which the elevated risk after a burglary is
usually found, in whole weeks so that weekday habits do not make a band. With a few hundred
events a year in a category, wider or more bands would leave the cells with too few pairs
to test. The test runs only for chosen categories: mixing burglaries with fires and traffic
tests patterns that do not belong together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from samverkan.analysis import nearrepeat
from samverkan.analysis.formatting import format_decimal
from samverkan.analysis.geo import to_sweref
from samverkan.lagesbild.sections.common import num
from samverkan.lagesbild.text.sentences import say

if TYPE_CHECKING:
    from samverkan.lagesbild.assemble import Options

DISTANCE_EDGES = nearrepeat.DISTANCE_EDGES
TIME_EDGES = nearrepeat.TIME_EDGES
PERMUTATIONS = nearrepeat.PERMUTATIONS
SEED = nearrepeat.SEED
# A page computes the test on every view: 999 permutations over 100 000 close pairs take a
# few seconds on two cores, so beyond that the page asks for a narrower choice.
MAX_PAIRS = 100_000


def _distance_labels(edges, same: float) -> list[str]:
    labels = [_("samma plats (≤ %(m)s m)") % {"m": format_decimal(same, 0)}]
    low = 0.0
    for edge in edges:
        labels.append(
            _("%(a)s–%(b)s m") % {"a": format_decimal(low, 0), "b": format_decimal(edge, 0)}
        )
        low = edge
    labels.append(_("över %(m)s m") % {"m": format_decimal(low, 0)})
    return labels


def _time_labels(edges) -> list[str]:
    labels, low = [], 0.0
    for edge in edges:
        labels.append(
            _("%(a)s–%(b)s dagar") % {"a": format_decimal(low, 0), "b": format_decimal(edge, 0)}
        )
        low = edge
    labels.append(_("över %(d)s dagar") % {"d": format_decimal(low, 0)})
    return labels


def near_repeat_section(
    current: pd.DataFrame, categories: list[str] | None, opts: Options
) -> dict[str, Any]:
    """The Knox table of the period's events in the chosen categories, or why there is none."""
    out: dict[str, Any] = {
        "tested": False,
        "categories": list(categories or []),
        "events": 0,
        "n_left_out": 0,
        "distance_bands": _distance_labels(DISTANCE_EDGES, nearrepeat.SAME_LOCATION),
        "time_bands": _time_labels(TIME_EDGES),
        "cells": [],
        "primary": None,
        "permutations": PERMUTATIONS,
        "seed": SEED,
        "sentence": "",
        "method": _(
            "Knoxtest: varje par av händelser räknas efter avstånd och tid mellan dem. Det "
            "väntade antalet är medelvärdet när tiderna slumpas om över samma platser "
            "%(r)d gånger (Monte Carlo, fast frö); p = (1 + antal slumpningar med minst lika "
            "många par) / (1 + %(r)d). Huvudtestet bestäms i förväg: par inom %(d)s m och "
            "%(t)s dagar. Övriga rutor visas med q-värden (Benjamini–Hochberg) och är "
            "utforskande."
        )
        % {
            "r": PERMUTATIONS,
            "d": format_decimal(DISTANCE_EDGES[0], 0),
            "t": format_decimal(TIME_EDGES[0], 0),
        },
        "bands_reason": _(
            "Banden är valda för Luleå: 100 m är ungefär ett kvarter i centrum eller några "
            "hus i Hertsön eller Porsön, och upp till 500 m stannar paren i samma "
            "stadsdel; veckoband upp till fyra veckor fångar den tid då risken efter t.ex. "
            "ett inbrott brukar vara förhöjd."
        ),
    }
    if not categories:
        out["sentence"] = _(
            "Välj en kategori (till exempel inbrott, skadegörelse eller brand) för att testa "
            "nära upprepning: ett test över alla slags händelser blandar mönster som inte "
            "hör ihop."
        )
        return out
    lon = current["lon"].to_numpy(dtype=float)
    lat = current["lat"].to_numpy(dtype=float)
    times = current["occurred_at"]
    days = np.full(len(current), np.nan)
    known = times.notna().to_numpy()
    if known.any():
        stamps = pd.DatetimeIndex(times[known]).as_unit("ns").asi8
        days[known] = stamps / 86_400e9
    exact = np.isfinite(lon) & np.isfinite(lat)
    x = np.full(len(current), np.nan)
    y = np.full(len(current), np.nan)
    if exact.any():
        e, n = to_sweref(lon[exact], lat[exact])
        x[exact], y[exact] = np.atleast_1d(e), np.atleast_1d(n)
    result = nearrepeat.knox_test(
        x,
        y,
        days,
        distance_edges=DISTANCE_EDGES,
        time_edges=TIME_EDGES,
        permutations=PERMUTATIONS,
        seed=SEED,
        alpha=opts.alpha,
        max_pairs=MAX_PAIRS,
    )
    out["events"], out["n_left_out"] = result.n_events, result.n_left_out
    out["sentence"] = " ".join(say(m) for m in result.messages)
    if not result.tested:
        return out
    out["tested"] = True
    rows, cols = result.observed.shape
    out["cells"] = [
        {
            "distance": out["distance_bands"][r],
            "days": out["time_bands"][c],
            "observed": int(result.observed[r, c]),
            "expected": num(result.expected[r, c], 3),
            "ratio": num(result.ratio[r, c], 3),
            "p": num(result.p[r, c], 4),
            "q": num(result.q[r, c], 4),
            "primary": r <= 1 and c == 0,
        }
        for r in range(rows)
        for c in range(cols)
    ]
    primary = result.primary
    out["primary"] = {
        "observed": primary["observed"],
        "expected": num(primary["expected"], 3),
        "ratio": num(primary["ratio"], 3),
        "p_value": num(primary["p"], 4),
        "significant": primary["significant"],
    }
    out["pairs_held"] = result.pairs_held
    return out
