"""What the inventory pages read: an agreement's collaborations and interventions as the
overlap rule sees them (`collaboration.overlap`), the matrix and its target-group breakdown,
the latest review, and the collaborations an intervention is weighed against.

Everything is read through the chokepoints (collaboration.access, prevention.access), for
the user who asks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from samverkan.collaboration import access, overlap
from samverkan.collaboration.models import (
    PREVENTION_LEVELS,
    Collaboration,
    FocusArea,
    InventoryReview,
    Level,
    TargetGroup,
)
from samverkan.prevention.access import intervention_list_for_user
from samverkan.prevention.models import Intervention

INACTIVE_INTERVENTION = {Intervention.Status.DONE, Intervention.Status.CANCELLED}


def collaboration_entry(collaboration: Collaboration) -> overlap.Entry:
    return overlap.Entry(
        kind=overlap.COLLABORATION,
        pk=collaboration.pk,
        name=collaboration.name,
        focus_areas=tuple(collaboration.focus_areas),
        level=collaboration.level,
        target_group=collaboration.target_group,
        active=collaboration.is_active,
    )


def intervention_focus_areas(intervention: Intervention) -> tuple[str, ...]:
    """The focus area of the plan section the problem belongs to; without a section (or a
    section that names none), the focus areas the problem's title names."""
    problem = intervention.problem
    if problem.section_id is not None:
        areas = overlap.focus_areas_of_text(problem.section.title)
        if areas:
            return areas
    return overlap.focus_areas_of_text(problem.title)


def intervention_entry(intervention: Intervention) -> overlap.Entry:
    return overlap.Entry(
        kind=overlap.INTERVENTION,
        pk=intervention.pk,
        name=intervention.title,
        focus_areas=intervention_focus_areas(intervention),
        level=intervention.level,
        target_group=overlap.target_group_of_text(intervention.target_group),
        active=intervention.status not in INACTIVE_INTERVENTION,
    )


def agreement_collaborations(user, agreement):
    return (
        access.collaboration_list_for_user(user)
        .filter(agreement=agreement)
        .prefetch_related("parties__organisation")
        .order_by("name")
    )


def agreement_interventions(user, agreement):
    return (
        intervention_list_for_user(user)
        .filter(problem__agreement=agreement)
        .select_related("problem__section", "owner_organisation")
        .order_by("problem__title", "pk")
    )


def filter_collaborations(collaborations, focus_area="", level="", target_group=""):
    """The filters of the list and the API. A focus area is a key of the JSON list: matched
    in Python, the same on SQLite and PostgreSQL."""
    if level:
        collaborations = collaborations.filter(level=level)
    if target_group:
        collaborations = collaborations.filter(target_group=target_group)
    if focus_area:
        pks = [c.pk for c in collaborations if focus_area in (c.focus_areas or [])]
        collaborations = collaborations.filter(pk__in=pks)
    return collaborations


@dataclass
class Overview:
    levels: list[tuple[str, str]]
    areas: list[tuple[str, str, list[overlap.Cell]]]  # key, label, cells
    groups: list[tuple[str, str, list[overlap.Cell]]]
    collaborations: dict[int, Collaboration]
    interventions: dict[int, Intervention]
    overlaps: int
    gaps: int


def overview(user, agreement) -> Overview:
    collaborations = {c.pk: c for c in agreement_collaborations(user, agreement)}
    interventions = {i.pk: i for i in agreement_interventions(user, agreement)}
    entries = [collaboration_entry(c) for c in collaborations.values()] + [
        intervention_entry(i) for i in interventions.values()
    ]
    levels = list(Level.choices)
    level_keys = [key for key, _label in levels]
    rows = overlap.matrix(entries, FocusArea.values, level_keys, PREVENTION_LEVELS)
    group_rows = overlap.target_group_matrix(
        entries, TargetGroup.values, level_keys, PREVENTION_LEVELS
    )
    cells = [cell for row in rows for cell in row]
    return Overview(
        levels=levels,
        areas=[
            (key, label, row) for (key, label), row in zip(FocusArea.choices, rows, strict=True)
        ],
        groups=[
            (key, label, row)
            for (key, label), row in zip(TargetGroup.choices, group_rows, strict=True)
            if any(cell.collaborations or cell.interventions for cell in row)
        ],
        collaborations=collaborations,
        interventions=interventions,
        overlaps=sum(cell.overlap for cell in cells),
        gaps=sum(cell.gap for cell in cells),
    )


def last_review(user, agreement) -> InventoryReview | None:
    return (
        access.review_list_for_user(user)
        .filter(agreement=agreement)
        .select_related("reviewed_by")
        .order_by("-reviewed_on", "-pk")
        .first()
    )


def review_overdue(review: InventoryReview | None, today: dt.date) -> bool:
    """No review yet, or the next one's date has passed."""
    return review is None or review.next_review < today


def related_collaborations(
    user, agreement, level: str, target_group_text: str
) -> tuple[str | None, list[Collaboration]]:
    """The target group read from the intervention's text, and the active collaborations of
    the agreement at its level aimed at that group (at any group when none is read)."""
    group = overlap.target_group_of_text(target_group_text)
    collaborations = {c.pk: c for c in agreement_collaborations(user, agreement)}
    entries = [collaboration_entry(c) for c in collaborations.values()]
    return group, [collaborations[e.pk] for e in overlap.related(entries, level, group)]
