"""What the kinds share: the plan a document is about, its decision, the wording of a
schedule and of a responsibility, paragraphs from stored text."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.models import Classification, User
from samverkan.plans.access import plan_list_for_user
from samverkan.plans.models import Agreement, Plan
from samverkan.plans.selectors import current_plan
from samverkan.reports.content import Paragraph
from samverkan.reports.kinds import Parameters

RANK = {Classification.OPEN: 0, Classification.INTERNAL: 1, Classification.RESTRICTED: 2}


def highest(*classifications: str) -> str:
    """The strictest of some classifications (öppen < intern < begränsad)."""
    return max(classifications, key=lambda c: RANK[Classification(c)])


def label(classification: str) -> str:
    return str(Classification(classification).label)


def plan_for(user: User, agreement: Agreement, params: Parameters) -> Plan:
    """The plan asked for (it must belong to the agreement and be visible), else the
    agreement's current plan."""
    plans = plan_list_for_user(user).filter(agreement=agreement)
    if params.plan is not None:
        plan = plans.select_related("agreement").filter(pk=params.plan).first()
        if plan is None:
            raise ValidationError(
                {
                    "plan": [
                        _("Överenskommelsen har ingen plan med id %(id)s som du kan se.")
                        % {"id": params.plan}
                    ]
                }
            )
        return plan
    plan = current_plan(agreement)
    if plan is None or not plans.filter(pk=plan.pk).exists():
        raise ValidationError(
            {"plan": [_("Överenskommelsen har ingen verksamhetsplan att göra dokument av.")]}
        )
    return plan


def decision_cover(plan: Plan) -> list[tuple[str, str]]:
    """Who decided the plan and when, for the cover; a draft says that it is one."""
    decision = plan.decision
    if decision is None:
        return [(_("Beslut"), _("Inte fastställd: utkast, inget beslut ännu"))]
    meeting = decision.meeting
    return [
        (_("Beslutad av"), meeting.group.name),
        (_("Beslutsdatum"), meeting.held_on.isoformat()),
        (_("Beslut"), f"§ {decision.number} {decision.text}"),
    ]


def paragraphs(text: str) -> list[Paragraph]:
    """Stored text → one paragraph per blank-line-separated block."""
    blocks = [" ".join(part.split()) for part in (text or "").split("\n\n")]
    return [Paragraph(block) for block in blocks if block]


def schedule(obj) -> str:
    """Tidplan in words: "Senast 2020-10-31 (”Genomfört senast oktober 2020.”)"."""
    if obj.continuous:
        text = _("Löpande")
    elif obj.due_date:
        text = _("Senast %(date)s") % {"date": obj.due_date.isoformat()}
    else:
        text = ""
    wording = " ".join((obj.schedule_text or "").split())
    if wording:
        text = f"{text} (”{wording}”)" if text else wording
    return text or _("Ingen tidplan angiven")


def responsibility(row) -> str:
    """Ansvar: the plan's wording (else the responsible organisations and groups), then the
    appointed persons."""
    wording = " ".join((row.obj.responsibility_text or "").split())
    names = [str(o) for o in row.organisations] + [str(g) for g in row.groups]
    parts = [wording] if wording else ([", ".join(names)] if names else [])
    if row.persons:
        parts.append(_("Utsedda: %(names)s") % {"names": ", ".join(str(p) for p in row.persons)})
    return " · ".join(parts) or _("Inget ansvar angivet")


def made_on() -> tuple[str, str]:
    return (_("Skapat"), timezone.localtime().strftime("%Y-%m-%d %H:%M"))


def period_text(start: dt.date, end: dt.date) -> str:
    return f"{start.isoformat()} – {end.isoformat()}"


def one_line(text: str) -> str:
    return " ".join((text or "").split())
