"""Every write to plans, and every rule that spans more than one model."""

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.access import can_edit_plans
from samverkan.core.models import User
from samverkan.incidents.models import Category
from samverkan.organisations.models import Decision, Group, Organisation
from samverkan.organisations.services import check_adopting_decision
from samverkan.plans.access import agreement_list_for_user
from samverkan.plans.models import (
    Agreement,
    Commitment,
    FollowUp,
    FollowUpStatus,
    Goal,
    Plan,
    Section,
)
from samverkan.plans.periods import period_bounds
from samverkan.plans.planfile import PlanFile, PlanFileInvalid, PlanFileProblem, line_for


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_party(user: User, plan: Plan) -> None:
    """Views fetch through the chokepoints (`plans.access`) already; services check again so a
    command, task or future endpoint cannot write into another party's agreement."""
    if not agreement_list_for_user(user).filter(pk=plan.agreement_id).exists():
        raise PermissionDenied(_("Din organisation är inte part i överenskommelsen."))


# --- Plan files ---------------------------------------------------------------------------


def plan_create_from_file(*, plan_file: PlanFile, lines: dict, replace: bool = False) -> Plan:
    """Write a validated plan file as a new draft plan, all or nothing.

    Names (agreement, organisations, groups, persons) are resolved first and every unknown
    one is reported with its line; nothing is written unless all resolve.
    """
    problems: list[PlanFileProblem] = []
    agreement = Agreement.objects.filter(slug=plan_file.agreement).first()
    if agreement is None:
        problems.append(
            PlanFileProblem(
                line_for(lines, ("agreement",)),
                "agreement",
                _("okänd överenskommelse %(name)r") % {"name": plan_file.agreement},
            )
        )
        raise PlanFileInvalid(problems)

    organisations = {o.slug: o for o in Organisation.objects.all()}
    groups = {g.slug: g for g in Group.objects.filter(agreement=agreement)}
    persons = {u.username: u for u in User.objects.filter(is_active=True)}
    lookups = [
        ("organisations", organisations, _("okänd organisation %(name)r")),
        ("groups", groups, _("okänd grupp i överenskommelsen %(name)r")),
        ("persons", persons, _("okänd användare %(name)r")),
    ]
    categories = set(Category.objects.values_list("slug", flat=True))
    for s, section in enumerate(plan_file.sections):
        for i, slug in enumerate(section.incident_categories):
            if slug not in categories:
                path = ("sections", s, "incident_categories", i)
                problems.append(
                    PlanFileProblem(
                        line_for(lines, path),
                        ".".join(map(str, path)),
                        _("okänd händelsekategori %(name)r") % {"name": slug},
                    )
                )
        for c, commitment in enumerate(section.commitments):
            for key, known, message in lookups:
                for i, name in enumerate(getattr(commitment.responsible, key)):
                    if name not in known:
                        path = ("sections", s, "commitments", c, "responsible", key, i)
                        problems.append(
                            PlanFileProblem(
                                line_for(lines, path),
                                ".".join(map(str, path)),
                                message % {"name": name},
                            )
                        )
    existing = Plan.objects.filter(agreement=agreement, title=plan_file.title).first()
    if existing is not None and not replace:
        problems.append(
            PlanFileProblem(
                line_for(lines, ("title",)),
                "title",
                _("det finns redan en plan med rubriken %(title)r i överenskommelsen")
                % {"title": plan_file.title},
            )
        )
    if existing is not None and replace and existing.status != Plan.Status.DRAFT:
        problems.append(
            PlanFileProblem(
                line_for(lines, ("title",)),
                "title",
                _("bara ett utkast kan ersättas; planen är redan fastställd"),
            )
        )
    if problems:
        raise PlanFileInvalid(problems)

    with transaction.atomic():
        if existing is not None:
            existing.delete()
        plan = Plan.objects.create(
            agreement=agreement,
            title=plan_file.title,
            period_start=plan_file.period_start,
            period_end=plan_file.period_end,
            follow_up_period=plan_file.follow_up_period,
            purpose=plan_file.purpose,
            overall_goal=plan_file.overall_goal,
        )
        by_number: dict[str, Section] = {}
        for position, section_in in enumerate(plan_file.sections):
            section = Section.objects.create(
                plan=plan,
                parent=by_number.get(section_in.number.rpartition(".")[0]),
                number=section_in.number,
                position=position,
                title=section_in.title,
                kind=section_in.kind,
                description=section_in.description,
                problem_description=section_in.problem_description,
                incident_categories=section_in.incident_categories,
            )
            by_number[section.number] = section
            # Goals and their sub-goals share one order within the section.
            flat = [
                (goal_in, sub_in)
                for goal_in in section_in.goals
                for sub_in in [None, *goal_in.subgoals]
            ]
            parent = None
            for position, (goal_in, sub_in) in enumerate(flat):
                item = sub_in or goal_in
                goal = Goal.objects.create(
                    section=section,
                    parent=parent if sub_in else None,
                    number=item.number,
                    position=position,
                    text=item.text,
                    due_date=item.due,
                    continuous=item.continuous,
                    schedule_text=item.schedule,
                )
                if sub_in is None:
                    parent = goal
            for position_c, commitment_in in enumerate(section_in.commitments):
                commitment = Commitment.objects.create(
                    section=section,
                    position=position_c,
                    text=commitment_in.text,
                    responsibility_text=commitment_in.responsible.text,
                    due_date=commitment_in.due,
                    continuous=commitment_in.continuous,
                    schedule_text=commitment_in.schedule,
                )
                responsible = commitment_in.responsible
                commitment.responsible_organisations.set(
                    [organisations[n] for n in responsible.organisations]
                )
                commitment.responsible_groups.set([groups[n] for n in responsible.groups])
                commitment.responsible_persons.set([persons[n] for n in responsible.persons])
    return plan


