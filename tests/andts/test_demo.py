"""The demo's ANDT(S) plan for Luleå: this year's plan on the ANDTS strategy 2022–2025, decided
by the styrgrupp, each prioritised goal with a rationale from the plan's figures and linked
indicators, activities with owners (SMADIT as a collaboration), loaded once."""

from django.utils import timezone

from samverkan.andts.models import ActionPlan, Activity
from samverkan.collaboration.models import Collaboration
from samverkan.core.privacy import find_personal_data
from samverkan.demo.andts import load_andts
from samverkan.demo.collaboration import SMADIT


def _plan():
    return ActionPlan.objects.get(
        agreement__slug="lulea-polisen-2020-2023", year=timezone.localdate().year
    )


def test_the_demo_holds_a_decided_plan_with_rationale_and_evidence(demo):
    plan = _plan()
    assert plan.strategy.slug == "andts-2022-2025"
    assert plan.status == ActionPlan.Status.DECIDED and plan.decided_on and plan.decided_by
    goals = {g.goal.number: g for g in plan.prioritised_goals.all()}
    assert set(goals) == {1, 3, 6}
    assert all(g.rationale for g in goals.values())
    assert "17 %" in goals[1].rationale and "33 %" in goals[1].rationale
    assert "63,9 %" in goals[3].rationale
    assert "230 och 260" in goals[6].rationale
    assert {i.code for i in goals[3].indicators.all()} >= {
        "shlv-aldrig-druckit",
        "can-testat-narkotika",
    }
    assert [i.code for i in goals[6].indicators.all()] == ["brott-alkohol-narkotika"]
    assert "62 %" in plan.baseline and "97,8 %" in plan.baseline


def test_the_demo_activities_have_owners_and_smadit_is_a_collaboration(demo):
    plan = _plan()
    activities = list(plan.activities.select_related("owner_organisation", "collaboration"))
    assert all(a.owner_organisation_id for a in activities)
    kinds = {a.kind for a in activities}
    assert {"tillsyn", "kampanj", "samverkan"} <= kinds
    smadit = next(a for a in activities if a.kind == Activity.Kind.COLLABORATION)
    assert smadit.collaboration.name == SMADIT
    assert (
        Collaboration.objects.filter(agreement=plan.agreement, name__startswith="SMADIT").count()
        == 1
    )


def test_the_demo_loads_once_and_holds_no_personal_data(demo):
    plan = _plan()
    before = (ActionPlan.objects.count(), Activity.objects.count())
    assert load_andts() == 0
    assert (ActionPlan.objects.count(), Activity.objects.count()) == before
    texts = [plan.baseline, plan.problem_description, plan.decision]
    texts += [g.rationale for g in plan.prioritised_goals.all()]
    texts += [a.title + " " + a.description + " " + a.owner_role for a in plan.activities.all()]
    assert not [t for t in texts if find_personal_data(t)]
