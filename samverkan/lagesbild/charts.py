# Over 500 lines: one short builder per chart of the page, sharing axis and locale helpers.
"""Vega-Lite specs (built with Altair) for the lägesbild page, with the data of each chart
as a table and as CSV. The same spec renders in the browser (vega-embed) and to SVG/PNG on
the server (vl-convert)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
from django.utils.translation import gettext as _

from samverkan.analysis.timepatterns import WEEKDAYS_SV
from samverkan.lagesbild.mapdata import COLOURS, MAX_MAP_CELLS
from samverkan.lagesbild.mapdata import class_label as _class_label
from samverkan.lagesbild.sections.common import sv_date, sv_month

# The sv-SE definitions of d3-format / d3-time-format, as static/lagesbild/locale-sv.js
# gives them to vega-embed in the browser; here for the SVG/PNG files (vl-convert).
SV_FORMAT_LOCALE = {"decimal": ",", "thousands": "\u00a0", "grouping": [3],
                    "currency": ["", " kr"], "minus": "\u2212"}  # fmt: skip
SV_TIME_LOCALE = {
    "dateTime": "%A %e %B %Y %H:%M:%S", "date": "%Y-%m-%d", "time": "%H:%M:%S",
    "periods": ["fm", "em"],
    "days": ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
    "shortDays": ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
    "months": ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
               "september", "oktober", "november", "december"],
    "shortMonths": ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov",
                    "dec"],
}  # fmt: skip


@dataclass
class Chart:
    key: str
    title: str
    spec: dict[str, Any]
    columns: list[tuple[str, str]]  # (field, heading)
    rows: list[dict[str, Any]]
    source: str = ""  # "Källor: Polisens händelser 62 %, …" (sections.sources)
    source_figure: dict[str, Any] | None = None  # the figure's sources.figures entry

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow([heading for _f, heading in self.columns])
        for row in self.rows:
            writer.writerow([_cell(row.get(f)) for f, _h in self.columns])
        return out.getvalue()

    def table(self) -> list[list[tuple[str, Any]]]:
        """Rows of (heading, value): the heading labels each cell on a phone."""
        return [[(h, _cell(row.get(f))) for f, h in self.columns] for row in self.rows]


def _cell(value: Any) -> Any:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}".replace(".", ",")
    return value


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite dict without Altair's JSON-schema validation: validating a map of
    thousands of cells took most of the page's time; tests validate every spec instead."""
    spec = chart.to_dict(validate=False)
    spec.setdefault("config", {}).setdefault("locale", {})
    spec["config"]["locale"] = {
        "number": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", " kr"]}
    }
    return spec


def _empty(key: str, title: str, columns, message: str) -> Chart:
    """A chart with nothing to draw still renders: a line of text in the chart area."""
    chart = (
        alt.Chart(alt.Data(values=[{"text": message}]))
        .mark_text(align="left", x=5, y=20, fontSize=13, color="#555")
        .encode(text="text:N")
        .properties(width="container", height=40)
    )
    return Chart(key, title, _spec(chart), columns, [])


def _guard(builder):
    """Every builder returns a drawable chart: no data gives a sentence instead of an
    empty band scale (which Vega sizes to infinity)."""

    def wrapped(result):
        chart = builder(result)
        if chart.rows or chart.key == "hotspots" and _has_outlines(result):
            return chart
        return _empty(chart.key, chart.title, chart.columns, _("Inga data att visa för perioden."))

    wrapped.__name__ = builder.__name__
    return wrapped


def _has_outlines(result) -> bool:
    return bool(result.get("districts"))


def _base(rows: list[dict[str, Any]]) -> alt.Chart:
    return alt.Chart(alt.Data(values=rows)).properties(width="container", height=220)


@_guard
def by_month(result) -> Chart:
    rows = result["counts"]["by_month"]
    chart = (
        _base(rows)
        .mark_bar(color="#1f5f7a")
        .encode(
            x=alt.X(
                "yearmonth(period_start):O",
                title=_("Månad"),
                axis=alt.Axis(format="%b %Y", labelAngle=-45),
            ),
            y=alt.Y("count:Q", title=_("Antal händelser")),
            tooltip=[
                alt.Tooltip("yearmonth(period_start):T", title=_("Månad"), format="%B %Y"),
                alt.Tooltip("count:Q", title=_("Antal")),
            ],
        )
    )
    table = [{**r, "month": sv_month(r["period_start"])} for r in rows]
    return Chart("manad", _("Händelser per månad"), _spec(chart),
                 [("month", _("Månad")), ("count", _("Antal"))], table)  # fmt: skip


