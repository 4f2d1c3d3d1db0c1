"""What the plan page and the API read of an action plan: each prioritised goal with its
rationale and evidence (the linked indicators' latest figures with source and period, the
stored lägesbild, the incident categories, the quoted figure), its local goals and
activities, and each activity's follow-up per period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from samverkan.andts.models import ActionPlan, Activity, PrioritisedGoal
from samverkan.indicators.access import observation_list_for_user
from samverkan.indicators.pages import latest_figures


@dataclass
class GoalRow:
    prioritised: PrioritisedGoal
    figures: list = field(default_factory=list)  # indicators.pages.Figure, per indicator
    local_goals: list = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)


def _figures(user, indicators) -> dict[int, list]:
    observations = defaultdict(list)
    for o in observation_list_for_user(user).filter(indicator__in=[i.pk for i in indicators]):
        observations[o.indicator_id].append(o)
    return {i.pk: latest_figures(i, observations[i.pk]) for i in indicators}


def plan_rows(plan: ActionPlan, user) -> list[GoalRow]:
    goals = list(
        plan.prioritised_goals.select_related("goal", "snapshot").prefetch_related(
            "indicators__source", "incident_categories", "local_goals"
        )
    )
    indicators = {i.pk: i for g in goals for i in g.indicators.all()}
    figures = _figures(user, indicators.values())
    activities = defaultdict(list)
    for activity in plan.activities.select_related(
        "goal",
        "local_goal",
        "owner_organisation",
        "indicator",
        "intervention",
        "collaboration",
    ).prefetch_related("follow_ups"):
        activities[activity.goal_id].append(activity)
    return [
        GoalRow(
            prioritised=g,
            figures=[(i, figures.get(i.pk, [])) for i in g.indicators.all()],
            local_goals=list(g.local_goals.all()),
            activities=activities.get(g.goal_id, []),
        )
        for g in goals
    ]


def evidence_out(row: GoalRow) -> dict:
    g = row.prioritised
    return {
        "indicators": [
            {
                "code": indicator.code,
                "name": indicator.name,
                "source": indicator.source.name if indicator.source_id else "",
                "latest": [
                    {
                        "label": f.label,
                        "value": f.text,
                        "period": f.period,
                        "geography": f.geography,
                    }
                    for f in figures
                ],
            }
            for indicator, figures in row.figures
        ],
        "snapshot": ({"id": g.snapshot.pk, "title": g.snapshot.title} if g.snapshot_id else None),
        "incident_categories": [c.slug for c in g.incident_categories.all()],
        "figure": g.figure,
        "figure_source": g.figure_source,
        "figure_period": g.figure_period,
    }


def activity_out(activity: Activity) -> dict:
    return {
        "id": activity.pk,
        "goal": activity.goal.number,
        "local_goal": activity.local_goal.text if activity.local_goal_id else None,
        "title": activity.title,
        "kind": activity.kind,
        "description": activity.description,
        "intervention": activity.intervention_id,
        "collaboration": activity.collaboration.name if activity.collaboration_id else None,
        "owner_organisation": activity.owner_organisation.name,
        "owner_role": activity.owner_role,
        "start": activity.start,
        "end": activity.end,
        "schedule": activity.schedule_text,
        "indicator": activity.indicator.code if activity.indicator_id else None,
        "follow_ups": [
            {"period": f.period_label, "status": f.status, "comment": f.comment}
            for f in activity.follow_ups.all()
        ],
    }