# --- Follow-up ----------------------------------------------------------------------------


def follow_up_create(
    *,
    author: User,
    status: str,
    commitment: Commitment | None = None,
    goal: Goal | None = None,
    period_date: dt.date | None = None,
    progress: int | None = None,
    comment: str = "",
) -> FollowUp:
    """Report the status of a commitment or a goal for the period that contains period_date
    (today by default), in the plan's follow-up rhythm."""
    _require(can_edit_plans(author), _("Du har inte behörighet att rapportera uppföljning."))
    if (commitment is None) == (goal is None):
        raise ValueError("En uppföljning gäller ett åtagande eller ett mål.")
    plan = (commitment or goal).section.plan
    _require_party(author, plan)
    if plan.status != Plan.Status.DECIDED:
        raise ValidationError(_("Bara en fastställd plan följs upp."))
    if status not in FollowUpStatus.values:
        raise ValidationError({"status": _("Okänd status.")})
    if progress is not None and not 0 <= progress <= 100:
        raise ValidationError({"progress": _("Ange en andel mellan 0 och 100 procent.")})
    if period_date is None:
        # Today, or the plan's last day when following up a plan whose period has ended.
        period_date = min(max(timezone.localdate(), plan.period_start), plan.period_end)
    start, end = period_bounds(plan.follow_up_period, period_date)
    if end < plan.period_start or start > plan.period_end:
        raise ValidationError(
            {
                "period_date": _("Perioden ligger utanför planens period %(start)s – %(end)s.")
                % {"start": plan.period_start.isoformat(), "end": plan.period_end.isoformat()}
            }
        )
    return FollowUp.objects.create(
        commitment=commitment,
        goal=goal,
        period_kind=plan.follow_up_period,
        period_start=start,
        period_end=end,
        status=status,
        progress=progress,
        comment=comment,
        author=author,
    )


# --- Editing ------------------------------------------------------------------------------


def _save_changes(obj: Goal | Commitment, fields: dict) -> None:
    """Set and save only what differs, so the history shows no empty changes.
    Continuous work has no due date."""
    if fields.get("continuous"):
        fields["due_date"] = None
    changed = {k: v for k, v in fields.items() if getattr(obj, k) != v}
    for name, value in changed.items():
        setattr(obj, name, value)
    if changed:
        obj.save()