@_guard
def by_week(result) -> Chart:
    rows = result["counts"]["by_week"]
    chart = (
        _base(rows)
        .mark_line(point=True, color="#1f5f7a")
        .encode(
            x=alt.X("period_start:T", title=_("Vecka (måndag)"), axis=alt.Axis(format="%-d %b")),
            y=alt.Y("count:Q", title=_("Antal händelser")),
            tooltip=[
                alt.Tooltip("period:N", title=_("Vecka")),
                alt.Tooltip("period_start:T", title=_("Måndag"), format="%-d %B %Y"),
                alt.Tooltip("count:Q", title=_("Antal")),
            ],
        )
    )
    table = [{**r, "week": _week_label(r), "monday": sv_date(r["period_start"])} for r in rows]
    return Chart("vecka", _("Händelser per ISO-vecka"), _spec(chart),
                 [("week", _("Vecka")), ("monday", _("Måndag")), ("count", _("Antal"))],
                 table)  # fmt: skip


def _week_label(row: dict[str, Any]) -> str:
    """ "2025-W01" → "vecka 1, 2025"."""
    year, _sep, week = str(row.get("period", "")).partition("-W")
    if not week.isdigit():
        return str(row.get("period", ""))
    return _("vecka %(w)d, %(y)s") % {"w": int(week), "y": year}


def _grouped(rows: list[dict[str, Any]], key: str, title: str, heading: str) -> Chart:
    long = []
    for row in rows:
        long.append({"name": row["name"], "period": _("Perioden"), "count": row["count"]})
        if row.get("previous") is not None:
            long.append(
                {
                    "name": row["name"],
                    "period": _("Samma period året innan"),
                    "count": row["previous"],
                }
            )
    order = [r["name"] for r in rows]
    chart = (
        alt.Chart(alt.Data(values=long))
        .mark_bar()
        .encode(
            y=alt.Y("name:N", title=heading, sort=order),
            yOffset=alt.YOffset("period:N"),
            x=alt.X("count:Q", title=_("Antal händelser")),
            color=alt.Color(
                "period:N",
                title=None,
                scale=alt.Scale(range=["#1f5f7a", "#a6c8d8"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=heading),
                alt.Tooltip("period:N", title=_("Period")),
                alt.Tooltip("count:Q", title=_("Antal")),
            ],
        )
        .properties(width="container", height=max(120, 26 * len(rows)))
    )
    columns = [("name", heading), ("count", _("Antal")), ("previous", _("Året innan"))]
    if rows and "per_100k" in rows[0]:
        columns.append(("per_100k", _("Per 100 000 invånare")))
    return Chart(key, title, _spec(chart), columns, rows)


@_guard
def by_category(result) -> Chart:
    return _grouped(
        result["counts"]["by_category"], "kategori", _("Händelser per kategori"), _("Kategori")
    )


@_guard
def by_district(result) -> Chart:
    return _grouped(
        result["counts"]["by_district"], "omrade", _("Händelser per område"), _("Område")
    )


@_guard
def weekday_hour(result) -> Chart:
    rows = result["weekday_hour"]["cells"]
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title=_("Timme")),
            y=alt.Y("weekday_name:N", title=_("Veckodag"), sort=list(WEEKDAYS_SV)),
            color=alt.Color("count:Q", title=_("Antal"), scale=alt.Scale(scheme="oranges")),
            tooltip=[
                alt.Tooltip("weekday_name:N", title=_("Veckodag")),
                alt.Tooltip("hour:O", title=_("Timme")),
                alt.Tooltip("count:Q", title=_("Antal")),
            ],
        )
        .properties(width="container", height=210)
    )
    columns = [("weekday_name", _("Veckodag")), ("hour", _("Timme")), ("count", _("Antal"))]
    return Chart("veckodag_timme", _("Veckodag × timme"), _spec(chart), columns, rows)


