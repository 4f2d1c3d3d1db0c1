"""Reads for the meeting pages: what is due before a group's meeting (the proposed agenda)
and what a decision at it may adopt, each as the user may see it (every read goes through
the apps' `*_for_user` chokepoints).

What is due:
- follow-ups to report: goals and commitments of the agreement's fastställda plans that are
  due within SAMVERKAN_DUE_SOON_DAYS (`plans.selectors.plan_overview`, the rule the reminders
  use);
- overdue commitments: those whose effective status is försenad;
- documents to decide: finished documents of the agreement not yet beslutade;
- plan drafts, planned interventions whose cause analysis is granskad or beslutad, and ANDT(S)
  action plan drafts: all awaiting a decision;
- problems and priorities to settle: problems taken up since the group last met.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from samverkan.andts.access import action_plan_list_for_user
from samverkan.andts.models import ActionPlan
from samverkan.core.models import User
from samverkan.organisations.models import Group, Meeting
from samverkan.plans.access import plan_list_for_user
from samverkan.plans.models import FollowUpStatus, Plan
from samverkan.plans.selectors import plan_overview
from samverkan.prevention.access import intervention_list_for_user, problem_list_for_user
from samverkan.prevention.models import CauseAnalysis, Intervention
from samverkan.reports.access import document_list_for_user
from samverkan.reports.models import Document

TERTIAL = dt.timedelta(days=122)


@dataclass
class Candidate:
    """A thing a decision may adopt, as the decision form offers it."""

    key: str  # "verksamhetsplan:12"
    label: str
    obj: object


@dataclass
class Due:
    decide: list[Candidate] = field(default_factory=list)
    follow_ups: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _short(text: str, length: int = 120) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def adoptable(user: User, agreement) -> list[Candidate]:
    """Everything of the agreement the user sees that awaits a decision."""
    found: list[Candidate] = []
    for plan in plan_list_for_user(user).filter(agreement=agreement, status=Plan.Status.DRAFT):
        found.append(
            Candidate(f"verksamhetsplan:{plan.pk}", _("Verksamhetsplan: %(t)s") % {"t": plan}, plan)
        )
    documents = document_list_for_user(user).filter(
        agreement=agreement, status=Document.Status.DONE, decided=False
    )
    for document in documents.order_by("-created_at")[:30]:
        label = _("Dokument: %(t)s (%(f)s, %(d)s)") % {
            "t": document,
            "f": document.format.upper(),
            "d": document.created_at.date().isoformat(),
        }
        found.append(Candidate(f"dokument:{document.pk}", label, document))
    interventions = intervention_list_for_user(user).filter(
        problem__agreement=agreement,
        status=Intervention.Status.PLANNED,
        problem__cause_analysis__status__in=CauseAnalysis.REVIEWED_OR_DECIDED,
    )
    for intervention in interventions.select_related("problem"):
        found.append(
            Candidate(
                f"insats:{intervention.pk}",
                _("Insats: %(t)s") % {"t": intervention},
                intervention,
            )
        )
    action_plans = action_plan_list_for_user(user).filter(
        agreement=agreement, status=ActionPlan.Status.DRAFT
    )
    for action_plan in action_plans:
        found.append(
            Candidate(
                f"handlingsplan:{action_plan.pk}",
                _("ANDT(S)-handlingsplan: %(t)s") % {"t": action_plan},
                action_plan,
            )
        )
    return found


def find_candidate(user: User, agreement, key: str):
    """The thing named by ``key`` ("insats:7") if it awaits a decision and the user sees it."""
    for candidate in adoptable(user, agreement):
        if candidate.key == key:
            return candidate.obj
    return None


def due_before(user: User, group: Group, *, held_on: dt.date, today: dt.date) -> Due:
    agreement = group.agreement
    previous = (
        Meeting.objects.filter(group=group, held_on__lt=held_on)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    since = previous or held_on - TERTIAL
    due = Due(decide=adoptable(user, agreement))
    plans = plan_list_for_user(user).filter(agreement=agreement, status=Plan.Status.DECIDED)
    for plan in plans:
        for view in plan_overview(plan, today=today).sections:
            for row in [*view.goals, *view.commitments]:
                if row.status == FollowUpStatus.DELAYED:
                    due.overdue.append(_short(row.obj.text))
                elif row.due_soon:
                    due.follow_ups.append(_short(row.obj.text))
    problems = problem_list_for_user(user).filter(agreement=agreement, created_at__date__gte=since)
    due.problems = [_short(p.title) for p in problems.order_by("created_at")]
    return due


def proposed_agenda(user: User, group: Group, *, held_on: dt.date, today: dt.date) -> str:
    """The agenda built from what is due, one point per line ("-" lines are sub-points);
    the person planning the meeting edits it before saving."""
    due = due_before(user, group, held_on=held_on, today=today)
    lines = [_("Mötets öppnande"), _("Val av justerare"), _("Godkännande av dagordningen")]

    def section(title: str, items: list[str]) -> None:
        if items:
            lines.append(title)
            lines.extend(f"- {item}" for item in items)

    section(_("Beslut att fatta"), [c.label for c in due.decide])
    section(_("Uppföljning att rapportera"), due.follow_ups)
    section(_("Försenade åtaganden"), due.overdue)
    section(_("Problem och prioriteringar"), due.problems)
    lines += [_("Övriga frågor"), _("Mötets avslutande")]
    return "\n".join(lines)
