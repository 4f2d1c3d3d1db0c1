"""Verksamhetsplan: the plan as the operational plan lays it out. Cover with the decision
(who, when), purpose, background, then every section with its description and problem
picture, its goals and sub-goals with their timetable, and its commitments with
responsibility and timetable. A plan without a decision is made as a draft, and the
document says so on the cover and on its first page."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.models import User
from samverkan.plans.models import Agreement, Plan
from samverkan.plans.selectors import plan_overview
from samverkan.reports.content import BulletList, Content, Heading, Note, Paragraph, Table
from samverkan.reports.kinds import Parameters
from samverkan.reports.kinds.common import (
    decision_cover,
    label,
    made_on,
    one_line,
    paragraphs,
    period_text,
    plan_for,
    responsibility,
    schedule,
)


def build(user: User, agreement: Agreement, params: Parameters) -> Content:
    plan = plan_for(user, agreement, params)
    overview = plan_overview(plan, today=timezone.localdate())
    content = Content(
        title=plan.title,
        subtitle=_("Verksamhetsplan") if plan.decision_id else _("Verksamhetsplan – utkast"),
        classification=plan.classification,
        cover=[
            (_("Överenskommelse"), agreement.title),
            (_("Period"), period_text(plan.period_start, plan.period_end)),
            (_("Status"), str(Plan.Status(plan.status).label)),
            *decision_cover(plan),
            (_("Klassning"), label(plan.classification)),
            made_on(),
        ],
        toc=True,
    )
    if plan.decision_id is None:
        content.add(
            Note(
                _(
                    "Utkast: planen är inte fastställd av styrgruppen. Texten kan ändras innan "
                    "beslut, och dokumentet är inget beslutat underlag."
                )
            )
        )
    content.add(Heading(_("Syfte")), *paragraphs(plan.purpose))
    content.add(Heading(_("Bakgrund")))
    parties = ", ".join(str(p) for p in agreement.parties.order_by("name"))
    content.add(
        Paragraph(
            _("%(plan)s hör till %(agreement)s, som gäller %(period)s.")
            % {
                "plan": plan.title,
                "agreement": agreement.title,
                "period": period_text(agreement.start, agreement.end),
            }
        ),
        Paragraph(parties, label=_("Parter:")),
    )
    if agreement.overall_goal:
        content.add(Paragraph(one_line(agreement.overall_goal), label=_("Överenskommelsens mål:")))
    if plan.overall_goal:
        content.add(Heading(_("Övergripande mål"), 2), *paragraphs(plan.overall_goal))

    for view in overview.sections:
        section = view.section
        level = 2 if section.parent_id else 1
        content.add(Heading(f"{section.number}. {section.title}", level))
        content.add(*paragraphs(section.description))
        if section.problem_description:
            content.add(
                Heading(_("Problembild"), level + 1, outlined=False),
                *paragraphs(section.problem_description),
            )
        if view.goals:
            content.add(Heading(_("Mål och delmål"), level + 1, outlined=False))
            for row in view.goals:
                goal = row.obj
                lead = (
                    _("Delmål %(number)s:") % {"number": goal.number}
                    if goal.parent_id
                    else _("Mål:")
                )
                content.add(Paragraph(one_line(goal.text), label=lead))
                if goal.due_date or goal.continuous or goal.schedule_text:
                    content.add(BulletList([_("Tidplan: %(when)s") % {"when": schedule(goal)}]))
        if view.commitments:
            content.add(
                Heading(_("Åtaganden"), level + 1, outlined=False),
                Table(
                    header=[_("Åtagande"), _("Ansvar"), _("Tidplan")],
                    rows=[
                        [one_line(row.obj.text), responsibility(row), schedule(row.obj)]
                        for row in view.commitments
                    ],
                    caption=_("Åtaganden i avsnitt %(number)s") % {"number": section.number},
                    widths=[4, 3, 2],
                ),
            )
        if not (view.goals or view.commitments or section.description):
            content.add(Note(_("Avsnittet har ännu inga mål eller åtaganden.")))
    return content
