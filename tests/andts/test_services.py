"""The action plan's rules: the strategy of its goals, the decision, immutability, versions,
follow-up per period and the privacy guard; nothing is saved when a rule refuses."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samverkan.andts import services
from samverkan.andts.models import ActionPlan, Activity, ActivityFollowUp, PrioritisedGoal
from samverkan.demo.meetings import decide_at_meeting
from samverkan.indicators.models import Indicator

from .conftest import YEAR, add_activity, add_goal

DECIDED_ON = dt.date(2024, 2, 1)


def _decide(plan, steering):
    """The steering group's decision at its meeting, the one way a plan is beslutad."""
    return decide_at_meeting(
        by=steering,
        agreement=plan.agreement,
        held_on=DECIDED_ON,
        target=plan,
        text="Styrgruppen beslutar handlingsplanen.",
    )


def test_a_goal_of_another_strategy_is_refused_for_a_prioritised_goal(
    draft, coordinator, andt_2016
):
    with pytest.raises(
        ValidationError,
        match="Mål 2 hör till ANDT-strategin 2016–2020, men handlingsplanen utgår från ANDTS-strategin 2022–2025",
    ):
        services.prioritised_goal_add(
            by=coordinator, plan=draft, goal=andt_2016.goals.get(number=2), rationale="x"
        )
    assert not PrioritisedGoal.objects.filter(plan=draft).exists()


def test_an_activity_linked_to_a_goal_of_another_strategy_is_refused(
    draft, coordinator, andt_2016, social
):
    add_goal(draft, coordinator, 2)
    with pytest.raises(
        ValidationError,
        match="hör till ANDT-strategin 2016–2020, men handlingsplanen utgår från ANDTS-strategin 2022–2025",
    ):
        add_activity(draft, coordinator, 2, social, goal=andt_2016.goals.get(number=2))
    assert not Activity.objects.filter(plan=draft).exists()


def test_an_activity_needs_a_prioritised_goal_an_owner_and_a_timetable(draft, coordinator, social):
    with pytest.raises(ValidationError, match="Mål 3 är inte prioriterat i planen"):
        add_activity(draft, coordinator, 3, social)
    add_goal(draft, coordinator, 3)
    with pytest.raises(ValidationError, match="Ange en tidplan"):
        add_activity(draft, coordinator, 3, social, schedule_text="")
    with pytest.raises(ValidationError, match="Ange vilken organisation som äger aktiviteten"):
        add_activity(draft, coordinator, 3, None)
    activity = add_activity(draft, coordinator, 3, social, owner_role="Alkoholhandläggare")
    assert activity.goal.number == 3 and activity.owner_organisation == social


def test_deciding_requires_a_rationale_for_every_prioritised_goal(draft, coordinator, steering):
    add_goal(draft, coordinator, 1)
    add_goal(draft, coordinator, 3, rationale="")
    add_goal(draft, coordinator, 6, rationale="  ")
    with pytest.raises(ValidationError, match="motivering saknas för mål 3, 6"):
        _decide(draft, steering)
    draft.refresh_from_db()
    assert draft.status == ActionPlan.Status.DRAFT and draft.decided_on is None


def test_who_decided_and_when_come_from_the_meeting(draft, coordinator, steering):
    add_goal(draft, coordinator, 1)
    decision = _decide(draft, steering)
    draft.refresh_from_db()
    assert draft.status == ActionPlan.Status.DECIDED
    assert draft.meeting_decision == decision
    assert draft.decided_on == DECIDED_ON == decision.meeting.held_on
    assert draft.decided_by == decision.meeting.group.name
    assert draft.decision == f"§ {decision.number} Styrgruppen beslutar handlingsplanen."


def test_the_service_alone_does_not_decide_without_a_decision(draft, coordinator, steering):
    add_goal(draft, coordinator, 1)
    with pytest.raises(ValidationError, match="bara genom ett beslut som protokollförs"):
        services.plan_decide(plan=draft, by=steering, decision=None)
    draft.refresh_from_db()
    assert draft.status == ActionPlan.Status.DRAFT


def test_a_plan_without_prioritised_goals_is_not_decided(draft, steering):
    with pytest.raises(ValidationError, match="Planen prioriterar inget av strategins mål ännu"):
        _decide(draft, steering)


def test_only_the_steering_group_decides(draft, coordinator):
    add_goal(draft, coordinator, 1)
    with pytest.raises(PermissionDenied, match="Bara styrgruppen fastställer"):
        _decide(draft, coordinator)


def test_a_decided_plan_is_immutable(draft, coordinator, steering, social):
    goal = add_goal(draft, coordinator, 2)
    add_activity(draft, coordinator, 2, social)
    _decide(draft, steering)
    message = "är beslutad och kan inte ändras"
    with pytest.raises(ValidationError, match=message):
        services.plan_update(plan=draft, by=coordinator, title="Ändrad")
    with pytest.raises(ValidationError, match=message):
        add_goal(draft, coordinator, 3)
    with pytest.raises(ValidationError, match=message):
        services.prioritised_goal_update(prioritised=goal, by=coordinator, rationale="Annat")
    with pytest.raises(ValidationError, match=message):
        services.local_goal_add(by=coordinator, prioritised=goal, text="Nytt")
    with pytest.raises(ValidationError, match=message):
        add_activity(draft, coordinator, 2, social)
    with pytest.raises(ValidationError, match=message):
        _decide(draft, steering)
    goal.refresh_from_db()
    assert goal.rationale == "Lägesbilden visar det."
    assert draft.activities.count() == 1


