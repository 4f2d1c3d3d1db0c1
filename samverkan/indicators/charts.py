"""A small line chart as inline SVG, drawn on the server: works without JavaScript and on
a phone, and every chart has the same figures as a table beside it on the page.

(The lägesbild's Vega-Lite charts can replace this once they have a shared helper.)
"""

import math
from dataclasses import dataclass
from decimal import Decimal

PALETTE = ["#1f5f8b", "#c0392b", "#2e8b57", "#b8860b", "#6a3d9a", "#e07b00", "#555555"]
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 12, 36


@dataclass
class ChartPoint:
    x: float
    y: float
    title: str


@dataclass
class ChartLine:
    label: str
    colour: str
    points: list[ChartPoint]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass
class Tick:
    position: float
    label: str


@dataclass
class LineChart:
    width: int
    height: int
    lines: list[ChartLine]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    left: int = LEFT
    bottom_y: float = HEIGHT - BOTTOM
    right_x: float = WIDTH - RIGHT


def _nice_step(value: float) -> float:
    """The first of 1, 2, 5 × 10^k at or above `value` (a tick step people read easily)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 5, 10):
        if factor * power >= value:
            return factor * power
    return 10 * power


def line_chart(series, periods: list[str], format_value, unit: str = "") -> LineChart | None:
    """Lines over the periods, one per series (`label`, `points` of observations)."""
    values = [float(o.value) for s in series for o in s.points]
    if not values or len(periods) < 1:
        return None
    step_value = _nice_step(max(values) / 4)
    ticks = max(1, math.ceil(max(values) / step_value))
    top = step_value * ticks
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(periods) - 1)
    x_of = {p: LEFT + (i * step if len(periods) > 1 else plot_w / 2) for i, p in enumerate(periods)}

    def y_of(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    lines = []
    for i, s in enumerate(series):
        points = [
            ChartPoint(
                x=x_of[o.period_label],
                y=y_of(float(o.value)),
                title=f"{s.label}, {o.period_label}: {format_value(o.value, unit)}",
            )
            for o in s.points
        ]
        lines.append(ChartLine(label=s.label, colour=PALETTE[i % len(PALETTE)], points=points))
    y_ticks = [
        Tick(position=y_of(step_value * k), label=format_value(Decimal(str(step_value * k)), unit))
        for k in range(ticks + 1)
    ]
    x_ticks = [Tick(position=x_of[p], label=p) for p in periods]
    return LineChart(width=WIDTH, height=HEIGHT, lines=lines, x_ticks=x_ticks, y_ticks=y_ticks)


def indicator_spec(
    series, periods: list[str], format_value, unit: str = "", title: str = ""
) -> dict:
    """The same lines as a Vega-Lite spec (Altair), drawn in the browser by the lägesbild's
    vega-embed bundle; the server-drawn SVG stays as the no-JavaScript fallback."""
    import altair as alt

    values = [
        {
            "period": o.period_label,
            "value": float(o.value),
            "series": s.label,
            "text": format_value(o.value, unit),
        }
        for s in series
        for o in s.points
    ]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", sort=periods, title="Period"),
            y=alt.Y("value:Q", title=title, scale=alt.Scale(zero=True)),
            color=alt.Color("series:N", title="", legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("series:N", title="Grupp"),
                alt.Tooltip("period:O", title="Period"),
                alt.Tooltip("text:N", title="Värde"),
            ],
        )
        .properties(width="container", height=HEIGHT - TOP - BOTTOM)
    )
    spec = chart.to_dict()
    spec.setdefault("config", {})["locale"] = {
        "number": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", " kr"]}
    }
    return spec
