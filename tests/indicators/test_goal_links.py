"""Goals of the plan followed by indicators, from a baseline to a target, on the plan page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samverkan.indicators.goal_links import GoalIndicator
from samverkan.indicators.models import Indicator, Observation
from samverkan.indicators.pages import goal_progress
from samverkan.indicators.services import goal_indicator_link
from samverkan.plans.selectors import plan_overview

TODAY = dt.date(2021, 1, 15)


@pytest.fixture
def goal(lulea_plan):
    return lulea_plan.sections.get(number="6.2").goals.first()


@pytest.fixture
def sad(demo) -> Indicator:
    return Indicator.objects.get(code="shlv-ledsen")


def _later(indicator, value: str, start_year: int = 2020):
    return Observation.objects.create(
        indicator=indicator,
        period_start=dt.date(start_year, 7, 1),
        period_end=dt.date(start_year + 1, 6, 30),
        period_label=f"{start_year}/{start_year + 1}",
        geo_level="kommun",
        geo_code="2580",
        breakdown={"sex": "K", "grade": "ak7"},
        value=Decimal(value),
        retrieved_at=dt.datetime(2021, 11, 1, tzinfo=dt.UTC),
    )


def _form(**overrides):
    data = {
        "indicator": "shlv-ledsen",
        "breakdown": "sex=K;grade=ak7",
        "geo_code": "2580",
        "baseline_value": "10,6",
        "baseline_period": "2018/2019",
        "target_value": "8",
        "target_period": "2021/2022",
        "comment": "Flickor i åk 7 som ofta är ledsna.",
    }
    return {**data, **overrides}


def test_a_coordinator_links_a_goal_and_the_plan_page_shows_the_progress(
    client, coordinator, goal, sad, lulea_plan
):
    _later(sad, "9.3")
    client.force_login(coordinator)

    response = client.post(reverse("goal_indicators", args=[goal.pk]), _form())

    assert response.status_code == 302
    link = GoalIndicator.objects.get(goal=goal)
    assert (link.breakdown_key, link.baseline_value, link.target_value) == (
        "grade=ak7;sex=K",
        Decimal("10.6"),
        Decimal("8"),
    )
    assert link.created_by == coordinator
    html = client.get(lulea_plan.get_absolute_url()).content.decode()
    # From 10,6 % towards 8 %, now 9,3 %: (10.6 − 9.3) / (10.6 − 8) = 1.3 / 2.6 = 50 %.
    assert 'data-goal-indicator="shlv-ledsen"' in html
    assert "(Flickor, åk 7)" in html
    assert "10,6 %" in html and "<strong>9,3 %</strong>" in html
    assert '<span class="progress-share">50 %</span>' in html


def test_progress_is_computed_by_hand(goal, sad, coordinator):
    link = goal_indicator_link(
        user=coordinator,
        goal=goal,
        indicator=sad,
        breakdown_key="grade=ak7;sex=K",
        baseline_value=Decimal("10.6"),
        baseline_period="2018/2019",
        target_value=Decimal("8"),
        target_period="2021/2022",
    )
    # Only the plan's own figure: no way yet from the baseline.
    (progress,) = goal_progress([goal.pk])[goal.pk]
    assert progress.latest.value == Decimal("10.6") and progress.share == 0
    assert not progress.reached

    _later(sad, "11.9")  # worse than the baseline: 0 %, not negative
    assert goal_progress([goal.pk])[goal.pk][0].share == 0

    _later(sad, "9.95", start_year=2021)  # 0.65 / 2.6 = 25 %
    assert goal_progress([goal.pk])[goal.pk][0].share == 25

    _later(sad, "7.5", start_year=2022)  # past the target
    (progress,) = goal_progress([goal.pk])[goal.pk]
    assert progress.share == 100 and progress.reached
    assert progress.link == link


@pytest.mark.parametrize("who", ["reader", "reporter", "steering"])
def test_only_the_plan_keepers_link_goals(client, request, goal, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("goal_indicators", args=[goal.pk])).status_code == 200
    response = client.post(reverse("goal_indicators", args=[goal.pk]), _form())

    assert response.status_code == 403
    assert not GoalIndicator.objects.exists()


def test_the_boden_user_cannot_reach_a_luleå_goal(client, boden_user, goal):
    client.force_login(boden_user)

    assert client.get(reverse("goal_indicators", args=[goal.pk])).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"target_value": "10,6"}, "target_value", "skilja sig från utgångsvärdet"),
        ({"target_value": "120"}, "target_value", "utanför det giltiga intervallet"),
        ({"breakdown": "sex=K;grade=ak5"}, "breakdown", "inga värden med uppdelningen"),
        ({"breakdown": "flickor"}, "breakdown", "ingen uppdelning"),
        ({"indicator": "finns-inte"}, "indicator", "Välj ett giltigt alternativ"),
    ],
)
def test_a_bad_link_is_explained_at_its_field(
    client, coordinator, goal, sad, overrides, field, message
):
    client.force_login(coordinator)

    response = client.post(reverse("goal_indicators", args=[goal.pk]), _form(**overrides))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not GoalIndicator.objects.exists()


def test_the_same_link_twice_is_refused(client, coordinator, goal, sad):
    client.force_login(coordinator)
    client.post(reverse("goal_indicators", args=[goal.pk]), _form())

    response = client.post(reverse("goal_indicators", args=[goal.pk]), _form())

    assert response.status_code == 400
    assert "följs redan" in " ".join(response.context["form"].errors["indicator"])
    assert GoalIndicator.objects.count() == 1


def test_a_coordinator_removes_a_link(client, coordinator, goal, sad):
    client.force_login(coordinator)
    client.post(reverse("goal_indicators", args=[goal.pk]), _form())
    link = GoalIndicator.objects.get()

    response = client.post(reverse("goal_indicator_delete", args=[goal.pk, link.pk]))

    assert response.status_code == 302
    assert not GoalIndicator.objects.exists()


def test_the_plan_overview_reads_links_in_a_fixed_number_of_queries(lulea_plan, coordinator, sad):
    goals = list(lulea_plan.sections.get(number="6.2").goals.all()) + list(
        lulea_plan.sections.get(number="6.3").goals.all()
    )

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            overview = plan_overview(lulea_plan, today=TODAY)
            shown = [p.latest for v in overview.sections for r in v.goals for p in r.indicators]
        return len(captured.captured_queries), len(shown)

    goal_indicator_link(
        user=coordinator,
        goal=goals[0],
        indicator=sad,
        baseline_value=Decimal("10.6"),
        baseline_period="2018/2019",
        target_value=Decimal("8"),
        target_period="2021/2022",
        breakdown_key="grade=ak7;sex=K",
    )
    one_link, shown_one = count()
    for other in goals[1:]:
        goal_indicator_link(
            user=coordinator,
            goal=other,
            indicator=sad,
            baseline_value=Decimal("21"),
            baseline_period="2018/2019",
            target_value=Decimal("15"),
            target_period="2021/2022",
            breakdown_key="grade=gy1;sex=K",
        )
    many_links, shown_many = count()

    assert (shown_one, shown_many) == (1, len(goals))
    assert len(goals) > 1
    assert many_links == one_link
