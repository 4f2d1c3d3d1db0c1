"""Writes to plans: follow-up, the overdue rule as the plan page sees it, decision,
yearly revision and edits with history."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samverkan.demo.meetings import decide_at_meeting
from samverkan.organisations.models import Decision, Group, Meeting
from samverkan.plans.models import Commitment, FollowUp, FollowUpStatus, Goal, Plan, Section
from samverkan.plans.selectors import plan_overview
from samverkan.plans.services import (
    commitment_update,
    follow_up_create,
    plan_revise,
)


def commitment_in(plan: Plan, number: str) -> Commitment:
    return Commitment.objects.get(section__plan=plan, section__number=number)


def rows_by_section(overview) -> dict[str, object]:
    """The commitment row of each section (each section of the demo plan has at most one)."""
    return {
        view.section.number: view.commitments[0] for view in overview.sections if view.commitments
    }


# --- Follow-up ------------------------------------------------------------------------------


def test_it_reports_for_the_tertial_that_contains_the_date(lulea_plan, coordinator):
    follow_up = follow_up_create(
        author=coordinator,
        commitment=commitment_in(lulea_plan, "4"),
        status="pagar",
        progress=30,
        period_date=dt.date(2021, 5, 10),
    )

    assert follow_up.period_kind == "tertial"
    assert (follow_up.period_start, follow_up.period_end) == (
        dt.date(2021, 5, 1),
        dt.date(2021, 8, 31),
    )
    assert follow_up.period_label == "2021 T2"
    assert follow_up.author == coordinator


def test_it_reports_in_the_plans_own_rhythm(lulea_plan, coordinator):
    Plan.objects.filter(pk=lulea_plan.pk).update(follow_up_period="kvartal")

    follow_up = follow_up_create(
        author=coordinator,
        goal=Goal.objects.filter(section__plan=lulea_plan).first(),
        status="pagar",
        period_date=dt.date(2021, 5, 10),
    )

    assert follow_up.period_kind == "kvartal"
    assert (follow_up.period_start, follow_up.period_end) == (
        dt.date(2021, 4, 1),
        dt.date(2021, 6, 30),
    )


@pytest.mark.parametrize("cast_member", ["reader", "reporter", "steering"])
def test_it_refuses_follow_up_from_someone_who_may_not_edit(request, lulea_plan, cast_member):
    user = request.getfixturevalue(cast_member)
    before = FollowUp.objects.count()

    with pytest.raises(PermissionDenied):
        follow_up_create(author=user, commitment=commitment_in(lulea_plan, "4"), status="klar")

    assert FollowUp.objects.count() == before


def test_it_refuses_follow_up_of_a_draft(lulea_plan, coordinator):
    draft = plan_revise(plan=lulea_plan, by=coordinator)

    with pytest.raises(ValidationError):
        follow_up_create(author=coordinator, commitment=commitment_in(draft, "4"), status="pagar")

    assert not FollowUp.objects.filter(commitment__section__plan=draft).exists()


@pytest.mark.parametrize("progress", [101, -1])
def test_it_refuses_a_progress_outside_0_to_100(lulea_plan, coordinator, progress):
    with pytest.raises(ValidationError) as refused:
        follow_up_create(
            author=coordinator,
            commitment=commitment_in(lulea_plan, "4"),
            status="pagar",
            progress=progress,
        )

    assert "progress" in refused.value.message_dict


def test_it_refuses_an_unknown_status(lulea_plan, coordinator):
    with pytest.raises(ValidationError):
        follow_up_create(
            author=coordinator, commitment=commitment_in(lulea_plan, "4"), status="nastan"
        )


# --- The overdue rule on the plan page ------------------------------------------------------


def test_it_shows_late_work_as_forsenad_whatever_was_reported(lulea_plan):
    overview = plan_overview(lulea_plan, today=dt.date(2021, 1, 15))
    rows = rows_by_section(overview)

    # Section 3 was reported pågår in December 2020 and was due 2020-12-31.
    assert rows["3"].status == FollowUpStatus.DELAYED
    assert rows["3"].overdue
    # 6.2 was due the same day and never followed up.
    assert rows["6.2"].status == FollowUpStatus.DELAYED
    # Section 1 was reported klar before its due date; 2 is continuous and pågår.
    assert rows["1"].status == FollowUpStatus.DONE and not rows["1"].overdue
    assert rows["2"].status == FollowUpStatus.IN_PROGRESS and not rows["2"].overdue
    assert rows["4"].status == FollowUpStatus.NOT_STARTED
    # 8 commitments and 12 goals; only Delmål 1 (due 2020-10-31) of the goals is late.
    assert overview.counts == {
        "klar": 2,  # 1 and 6.1
        "pagar": 1,  # 2
        "forsenad": 4,  # 3, 5, 6.2 and Delmål 1
        "ej_paborjad": 13,  # 4, 6.3, 9 goals and Delmål 2–3
        "installd": 0,
        "due_soon": 0,
    }


def test_it_shows_late_work_as_klar_once_reported_klar(lulea_plan, coordinator):
    follow_up_create(
        author=coordinator,
        commitment=commitment_in(lulea_plan, "3"),
        status="klar",
        progress=100,
        period_date=dt.date(2021, 1, 10),
    )

    row = rows_by_section(plan_overview(lulea_plan, today=dt.date(2021, 1, 15)))["3"]

    assert row.status == FollowUpStatus.DONE
    assert not row.overdue


def test_it_flags_work_due_within_30_days(lulea_plan):
    rows = rows_by_section(plan_overview(lulea_plan, today=dt.date(2021, 3, 15)))

    assert rows["6.3"].due_soon  # due 2021-03-31
    assert not rows["4"].due_soon  # due 2021-06-30
    assert not rows["1"].due_soon  # klar


def test_it_tracks_no_status_on_a_draft(lulea_plan, coordinator):
    draft = plan_revise(plan=lulea_plan, by=coordinator)

    overview = plan_overview(draft, today=dt.date(2023, 1, 15))

    assert all(row.status is None for view in overview.sections for row in view.commitments)
    assert overview.counts["forsenad"] == 0


# --- Decision -------------------------------------------------------------------------------


@pytest.mark.parametrize("cast_member", ["steering", "admin_user"])
def test_it_lets_the_styrgrupp_adopt_a_draft(request, lulea_plan, coordinator, cast_member):
    user = request.getfixturevalue(cast_member)
    draft = plan_revise(plan=lulea_plan, by=coordinator)

    decide(draft, user, dt.date(2021, 2, 18))

    draft.refresh_from_db()
    lulea_plan.refresh_from_db()
    assert draft.status == Plan.Status.DECIDED
    assert lulea_plan.status == Plan.Status.ARCHIVED
    meeting = Meeting.objects.get(held_on=dt.date(2021, 2, 18))
    assert meeting.group.kind == Group.Kind.STEERING
    assert meeting.group.agreement == lulea_plan.agreement
    assert draft.decision.meeting == meeting
    assert draft.decision.number == 1
    assert draft.decision.text == (
        "Styrgrupp fastställer verksamhetsplan ”Styrgruppens verksamhetsplan 2021–2022”."
    )
    assert draft.decision.adopts == Decision.Adopts.PLAN


def test_it_numbers_decisions_within_one_meeting(lulea_plan, coordinator, steering):
    # The demo adopted the 2020–2021 plan as § 1 of the meeting on 2020-02-20.
    draft = plan_revise(plan=lulea_plan, by=coordinator)

    decide(draft, steering, dt.date(2020, 2, 20))
    draft.refresh_from_db()

    assert draft.decision.meeting == lulea_plan.decision.meeting
    assert list(
        Decision.objects.filter(meeting=draft.decision.meeting).values_list("number", flat=True)
    ) == [1, 2]


@pytest.mark.parametrize(
    "cast_member", ["coordinator", "kommunpolis", "reporter", "reader", "boden_user"]
)
def test_it_lets_only_the_styrgrupp_adopt_a_plan(request, lulea_plan, coordinator, cast_member):
    user = request.getfixturevalue(cast_member)
    draft = plan_revise(plan=lulea_plan, by=coordinator)
    decisions = Decision.objects.count()

    with pytest.raises(PermissionDenied, match="styrgrupp|ledamöter"):
        decide(draft, user, dt.date(2021, 2, 18))

    draft.refresh_from_db()
    lulea_plan.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT
    assert lulea_plan.status == Plan.Status.DECIDED
    assert Decision.objects.count() == decisions


def test_it_refuses_to_adopt_a_decided_plan_again(lulea_plan, steering):
    with pytest.raises(ValidationError, match="redan fastställd"):
        decide(lulea_plan, steering, dt.date(2021, 2, 18))

    assert not Decision.objects.filter(meeting__held_on=dt.date(2021, 2, 18)).exists()


def decide(plan, by, held_on):
    """A decision of the agreement's styrgrupp at its meeting on ``held_on`` (created if
    missing), the one way a plan is fastställd."""
    return decide_at_meeting(by=by, agreement=plan.agreement, held_on=held_on, target=plan)


# --- Ny årsversion ----------------------------------------------------------------------------


def test_it_drafts_next_years_plan_as_a_copy(lulea_plan, coordinator):
    draft = plan_revise(plan=lulea_plan, by=coordinator)

    assert draft.title == "Styrgruppens verksamhetsplan 2021–2022"
    assert draft.status == Plan.Status.DRAFT
    assert (draft.period_start, draft.period_end) == (dt.date(2021, 1, 1), dt.date(2022, 12, 31))
    assert draft.previous == lulea_plan
    assert draft.agreement == lulea_plan.agreement
    assert draft.follow_up_period == lulea_plan.follow_up_period
    for plan in (lulea_plan, draft):
        assert Section.objects.filter(plan=plan).count() == 9
        assert Goal.objects.filter(section__plan=plan, parent=None).count() == 9
        assert Goal.objects.filter(section__plan=plan).exclude(parent=None).count() == 3
        assert Commitment.objects.filter(section__plan=plan).count() == 8
    assert Section.objects.get(plan=draft, number="6.1").parent == Section.objects.get(
        plan=draft, number="6"
    )


def test_it_moves_dates_and_schedule_wording_one_year_on(lulea_plan, coordinator):
    draft = plan_revise(plan=lulea_plan, by=coordinator)

    first = commitment_in(draft, "1")
    assert first.due_date == dt.date(2021, 10, 31)
    assert first.schedule_text == "Genomfört senast oktober 2021."
    assert commitment_in(draft, "6.3").due_date == dt.date(2022, 3, 31)
    assert commitment_in(draft, "6.3").schedule_text == "Genomfört senast 31 mars 2022."
    assert commitment_in(draft, "2").continuous and commitment_in(draft, "2").due_date is None
    subgoals = Goal.objects.filter(section__plan=draft).exclude(parent=None)
    assert list(subgoals.values_list("number", "due_date", "schedule_text")) == [
        ("1", dt.date(2021, 10, 31), "Delmål 1 genomfört senast oktober 2021."),
        ("2", dt.date(2022, 2, 28), "Delmål 2 genomfört senast februari 2022."),
        ("3", dt.date(2022, 2, 28), "Delmål 3 genomfört senast februari 2022."),
    ]
    assert all(s.parent.section == s.section for s in subgoals)


def test_it_links_each_copy_to_its_original_with_its_owners(lulea_plan, coordinator):
    draft = plan_revise(plan=lulea_plan, by=coordinator)

    copies = Commitment.objects.filter(section__plan=draft).select_related(
        "copied_from__section", "section"
    )
    assert len(copies) == 8
    for copy in copies:
        original = copy.copied_from
        assert original.section.plan_id == lulea_plan.pk
        assert original.section.number == copy.section.number
        assert copy.text == original.text
        assert copy.responsibility_text == original.responsibility_text
        assert set(copy.responsible_organisations.all()) == set(
            original.responsible_organisations.all()
        )
        assert set(copy.responsible_groups.all()) == set(original.responsible_groups.all())
    assert {o.slug for o in commitment_in(draft, "1").responsible_organisations.all()} == {
        "kommunstaben",
        "lpo-lulea-boden",
    }
    assert [g.slug for g in commitment_in(draft, "6.1").responsible_groups.all()] == [
        "beredningsgrupp"
    ]


def test_it_refuses_a_second_revision_of_the_same_plan(lulea_plan, coordinator):
    plan_revise(plan=lulea_plan, by=coordinator)
    plans = Plan.objects.count()

    with pytest.raises(ValidationError):
        plan_revise(plan=lulea_plan, by=coordinator)

    assert Plan.objects.count() == plans


def test_it_refuses_a_revision_from_a_reader(lulea_plan, reader):
    with pytest.raises(PermissionDenied):
        plan_revise(plan=lulea_plan, by=reader)

    assert not Plan.objects.filter(previous=lulea_plan).exists()


# --- Editing ------------------------------------------------------------------------------


def test_it_records_an_edit_in_the_commitments_history(lulea_plan, coordinator):
    commitment = commitment_in(lulea_plan, "4")
    before = commitment.history.count()

    commitment_update(commitment=commitment, by=coordinator, text="Ett omformulerat åtagande.")

    assert commitment.history.count() == before + 1
    assert commitment.history.latest().text == "Ett omformulerat åtagande."
    assert commitment.history.earliest().text.startswith("Luleå kommun och lokalpolisområde")
    assert Commitment.objects.get(pk=commitment.pk).text == "Ett omformulerat åtagande."


def test_it_drops_the_due_date_of_work_made_continuous(lulea_plan, coordinator):
    commitment = commitment_in(lulea_plan, "4")

    commitment_update(commitment=commitment, by=coordinator, continuous=True)

    commitment.refresh_from_db()
    assert commitment.continuous and commitment.due_date is None


def test_it_refuses_an_edit_from_a_reporter(lulea_plan, reporter):
    commitment = commitment_in(lulea_plan, "4")
    before = commitment.history.count()

    with pytest.raises(PermissionDenied):
        commitment_update(commitment=commitment, by=reporter, text="Nej.")

    assert commitment.history.count() == before
    assert Commitment.objects.get(pk=commitment.pk).text != "Nej."


def test_it_refuses_to_edit_an_archived_plan(lulea_plan, coordinator):
    Plan.objects.filter(pk=lulea_plan.pk).update(status=Plan.Status.ARCHIVED)
    commitment = commitment_in(lulea_plan, "4")

    with pytest.raises(ValidationError):
        commitment_update(commitment=commitment, by=coordinator, text="För sent.")

    assert Commitment.objects.get(pk=commitment.pk).text != "För sent."
