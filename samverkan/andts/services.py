# Over 500 lines: every write of the action plan and its rules (decision, immutability, strategy, versions) together.
"""Every write of the ANDT(S) work and every rule that spans its tables.

- The strategies are reference data: `load_strategies` reads a YAML file (the shipped
  `data/strategies.yaml`, or a new strategy's file) and upserts it; one bad entry and nothing
  is written.
- Only a samordnare or administratör of a party to the agreement writes a plan
  (`andts.access.can_edit_andts`); only the styrgrupp (or an administratör) decides it
  (`can_decide_andts`).
- **Strategy**: a prioritised goal and an activity belong to the plan's own strategy; a goal
  of another strategy is refused (`check_goal_of_plan`).
- **Decision**: every prioritised goal has a rationale, and the decision has a date and who
  decided (`plan_decide`). A decided plan is immutable (`check_draft`); only its follow-up
  goes on. `new_version` copies a decided plan into next year's draft and keeps the old one.
- Free text holds no personal data (`core.privacy.find_personal_data`).

A failed check raises ValidationError (Swedish, keyed by field) and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.andts.access import can_edit_andts
from samverkan.andts.models import (
    ActionPlan,
    Activity,
    ActivityFollowUp,
    LocalGoal,
    PrioritisedGoal,
    PriorityArea,
    Strategy,
    StrategyGoal,
)
from samverkan.core.models import User
from samverkan.core.privacy import find_personal_data
from samverkan.est.selectors import agreement_organisation_ids
from samverkan.organisations.models import Decision
from samverkan.organisations.services import check_adopting_decision
from samverkan.plans.access import agreement_list_for_user
from samverkan.plans.models import Agreement, FollowUpStatus
from samverkan.plans.periods import LABEL_LETTER, MONTHS_PER_PERIOD, period_bounds

DEFAULT_STRATEGIES = Path(__file__).resolve().parent / "data" / "strategies.yaml"


# --- Shared checks ----------------------------------------------------------------------------


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _privacy(errors: dict, **texts: str) -> None:
    for name, text in texts.items():
        for finding in find_personal_data(text or ""):
            errors.setdefault(name, []).append(finding.message)


def check_editor(user: User, agreement: Agreement) -> None:
    """The user's organisation is party to the agreement and the role may write."""
    if not agreement_list_for_user(user).filter(pk=agreement.pk).exists():
        raise PermissionDenied(_("Din organisation är inte part i överenskommelsen."))
    if not can_edit_andts(user):
        raise PermissionDenied(
            _("Bara samordnare och administratörer får ändra ANDT(S)-handlingsplanen.")
        )


def check_draft(plan: ActionPlan) -> None:
    """A decided plan is never changed; its next year is a new version."""
    if plan.status == ActionPlan.Status.DECIDED:
        raise ValidationError(
            _(
                "Handlingsplanen %(plan)s är beslutad och kan inte ändras. "
                "Gör en ny version för nästa år."
            )
            % {"plan": plan.title}
        )


def goal_strategy_message(goal: StrategyGoal, plan: ActionPlan) -> str:
    return _(
        "Mål %(number)s hör till %(other)s, men handlingsplanen utgår från %(strategy)s. "
        "Välj ett mål ur planens strategi."
    ) % {"number": goal.number, "other": goal.strategy.title, "strategy": plan.strategy.title}


def check_goal_of_plan(errors: dict, field: str, goal: StrategyGoal, plan: ActionPlan) -> None:
    if goal.strategy_id != plan.strategy_id:
        errors.setdefault(field, []).append(goal_strategy_message(goal, plan))


def _strip(value) -> str:
    return (value or "").strip()


# --- The strategies as data -------------------------------------------------------------------

