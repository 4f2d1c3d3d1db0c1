"""Concentration: how much of the trouble happens at how few places.

Crime concentrates: in most cities a few per cent of street segments or addresses account
for half of the events ("the law of crime concentration"). A lägesbild says how strongly,
so that a coordinator knows whether a handful of places deserve their own measures.
A *unit* is whatever the counts are indexed by: a place (an address, a school, a square) or
a grid cell. Which units are included is the caller's choice and changes the answer: pass
every cell of the study area, empty ones included, to ask "what share of the area".
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from math import ceil

import numpy as np
import pandas as pd

DEFAULT_SHARES = (0.01, 0.05, 0.1, 0.2)

# Codes of Concentration.notes (lagesbild.text writes them as sentences).
NOTE_NO_UNITS = "concentration_no_units"
NOTE_NO_EVENTS = "concentration_no_events"


# eq=False: the fields hold arrays and frames, which do not compare to a single bool.
@dataclass(frozen=True, eq=False)
class Concentration:
    """top: one row per requested share, columns share_of_units (the x in "top x %"),
    units (how many units that is), events (at those units) and share_of_events."""

    n_units: int
    n_events: int | float  # a whole number unless the counts were not
    top: pd.DataFrame
    gini: float
    top_units: pd.Series  # the counts sorted as ranked: largest first, ties by index
    notes: list[str] = field(default_factory=list)


def units_in_top(share: float, n_units: int) -> int:
    """How many units make the top ``share`` of n_units: the share rounded up, so the top
    1 % of 50 places is 1 place, never 0 (unless there are no units)."""
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], got {share}")
    # round() first so that 10 % of 30 stays 3 and does not become 4 through 3.0000000004.
    return min(n_units, ceil(round(share * n_units, 9)))


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values: 0 when all are equal, (n − 1) / n when one
    unit has everything. 0 when there are no values or they sum to 0."""
    x = np.sort(np.asarray(values, dtype=float))
    n, total = x.size, x.sum()
    if n == 0 or total == 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float(2 * (ranks * x).sum() / (n * total) - (n + 1) / n)


def concentration(counts: pd.Series, shares: Sequence[float] = DEFAULT_SHARES) -> Concentration:
    """The share of events at the top x % of units, for each x in shares, and the Gini
    coefficient. counts: events per unit, indexed by place or cell (non-negative; NaN counts
    as 0).

    Units are ranked by count, largest first; tied units are ranked by their index label
    (ascending), so ``top_units`` is the same on every run. The shares of events do not
    depend on how ties are broken: tied units hold the same number of events.
    """
    values = pd.to_numeric(counts, errors="coerce").fillna(0)
    if (values < 0).any():
        raise ValueError("counts must not be negative")
    frame = pd.DataFrame({"label": values.index, "count": values.to_numpy()})
    # Rank by count descending, then by label; a label that cannot be ordered against the
    # others (mixed types) falls back to its string form.
    try:
        frame = frame.sort_values(["count", "label"], ascending=[False, True], kind="stable")
    except TypeError:
        frame = frame.assign(key=frame["label"].astype(str))
        frame = frame.sort_values(["count", "key"], ascending=[False, True], kind="stable")
    ranked = pd.Series(frame["count"].to_numpy(), index=pd.Index(frame["label"]), name="count")
    n_units = len(ranked)
    n_events = ranked.sum()
    cumulative = ranked.cumsum().to_numpy()
    rows = []
    for share in shares:
        k = units_in_top(share, n_units)
        events = cumulative[k - 1] if k else 0
        rows.append(
            {
                "share_of_units": share,
                "units": k,
                "events": events,
                "share_of_events": events / n_events if n_events else 0.0,
            }
        )
    notes = []
    if n_units == 0:
        notes.append(NOTE_NO_UNITS)
    elif n_events == 0:
        notes.append(NOTE_NO_EVENTS)
    return Concentration(
        n_units=n_units,
        n_events=int(n_events) if float(n_events).is_integer() else float(n_events),
        top=pd.DataFrame(rows, columns=["share_of_units", "units", "events", "share_of_events"]),
        gini=gini(ranked.to_numpy()),
        top_units=ranked,
        notes=notes,
    )


def cell_concentration(
    counts: np.ndarray, mask: np.ndarray | None = None, shares: Sequence[float] = DEFAULT_SHARES
) -> Concentration:
    """``concentration`` over the cells of a grid: counts[row, col], and mask (True = the
    cell is in the study area, default all) choosing the units. Units are labelled by their
    row-major index. Only the study area's cells count, empty ones included, so the shares
    do not depend on how far the grid reaches beyond it."""
    counts = np.asarray(counts)
    flat = counts.ravel()
    if mask is None:
        index = np.arange(flat.size)
    else:
        mask = np.asarray(mask)
        if mask.shape != counts.shape or mask.dtype != bool:
            raise ValueError("mask must be a boolean array shaped like counts")
        index = np.flatnonzero(mask.ravel())
    return concentration(pd.Series(flat[index], index=index), shares)


@dataclass(frozen=True, eq=False)
class RepeatPlaces:
    """places: one row per repeat place (place, events), most events first, ties by place."""

    min_events: int
    places: pd.DataFrame
    n_events: int  # all events in the frame, with or without a place
    n_without_place: int
    events_at_places: int

    @property
    def n_places(self) -> int:
        return len(self.places)

    @property
    def share_of_events(self) -> float:
        """Share of all events (those without a place included) at the repeat places."""
        return self.events_at_places / self.n_events if self.n_events else 0.0


def repeat_places(
    frame: pd.DataFrame, place_col: str = "place", min_events: int = 2
) -> RepeatPlaces:
    """Places with at least min_events events, and how many of all events happened there.
    Needs: one row per event and a column ``place_col`` (any hashable; missing = no place)."""
    if min_events < 1:
        raise ValueError(f"min_events must be at least 1, got {min_events}")
    places = frame[place_col]
    per_place = places.dropna().value_counts()
    repeats = per_place[per_place >= min_events]
    table = pd.DataFrame({"place": repeats.index, "events": repeats.to_numpy(dtype=np.int64)})
    try:
        table = table.sort_values(["events", "place"], ascending=[False, True], kind="stable")
    except TypeError:
        table = table.iloc[np.lexsort((table["place"].astype(str), -table["events"]))]
    return RepeatPlaces(
        min_events=min_events,
        places=table.reset_index(drop=True),
        n_events=len(frame),
        n_without_place=int(places.isna().sum()),
        events_at_places=int(table["events"].sum()),
    )