COMMITMENT_FIELDS = {"text", "responsibility_text", "due_date", "continuous", "schedule_text"}
GOAL_FIELDS = {"text", "due_date", "continuous", "schedule_text"}
RESPONSIBLE = ("responsible_organisations", "responsible_groups", "responsible_persons")


def _require_editable(by: User, plan: Plan, *, draft_only: bool = False) -> None:
    _require(can_edit_plans(by), _("Du har inte behörighet att ändra planen."))
    _require_party(by, plan)
    if plan.status == Plan.Status.ARCHIVED:
        raise ValidationError(_("En arkiverad plan kan inte ändras."))
    if draft_only and plan.status != Plan.Status.DRAFT:
        raise ValidationError(
            _(
                "Bara ett utkast kan ändras så. I en fastställd plan rapporteras ett "
                "åtagande som inte längre gäller som inställt."
            )
        )


def _check_fields(fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Okända fält: {sorted(unknown)}")


def _set_responsible(commitment: Commitment, responsible: dict) -> None:
    for name, values in responsible.items():
        if values is not None:
            getattr(commitment, name).set(values)


def commitment_create(*, section: Section, by: User, **fields) -> Commitment:
    """A new commitment last in its section, in a draft or a decided plan."""
    _require_editable(by, section.plan)
    responsible = {name: fields.pop(name, None) for name in RESPONSIBLE}
    _check_fields(fields, COMMITMENT_FIELDS)
    if fields.get("continuous"):
        fields["due_date"] = None
    last = section.commitments.aggregate(last=Max("position"))["last"]
    with transaction.atomic():
        commitment = Commitment.objects.create(
            section=section, position=0 if last is None else last + 1, **fields
        )
        _set_responsible(commitment, responsible)
    return commitment


def commitment_update(*, commitment: Commitment, by: User, **fields) -> Commitment:
    """Change a commitment's text, responsibility or schedule. Recorded in its history."""
    _require_editable(by, commitment.section.plan)
    responsible = {name: fields.pop(name, None) for name in RESPONSIBLE}
    _check_fields(fields, COMMITMENT_FIELDS)
    with transaction.atomic():
        _save_changes(commitment, fields)
        _set_responsible(commitment, responsible)
    return commitment


def commitment_delete(*, commitment: Commitment, by: User) -> None:
    """Remove a commitment from a draft. A decided plan keeps it; report it inställd."""
    _require_editable(by, commitment.section.plan, draft_only=True)
    commitment.delete()


def goal_create(*, section: Section, by: User, parent: Goal | None = None, **fields) -> Goal:
    """A new goal last in its section, or a new sub-goal last under `parent`."""
    _require_editable(by, section.plan)
    _check_fields(fields, GOAL_FIELDS)
    if parent is not None and (parent.section_id != section.pk or parent.parent_id):
        raise ValueError("A sub-goal belongs under a top-level goal of the same section.")
    if fields.get("continuous"):
        fields["due_date"] = None
    goals = Goal.objects.filter(section=section)
    with transaction.atomic():
        if parent is None:
            last = goals.aggregate(last=Max("position"))["last"]
            position = 0 if last is None else last + 1
            number = ""
        else:
            # Goals and sub-goals share one order in the section: make room right after
            # the parent's last sub-goal.
            siblings = goals.filter(parent=parent)
            position = (siblings.aggregate(last=Max("position"))["last"] or parent.position) + 1
            goals.filter(position__gte=position).update(position=F("position") + 1)
            number = str(siblings.count() + 1)
        return Goal.objects.create(
            section=section, parent=parent, position=position, number=number, **fields
        )


def goal_update(*, goal: Goal, by: User, **fields) -> Goal:
    _require_editable(by, goal.section.plan)
    _check_fields(fields, GOAL_FIELDS)
    _save_changes(goal, fields)
    return goal


def goal_delete(*, goal: Goal, by: User) -> None:
    """Remove a goal (and its sub-goals) from a draft."""
    _require_editable(by, goal.section.plan, draft_only=True)
    goal.delete()


# --- Decision and yearly revision ---------------------------------------------------------


def plan_decide(*, plan: Plan, by: User, decision: Decision) -> Plan:
    """Adopt a draft by ``decision``, taken at a meeting of the agreement's styrgrupp; the
    plan it revises is archived. The one way a plan becomes fastställd: the decision is
    recorded by `meetings.services.decision_record`, which calls this."""
    _require_party(by, plan)
    check_adopting_decision(decision, adopts=Decision.Adopts.PLAN, agreement=plan.agreement, by=by)
    if plan.status != Plan.Status.DRAFT:
        raise ValidationError(_("Planen är redan fastställd eller arkiverad."))
    with transaction.atomic():
        plan.status = Plan.Status.DECIDED
        plan.decision = decision
        plan.save()
        if plan.previous_id and plan.previous.status == Plan.Status.DECIDED:
            plan.previous.status = Plan.Status.ARCHIVED
            plan.previous.save()
    return plan


_YEAR = re.compile(r"\b(19|20)\d\d\b")


def _next_year_text(text: str) -> str:
    return _YEAR.sub(lambda m: str(int(m.group(0)) + 1), text)


def _next_year(day: dt.date | None) -> dt.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def plan_revise(*, plan: Plan, by: User) -> Plan:
    """Ny årsversion: a draft for the next year that copies sections, goals and commitments.

    The plan is revised every year, so the draft covers the same span one year later; years
    in the title, dates and schedule wording move one year on. Each copied commitment keeps a
    link to the one it was copied from, so its earlier follow-ups stay one click away.
    """
    _require(can_edit_plans(by), _("Du har inte behörighet att revidera planen."))
    _require_party(by, plan)
    if plan.status == Plan.Status.DRAFT:
        # A draft of a draft would leave the decided plan in force when either is decided.
        raise ValidationError(
            _("Ny årsversion skapas från en fastställd plan, inte från ett utkast.")
        )
    if Plan.objects.filter(previous=plan).exists():
        raise ValidationError(_("Planen har redan en ny årsversion."))
    sections = list(plan.sections.all())
    goals = list(
        Goal.objects.filter(section__plan=plan).order_by(
            F("parent_id").asc(nulls_first=True), "position"
        )
    )
    commitments = list(
        Commitment.objects.filter(section__plan=plan).prefetch_related(
            "responsible_organisations", "responsible_groups", "responsible_persons"
        )
    )
    title = _next_year_text(plan.title)
    if title == plan.title:
        title = f"{plan.title} (revision {plan.period_start.year + 1})"
    with transaction.atomic():
        draft = Plan.objects.create(
            agreement=plan.agreement,
            title=title,
            period_start=_next_year(plan.period_start),
            period_end=_next_year(plan.period_end),
            classification=plan.classification,
            follow_up_period=plan.follow_up_period,
            purpose=plan.purpose,
            overall_goal=plan.overall_goal,
            previous=plan,
        )
        new_sections: dict[int, Section] = {}
        for section in sections:  # ordered by position, so parents come first
            new_sections[section.pk] = Section.objects.create(
                plan=draft,
                parent=new_sections.get(section.parent_id),
                number=section.number,
                position=section.position,
                title=section.title,
                kind=section.kind,
                description=section.description,
                problem_description=section.problem_description,
                incident_categories=section.incident_categories,
            )
        new_goals: dict[int, Goal] = {}
        for goal in goals:  # top-level goals (parent NULL) first
            new_goals[goal.pk] = Goal.objects.create(
                section=new_sections[goal.section_id],
                parent=new_goals.get(goal.parent_id),
                number=goal.number,
                position=goal.position,
                text=goal.text,
                due_date=_next_year(goal.due_date),
                continuous=goal.continuous,
                schedule_text=_next_year_text(goal.schedule_text),
            )
        for commitment in commitments:
            copy = Commitment.objects.create(
                section=new_sections[commitment.section_id],
                position=commitment.position,
                text=commitment.text,
                responsibility_text=commitment.responsibility_text,
                due_date=_next_year(commitment.due_date),
                continuous=commitment.continuous,
                schedule_text=_next_year_text(commitment.schedule_text),
                copied_from=commitment,
            )
            copy.responsible_organisations.set(commitment.responsible_organisations.all())
            copy.responsible_groups.set(commitment.responsible_groups.all())
            copy.responsible_persons.set(commitment.responsible_persons.all())
    return draft