STRATEGY_KEYS = {
    "slug",
    "title",
    "period_start",
    "period_end",
    "overall_goal",
    "source",
    "citation",
    "url",
    "note",
    "goals",
}
GOAL_KEYS = {"number", "text", "priority_areas"}
SLUG = re.compile(r"^[a-z0-9-]+$")


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _goal_errors(where: str, goals) -> list[str]:
    if not isinstance(goals, list) or not goals:
        return [_("%(where)s saknar mål (en lista under goals).") % {"where": where}]
    problems, numbers = [], set()
    for index, goal in enumerate(goals):
        at = _("%(where)s, mål %(n)s") % {"where": where, "n": index + 1}
        if not isinstance(goal, dict):
            problems.append(_("%(where)s är inte en samling fält.") % {"where": at})
            continue
        unknown = sorted(set(goal) - GOAL_KEYS)
        if unknown:
            problems.append(
                _("%(where)s har okända fält: %(keys)s.")
                % {"where": at, "keys": ", ".join(unknown)}
            )
        number = goal.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            problems.append(_("%(where)s: number ska vara ett heltal från 1.") % {"where": at})
        elif number in numbers:
            problems.append(
                _("%(where)s: nummer %(number)s finns två gånger.")
                % {"where": at, "number": number}
            )
        numbers.add(number)
        if not _strip(str(goal.get("text") or "")):
            problems.append(_("%(where)s saknar text.") % {"where": at})
        areas = goal.get("priority_areas", [])
        if not isinstance(areas, list) or not all(isinstance(a, str) and a.strip() for a in areas):
            problems.append(
                _("%(where)s: priority_areas ska vara en lista av texter.") % {"where": at}
            )
    return problems


def _strategy_errors(index: int, entry) -> list[str]:
    where = _("Strategi %(n)s") % {"n": index + 1}
    if not isinstance(entry, dict):
        return [_("%(where)s är inte en samling fält.") % {"where": where}]
    if entry.get("slug"):
        where = _("Strategi %(slug)s") % {"slug": entry["slug"]}
    problems = []
    for key in ("slug", "title", "period_start", "period_end", "overall_goal"):
        if not str(entry.get(key) or "").strip():
            problems.append(_("%(where)s saknar %(key)s.") % {"where": where, "key": key})
    if entry.get("slug") and not SLUG.match(str(entry["slug"])):
        problems.append(
            _("%(where)s: slug får bara innehålla a–z, siffror och bindestreck.") % {"where": where}
        )
    unknown = sorted(set(entry) - STRATEGY_KEYS)
    if unknown:
        problems.append(
            _("%(where)s har okända fält: %(keys)s.") % {"where": where, "keys": ", ".join(unknown)}
        )
    start, end = _date(entry.get("period_start")), _date(entry.get("period_end"))
    for key, value in (("period_start", start), ("period_end", end)):
        if entry.get(key) and value is None:
            problems.append(
                _("%(where)s: %(key)s ska vara ett datum (ÅÅÅÅ-MM-DD).")
                % {"where": where, "key": key}
            )
    if start and end and end < start:
        problems.append(_("%(where)s: period_end ligger före period_start.") % {"where": where})
    problems.extend(_goal_errors(where, entry.get("goals")))
    return problems


def read_strategies(path: Path | str) -> list[dict]:
    """The checked entries of a strategies file (a list, or a list under `strategies:`)."""
    path = Path(path)
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(_("Strategifilen finns inte: %(path)s.") % {"path": path}) from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ValidationError(
            _("Strategifilen kan inte läsas som YAML: %(error)s") % {"error": error}
        ) from None
    if isinstance(entries, dict) and set(entries) == {"strategies"}:
        entries = entries["strategies"]
    if not isinstance(entries, list) or not entries:
        raise ValidationError(_("Strategifilen ska vara en lista av strategier under strategies."))
    problems, seen = [], set()
    for index, entry in enumerate(entries):
        problems.extend(_strategy_errors(index, entry))
        slug = entry.get("slug") if isinstance(entry, dict) else None
        if slug and slug in seen:
            problems.append(_("Strategi %(slug)s finns två gånger.") % {"slug": slug})
        seen.add(slug)
    if problems:
        raise ValidationError(problems)
    return entries