@_guard
def weekend(result) -> Chart:
    rows = []
    for r in [result["weekend_nights"]["overall"], *result["weekend_nights"]["by_category"]]:
        if r["share"] is None:
            continue
        rows.append(
            {
                "name": r.get("category") or _("Alla"),
                "share": r["share"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                "count": r["count"],
                "total": r["total"],
            }
        )
    base = alt.Chart(alt.Data(values=rows))
    order = [r["name"] for r in rows]
    bars = base.mark_bar(color="#1f5f7a").encode(
        y=alt.Y("name:N", title=None, sort=order),
        x=alt.X(
            "share:Q", title=_("Andel"), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
        ),
        tooltip=[
            alt.Tooltip("name:N", title=_("Kategori")),
            alt.Tooltip("share:Q", title=_("Andel"), format=".0%"),
            alt.Tooltip("ci_low:Q", title=_("KI, nedre"), format=".0%"),
            alt.Tooltip("ci_high:Q", title=_("KI, övre"), format=".0%"),
        ],
    )
    ci = base.mark_rule(color="#222").encode(
        y=alt.Y("name:N", sort=order), x="ci_low:Q", x2="ci_high:Q"
    )
    chart = alt.layer(bars, ci).properties(width="container", height=max(80, 24 * len(rows)))
    columns = [
        ("name", _("Kategori")),
        ("count", _("Helgnätter")),
        ("total", _("Alla")),
        ("share", _("Andel")),
        ("ci_low", _("95 % KI, nedre")),
        ("ci_high", _("95 % KI, övre")),
    ]
    return Chart(
        "helgnatter", _("Andel händelser under helgnätter (95 % KI)"), _spec(chart), columns, rows
    )


@_guard
def holidays(result) -> Chart:
    rows = [r for r in result["holidays"].get("table", []) if r["rate_per_day"] is not None]
    chart = (
        _base(rows)
        .mark_bar(color="#1f5f7a")
        .encode(
            x=alt.X("kind:N", title=None, sort=["helgdag", "afton", "övriga dagar"]),
            y=alt.Y("rate_per_day:Q", title=_("Händelser per dag")),
            tooltip=[
                alt.Tooltip("kind:N", title=_("Slags dag")),
                alt.Tooltip("days:Q", title=_("Dagar")),
                alt.Tooltip("count:Q", title=_("Händelser")),
                alt.Tooltip("rate_per_day:Q", title=_("Per dag"), format=".2f"),
            ],
        )
    )
    columns = [("kind", _("Slags dag")), ("days", _("Dagar")), ("count", _("Händelser")),
               ("rate_per_day", _("Per dag"))]  # fmt: skip
    return Chart(
        "helgdagar", _("Helgdagar och aftnar mot övriga dagar"), _spec(chart), columns, rows
    )


@_guard
def trends(result) -> Chart:
    rows = []
    groups = [result["trends"].get("total")] + list(result["trends"].get("by_district") or [])
    for t in groups:
        if not t:
            continue
        for y in t["years"]:
            rows.append({"name": t["name"], "year": y["year"], "count": y["count"]})
    chart = _base(rows).mark_line(point=True).encode(
        x=alt.X("year:O", title=_("År (samma datum varje år)")),
        y=alt.Y("count:Q", title=_("Antal händelser")),
        color=alt.Color("name:N", title=_("Område"), legend=alt.Legend(orient="bottom", columns=3)),
        tooltip=[alt.Tooltip("name:N", title=_("Område")), alt.Tooltip("year:O", title=_("År")),
                 alt.Tooltip("count:Q", title=_("Antal"))],
    ).properties(height=260)  # fmt: skip
    columns = [("name", _("Område")), ("year", _("År")), ("count", _("Antal"))]
    return Chart("trender", _("Antal per år och område"), _spec(chart), columns, rows)


@_guard
def hotspot_map(result) -> Chart:
    h = result["hotspots"]
    rows: list[dict[str, Any]] = []
    outline_rows: list[dict[str, Any]] = []
    if h["origin"]:
        x0, y0, cell = h["origin"][0], h["origin"][1], h["cell"]
        shown = [c for c in h["cells"] if c["count"] or c["confidence"]]
        if len(shown) > MAX_MAP_CELLS:
            shown = sorted(shown, key=lambda c: (-c["confidence"], -c["count"]))[:MAX_MAP_CELLS]
        for c in shown:
            key = f"{c['class']}-{c['confidence']}" if c["class"] else ""
            rows.append(
                {
                    "i": c["i"], "j": c["j"], "count": c["count"], "z": round(c["z"], 3),
                    "p": c["p"], "x": x0 + c["i"] * cell, "x2": x0 + (c["i"] + 1) * cell,
                    "y": y0 + c["j"] * cell, "y2": y0 + (c["j"] + 1) * cell,
                    "klass": _class_label(key), "key": key,
                }
            )  # fmt: skip
    xs = [r["x"] for r in rows] + [r["x2"] for r in rows]
    ys = [r["y"] for r in rows] + [r["y2"] for r in rows]
    for d in result.get("districts") or []:
        for n, ring in enumerate(d["rings"]):
            for k, (x, y) in enumerate(ring):
                outline_rows.append(
                    {"name": d["name"], "ring": f"{d['id']}-{n}", "k": k, "x": x, "y": y}
                )
    if not xs:
        xs = [r["x"] for r in outline_rows] or [0, 1]
        ys = [r["y"] for r in outline_rows] or [0, 1]
    pad = h["cell"] * 2
    x_dom, y_dom = [min(xs) - pad, max(xs) + pad], [min(ys) - pad, max(ys) + pad]
    width = 560
    height = int(min(560, max(200, width * (y_dom[1] - y_dom[0]) / max(x_dom[1] - x_dom[0], 1))))
    x_scale = alt.Scale(domain=x_dom, zero=False, nice=False)
    y_scale = alt.Scale(domain=y_dom, zero=False, nice=False)
    keys = list(COLOURS)
    cells = alt.Chart(alt.Data(values=rows)).mark_rect(stroke="#888", strokeWidth=0.2, clip=True).encode(
        x=alt.X("x:Q", scale=x_scale, title=_("Öst (m, SWEREF 99 TM)"), axis=alt.Axis(format="d")),
        x2="x2:Q",
        y=alt.Y("y:Q", scale=y_scale, title=_("Nord (m, SWEREF 99 TM)"), axis=alt.Axis(format="d")),
        y2="y2:Q",
        color=alt.Color("klass:N", title=_("Gi*"), legend=alt.Legend(orient="bottom", columns=2),
                        scale=alt.Scale(domain=[_class_label(k) for k in keys], range=list(COLOURS.values()))),
        tooltip=[alt.Tooltip("i:Q"), alt.Tooltip("j:Q"), alt.Tooltip("count:Q", title=_("Antal")),
                 alt.Tooltip("z:Q"), alt.Tooltip("p:Q", format=".4f"), alt.Tooltip("klass:N", title=_("Klass"))],
    )  # fmt: skip
    layers = [cells]
    if outline_rows:
        layers.append(
            alt.Chart(alt.Data(values=outline_rows))
            .mark_line(color="#333", strokeWidth=1, clip=True)
            .encode(
                x=alt.X("x:Q", scale=x_scale),
                y=alt.Y("y:Q", scale=y_scale),
                detail="ring:N",
                order="k:Q",
                tooltip=[alt.Tooltip("name:N", title=_("Område"))],
            )  # fmt: skip
        )
    chart = alt.layer(*layers).properties(width=width, height=height)
    columns = [
        ("i", "i"),
        ("j", "j"),
        ("count", _("Antal")),
        ("z", "z"),
        ("p", "p"),
        ("klass", _("Klass")),
    ]
    table_rows = [r for r in rows if r["key"]] or rows[:50]
    return Chart("hotspots", _("Hot spots (Getis–Ord Gi*)"), _spec(chart), columns, table_rows)


@_guard
def comparison(result) -> Chart:
    rows = [r for r in result["comparison"].get("rows", [])]
    long = []
    for r in rows:
        label = f"{r['district']} · {r['category']}"
        long.append({"name": label, "period": _("Perioden"), "count": r["count"]})
        long.append({"name": label, "period": _("Samma period året innan"), "count": r["previous"]})
    top = sorted(rows, key=lambda r: -(r["count"] + r["previous"]))[:20]
    names = [f"{r['district']} · {r['category']}" for r in top]
    long = [x for x in long if x["name"] in names]
    chart = (
        alt.Chart(alt.Data(values=long)).mark_bar().encode(
            y=alt.Y("name:N", sort=names, title=None),
            yOffset="period:N",
            x=alt.X("count:Q", title=_("Antal händelser")),
            color=alt.Color("period:N", title=None, scale=alt.Scale(range=["#1f5f7a", "#a6c8d8"]),
                            legend=alt.Legend(orient="bottom")),
            tooltip=["name:N", "period:N", "count:Q"],
        ).properties(width="container", height=max(120, 26 * len(names)))
    )  # fmt: skip
    columns = [("district", _("Område")), ("category", _("Kategori")), ("count", _("Antal")),
               ("previous", _("Året innan")), ("p_value", "p"), ("q_value", "q"), ("flag", _("Flagga"))]  # fmt: skip
    flags = {"increase": _("ökning"), "decrease": _("minskning"), "new": _("ny")}
    rows = [{**r, "flag": flags.get(r.get("flag") or "", r.get("flag") or "")} for r in rows]
    return Chart(
        "jamforelse", _("Perioden mot samma period året innan"), _spec(chart), columns, rows
    )


BUILDERS = {
    "manad": by_month,
    "vecka": by_week,
    "kategori": by_category,
    "omrade": by_district,
    "veckodag_timme": weekday_hour,
    "helgnatter": weekend,
    "helgdagar": holidays,
    "trender": trends,
    "jamforelse": comparison,
    "hotspots": hotspot_map,
}


# The charts drawn with vega-embed on the page; the hot spots are drawn on a Leaflet map
# (mapdata, static/lagesbild/map.js) and stay a Vega chart only in the downloaded files.
PAGE_CHARTS = tuple(key for key in BUILDERS if key != "hotspots")


def chart_for(result: dict[str, Any], key: str) -> Chart:
    """One chart of a result with its source line ("Källor: …", ``sources.figures``)."""
    chart = BUILDERS[key](result)
    figures = (result.get("sources") or {}).get("figures") or {}
    chart.source_figure = figures.get(key) or None
    chart.source = (chart.source_figure or {}).get("line", "")
    return chart


def all_charts(result: dict[str, Any]) -> dict[str, Chart]:
    return {key: chart_for(result, key) for key in BUILDERS}


def chart_file(chart: Chart, fmt: str) -> tuple[bytes, str]:
    """A chart as a downloaded file (content, content type), with its source line: the last
    row of the CSV, the subtitle under the title of the SVG/PNG."""
    if fmt == "csv":
        text = chart.csv()
        if chart.source:
            out = io.StringIO()
            csv.writer(out, delimiter=";").writerow([chart.source])
            text += out.getvalue()
        return text.encode(), "text/csv; charset=utf-8"
    if fmt not in ("svg", "png"):
        raise ValueError(fmt)
    spec = dict(chart.spec)
    if chart.source:
        title = spec.get("title")
        text = title.get("text", chart.title) if isinstance(title, dict) else title
        spec["title"] = {"text": text or chart.title, "subtitle": chart.source}
    content = render_static(spec, fmt)
    return content, "image/svg+xml" if fmt == "svg" else "image/png"


def render_static(spec: dict[str, Any], fmt: str) -> bytes:
    """SVG or PNG of a spec through vl-convert (no browser, no network)."""
    import vl_convert as vlc

    spec = dict(spec)
    if spec.get("width") == "container":
        spec["width"] = 640
    for layer in spec.get("layer", []):
        if layer.get("width") == "container":
            layer["width"] = 640
    locale = {"format_locale": SV_FORMAT_LOCALE, "time_format_locale": SV_TIME_LOCALE}
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec, **locale).encode()
    return vlc.vegalite_to_png(spec, scale=2, **locale)


