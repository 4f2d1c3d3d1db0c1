"""The hot-spot map's data for Leaflet (static/lagesbild/map.js): the drawn cells of the Gi*
grid as WGS 84 quadrilaterals with their class, and the districts' outlines, both from a
result (``Lagesbild.to_dict``) so a stored snapshot draws the same map. Only the cells
worth drawing travel (``sections.places.drawn_cells``): the empty, not significant rest
of the study area stays blank."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from samverkan.analysis.geo import to_wgs84
from samverkan.lagesbild.sections.places import drawn_cells

MAX_MAP_CELLS = 6000
COLOURS = {
    "hot-99": "#b2182b",
    "hot-95": "#ef8a62",
    "hot-90": "#fddbc7",
    "cold-90": "#d1e5f0",
    "cold-95": "#67a9cf",
    "cold-99": "#2166ac",
    "": "#bdbdbd",
}


def class_key(cell: dict[str, Any]) -> str:
    return f"{cell['class']}-{cell['confidence']}" if cell["class"] else ""


def class_label(key: str) -> str:
    if not key:
        return _("ej signifikant")
    kind, level = key.split("-")
    word = _("het") if kind == "hot" else _("kall")
    return f"{word} {level} %"


def _latlng(e: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = to_wgs84(e, n)
    return np.round(np.atleast_1d(lat), 6), np.round(np.atleast_1d(lon), 6)


def map_cells(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The drawn cells, hottest first when there are more than ``MAX_MAP_CELLS``: the four
    corners [[lat, lon], …] of the SWEREF 99 TM square, the count, class key and z."""
    h = result["hotspots"]
    if not h.get("origin"):
        return []
    shown = drawn_cells(h["cells"])
    if len(shown) > MAX_MAP_CELLS:
        shown = sorted(shown, key=lambda c: (-c["confidence"], -c["count"]))[:MAX_MAP_CELLS]
    if not shown:
        return []
    x0, y0, size = h["origin"][0], h["origin"][1], h["cell"]
    i = np.array([c["i"] for c in shown], dtype=float)
    j = np.array([c["j"] for c in shown], dtype=float)
    # Corners in ring order: south-west, south-east, north-east, north-west.
    e = x0 + size * (i[:, None] + np.array([0, 1, 1, 0]))
    n = y0 + size * (j[:, None] + np.array([0, 0, 1, 1]))
    lat, lon = _latlng(e.ravel(), n.ravel())
    corners = np.stack([lat, lon], axis=1).reshape(len(shown), 4, 2).tolist()
    return [
        {
            "corners": corners[k],
            "count": c["count"],
            "key": class_key(c),
            "z": None if c["z"] is None else round(c["z"], 2),
        }
        for k, c in enumerate(shown)
    ]


def map_districts(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The districts' outlines (``selectors.district_outlines``, SWEREF 99 TM) in WGS 84."""
    out = []
    for d in result.get("districts") or []:
        rings = []
        for ring in d["rings"]:
            xy = np.asarray(ring, dtype=float)
            if not len(xy):
                continue
            lat, lon = _latlng(xy[:, 0], xy[:, 1])
            rings.append(np.stack([lat, lon], axis=1).tolist())
        out.append({"name": d["name"], "rings": rings})
    return out


def map_payload(result: dict[str, Any]) -> dict[str, Any]:
    """What map.js draws: cells, districts, legend and labels (tiles come from the page)."""
    cells = map_cells(result)
    used = {c["key"] for c in cells}
    return {
        "cells": cells,
        "districts": map_districts(result),
        "legend": [
            {"key": key, "colour": colour, "label": class_label(key)}
            for key, colour in COLOURS.items()
            if key in used
        ],
        "colours": COLOURS,
        "labels": {
            "legend": _("Gi* per ruta"),
            "events": _("händelser"),
            "empty": _("Inga rutor med händelser att rita."),
            "labels": {key: class_label(key) for key in COLOURS},
        },
    }


def map_table(result: dict[str, Any], limit: int = 200) -> list[dict[str, Any]]:
    """The hot and cold cells as table rows, most significant first (at most ``limit``)."""
    cells = [c for c in result["hotspots"].get("cells") or [] if c["confidence"]]
    cells.sort(key=lambda c: (-c["confidence"], -c["count"], c["j"], c["i"]))
    return [
        {
            "i": c["i"],
            "j": c["j"],
            "count": c["count"],
            "z": None if c["z"] is None else round(c["z"], 3),
            "p": c["p"],
            "klass": class_label(class_key(c)),
        }
        for c in cells[:limit]
    ]
