"""Every write of the meeting workflow: planning a group's meeting, its agenda and minutes,
and recording its decisions.

`decision_record` is the one way anything becomes fastställd or beslutad: a plan version, a
document, an intervention or an ANDT(S) action plan. It numbers the decision in the meeting,
names what it adopts (`Decision.adopts`, at most one thing) and, in the same transaction,
hands it to the function of the app that owns the thing (`plans.services.plan_decide`,
`reports.services.document_decide`, `prevention.services.intervention_decide`,
`andts.services.plan_decide`), which checks its own rules; if any check fails nothing is
saved. Who decided is the meeting's group, when is the meeting's date; who wrote it into the
minutes is kept as well.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.andts import services as andts_services
from samverkan.andts.models import ActionPlan
from samverkan.core.models import User
from samverkan.organisations.access import require_edit_group
from samverkan.organisations.models import Decision, Group, Meeting
from samverkan.plans import services as plan_services
from samverkan.plans.models import Plan
from samverkan.prevention import services as prevention_services
from samverkan.prevention.models import Intervention
from samverkan.reports import services as report_services
from samverkan.reports.models import Document

MEETING_KINDS = {Group.Kind.STEERING, Group.Kind.PREPARATION}
MEETING_FIELDS = {"held_on", "title", "agenda", "minutes"}


def _adopt_plan(target, by, decision):
    return plan_services.plan_decide(plan=target, by=by, decision=decision)


def _adopt_document(target, by, decision):
    return report_services.document_decide(document=target, by=by, decision=decision)


def _adopt_intervention(target, by, decision):
    return prevention_services.intervention_decide(intervention=target, by=by, decision=decision)


def _adopt_action_plan(target, by, decision):
    return andts_services.plan_decide(plan=target, by=by, decision=decision)


# What a decision can adopt: the model, its Decision.adopts value and the owning app's function.
ADOPTERS = {
    Plan: (Decision.Adopts.PLAN, _adopt_plan),
    Document: (Decision.Adopts.DOCUMENT, _adopt_document),
    Intervention: (Decision.Adopts.INTERVENTION, _adopt_intervention),
    ActionPlan: (Decision.Adopts.ACTION_PLAN, _adopt_action_plan),
}


def _strip(text) -> str:
    return (text or "").strip()


def _check_meeting(group: Group, held_on, title: str) -> None:
    errors: dict[str, list[str]] = {}
    if group.kind not in MEETING_KINDS:
        errors["group"] = [
            _("Möten med dagordning och protokoll hålls av styrgruppen och beredningsgruppen.")
        ]
    if not isinstance(held_on, dt.date):
        errors["held_on"] = [_("Ange mötets datum.")]
    if not _strip(title):
        errors["title"] = [_("Ge mötet en rubrik.")]
    if errors:
        raise ValidationError(errors)


def meeting_create(
    *, by: User, group: Group, held_on: dt.date, title: str, agenda: str = "", minutes: str = ""
) -> Meeting:
    """A meeting of a styrgrupp or beredningsgrupp, with its (proposed, editable) agenda."""
    require_edit_group(by, group)
    _check_meeting(group, held_on, title)
    return Meeting.objects.create(
        group=group,
        held_on=held_on,
        title=_strip(title),
        agenda=(agenda or "").strip(),
        minutes=(minutes or "").strip(),
    )


def meeting_update(*, by: User, meeting: Meeting, **fields) -> Meeting:
    """Change the date, title, agenda or minutes. A meeting whose decisions adopted something
    keeps its date: the date is when those things were decided."""
    unknown = set(fields) - MEETING_FIELDS
    if unknown:
        raise TypeError(f"meeting_update() got unknown fields {sorted(unknown)}")
    require_edit_group(by, meeting.group)
    held_on = fields.get("held_on", meeting.held_on)
    _check_meeting(meeting.group, held_on, fields.get("title", meeting.title))
    if held_on != meeting.held_on and meeting.decisions.exclude(adopts="").exists():
        raise ValidationError(
            {"held_on": [_("Mötet har beslut som fastställt något; dess datum ändras inte.")]}
        )
    for name, value in fields.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    meeting.save()
    return meeting


def default_decision_text(group: Group, target) -> str:
    if target is None:
        return ""
    kind = str(Decision.Adopts(ADOPTERS[type(target)][0]).label).lower()
    return _("%(group)s fastställer %(kind)s ”%(title)s”.") % {
        "group": group.name,
        "kind": kind,
        "title": str(target),
    }


def decision_record(
    *, by: User, meeting: Meeting, text: str = "", target=None, today: dt.date | None = None
) -> Decision:
    """Record a decision in the meeting's minutes, numbered after the last one; ``target`` is
    the one thing it adopts (a Plan, Document, Intervention or ActionPlan) or None for a
    decision that adopts nothing. Raises PermissionDenied or ValidationError (Swedish);
    nothing is saved then."""
    require_edit_group(by, meeting.group)
    today = today or timezone.localdate()
    if meeting.held_on > today:
        raise ValidationError(
            {"held_on": [_("Beslut protokollförs när mötet har hållits, inte före.")]}
        )
    if target is not None and type(target) not in ADOPTERS:
        raise ValidationError(
            {
                "target": [
                    _(
                        "Ett beslut fastställer en plan, ett dokument, en insats eller en handlingsplan."
                    )
                ]
            }
        )
    text = _strip(text) or default_decision_text(meeting.group, target)
    if not text:
        raise ValidationError({"text": [_("Skriv beslutet.")]})
    adopts, adopt = (
        ADOPTERS[type(target)] if target is not None else (Decision.Adopts.NOTHING, None)
    )
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        number = (meeting.decisions.aggregate(last=Max("number"))["last"] or 0) + 1
        decision = Decision.objects.create(
            meeting=meeting,
            number=number,
            text=text,
            adopts=adopts,
            recorded_by=by,
            recorded_at=timezone.now(),
        )
        if adopt is not None:
            adopt(target, by, decision)
    return decision
