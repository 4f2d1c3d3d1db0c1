"""The lägesbild as it may leave the organisation's own users: ``core.disclosure`` applied
to a result, to a chart (its table rows and the data inside its Vega-Lite spec), and the
key figures that copy a section's figure withheld with it."""

from __future__ import annotations

import copy
from typing import Any

from samverkan.core.disclosure import notice, outbound, small_count_limit

# key figure → (section path, field): the key figure is the section's figure copied.
MIRRORS = {
    "weekend_night_share": (("weekend_nights", "overall"), "share"),
    "weekend_night_sentence": (("weekend_nights", "overall"), "sentence"),
    "holiday_rate_ratio": (("holidays",), "rate_ratio"),
    "hot_cells_95": (("hotspots",), "n_hot"),
    "change": (("comparison",), "change"),
    "per_100k": (("rates",), "per_100k"),
}


def _at(data: dict, path: tuple[str, ...]) -> Any:
    for key in path:
        data = (data or {}).get(key) if isinstance(data, dict) else None
    return data


def outbound_result(result: dict[str, Any]) -> dict[str, Any]:
    """A lägesbild's ``to_dict()`` with small counts suppressed (see docs/privacy.md)."""
    limit = small_count_limit()
    if not limit:
        return result
    shown = outbound(result, limit)
    figures = shown.get("key_figures")
    if isinstance(figures, dict):
        for key, (path, field) in MIRRORS.items():
            if key not in figures:
                continue
            section = _at(shown, path)
            if isinstance(section, dict) and section.get(field) is None:
                figures[key] = None
            elif isinstance(section, dict) and section.get(field) == notice(limit):
                figures[key] = notice(limit)
    source_figures = _at(shown, ("sources", "figures"))
    originals = _at(result, ("sources", "figures")) or {}
    if isinstance(source_figures, dict):
        for key, figure in source_figures.items():
            if isinstance(figure, dict) and key in originals:
                figure["line"] = outbound_source_line(originals[key], limit)
    shown["disclosure"] = {"small_count_limit": limit, "note": notice(limit)}
    return shown


def outbound_source_line(figure: dict[str, Any] | None, limit: int) -> str:
    """The source line under a figure as it may leave: with each source's share, unless a
    source has fewer than ``limit`` rows (its share times the figure's total would give the
    count back); then the sources by name only."""
    if not figure:
        return ""
    if limit and any(0 < int(s.get("count") or 0) < limit for s in figure.get("shares") or []):
        return figure.get("line_plain", "")
    return figure.get("line", "")


def outbound_chart(chart):
    """A copy of ``chart`` (``lagesbild.charts.Chart``) with its rows and its spec's data
    suppressed: the CSV says "1–4", the picture leaves the bar or cell out."""
    limit = small_count_limit()
    if not limit:
        return chart
    shown = copy.copy(chart)
    shown.rows = outbound(list(chart.rows), limit)
    shown.spec = outbound(chart.spec, limit)
    shown.source = outbound_source_line(chart.source_figure, limit) if chart.source_figure else ""
    return shown
