"""Reads of plans for the plan page, its API and the reminders. What a user may see is
fetched through the chokepoints in `samverkan.plans.access`."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery

from samverkan.organisations.models import Organisation
from samverkan.plans.models import (
    Agreement,
    Commitment,
    FollowUp,
    FollowUpStatus,
    Goal,
    Plan,
    Section,
)
from samverkan.plans.rules import effective_status, is_due_soon

# --- What follows a goal --------------------------------------------------------------------

GoalIndicatorReader = Callable[[Iterable[int]], dict[int, list]]
_goal_indicator_readers: list[GoalIndicatorReader] = []


def read_goal_indicators_with(reader: GoalIndicatorReader) -> None:
    """Show on the plan page, under each goal, what ``reader`` returns for it.

    The indicators that follow a goal belong to the indicators app, which builds on plans;
    it registers its reader (goal ids → {goal id: [progress]}, a fixed number of queries)
    from its AppConfig.ready, so plans imports nothing of it.
    """
    if reader not in _goal_indicator_readers:
        _goal_indicator_readers.append(reader)


def goal_indicators(goal_ids: Iterable[int]) -> dict[int, list]:
    goal_ids = list(goal_ids)
    result: dict[int, list] = defaultdict(list)
    for reader in _goal_indicator_readers:
        for goal_id, items in reader(goal_ids).items():
            result[goal_id].extend(items)
    return result


# --- The plan at a glance -----------------------------------------------------------------


def _latest(target: str) -> QuerySet:
    return FollowUp.objects.filter(**{target: OuterRef("pk")}).order_by(
        "-period_end", "-reported_at", "-id"
    )


def with_latest_follow_up(queryset: QuerySet, target: str) -> QuerySet:
    """Annotate each goal or commitment with its latest follow-up's status, period and date."""
    latest = _latest(target)
    return queryset.annotate(
        latest_status=Subquery(latest.values("status")[:1]),
        latest_period_end=Subquery(latest.values("period_end")[:1]),
        latest_reported_at=Subquery(latest.values("reported_at")[:1]),
    )


@dataclass
class Row:
    """A goal or commitment as shown on the plan page."""

    obj: Goal | Commitment
    status: FollowUpStatus
    overdue: bool
    due_soon: bool
    # Ansvar, for commitments: organisations, groups and appointed persons.
    organisations: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    persons: list = field(default_factory=list)
    # Goals only: indicators that follow the goal, with progress (indicators.GoalProgress).
    indicators: list = field(default_factory=list)


@dataclass
class SectionView:
    section: Section
    goals: list[Row] = field(default_factory=list)
    commitments: list[Row] = field(default_factory=list)


@dataclass
class PlanOverview:
    plan: Plan
    sections: list[SectionView]
    counts: dict[str, int]
    filtered: bool


@dataclass
class PlanFilters:
    organisation: int | None = None
    group: int | None = None
    status: str | None = None
    section: int | None = None

    @property
    def active(self) -> bool:
        return any(
            v is not None for v in (self.organisation, self.group, self.status, self.section)
        )


RESPONSIBLE = {
    "organisations": "responsible_organisations",
    "groups": "responsible_groups",
    "persons": "responsible_persons",
}


def _responsibilities(commitments: QuerySet) -> dict[int, dict[str, list]]:
    """Ansvar per commitment id, one query per kind straight from the link tables.

    Django's prefetch_related builds a related manager and a queryset clone per commitment;
    at a thousand commitments that was 90 % of the page's time.
    """
    result: dict[int, dict[str, list]] = defaultdict(lambda: {k: [] for k in RESPONSIBLE})
    for key, name in RESPONSIBLE.items():
        m2m = Commitment._meta.get_field(name)
        target = m2m.m2m_reverse_field_name()
        ordering = m2m.related_model._meta.ordering or ["pk"]
        links = (
            m2m.remote_field.through.objects.filter(commitment__in=commitments.values("pk"))
            .select_related(target)
            .order_by(*[f"{target}__{o}" for o in ordering])
        )
        for link in links:
            result[link.commitment_id][key].append(getattr(link, target))
    return result


