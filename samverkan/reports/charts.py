"""Figures of a document: Vega-Lite specs (Altair) rendered to SVG with vl-convert, the same
way the lägesbild renders its charts for download. A chart that fails to render does not
stop the document: the figure is replaced by a note that says which chart is missing and
why, and the table with the same figures stays."""

from __future__ import annotations

import logging
from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from samverkan.lagesbild.charts import render_static
from samverkan.reports.content import Content, Figure, Note

logger = logging.getLogger(__name__)

LOCALE = {
    "number": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", " kr"]}
}


def bar_spec(rows: list[dict[str, Any]], *, x: str, y: str, x_title: str, y_title: str) -> dict:
    """A horizontal bar chart of counts: one bar per row, in the rows' order."""
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color="#1f5f8b")
        .encode(
            y=alt.Y(f"{x}:N", sort=None, title=x_title),
            x=alt.X(f"{y}:Q", title=y_title, axis=alt.Axis(format="d", tickMinStep=1)),
        )
        .properties(width=440, height=max(60, 22 * len(rows)))
    )
    spec = chart.to_dict()
    spec.setdefault("config", {})["locale"] = LOCALE
    return spec


def render_svg(spec: dict[str, Any]) -> str:
    return render_static(spec, "svg").decode()


def render_figures(content: Content, render=None) -> None:
    """Fill each figure's SVG; a figure that fails becomes a note in its place."""
    render = render or render_svg
    for index, block in enumerate(content.blocks):
        if not isinstance(block, Figure) or block.svg:
            continue
        try:
            block.svg = render(block.spec)
            if not block.svg.lstrip().startswith("<svg"):
                raise ValueError("inget SVG")
        except Exception as error:  # noqa: BLE001 — any failure of the renderer is explained
            logger.warning("Diagrammet %s kunde inte ritas: %s", block.caption, error)
            content.blocks[index] = Note(
                _(
                    "Diagrammet ”%(caption)s” kunde inte ritas (%(reason)s). Siffrorna står i "
                    "tabellen i samma avsnitt. Källa: %(source)s, period: %(period)s."
                )
                % {
                    "caption": block.caption,
                    "reason": str(error)[:200] or type(error).__name__,
                    "source": block.source,
                    "period": block.period,
                }
            )


def svg_to_png(svg: str) -> bytes:
    import vl_convert as vlc

    return vlc.svg_to_png(svg, scale=2)
