"""The proposed agenda is built from what is due."""

import datetime as dt

from samverkan.meetings.selectors import adoptable, due_before, proposed_agenda
from samverkan.plans.models import FollowUpStatus
from samverkan.plans.selectors import plan_overview
from samverkan.plans.services import plan_revise


def test_the_agenda_names_what_awaits_a_decision(steering_group, draft, steering):
    agenda = proposed_agenda(
        steering, steering_group, held_on=dt.date(2021, 2, 18), today=dt.date(2021, 2, 1)
    )
    lines = agenda.splitlines()
    assert lines[0] == "Mötets öppnande" and lines[-1] == "Mötets avslutande"
    assert "Beslut att fatta" in lines
    assert f"- Verksamhetsplan: {draft.title}" in lines
    assert f"verksamhetsplan:{draft.pk}" in [c.key for c in adoptable(steering, draft.agreement)]


def test_overdue_commitments_and_follow_ups_come_from_the_plan(
    lulea_plan, steering_group, steering
):
    today = dt.date(2021, 12, 1)
    rows = [
        row
        for view in plan_overview(lulea_plan, today=today).sections
        for row in [*view.goals, *view.commitments]
    ]
    delayed = [r for r in rows if r.status == FollowUpStatus.DELAYED]
    due = due_before(steering, steering_group, held_on=today, today=today)
    assert len(due.overdue) == len(delayed) > 0
    agenda = proposed_agenda(steering, steering_group, held_on=today, today=today)
    assert "Försenade åtaganden" in agenda.splitlines()


def test_nothing_of_another_agreement_is_proposed(steering_group, boden_plan, boden_user, steering):
    boden_draft = plan_revise(plan=boden_plan, by=boden_user)
    keys = [c.key for c in adoptable(steering, steering_group.agreement)]
    assert f"verksamhetsplan:{boden_draft.pk}" not in keys
    agenda = proposed_agenda(
        steering, steering_group, held_on=dt.date(2022, 2, 1), today=dt.date(2022, 2, 1)
    )
    assert boden_draft.title not in agenda