def test_a_new_version_copies_the_decided_plan_and_keeps_the_old_as_history(
    draft, coordinator, steering, social
):
    indicator = Indicator.objects.get(code="can-testat-narkotika")
    goal = add_goal(draft, coordinator, 3)
    services.prioritised_goal_update(prioritised=goal, by=coordinator, indicators=[indicator])
    local = services.local_goal_add(by=coordinator, prioritised=goal, text="Färre unga provar.")
    add_activity(draft, coordinator, 3, social, local_goal=local, start=dt.date(2024, 3, 1))
    with pytest.raises(
        ValidationError, match="Bara en beslutad handlingsplan kan få en ny version"
    ):
        services.new_version(plan=draft, year=YEAR + 1, by=coordinator)
    _decide(draft, steering)

    copy = services.new_version(plan=draft, year=YEAR + 1, by=coordinator)
    assert copy.status == ActionPlan.Status.DRAFT and copy.previous == draft
    assert copy.title == f"ANDT(S)-handlingsplan {YEAR + 1}"
    assert (copy.period_start, copy.period_end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    new_goal = copy.prioritised_goals.get()
    assert new_goal.rationale == goal.rationale and list(new_goal.indicators.all()) == [indicator]
    activity = copy.activities.get()
    assert activity.local_goal.prioritised_goal == new_goal
    assert activity.start == dt.date(2025, 3, 1)
    assert services.history(copy) == [draft]

    draft.refresh_from_db()
    assert draft.status == ActionPlan.Status.DECIDED and draft.decided_on == DECIDED_ON
    assert draft.activities.get().local_goal == local
    with pytest.raises(ValidationError, match="Handlingsplanen har redan en nyare version"):
        services.new_version(plan=draft, year=YEAR + 2, by=coordinator)


def test_a_new_version_needs_a_later_free_year(draft, coordinator, steering):
    add_goal(draft, coordinator, 1)
    _decide(draft, steering)
    with pytest.raises(ValidationError, match="ska gälla ett senare år än 2024"):
        services.new_version(plan=draft, year=YEAR, by=coordinator)
    assert ActionPlan.objects.filter(previous=draft).count() == 0


def test_one_plan_per_agreement_and_year(draft, coordinator, agreement, andts_2022):
    with pytest.raises(ValidationError, match="har redan en ANDT\\(S\\)-handlingsplan för 2024"):
        services.plan_create(by=coordinator, agreement=agreement, strategy=andts_2022, year=YEAR)


def test_follow_up_per_period_of_a_decided_plan(draft, coordinator, steering, social):
    add_goal(draft, coordinator, 1)
    activity = add_activity(draft, coordinator, 1, social)
    with pytest.raises(ValidationError, match="Bara en beslutad handlingsplan följs upp"):
        services.follow_up_add(by=coordinator, activity=activity, period="2024-T1", status="pagar")
    _decide(draft, steering)
    follow_up = services.follow_up_add(
        by=coordinator, activity=activity, period="2024-T1", status="pagar", comment="Tolv besök."
    )
    assert (follow_up.period_start, follow_up.period_end) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 4, 30),
    )
    assert follow_up.period_label == "2024 T1"
    with pytest.raises(ValidationError, match="Perioden är redan uppföljd"):
        services.follow_up_add(by=coordinator, activity=activity, period="2024 T1", status="klar")
    with pytest.raises(ValidationError, match="Perioden ligger utanför planens period"):
        services.follow_up_add(by=coordinator, activity=activity, period="2025-T1", status="klar")
    with pytest.raises(
        ValidationError, match="Planen följs upp per tertial: ange perioden som ÅÅÅÅ-T1"
    ):
        services.follow_up_add(by=coordinator, activity=activity, period="2024-K2", status="klar")
    with pytest.raises(ValidationError, match="Det finns ingen period 2024-T4"):
        services.follow_up_add(by=coordinator, activity=activity, period="2024-T4", status="klar")
    assert ActivityFollowUp.objects.filter(activity=activity).count() == 1


def test_the_privacy_guard_applies_to_free_text(draft, coordinator, social):
    with pytest.raises(ValidationError, match="Texten innehåller ett telefonnummer"):
        add_goal(draft, coordinator, 1, rationale="Ring 070-123 45 67 för mer.")
    add_goal(draft, coordinator, 1)
    with pytest.raises(ValidationError, match="Texten innehåller en e-postadress"):
        add_activity(draft, coordinator, 1, social, description="Kontakt: anna@example.org")
    assert draft.prioritised_goals.count() == 1 and not draft.activities.exists()


def test_a_collaboration_of_another_agreement_is_refused(draft, coordinator, social):
    from samverkan.collaboration.models import Collaboration
    from samverkan.plans.models import Agreement

    add_goal(draft, coordinator, 1)
    boden = Agreement.objects.get(slug="boden-polisen-2020-2023")
    other = Collaboration.objects.create(agreement=boden, name="SMADIT Boden")
    with pytest.raises(ValidationError, match="Samverkan hör till en annan överenskommelse"):
        add_activity(draft, coordinator, 1, social, kind="samverkan", collaboration=other)
    assert not draft.activities.exists()


def test_an_owner_outside_the_agreement_is_refused(draft, coordinator):
    from samverkan.organisations.models import Organisation

    add_goal(draft, coordinator, 1)
    boden = Organisation.objects.get(slug="boden-kommun")
    with pytest.raises(ValidationError, match="Bodens kommun är inte part i överenskommelsen"):
        add_activity(draft, coordinator, 1, boden)
