"""Where a figure's events come from, and what their times and positions are worth.

One mechanism for every figure and table of the lägesbild: `source_shares(frame)` gives the
sources of the rows behind a figure with their shares ("Källor: Polisens händelser 62 %,
EST-rapporter 38 %"); `figure_sources` applies it to the frame behind each chart (keyed as
`charts.BUILDERS`). `time_quality(frame)` counts the events whose time is only the source's
publication time and those whose position is only the municipality's centre, for the note of
every time-pattern section. `polisen_other(frame)` is the share of Polisen's events that no
type mapping has placed (still in *Övrigt*) and their most common types.

Frame columns read when present (a frame without them gives empty answers, never an error):
``source``, ``time_precision``, ``position_is_centre``, ``source_type``, ``category_slug``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from samverkan.analysis.formatting import format_decimal
from samverkan.lagesbild.sections.common import num
from samverkan.lagesbild.sections.periods import between

PUBLISHED = "publicerad"  # Incident.TimePrecision.PUBLISHED: the time is the publication time
OTHER = "ovrigt"  # the category of a type without a mapping
TOP_TYPES = 5


def source_names() -> dict[str, str]:
    return {
        "polisen": _("Polisens händelser"),
        "form": _("EST-rapporter"),
        "api": _("rapporter via API"),
        "file": _("filimporter"),
        "open311": _("Open311-ärenden"),
    }


def percent(share: float) -> str:
    return f"{format_decimal(100 * share, 0)} %"


def _filled(values: pd.Series) -> pd.Series:
    """Text with "" for a missing value (Arrow-backed text is counted as it is)."""
    if isinstance(values.dtype, pd.StringDtype):
        return values.fillna("")
    return values.astype(object).fillna("")


def source_counts(values: pd.Series) -> pd.Series:
    """Rows per source ("" for none) of a ``source`` column."""
    return _filled(values).value_counts()


def source_shares(frame: pd.DataFrame | pd.Series) -> dict[str, Any]:
    """The sources of ``frame``'s rows, largest first, with the line shown under a figure.
    ``frame`` may also be a ``source`` column, or the rows per source (``source_counts``,
    named ``count``)."""
    if isinstance(frame, pd.Series):
        counts = frame if frame.name == "count" else source_counts(frame)
    elif "source" not in frame.columns or not len(frame):
        return {"total": int(len(frame)), "shares": [], "line": "", "line_plain": ""}
    else:
        counts = source_counts(frame["source"])
    if not counts.sum():
        return {"total": 0, "shares": [], "line": "", "line_plain": ""}
    names = source_names()
    total = int(counts.sum())
    shares = [
        {
            "source": str(source),
            "name": names.get(str(source), str(source) or _("okänd källa")),
            "count": int(count),
            "share": num(count / total),
        }
        for source, count in sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
    ]
    line = _("Källor: %(list)s.") % {
        "list": ", ".join(f"{s['name']} {percent(s['count'] / total)}" for s in shares)
    }
    # The same sources without their shares: what leaves the organisation when a source's
    # count is small (lagesbild.disclosure.outbound_source_line).
    line_plain = _("Källor: %(list)s.") % {"list": ", ".join(s["name"] for s in shares)}
    return {"total": total, "shares": shares, "line": line, "line_plain": line_plain}


def _flag(frame: pd.DataFrame, column: str, value: Any = True) -> np.ndarray:
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return (frame[column] == value).to_numpy(dtype=bool)


def time_quality(frame: pd.DataFrame) -> dict[str, Any]:
    """How many events have only the publication time as their time, and only the
    municipality's centre as their position, with the note shown by the time sections."""
    total = int(len(frame))
    published = int(_flag(frame, "time_precision", PUBLISHED).sum())
    centre = int(_flag(frame, "position_is_centre").sum())
    out = {
        "total": total,
        "publication_timed": published,
        "centre_only": centre,
        "publication_share": num(published / total) if total else None,
        "centre_share": num(centre / total) if total else None,
        "note": "",
    }
    parts = []
    if published:
        parts.append(
            _(
                "%(share)s av händelserna (%(n)d) har bara källans publiceringstid som "
                "tidpunkt, inte när det hände"
            )
            % {"share": percent(published / total), "n": published}
        )
    if centre:
        parts.append(
            _("%(share)s (%(n)d) har bara kommunens mittpunkt som position")
            % {"share": percent(centre / total), "n": centre}
        )
    if parts:
        out["note"] = (
            "; ".join(parts)
            + ". "
            + _(
                "Polisens tider är de som står i händelsens rubrik, och nattens händelser "
                "redovisar Polisen ofta bara i sammanfattningar för hela länet."
            )
        )
    return out


def polisen_other(frame: pd.DataFrame) -> dict[str, Any]:
    """Polisen's events of ``frame`` still in *Övrigt* (no type mapping), and their types."""
    polisen = _flag(frame, "source", "polisen")
    total = int(polisen.sum())
    out: dict[str, Any] = {"polisen": total, "other": 0, "share": None, "types": []}
    if not total or "category_slug" not in frame.columns:
        return {**out, "sentence": ""}
    other = polisen & _flag(frame, "category_slug", OTHER)
    out["other"] = n = int(other.sum())
    out["share"] = num(n / total)
    if "source_type" in frame.columns and n:
        types = _filled(frame.loc[other, "source_type"]).value_counts()
        out["types"] = [
            {"type": str(t) or _("(utan typ)"), "count": int(c)}
            for t, c in sorted(types.items(), key=lambda item: (-item[1], str(item[0])))[:TOP_TYPES]
        ]
    sentence = _(
        "%(share)s av Polisens händelser (%(n)d av %(total)d) ligger i Övrigt eftersom "
        "deras typ inte har någon kategori."
    ) % {"share": percent(n / total), "n": n, "total": total}
    if out["types"]:
        sentence += " " + _("Vanligast: %(types)s.") % {
            "types": ", ".join(f"{t['type']} ({t['count']})" for t in out["types"])
        }
    out["sentence"] = sentence
    return out


def figure_sources(
    current: pd.DataFrame,
    previous: pd.DataFrame | None,
    read: pd.DataFrame,
    windows: list[tuple[int, dt.date, dt.date]],
) -> dict[str, dict[str, Any]]:
    """`source_shares` of the rows behind each chart: the period's for most, the events
    with an exact point for the hot-spot map, both periods for the comparison and the trend
    windows' for the trend."""
    period = source_shares(current)
    in_windows = np.zeros(len(read), dtype=bool)
    if len(read):
        for _year, first, last in windows:
            in_windows |= between(read["occurred_at"], first, last)
    placed = current[current["lat"].notna().to_numpy()] if "lat" in current.columns else current
    if "source" in current.columns and previous is not None and len(current) + len(previous):
        # Both periods' rows counted per source and added, not copied into one frame.
        both = source_counts(current["source"]).add(source_counts(previous["source"]), fill_value=0)
        both = both.astype("int64").rename("count")
    else:
        both = current if previous is None else pd.concat([current, previous])
    out = {
        key: period
        for key in (
            "manad",
            "vecka",
            "kategori",
            "omrade",
            "veckodag_timme",
            "helgnatter",
            "helgdagar",
        )
    }
    out["hotspots"] = source_shares(placed["source"] if "source" in placed.columns else placed)
    out["jamforelse"] = source_shares(both)
    if "source" in read.columns and in_windows.any():
        out["trender"] = source_shares(read["source"][in_windows])
    else:
        out["trender"] = source_shares(read[in_windows] if len(read) else read)
    return out
