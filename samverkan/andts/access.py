"""Who sees which strategy and action plan, and who may change or decide one: the ANDT(S)
chokepoints, thin calls of the one scope rule (`samverkan.core.access.scope`).

The national strategies are public reference data: every logged-in, active user reads them.
An action plan belongs to its agreement: it is seen by the users whose organisation (or one
above it) is party to the agreement; its goals, activities and follow-ups are seen with it.
Writing is the prevention editors' (samordnare, administratör); deciding is the styrgrupp's
(`core.access.can_decide_plans`).
"""

from django.db.models import QuerySet

from samverkan.andts.models import (
    ActionPlan,
    Activity,
    LocalGoal,
    PrioritisedGoal,
    PriorityArea,
    Strategy,
    StrategyGoal,
)
from samverkan.core.access import can_decide_plans, can_edit_prevention, get_or_404, scope
from samverkan.core.models import User


def can_edit_andts(user: User) -> bool:
    """Write action plans (drafts), their goals and activities, report follow-up, and keep
    the strategies' priority areas."""
    return can_edit_prevention(user)


def can_decide_andts(user: User) -> bool:
    """Decide an action plan on behalf of the styrgrupp."""
    return can_decide_plans(user)


def strategy_list_for_user(user: User) -> QuerySet[Strategy]:
    if not (user.is_authenticated and user.is_active):
        return Strategy.objects.none()
    return Strategy.objects.all()


def get_strategy_for_user(user: User, pk) -> Strategy:
    return get_or_404(strategy_list_for_user(user), pk)


def get_strategy_goal_for_user(user: User, pk) -> StrategyGoal:
    return get_or_404(
        StrategyGoal.objects.filter(strategy__in=strategy_list_for_user(user)).select_related(
            "strategy"
        ),
        pk,
    )


def get_priority_area_for_user(user: User, pk) -> PriorityArea:
    return get_or_404(
        PriorityArea.objects.filter(goal__strategy__in=strategy_list_for_user(user)).select_related(
            "goal__strategy"
        ),
        pk,
    )


def action_plan_list_for_user(user: User) -> QuerySet[ActionPlan]:
    return scope(ActionPlan.objects.all(), user, agreement="agreement")


def get_action_plan_for_user(user: User, pk) -> ActionPlan:
    return get_or_404(action_plan_list_for_user(user).select_related("agreement", "strategy"), pk)


def prioritised_goal_list_for_user(user: User) -> QuerySet[PrioritisedGoal]:
    return PrioritisedGoal.objects.filter(plan__in=action_plan_list_for_user(user).values("pk"))


def get_prioritised_goal_for_user(user: User, pk) -> PrioritisedGoal:
    return get_or_404(
        prioritised_goal_list_for_user(user).select_related(
            "plan__agreement", "plan__strategy", "goal"
        ),
        pk,
    )


def local_goal_list_for_user(user: User) -> QuerySet[LocalGoal]:
    return LocalGoal.objects.filter(
        prioritised_goal__plan__in=action_plan_list_for_user(user).values("pk")
    )


def activity_list_for_user(user: User) -> QuerySet[Activity]:
    return Activity.objects.filter(plan__in=action_plan_list_for_user(user).values("pk"))


def get_activity_for_user(user: User, pk) -> Activity:
    return get_or_404(
        activity_list_for_user(user).select_related("plan__agreement", "plan__strategy", "goal"),
        pk,
    )
