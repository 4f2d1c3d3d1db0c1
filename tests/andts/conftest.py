import pytest

from samverkan.andts import services
from samverkan.andts.models import Strategy
from samverkan.organisations.models import Organisation
from samverkan.plans.models import Agreement

AGREEMENT = "lulea-polisen-2020-2023"
YEAR = 2024


@pytest.fixture
def strategies(demo):
    services.load_strategies()
    return {s.slug: s for s in Strategy.objects.all()}


@pytest.fixture
def agreement(demo) -> Agreement:
    return Agreement.objects.get(slug=AGREEMENT)


@pytest.fixture
def andts_2022(strategies) -> Strategy:
    return strategies["andts-2022-2025"]


@pytest.fixture
def andt_2016(strategies) -> Strategy:
    return strategies["andt-2016-2020"]


@pytest.fixture
def draft(coordinator, agreement, andts_2022):
    return services.plan_create(by=coordinator, agreement=agreement, strategy=andts_2022, year=YEAR)


@pytest.fixture
def social(demo) -> Organisation:
    return Organisation.objects.get(slug="socialforvaltningen")


def add_goal(plan, user, number, rationale="Lägesbilden visar det."):
    goal = plan.strategy.goals.get(number=number)
    return services.prioritised_goal_add(by=user, plan=plan, goal=goal, rationale=rationale)


def add_activity(plan, user, number, owner, **extra):
    fields = {
        "goal": plan.strategy.goals.get(number=number),
        "title": "Tillsyn av serveringsställen",
        "kind": "tillsyn",
        "owner_organisation": owner,
        "schedule_text": "Löpande",
    } | extra
    return services.activity_add(by=user, plan=plan, **fields)