def load_strategies(path: Path | str = DEFAULT_STRATEGIES) -> dict[str, int]:
    """Upsert the strategies of a YAML file by slug, their goals by number and their priority
    areas by text. A second load of the same file changes nothing; priority areas added in
    the system are kept. Returns how many strategies were created and updated."""
    entries = read_strategies(path)
    created = updated = 0
    with transaction.atomic():
        for entry in entries:
            values = {
                "title": _strip(entry["title"]),
                "period_start": _date(entry["period_start"]),
                "period_end": _date(entry["period_end"]),
                "overall_goal": " ".join(str(entry["overall_goal"]).split()),
                "source": _strip(entry.get("source")),
                "citation": " ".join(str(entry.get("citation") or "").split()),
                "url": _strip(entry.get("url")),
                "note": " ".join(str(entry.get("note") or "").split()),
            }
            strategy = Strategy.objects.filter(slug=entry["slug"]).first()
            if strategy is None:
                strategy = Strategy.objects.create(slug=entry["slug"], **values)
                created += 1
            else:
                updated += 1
                if any(getattr(strategy, key) != value for key, value in values.items()):
                    for key, value in values.items():
                        setattr(strategy, key, value)
                    strategy.save()
            goals = {g.number: g for g in strategy.goals.all()}
            for spec in entry["goals"]:
                text = " ".join(str(spec["text"]).split())
                goal = goals.get(spec["number"])
                if goal is None:
                    goal = StrategyGoal.objects.create(
                        strategy=strategy, number=spec["number"], text=text
                    )
                elif goal.text != text:
                    goal.text = text
                    goal.save(update_fields=["text"])
                have = set(goal.priority_areas.values_list("text", flat=True))
                for position, area in enumerate(spec.get("priority_areas") or []):
                    area = " ".join(area.split())
                    if area not in have:
                        PriorityArea.objects.create(goal=goal, text=area, position=position)
                        have.add(area)
    return {"created": created, "updated": updated}


def priority_area_add(*, by: User, goal: StrategyGoal, text: str) -> PriorityArea:
    """One more priority area under a strategy's goal (the list is editable)."""
    if not can_edit_andts(by):
        raise PermissionDenied(_("Bara samordnare och administratörer får ändra strategierna."))
    text = " ".join((text or "").split())
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Skriv insatsområdet.")]
    elif goal.priority_areas.filter(text=text).exists():
        errors["text"] = [_("Insatsområdet finns redan under målet.")]
    _privacy(errors, text=text)
    _raise(errors)
    position = goal.priority_areas.count()
    return PriorityArea.objects.create(goal=goal, text=text, position=position)


def priority_area_remove(*, by: User, area: PriorityArea) -> None:
    if not can_edit_andts(by):
        raise PermissionDenied(_("Bara samordnare och administratörer får ändra strategierna."))
    area.delete()


# --- The action plan --------------------------------------------------------------------------

PLAN_TEXTS = ("title", "problem_description", "baseline")


def _clean_plan(errors: dict, data: dict) -> None:
    if "title" in data and not _strip(data["title"]):
        errors["title"] = [_("Ge handlingsplanen en rubrik.")]
    start, end = data.get("period_start"), data.get("period_end")
    if start and end and end < start:
        errors["period_end"] = [_("Periodens slut ligger före dess början.")]
    _privacy(errors, **{key: data.get(key, "") for key in PLAN_TEXTS})


def plan_create(
    *,
    by: User,
    agreement: Agreement,
    strategy: Strategy,
    year: int,
    title: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    problem_description: str = "",
    baseline: str = "",
) -> ActionPlan:
    """A draft action plan of the agreement for a year (the calendar year unless a period is
    given), starting from one national strategy."""
    check_editor(by, agreement)
    errors: dict[str, list[str]] = {}
    if not isinstance(year, int) or not 2000 <= year <= timezone.localdate().year + 5:
        errors["year"] = [_("Ange ett år mellan 2000 och fem år framåt.")]
        year = None
    period_start = period_start or (dt.date(year, 1, 1) if year else None)
    period_end = period_end or (dt.date(year, 12, 31) if year else None)
    title = _strip(title) or (_("ANDT(S)-handlingsplan %(year)s") % {"year": year} if year else "")
    data = {
        "title": title,
        "period_start": period_start,
        "period_end": period_end,
        "problem_description": problem_description,
        "baseline": baseline,
    }
    _clean_plan(errors, data)
    if year and ActionPlan.objects.filter(agreement=agreement, year=year).exists():
        errors["year"] = [
            _("Överenskommelsen har redan en ANDT(S)-handlingsplan för %(year)s.") % {"year": year}
        ]
    _raise(errors)
    return ActionPlan.objects.create(
        agreement=agreement,
        strategy=strategy,
        year=year,
        title=title,
        period_start=period_start,
        period_end=period_end,
        problem_description=_strip(problem_description),
        baseline=_strip(baseline),
    )


