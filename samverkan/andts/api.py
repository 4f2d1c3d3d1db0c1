"""The national strategies and the ANDT(S) action plans in the API.

Same scoping as the pages (andts.access): the strategies are public reference data for every
logged-in user; an action plan is seen by the parties to its agreement, another agreement's
plan does not exist for the user. Lists are `{"items": [...], "count": N}` with `limit` and
`offset`, like /api/reports.
"""

import datetime as dt

from ninja import Query, Router, Schema

from samverkan.andts import access, selectors
from samverkan.core.limits import DB_INT_MAX, DbId, Year
from samverkan.core.schemas import errors

router = Router(tags=["ANDT(S)"])
MAX_LIMIT = 1000


class StrategyGoalOut(Schema):
    number: int
    text: str
    priority_areas: list[str]


class StrategyOut(Schema):
    id: int
    slug: str
    title: str
    period_start: dt.date
    period_end: dt.date
    overall_goal: str
    source: str
    goals: list[StrategyGoalOut]


class StrategyPage(Schema):
    items: list[StrategyOut]
    count: int


class PrioritisedGoalOut(Schema):
    strategy: str
    goal: int
    goal_text: str
    rationale: str
    evidence: dict
    local_goals: list[str]


class ActionPlanOut(Schema):
    id: int
    agreement: int
    agreement_title: str
    title: str
    year: int
    period_start: dt.date
    period_end: dt.date
    status: str
    strategy: str
    decided_by: str
    decided_on: dt.date | None
    decision: str
    previous: int | None
    prioritised_goals: list[PrioritisedGoalOut]
    activities: list[dict]


class PlanPage(Schema):
    items: list[ActionPlanOut]
    count: int


def strategy_out(strategy) -> dict:
    return {
        "id": strategy.pk,
        "slug": strategy.slug,
        "title": strategy.title,
        "period_start": strategy.period_start,
        "period_end": strategy.period_end,
        "overall_goal": strategy.overall_goal,
        "source": strategy.source,
        "goals": [
            {
                "number": goal.number,
                "text": goal.text,
                "priority_areas": [area.text for area in goal.priority_areas.all()],
            }
            for goal in strategy.goals.all()
        ],
    }


@router.get(
    "/strategies",
    response={200: StrategyPage, **errors(401, 403, 422)},
    summary="De nationella ANDT(S)-strategierna",
)
def list_strategies(
    request,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    strategies = (
        access.strategy_list_for_user(request.auth)
        .prefetch_related("goals__priority_areas")
        .order_by("-period_start", "pk")
    )
    return {
        "items": [strategy_out(s) for s in strategies[offset : offset + limit]],
        "count": strategies.count(),
    }


def plan_out(plan, user) -> dict:
    rows = selectors.plan_rows(plan, user)
    return {
        "id": plan.pk,
        "agreement": plan.agreement_id,
        "agreement_title": plan.agreement.title,
        "title": plan.title,
        "year": plan.year,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "status": plan.status,
        "strategy": plan.strategy.title,
        "decided_by": plan.decided_by,
        "decided_on": plan.decided_on,
        "decision": plan.decision,
        "previous": plan.previous_id,
        "prioritised_goals": [
            {
                "strategy": plan.strategy.title,
                "goal": row.prioritised.goal.number,
                "goal_text": row.prioritised.goal.text,
                "rationale": row.prioritised.rationale,
                "evidence": selectors.evidence_out(row),
                "local_goals": [local.text for local in row.local_goals],
            }
            for row in rows
        ],
        "activities": [
            selectors.activity_out(activity) for row in rows for activity in row.activities
        ],
    }


@router.get(
    "/andts-plans",
    response={200: PlanPage, **errors(401, 403, 422)},
    summary="ANDT(S)-handlingsplaner i dina överenskommelser",
    description="Filter: `agreement` (id), `year`, `status` (utkast, beslutad). Nyast först.",
)
def list_andts_plans(
    request,
    agreement: DbId | None = None,
    year: Year | None = None,
    status: str | None = None,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    plans = access.action_plan_list_for_user(request.auth).select_related("agreement", "strategy")
    if agreement is not None:
        plans = plans.filter(agreement=agreement)
    if year is not None:
        plans = plans.filter(year=year)
    if status:
        plans = plans.filter(status=status)
    plans = plans.order_by("-year", "pk")
    return {
        "items": [plan_out(p, request.auth) for p in plans[offset : offset + limit]],
        "count": plans.count(),
    }


@router.get(
    "/andts-plans/{plan_id}",
    response={200: ActionPlanOut, **errors(401, 403, 404, 422)},
    summary="En ANDT(S)-handlingsplan",
)
def get_andts_plan(request, plan_id: DbId):
    return plan_out(access.get_action_plan_for_user(request.auth, plan_id), request.auth)
