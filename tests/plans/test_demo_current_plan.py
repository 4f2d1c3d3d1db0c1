"""The demo lives in the present: the 2020–2021 plan stays as decided history, and its yearly
versions lead to a decided plan for this year and the next with follow-ups this tertial."""

import pytest
from django.utils import timezone

from samverkan.demo.load import load_current_plan
from samverkan.plans.models import FollowUp, Plan
from samverkan.plans.periods import period_bounds


@pytest.fixture
def current(demo) -> Plan:
    """The present of the demo's plans, as `samverkan demo` loads it."""
    return load_current_plan()


def test_the_current_plan_is_derived_year_by_year_and_followed_up_this_tertial(
    lulea_plan, current
):
    today = timezone.localdate()
    assert lulea_plan.status == Plan.Status.DECIDED
    assert FollowUp.objects.filter(commitment__section__plan=lulea_plan).count() == 5
    plan, chain = lulea_plan, []
    while (following := Plan.objects.filter(previous=plan).first()) is not None:
        chain.append(following)
        plan = following
    assert [p.period_start.year for p in chain] == list(range(2021, today.year + 1))
    assert current == chain[-1]
    assert current.status == Plan.Status.DECIDED
    assert current.period_end.year == today.year + 1
    assert str(today.year) in current.title and str(today.year + 1) in current.title
    assert all(p.status == Plan.Status.ARCHIVED for p in chain[:-1])
    start, end = period_bounds(current.follow_up_period, today)
    this_tertial = FollowUp.objects.filter(
        commitment__section__plan=current, period_start=start, period_end=end
    )
    assert this_tertial.count() == 4
    # Commitments are copies of the 2020–2021 plan's, as "Ny årsversion" makes them.
    assert all(f.commitment.copied_from_id for f in this_tertial)


def test_a_follow_up_of_the_current_plan_defaults_to_this_tertial(current, coordinator, client):
    from samverkan.plans.periods import period_label

    today = timezone.localdate()
    commitment = current.sections.get(number="3").commitments.first()
    client.force_login(coordinator)
    response = client.get(commitment.get_absolute_url())
    assert response.status_code == 200
    assert response.context["form"].initial["period_date"] == today
    start, _end = period_bounds(current.follow_up_period, today)
    assert period_label(current.follow_up_period, start) in response.content.decode()
    assert str(today.year) in period_label(current.follow_up_period, start)
