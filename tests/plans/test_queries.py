"""The plan page reads a plan in a fixed number of queries, whatever the plan's size."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samverkan.core.models import User
from samverkan.organisations.models import Group, Organisation
from samverkan.plans.models import Commitment, FollowUp, Goal, Section
from samverkan.plans.planfile import plan_to_data
from samverkan.plans.selectors import PlanFilters, plan_overview

TODAY = dt.date(2021, 1, 15)


def queries_for(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


def read_everything(overview) -> int:
    """Touch what the plan page shows of each row, as its template does."""
    shown = 0
    for view in overview.sections:
        for row in view.goals:
            shown += len(row.obj.text) > 0
        for row in view.commitments:
            shown += len(row.organisations) + len(row.groups) + len(row.persons)
    return shown


def grow(plan, *, sections: int = 10, commitments_per_section: int = 5) -> None:
    """Add sections with goals, subgoals, owned commitments and follow-ups to the plan."""
    organisations = list(
        Organisation.objects.filter(slug__in=["kommunstaben", "lulebo", "lpo-lulea-boden"])
    )
    groups = list(Group.objects.filter(agreement=plan.agreement))
    author = User.objects.get(username="samordnare")
    for s in range(sections):
        section = Section.objects.create(
            plan=plan, number=str(100 + s), position=100 + s, title=f"Fokusområde {s}"
        )
        goal = Goal.objects.create(section=section, text=f"Mål {s}", due_date=dt.date(2020, 6, 30))
        Goal.objects.create(section=section, parent=goal, number="1", position=1, text="Delmål")
        FollowUp.objects.create(
            goal=goal,
            period_kind="tertial",
            period_start=dt.date(2020, 5, 1),
            period_end=dt.date(2020, 8, 31),
            status="pagar",
            author=author,
        )
        for c in range(commitments_per_section):
            commitment = Commitment.objects.create(
                section=section, position=c, text=f"Åtagande {s}.{c}", due_date=dt.date(2021, 2, 1)
            )
            commitment.responsible_organisations.set(organisations[: 1 + c % 3])
            commitment.responsible_groups.set(groups[: 1 + c % 2])
            commitment.responsible_persons.set([author])
            for period_start, period_end, status in [
                (dt.date(2020, 5, 1), dt.date(2020, 8, 31), "pagar"),
                (dt.date(2020, 9, 1), dt.date(2020, 12, 31), "klar" if c % 2 else "pagar"),
            ]:
                FollowUp.objects.create(
                    commitment=commitment,
                    period_kind="tertial",
                    period_start=period_start,
                    period_end=period_end,
                    status=status,
                    author=author,
                )


@pytest.mark.parametrize(
    "filters",
    [
        pytest.param(None, id="unfiltered"),
        pytest.param("organisation", id="by-organisation"),
        pytest.param("status", id="by-status"),
    ],
)
def test_it_reads_the_plan_overview_in_a_fixed_number_of_queries(lulea_plan, filters):
    kommunstaben = Organisation.objects.get(slug="kommunstaben")
    chosen = {
        None: PlanFilters(),
        "organisation": PlanFilters(organisation=kommunstaben.pk),
        "status": PlanFilters(status="forsenad"),
    }[filters]

    def overview():
        read_everything(plan_overview(lulea_plan, today=TODAY, filters=chosen))

    small = queries_for(overview)
    rows_before = Commitment.objects.filter(section__plan=lulea_plan).count()
    grow(lulea_plan)  # 10 more sections, 20 goals, 50 commitments, 110 follow-ups

    assert Commitment.objects.filter(section__plan=lulea_plan).count() == rows_before + 50
    assert queries_for(overview) == small


def test_it_shows_the_grown_plan_with_each_commitments_latest_status(lulea_plan):
    grow(lulea_plan, sections=2, commitments_per_section=4)

    overview = plan_overview(lulea_plan, today=TODAY)

    grown = [v for v in overview.sections if v.section.number in {"100", "101"}]
    statuses = [row.status for view in grown for row in view.commitments]
    # Due 2021-02-01, not yet late on 2021-01-15: the latest tertial's report counts.
    assert statuses == ["pagar", "klar", "pagar", "klar"] * 2
    assert all(
        row.due_soon == (row.status == "pagar") for view in grown for row in view.commitments
    )
    # The goals were due 2020-06-30 and are still pågår: late by rule.
    assert [row.status for view in grown for row in view.goals] == ["forsenad", "ej_paborjad"] * 2


def test_it_exports_a_plan_in_a_fixed_number_of_queries(lulea_plan):
    small = queries_for(lambda: plan_to_data(lulea_plan))
    grow(lulea_plan)

    assert queries_for(lambda: plan_to_data(lulea_plan)) == small
