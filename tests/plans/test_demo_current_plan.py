"""The demo lives in the present: the 2020–2021 plan stays as decided history, and its yearly
versions lead to a decided plan for this year and the next with follow-ups this tertial."""

from django.utils import timezone

from samverkan.plans.models import FollowUp, Plan
from samverkan.plans.periods import period_bounds


def test_the_current_plan_is_derived_year_by_year_and_followed_up_this_tertial(lulea_plan):
    today = timezone.localdate()
    assert lulea_plan.status == Plan.Status.DECIDED
    assert FollowUp.objects.filter(commitment__section__plan=lulea_plan).count() == 5
    plan, chain = lulea_plan, []
    while (following := Plan.objects.filter(previous=plan).first()) is not None:
        chain.append(following)
        plan = following
    assert [p.period_start.year for p in chain] == list(range(2021, today.year + 1))
    current = chain[-1]
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