def _row(obj, today: dt.date, track: bool, responsible: dict | None = None) -> Row:
    status = effective_status(obj.latest_status, obj.due_date, today) if track else None
    return Row(
        **(responsible or {}),
        obj=obj,
        status=status,
        overdue=bool(
            track and status == FollowUpStatus.DELAYED and obj.due_date and obj.due_date < today
        ),
        due_soon=bool(
            track and is_due_soon(status, obj.due_date, today, settings.SAMVERKAN_DUE_SOON_DAYS)
        ),
    )


def target_row(obj: Goal | Commitment, *, today: dt.date) -> Row:
    """The effective status of one goal or commitment, as the plan page would show it."""
    obj.latest_status = (
        obj.follow_ups.order_by("-period_end", "-reported_at", "-id")
        .values_list("status", flat=True)
        .first()
    )
    return _row(obj, today, track=obj.section.plan.status == Plan.Status.DECIDED)


def plan_overview(
    plan: Plan, *, today: dt.date, filters: PlanFilters | None = None
) -> PlanOverview:
    """Every section with its goals and commitments, their owners and effective status.

    A fixed number of queries whatever the plan's size. Statuses are tracked only for a
    decided plan; a draft has no follow-up yet.
    """
    filters = filters or PlanFilters()
    track = plan.status == Plan.Status.DECIDED
    sections = list(plan.sections.all())
    goals = with_latest_follow_up(Goal.objects.filter(section__plan=plan), "goal")
    in_plan = Commitment.objects.filter(section__plan=plan)
    commitments = with_latest_follow_up(in_plan, "commitment")
    responsible = _responsibilities(in_plan)
    views = {s.pk: SectionView(section=s) for s in sections}
    progress = goal_indicators(goal.pk for goal in goals)
    for goal in goals:
        views[goal.section_id].goals.append(_row(goal, today, track))
        views[goal.section_id].goals[-1].indicators = progress.get(goal.pk, [])
    for commitment in commitments:
        row = _row(commitment, today, track, responsible[commitment.pk])
        views[commitment.section_id].commitments.append(row)

    counts = {s.value: 0 for s in FollowUpStatus}
    counts["due_soon"] = 0
    for view in views.values():
        for row in view.goals + view.commitments:
            if row.status:
                counts[row.status.value] += 1
            counts["due_soon"] += row.due_soon

    if filters.active:
        for view in views.values():
            view.goals = [r for r in view.goals if _matches(r, view.section, filters)]
            view.commitments = [r for r in view.commitments if _matches(r, view.section, filters)]
        shown = [v for v in views.values() if v.goals or v.commitments]
    else:
        shown = list(views.values())
    return PlanOverview(plan=plan, sections=shown, counts=counts, filtered=filters.active)


def _matches(row: Row, section: Section, filters: PlanFilters) -> bool:
    if filters.section and filters.section not in (section.pk, section.parent_id):
        return False
    if filters.status and row.status != filters.status:
        return False
    if filters.organisation or filters.group:
        # Only commitments carry responsibility; goals drop out of a filter by owner.
        if not isinstance(row.obj, Commitment):
            return False
        if filters.organisation and filters.organisation not in {o.pk for o in row.organisations}:
            return False
        if filters.group and filters.group not in {g.pk for g in row.groups}:
            return False
    return True


def current_plan(agreement: Agreement) -> Plan | None:
    """The decided plan if there is one, else the newest draft."""
    plans = agreement.plans.order_by("-period_start", "-pk")
    return plans.filter(status=Plan.Status.DECIDED).first() or plans.first()


def communication_due(activities, *, today: dt.date) -> list:
    """The planned lines of a communication plan that fall this month or are overdue."""
    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return list(
        activities.filter(status="planerad", when__lt=following)
        .select_related("owner_organisation")
        .order_by("when", "pk")
    )


def agreement_organisation_ids(agreement) -> set[int]:
    """The parties and the organisations directly under them (a förvaltning, Lulebo)."""
    parties = set(agreement.parties.values_list("pk", flat=True))
    children = Organisation.objects.filter(parent__in=parties).values_list("pk", flat=True)
    return parties | set(children)