def year_chart(rows: list[dict[str, Any]]) -> Chart:
    """Events per year and focus area (the annual page); rows of area, year, count and
    ``whole`` ("helt år" / "ofullständigt år"). The line joins whole years only; an
    incomplete year is a hollow point, and the subtitle says which years are incomplete."""
    partial_label = _("ofullständigt år")
    partial = sorted({r["year"] for r in rows if r.get("whole") == partial_label})
    base = _base(rows)
    x = alt.X("year:O", title=_("År"))
    y = alt.Y("count:Q", title=_("Antal händelser"))
    colour = alt.Color(
        "area:N", title=_("Fokusområde"), legend=alt.Legend(orient="bottom", columns=1)
    )
    tooltip = [
        alt.Tooltip("area:N", title=_("Fokusområde")),
        alt.Tooltip("year:O", title=_("År")),
        alt.Tooltip("count:Q", title=_("Antal")),
        alt.Tooltip("whole:N", title=_("År")),
    ]
    whole = alt.datum.whole != partial_label
    line = base.mark_line().encode(x=x, y=y, color=colour).transform_filter(whole)
    points = base.mark_point(size=60, filled=True).encode(
        x=x, y=y, color=colour, tooltip=tooltip,
        fill=alt.condition(whole, alt.Color("area:N", legend=None), alt.value("white")),
        shape=alt.Shape("whole:N", title=None, legend=alt.Legend(orient="bottom")),
    )  # fmt: skip
    title = _("Händelser per år och fokusområde")
    chart = alt.layer(line, points).properties(width="container", height=220)
    if partial:
        chart = chart.properties(
            title=alt.Title(
                title,
                subtitle=_("Ofullständigt år (ofylld punkt, utanför linjen): %s")
                % ", ".join(str(y) for y in partial),
            )
        )
    columns = [("area", _("Fokusområde")), ("year", _("År")), ("count", _("Antal händelser")),
               ("whole", _("Helt år"))]  # fmt: skip
    return Chart("ar", title, _spec(chart), columns, rows)


def frame_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dict(orient="records")