def plan_update(*, plan: ActionPlan, by: User, **fields) -> ActionPlan:
    """Change a draft's title, period, problem description or baseline."""
    check_editor(by, plan.agreement)
    check_draft(plan)
    allowed = {"title", "period_start", "period_end", "problem_description", "baseline"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    data = {key: getattr(plan, key) for key in allowed} | fields
    errors: dict[str, list[str]] = {}
    _clean_plan(errors, data)
    _raise(errors)
    for key, value in fields.items():
        setattr(plan, key, _strip(value) if isinstance(value, str) else value)
    plan.save()
    return plan


def _check_evidence(errors: dict, plan: ActionPlan, snapshot) -> None:
    if snapshot is not None and snapshot.agreement_id != plan.agreement_id:
        errors.setdefault("snapshot", []).append(
            _("Den sparade lägesbilden hör till en annan överenskommelse.")
        )


GOAL_TEXTS = ("rationale", "figure", "figure_source", "figure_period")


def prioritised_goal_add(
    *,
    by: User,
    plan: ActionPlan,
    goal: StrategyGoal,
    rationale: str = "",
    indicators=(),
    snapshot=None,
    incident_categories=(),
    figure: str = "",
    figure_source: str = "",
    figure_period: str = "",
) -> PrioritisedGoal:
    """Prioritise a national goal in the plan, with why (the rationale) and on what evidence.
    A rationale may wait while the plan is a draft; deciding needs one for every goal."""
    check_editor(by, plan.agreement)
    check_draft(plan)
    errors: dict[str, list[str]] = {}
    check_goal_of_plan(errors, "goal", goal, plan)
    if not errors and plan.prioritised_goals.filter(goal=goal).exists():
        errors["goal"] = [
            _("Mål %(number)s är redan prioriterat i planen.") % {"number": goal.number}
        ]
    _check_evidence(errors, plan, snapshot)
    texts = {
        "rationale": rationale,
        "figure": figure,
        "figure_source": figure_source,
        "figure_period": figure_period,
    }
    _privacy(errors, **texts)
    _raise(errors)
    with transaction.atomic():
        prioritised = PrioritisedGoal.objects.create(
            plan=plan,
            goal=goal,
            position=goal.number,
            snapshot=snapshot,
            **{key: _strip(value) for key, value in texts.items()},
        )
        prioritised.indicators.set(list(indicators or ()))
        prioritised.incident_categories.set(list(incident_categories or ()))
    return prioritised


def prioritised_goal_update(*, prioritised: PrioritisedGoal, by: User, **fields) -> PrioritisedGoal:
    """Change a prioritised goal's rationale and evidence (the plan a draft)."""
    plan = prioritised.plan
    check_editor(by, plan.agreement)
    check_draft(plan)
    allowed = {*GOAL_TEXTS, "indicators", "snapshot", "incident_categories"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    if "snapshot" in fields:
        _check_evidence(errors, plan, fields["snapshot"])
    _privacy(errors, **{key: fields[key] for key in GOAL_TEXTS if key in fields})
    _raise(errors)
    with transaction.atomic():
        for key in GOAL_TEXTS:
            if key in fields:
                setattr(prioritised, key, _strip(fields[key]))
        if "snapshot" in fields:
            prioritised.snapshot = fields["snapshot"]
        prioritised.save()
        if "indicators" in fields:
            prioritised.indicators.set(list(fields["indicators"] or ()))
        if "incident_categories" in fields:
            prioritised.incident_categories.set(list(fields["incident_categories"] or ()))
    return prioritised


def local_goal_add(*, by: User, prioritised: PrioritisedGoal, text: str) -> LocalGoal:
    plan = prioritised.plan
    check_editor(by, plan.agreement)
    check_draft(plan)
    errors: dict[str, list[str]] = {}
    if not _strip(text):
        errors["text"] = [_("Skriv det lokala målet.")]
    _privacy(errors, text=text)
    _raise(errors)
    return LocalGoal.objects.create(
        prioritised_goal=prioritised,
        text=_strip(text),
        position=prioritised.local_goals.count(),
    )


ACTIVITY_TEXTS = ("title", "description", "owner_role", "schedule_text")


def activity_errors(plan: ActionPlan, data: dict) -> dict[str, list[str]]:
    """Every check of an activity's fields against its plan, keyed by field."""
    errors: dict[str, list[str]] = {}
    if not _strip(data.get("title")):
        errors["title"] = [_("Skriv vad aktiviteten är.")]
    if data.get("kind") not in Activity.Kind.values:
        errors["kind"] = [
            _("Okänd typ %(value)s: välj en av %(choices)s.")
            % {"value": data.get("kind"), "choices": ", ".join(Activity.Kind.values)}
        ]
    goal, local_goal = data.get("goal"), data.get("local_goal")
    if goal is None and local_goal is not None:
        goal = local_goal.prioritised_goal.goal
    if goal is None:
        errors["goal"] = [_("Välj vilket av planens prioriterade mål aktiviteten hör till.")]
    else:
        check_goal_of_plan(errors, "goal", goal, plan)
        if "goal" not in errors and not plan.prioritised_goals.filter(goal=goal).exists():
            errors["goal"] = [
                _("Mål %(number)s är inte prioriterat i planen: prioritera det först.")
                % {"number": goal.number}
            ]
    if local_goal is not None and (
        local_goal.prioritised_goal.plan_id != plan.pk
        or (goal is not None and local_goal.prioritised_goal.goal_id != goal.pk)
    ):
        errors.setdefault("local_goal", []).append(
            _("Det lokala målet hör inte till det valda prioriterade målet i den här planen.")
        )
    owner = data.get("owner_organisation")
    if owner is None:
        errors["owner_organisation"] = [_("Ange vilken organisation som äger aktiviteten.")]
    elif owner.pk not in agreement_organisation_ids(plan.agreement):
        errors["owner_organisation"] = [
            _("%(organisation)s är inte part i överenskommelsen.") % {"organisation": owner}
        ]
    intervention = data.get("intervention")
    if intervention is not None and intervention.problem.agreement_id != plan.agreement_id:
        errors["intervention"] = [_("Insatsen hör till en annan överenskommelse.")]
    collaboration = data.get("collaboration")
    if collaboration is not None and collaboration.agreement_id != plan.agreement_id:
        errors["collaboration"] = [_("Samverkan hör till en annan överenskommelse.")]
    start, end = data.get("start"), data.get("end")
    if start and end and end < start:
        errors["end"] = [_("Slutet ligger före starten.")]
    if not (start or end or _strip(data.get("schedule_text"))):
        errors["schedule_text"] = [
            _("Ange en tidplan: start och slut eller en text (till exempel löpande).")
        ]
    _privacy(errors, **{key: data.get(key, "") for key in ACTIVITY_TEXTS})
    return errors


ACTIVITY_FIELDS = {
    "goal",
    "local_goal",
    "title",
    "description",
    "kind",
    "intervention",
    "collaboration",
    "owner_organisation",
    "owner_role",
    "start",
    "end",
    "schedule_text",
    "indicator",
}


def _activity_values(data: dict) -> dict:
    values = {key: data.get(key) for key in ACTIVITY_FIELDS}
    if values["goal"] is None and values["local_goal"] is not None:
        values["goal"] = values["local_goal"].prioritised_goal.goal
    for key in ACTIVITY_TEXTS:
        values[key] = _strip(values[key])
    return values


def activity_add(*, by: User, plan: ActionPlan, **fields) -> Activity:
    """An activity under one of the plan's prioritised goals (optionally a local goal), with
    owner, timetable and the indicator it is measured by."""
    check_editor(by, plan.agreement)
    check_draft(plan)
    unknown = set(fields) - ACTIVITY_FIELDS
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    _raise(activity_errors(plan, fields))
    return Activity.objects.create(
        plan=plan, position=plan.activities.count(), **_activity_values(fields)
    )


def activity_update(*, activity: Activity, by: User, **fields) -> Activity:
    plan = activity.plan
    check_editor(by, plan.agreement)
    check_draft(plan)
    unknown = set(fields) - ACTIVITY_FIELDS
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    data = {key: getattr(activity, key) for key in ACTIVITY_FIELDS} | fields
    _raise(activity_errors(plan, data))
    for key, value in _activity_values(data).items():
        setattr(activity, key, value)
    activity.save()
    return activity


# --- Decision and versions --------------------------------------------------------------------


def plan_decide(*, plan: ActionPlan, by: User, decision: Decision) -> ActionPlan:
    """The styrgrupp decides the plan by ``decision``: every prioritised goal has a rationale;
    who decided, when and the decision's text come from the meeting. Afterwards the plan is
    immutable. The one way an action plan becomes beslutad:
    `meetings.services.decision_record` calls this."""
    if not agreement_list_for_user(by).filter(pk=plan.agreement_id).exists():
        raise PermissionDenied(_("Din organisation är inte part i överenskommelsen."))
    check_adopting_decision(
        decision, adopts=Decision.Adopts.ACTION_PLAN, agreement=plan.agreement, by=by
    )
    check_draft(plan)
    errors: dict[str, list[str]] = {}
    goals = list(plan.prioritised_goals.select_related("goal"))
    if not goals:
        errors["prioritised_goals"] = [_("Planen prioriterar inget av strategins mål ännu.")]
    missing = [str(g.goal.number) for g in goals if not _strip(g.rationale)]
    if missing:
        errors["rationale"] = [
            _(
                "Varje prioriterat mål behöver en motivering innan planen beslutas; "
                "motivering saknas för mål %(numbers)s."
            )
            % {"numbers": ", ".join(missing)}
        ]
    meeting = decision.meeting
    if meeting.held_on > timezone.localdate():
        errors["decided_on"] = [_("Beslutsdatumet ligger i framtiden.")]
    _raise(errors)
    plan.status = ActionPlan.Status.DECIDED
    plan.decided_by = meeting.group.name
    plan.decided_on = meeting.held_on
    plan.decision = f"§ {decision.number} {_strip(decision.text)}"
    plan.meeting_decision = decision
    plan.save()
    return plan


@transaction.atomic
def new_version(plan: ActionPlan, year: int, *, by: User) -> ActionPlan:
    """Next year's draft: a copy of the decided plan (its goals, rationale, evidence, local
    goals and activities, not its follow-up) pointing back to it. The old plan stays as it
    was decided."""
    check_editor(by, plan.agreement)
    errors: dict[str, list[str]] = {}
    if plan.status != ActionPlan.Status.DECIDED:
        errors["year"] = [_("Bara en beslutad handlingsplan kan få en ny version.")]
    elif ActionPlan.objects.filter(previous=plan).exists():
        errors["year"] = [_("Handlingsplanen har redan en nyare version.")]
    if not isinstance(year, int) or year <= plan.year:
        errors.setdefault("year", []).append(
            _("Den nya versionen ska gälla ett senare år än %(year)s.") % {"year": plan.year}
        )
    elif ActionPlan.objects.filter(agreement=plan.agreement, year=year).exists():
        errors.setdefault("year", []).append(
            _("Överenskommelsen har redan en ANDT(S)-handlingsplan för %(year)s.") % {"year": year}
        )
    _raise(errors)
    shift = year - plan.year
    title = plan.title.replace(str(plan.year), str(year))
    if title == plan.title:
        title = f"{plan.title} ({year})"

    def moved(day):
        if day is None:
            return None
        try:
            return day.replace(year=day.year + shift)
        except ValueError:  # 29 February
            return day.replace(year=day.year + shift, day=28)

    copy = ActionPlan.objects.create(
        agreement=plan.agreement,
        strategy=plan.strategy,
        year=year,
        title=title,
        period_start=moved(plan.period_start),
        period_end=moved(plan.period_end),
        follow_up_period=plan.follow_up_period,
        problem_description=plan.problem_description,
        baseline=plan.baseline,
        previous=plan,
    )
    local_goals: dict[int, LocalGoal] = {}
    for old in plan.prioritised_goals.prefetch_related(
        "indicators", "incident_categories", "local_goals"
    ):
        new = PrioritisedGoal.objects.create(
            plan=copy,
            goal_id=old.goal_id,
            position=old.position,
            rationale=old.rationale,
            snapshot_id=old.snapshot_id,
            figure=old.figure,
            figure_source=old.figure_source,
            figure_period=old.figure_period,
        )
        new.indicators.set(old.indicators.all())
        new.incident_categories.set(old.incident_categories.all())
        for local in old.local_goals.all():
            local_goals[local.pk] = LocalGoal.objects.create(
                prioritised_goal=new, text=local.text, position=local.position
            )
    for activity in plan.activities.all():
        Activity.objects.create(
            plan=copy,
            goal_id=activity.goal_id,
            local_goal=local_goals.get(activity.local_goal_id),
            title=activity.title,
            description=activity.description,
            kind=activity.kind,
            intervention_id=activity.intervention_id,
            collaboration_id=activity.collaboration_id,
            owner_organisation_id=activity.owner_organisation_id,
            owner_role=activity.owner_role,
            start=moved(activity.start),
            end=moved(activity.end),
            schedule_text=activity.schedule_text,
            indicator_id=activity.indicator_id,
            position=activity.position,
        )
    return copy


def history(plan: ActionPlan) -> list[ActionPlan]:
    """The plan's earlier versions, newest first."""
    versions, seen = [], {plan.pk}
    current = plan.previous
    while current is not None and current.pk not in seen:
        versions.append(current)
        seen.add(current.pk)
        current = current.previous
    return versions


# --- Follow-up --------------------------------------------------------------------------------

PERIOD_KEY = re.compile(r"^\s*(\d{4})(?:\s*[- ]\s*([KTH])\s*([1-4]))?\s*$", re.I)
LETTER_KIND = {letter: kind for kind, letter in LABEL_LETTER.items()}


def parse_period(key: str, kind: str) -> tuple[dt.date, dt.date]:
    """ "2026-T1", "2026 T1" (or "2026" for a yearly follow-up) → the period's first and last
    day, in the plan's follow-up rhythm `kind`."""
    match = PERIOD_KEY.match(key or "")
    expected = f"ÅÅÅÅ-{LABEL_LETTER[kind]}1" if kind in LABEL_LETTER else "ÅÅÅÅ"
    if not match:
        raise ValidationError(
            {
                "period": _("Ange perioden som %(expected)s, till exempel 2026-T1.")
                % {"expected": expected}
            }
        )
    year, letter, index = match.groups()
    if (letter is None) != (kind == "ar") or (
        letter is not None and LETTER_KIND.get(letter.upper()) != kind
    ):
        raise ValidationError(
            {
                "period": _("Planen följs upp per %(kind)s: ange perioden som %(expected)s.")
                % {"kind": dict(FOLLOW_UP_KINDS).get(kind, kind), "expected": expected}
            }
        )
    index = int(index or 1)
    if index > 12 // MONTHS_PER_PERIOD[kind]:
        raise ValidationError(
            {"period": _("Det finns ingen period %(key)s.") % {"key": key.strip()}}
        )
    month = (index - 1) * MONTHS_PER_PERIOD[kind] + 1
    return period_bounds(kind, dt.date(int(year), month, 1))


FOLLOW_UP_KINDS = (
    ("kvartal", "kvartal"),
    ("tertial", "tertial"),
    ("halvar", "halvår"),
    ("ar", "år"),
)


def follow_up_add(
    *, by: User, activity: Activity, period: str, status: str, comment: str = ""
) -> ActivityFollowUp:
    """The status of an activity for one period of the plan's rhythm (once per period); only
    a decided plan is followed up."""
    plan = activity.plan
    check_editor(by, plan.agreement)
    if plan.status != ActionPlan.Status.DECIDED:
        raise ValidationError(_("Bara en beslutad handlingsplan följs upp."))
    errors: dict[str, list[str]] = {}
    start = end = None
    try:
        start, end = parse_period(period, plan.follow_up_period)
    except ValidationError as error:
        errors.update(error.message_dict)
    if start and (end < plan.period_start or start > plan.period_end):
        errors["period"] = [
            _("Perioden ligger utanför planens period %(start)s – %(end)s.")
            % {"start": plan.period_start.isoformat(), "end": plan.period_end.isoformat()}
        ]
    elif (
        start
        and activity.follow_ups.filter(
            period_start=start, period_kind=plan.follow_up_period
        ).exists()
    ):
        errors["period"] = [_("Perioden är redan uppföljd för aktiviteten.")]
    if status not in FollowUpStatus.values:
        errors["status"] = [
            _("Okänd status %(value)s: välj en av %(choices)s.")
            % {"value": status, "choices": ", ".join(FollowUpStatus.values)}
        ]
    _privacy(errors, comment=comment)
    _raise(errors)
    return ActivityFollowUp.objects.create(
        activity=activity,
        period_kind=plan.follow_up_period,
        period_start=start,
        period_end=end,
        status=status,
        comment=_strip(comment),
        author=by,
    )
