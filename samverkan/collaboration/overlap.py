"""The overlap and gap rule, in one place, on plain values (no database).

The matrix has one row per focus area and one column per level (the prevention triangle's
three levels and the work outside it). A cell holds the collaborations and the agreement's
interventions that work in that focus area at that level. In a cell:

- **möjligt dubbelarbete**: two or more active collaborations aimed at the same target group;
- **möjlig lucka**: no active collaboration and no active intervention at all, at one of the
  triangle's three levels (support, rehabilitation and treatment outside the triangle are
  run by the förvaltningar themselves and are not a gap of the agreement).

Only active work counts (a collaboration planerad or pågår, an intervention not avslutad or
inställd): an ended collaboration neither fills a gap nor doubles another. Interventions fill
gaps but never count as double work: they are the agreement's own decisions, weighed against
the collaborations (`related`). The target-group breakdown applies the same rule to target
group × level, across the focus areas.

An intervention's target group is free text; `target_group_of_text` reads it to one of the
fixed groups (None when no word fits), and `focus_areas_of_text` reads a plan section's or a
problem's title to focus areas.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

COLLABORATION = "collaboration"
INTERVENTION = "intervention"


@dataclass(frozen=True)
class Entry:
    """A collaboration or an intervention, as the rule sees it."""

    kind: str  # COLLABORATION | INTERVENTION
    pk: int
    name: str
    focus_areas: tuple[str, ...]
    level: str
    target_group: str | None
    active: bool = True


@dataclass
class Cell:
    row: str  # a focus area (the matrix) or a target group (the breakdown)
    level: str
    collaborations: list[Entry] = field(default_factory=list)
    interventions: list[Entry] = field(default_factory=list)
    overlaps: dict[str, list[Entry]] = field(default_factory=dict)  # target group -> ≥ 2
    gap: bool = False

    @property
    def overlap(self) -> bool:
        return bool(self.overlaps)


def overlapping(collaborations: Iterable[Entry]) -> dict[str, list[Entry]]:
    """The target groups that two or more active collaborations aim at."""
    by_group: dict[str, list[Entry]] = {}
    for entry in collaborations:
        if entry.kind == COLLABORATION and entry.active and entry.target_group:
            by_group.setdefault(entry.target_group, []).append(entry)
    return {group: entries for group, entries in by_group.items() if len(entries) >= 2}


def _cell(row: str, level: str, entries: list[Entry], gap_levels: Sequence[str]) -> Cell:
    cell = Cell(
        row,
        level,
        collaborations=[e for e in entries if e.kind == COLLABORATION],
        interventions=[e for e in entries if e.kind == INTERVENTION],
    )
    cell.overlaps = overlapping(cell.collaborations)
    cell.gap = level in gap_levels and not any(e.active for e in entries)
    return cell


def matrix(
    entries: Iterable[Entry],
    areas: Sequence[str],
    levels: Sequence[str],
    gap_levels: Sequence[str],
) -> list[list[Cell]]:
    """One row per focus area, one cell per level. An entry in two areas is in both rows."""
    entries = list(entries)
    return [
        [
            _cell(
                area,
                level,
                [e for e in entries if area in e.focus_areas and e.level == level],
                gap_levels,
            )
            for level in levels
        ]
        for area in areas
    ]


def target_group_matrix(
    entries: Iterable[Entry],
    groups: Sequence[str],
    levels: Sequence[str],
    gap_levels: Sequence[str],
) -> list[list[Cell]]:
    """One row per target group, one cell per level, across the focus areas."""
    entries = list(entries)
    return [
        [
            _cell(
                group,
                level,
                [e for e in entries if e.target_group == group and e.level == level],
                gap_levels,
            )
            for level in levels
        ]
        for group in groups
    ]


def related(entries: Iterable[Entry], level: str, target_group: str | None) -> list[Entry]:
    """The active collaborations at ``level`` aimed at ``target_group`` (any target group
    when it is not known): what a new intervention is weighed against."""
    return [
        e
        for e in entries
        if e.kind == COLLABORATION
        and e.active
        and e.level == level
        and (target_group is None or e.target_group == target_group)
    ]


# --- Reading free text ---------------------------------------------------------------------------

# First match wins: the more specific groups come before the words they contain
# ("unga vuxna" before "unga", "föräldrar till barn" is about the parents).
_TARGET_GROUP_WORDS: list[tuple[str, str]] = [
    ("vardnadshavare", r"vårdnadshavare|föräld"),
    ("brottsutsatta", r"brottsutsatt|brottsoffer|utsatta för"),
    ("missbruk", r"missbruk|beroende"),
    ("naringsidkare", r"näringsidkare|krögare|restaurang|butiksägare|handlare|företag"),
    ("unga_vuxna", r"unga vuxna"),
    ("barn_unga", r"\bbarn|\bung|elev|skolbarn|tonår"),
    ("boende", r"\bboende|hyresgäst"),
    ("vuxna", r"\bvuxna"),
    ("alla", r"\balla\b|allmänhet|invånare|lulebor"),
]

_FOCUS_WORDS: list[tuple[str, str]] = [
    ("trygghet", r"trygg|skadegörelse|klotter|våld|ordningsstörning|inbrott|\brån|brand"),
    ("ungdom", r"\bung|ungdom|\bbarn|elev|skol"),
    ("andt", r"andt|alkohol|narkotika|drog|tobak|spel om pengar|rattfylleri|langning"),
]


def target_group_of_text(text: str) -> str | None:
    """The fixed target group a free-text target group names, None when none fits."""
    text = (text or "").lower()
    return next((group for group, words in _TARGET_GROUP_WORDS if re.search(words, text)), None)


def focus_areas_of_text(text: str) -> tuple[str, ...]:
    """The focus areas a title names ("6.3 ANDT(S)", "Skadegörelse vid centrum")."""
    text = (text or "").lower()
    return tuple(area for area, words in _FOCUS_WORDS if re.search(words, text))
